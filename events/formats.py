"""Events in open formats: iCalendar (one event, or a feed for any calendar filter) and
schema.org Event JSON-LD for search engines. Times are written with Europe/Berlin and its
VTIMEZONE, so calendars show the local time whatever their own zone."""

import datetime
from collections.abc import Iterable
from typing import Any

import icalendar
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from common.text import fold
from events.models import Event, EventRegistrationMode
from offerings.formats import absolute

PRODID = "-//BeWeQO//Veranstaltungen//DE"


def event_uid(event: Event) -> str:
    """Stable across downloads and mails, so a calendar updates the entry instead of
    doubling it (also after a change of time or a cancellation)."""
    return f"event-{event.pk}@beweqo"


def event_address(event: Event) -> str:
    parts = [event.venue_name, event.street, f"{event.postcode} {event.city}".strip()]
    return ", ".join(part for part in parts if part)


def event_location(event: Event) -> str:
    place = event_address(event)
    if event.online_url:
        online = _("online: %(url)s") % {"url": event.online_url}
        return f"{place} / {online}" if place else online
    return place


def event_filename(event: Event) -> str:
    name = slugify(fold(event.title)) or "veranstaltung"
    return f"{name}-{timezone.localtime(event.starts_at):%Y-%m-%d}.ics"


def _vevent(event: Event) -> icalendar.Event:
    url = absolute(event.get_absolute_url())
    text = event.summary or ""
    description = f"{text}\n\n{url}".strip()
    tz = timezone.get_default_timezone()
    vevent = icalendar.Event.new(
        uid=event_uid(event),
        summary=(_("Abgesagt: %(title)s") % {"title": event.title})
        if event.is_cancelled
        else event.title,
        description=description,
        start=timezone.localtime(event.starts_at, tz),
        end=timezone.localtime(event.ends_at, tz),
        # The last change, not "now": the same data gives the same file.
        stamp=event.updated_at.astimezone(datetime.UTC),
        url=url,
        location=event_location(event) or None,
        status="CANCELLED" if event.is_cancelled else "CONFIRMED",
    )
    # A sequence that grows with each change lets calendars apply updates to the entry.
    vevent.add("SEQUENCE", int(event.updated_at.timestamp()) // 60 % 2_000_000_000)
    return vevent


def events_ical(events: Iterable[Event], *, name: str, uid: str) -> bytes:
    calendar = icalendar.Calendar.new(prodid=PRODID, name=name, uid=uid)
    for event in events:
        calendar.add_component(_vevent(event))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def event_ical(event: Event) -> bytes:
    return events_ical([event], name=event.title, uid=f"event-calendar-{event.pk}@beweqo")


# --- schema.org ---------------------------------------------------------------------------


def _place(event: Event) -> list[dict[str, Any]]:
    places: list[dict[str, Any]] = []
    if event.venue_name or event.city:
        places.append(
            {
                "@type": "Place",
                "name": event.venue_name or event.city,
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": event.street,
                    "postalCode": event.postcode,
                    "addressLocality": event.city,
                    "addressRegion": event.get_district_display() if event.district else "",
                    "addressCountry": "DE",
                },
            }
        )
    if event.online_url:
        places.append({"@type": "VirtualLocation", "url": event.online_url})
    return places


def event_jsonld(event: Event) -> dict[str, Any]:
    url = absolute(event.get_absolute_url())
    places = _place(event)
    if event.online_url and places[:-1]:
        mode = "https://schema.org/MixedEventAttendanceMode"
    elif event.online_url:
        mode = "https://schema.org/OnlineEventAttendanceMode"
    else:
        mode = "https://schema.org/OfflineEventAttendanceMode"
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.summary or event.description[:500],
        "url": url,
        "startDate": timezone.localtime(event.starts_at).isoformat(),
        "endDate": timezone.localtime(event.ends_at).isoformat(),
        "eventStatus": "https://schema.org/EventCancelled"
        if event.is_cancelled
        else "https://schema.org/EventScheduled",
        "eventAttendanceMode": mode,
        "location": places[0] if len(places) == 1 else places,
        "isAccessibleForFree": event.is_free,
        "inLanguage": "de",
        "organizer": {
            "@type": "Organization",
            "name": event.institution.name,
            "url": absolute(event.institution.get_absolute_url()),
        },
        "offers": {
            "@type": "Offer",
            "price": f"{event.price:.2f}",
            "priceCurrency": "EUR",
            "url": event.registration_url
            if event.registration_mode == EventRegistrationMode.EXTERNAL
            else url,
        },
    }
    audience = [group.name for group in event.target_groups.all()]
    if event.audience_notes:
        audience.append(event.audience_notes)
    if audience:
        data["audience"] = {"@type": "Audience", "audienceType": ", ".join(audience)}
    if event.seats and event.uses_portal_registration:
        data["maximumAttendeeCapacity"] = event.seats
    return data
