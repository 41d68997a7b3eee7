"""Meetings as iCalendar invitations (RFC 5545), one file per meeting."""

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

PRODID = "-//BeWeQO//Arbeitsgruppen//DE"


def _uid(meeting) -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "beweqo"
    return f"meeting-{meeting.pk}@{host}"


def meeting_ical(meeting, *, url: str) -> bytes:
    """The invitation: the same UID for the meeting's whole life and a SEQUENCE raised on
    every change, so a calendar that imports it again replaces the entry."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", _uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", f"{meeting.group.name}: {meeting.title}")
    where = meeting.location or meeting.online_url
    if where:
        event.add("location", where)
    description = [meeting.agenda.strip()] if meeting.agenda.strip() else []
    if meeting.online_url:
        description.append(f"Online: {meeting.online_url}")
    description.append(url)
    event.add("description", "\n\n".join(description))
    event.add("url", url)
    cal.add_component(event)
    return cal.to_ical()


def meeting_filename(meeting) -> str:
    name = slugify(f"{meeting.group.slug} {meeting.title}")[:60] or "sitzung"
    return f"{name}-{timezone.localtime(meeting.starts_at):%Y-%m-%d}.ics"
