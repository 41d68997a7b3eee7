"""Writes of the workgroups app: meetings and replies, minutes with their decisions,
versions and attachments, action items, measures and milestones.

Views check access before calling these (see permissions.py); the services check what
the data must satisfy whoever calls them.
"""

import secrets
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from common.images import image_reencode
from outbox.services import message_enqueue
from workgroups.attachments import IMAGE_FORMAT_OF, attachment_check
from workgroups.models import (
    ActionItem,
    ActionStatus,
    Attachment,
    Attendance,
    Decision,
    Measure,
    Meeting,
    MeetingReply,
    Milestone,
    Minutes,
    MinutesStatus,
    MinutesVersion,
    WorkingGroup,
)
from workgroups.search import minutes_search_refresh
from workgroups.selectors import group_participants


def _check_times(*, starts_at: datetime, ends_at: datetime, is_new: bool) -> None:
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("Das Ende muss nach dem Beginn liegen.")})
    if is_new and starts_at < timezone.now():
        raise ValidationError(
            {"starts_at": _("Eine neue Sitzung kann nicht in der Vergangenheit beginnen.")}
        )


@transaction.atomic
def meeting_create(
    *,
    group: WorkingGroup,
    created_by,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    location: str = "",
    online_url: str = "",
    agenda: str = "",
) -> Meeting:
    """Schedule a meeting of `group`. It must lie in the future and say where it is."""
    _check_times(starts_at=starts_at, ends_at=ends_at, is_new=True)
    if not (location or online_url):
        raise ValidationError(
            _("Bitte geben Sie einen Ort oder einen Link zur Online-Teilnahme an.")
        )
    return Meeting.objects.create(
        group=group,
        created_by=created_by,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        online_url=online_url,
        agenda=agenda,
    )


@transaction.atomic
def meeting_update(*, meeting: Meeting, data: dict) -> Meeting:
    """Change a meeting; the invitation's sequence goes up so calendars take the change."""
    starts_at = data.get("starts_at", meeting.starts_at)
    ends_at = data.get("ends_at", meeting.ends_at)
    _check_times(starts_at=starts_at, ends_at=ends_at, is_new=False)
    for name, value in data.items():
        setattr(meeting, name, value)
    if not (meeting.location or meeting.online_url):
        raise ValidationError(
            _("Bitte geben Sie einen Ort oder einen Link zur Online-Teilnahme an.")
        )
    meeting.sequence = F("sequence") + 1
    meeting.save()
    meeting.refresh_from_db(fields=["sequence"])
    return meeting


def meeting_reply_set(*, meeting: Meeting, person, answer: str) -> MeetingReply:
    """Record whether `person` comes; a second answer replaces the first."""
    if answer not in Attendance.values:
        raise ValidationError(_("Bitte wählen Sie eine Antwort."))
    reply, _created = MeetingReply.objects.update_or_create(
        meeting=meeting, person=person, defaults={"answer": answer}
    )
    return reply


def _decision_lines(decisions: list[str]) -> list[str]:
    return [line.strip() for line in decisions if line.strip()]


def _snapshot(minutes: Minutes, *, edited_by) -> MinutesVersion:
    number = (minutes.versions.order_by("-number").values_list("number", flat=True).first()) or 0
    return MinutesVersion.objects.create(
        minutes=minutes,
        number=number + 1,
        text=minutes.text,
        decisions=[d.text for d in minutes.decisions.order_by("number")],
        edited_by=edited_by,
    )


@transaction.atomic
def minutes_save(
    *,
    meeting: Meeting,
    edited_by,
    text: str,
    decisions: list[str],
    attendees=(),
    guests: str = "",
    publish: bool = False,
    notify: bool = True,
) -> Minutes:
    """Write the minutes of `meeting` (creating them on first save).

    Drafts are overwritten freely. From the moment they are published, every save is kept
    as a version with who saved it and when, so a later edit never hides what was said.
    Publishing notifies the members once the transaction has committed (notify=False
    only for demo data, which must not mail anyone).
    """
    minutes, _created = Minutes.objects.select_for_update().get_or_create(meeting=meeting)
    was_published = minutes.is_published
    minutes.text = text
    minutes.guests = guests
    if publish and not was_published:
        minutes.status = MinutesStatus.PUBLISHED
        minutes.published_at = timezone.now()
    minutes.save()
    minutes.attendees.set(attendees)
    minutes.decisions.all().delete()
    Decision.objects.bulk_create(
        [
            Decision(minutes=minutes, number=number, text=line)
            for number, line in enumerate(_decision_lines(decisions), start=1)
        ]
    )
    minutes_search_refresh(minutes)
    if minutes.is_published:
        _snapshot(minutes, edited_by=edited_by)
    if publish and not was_published and notify:
        _minutes_published_notify(minutes)
    return minutes


def _minutes_published_notify(minutes: Minutes) -> None:
    """One mail per person in the body, stored in the outbox in this transaction and sent
    after the commit; the key makes a repeated publish send nothing twice."""
    meeting = minutes.meeting
    group = meeting.group
    recipients = {p.person.email for p in group_participants(group=group) if p.person.is_active}
    for address in sorted(recipients):
        message_enqueue(
            to=address,
            subject="",
            template="workgroups/minutes_published",
            context={"minutes": minutes, "meeting": meeting, "group": group},
            key=f"workgroups:minutes-published:{minutes.pk}:{address.lower()}",
        )


@transaction.atomic
def attachment_add(*, minutes: Minutes, upload, uploaded_by) -> Attachment:
    """Attach a file to `minutes` after checking its content (see attachments.py)."""
    checked = attachment_check(upload)
    upload.seek(0)
    image_format = IMAGE_FORMAT_OF.get(checked.kind)
    if image_format:
        # A picture is stored re-encoded: a phone photo's place and camera stay out.
        upload = ContentFile(image_reencode(upload, image_format))
    attachment = Attachment(
        minutes=minutes,
        name=checked.name,
        content_type=checked.kind.content_type,
        size=upload.size,
        uploaded_by=uploaded_by,
    )
    # Stored under a random name: the person's file name is only the download name.
    extension = checked.kind.extensions[0]
    attachment.file.save(f"{secrets.token_urlsafe(16)}{extension}", upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: Attachment) -> None:
    name = attachment.file.name
    storage = attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


def action_item_create(
    *,
    group: WorkingGroup,
    title: str,
    assignee=None,
    assignee_institution=None,
    due_date: date | None = None,
    meeting: Meeting | None = None,
) -> ActionItem:
    """Record an action item. Someone must be named: a person, an institution or both."""
    if assignee is None and assignee_institution is None:
        raise ValidationError(_("Bitte nennen Sie eine Person oder eine Einrichtung."))
    if meeting is not None and meeting.group_id != group.pk:
        raise ValidationError(_("Die Sitzung gehört zu einem anderen Gremium."))
    return ActionItem.objects.create(
        group=group,
        title=title,
        assignee=assignee,
        assignee_institution=assignee_institution,
        due_date=due_date,
        meeting=meeting,
    )


def action_item_set_status(*, item: ActionItem, status: str) -> ActionItem:
    if status not in ActionStatus.values:
        raise ValidationError(_("Diesen Status gibt es nicht."))
    item.status = status
    item.save(update_fields=["status", "updated_at"])
    return item


@transaction.atomic
def measure_save(*, group: WorkingGroup, data: dict, measure: Measure | None = None) -> Measure:
    """Create a measure of `group` or change one; `data` may carry `offers`."""
    offers = data.pop("offers", None)
    measure = measure or Measure(group=group)
    for name, value in data.items():
        setattr(measure, name, value)
    measure.full_clean()
    measure.save()
    if offers is not None:
        measure.offers.set(offers)
    return measure


def milestone_add(*, measure: Measure, title: str, due_date: date | None = None) -> Milestone:
    return Milestone.objects.create(measure=measure, title=title, due_date=due_date)


def milestone_toggle(*, milestone: Milestone) -> Milestone:
    milestone.done = not milestone.done
    milestone.save(update_fields=["done"])
    return milestone
