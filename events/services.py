"""Writes of the events calendar: institutions announce, publish (a new institution's first
publication waits for the network office, as for offers), change and cancel events;
visitors register on the portal and cancel through the link in their mail.

Seats are counted under a row lock on the event (SELECT … FOR UPDATE, one transaction), so
two people asking for the last seat at the same moment cannot both get it: the second one
waits for the first commit and then counts again.
"""

import csv
import io
from datetime import datetime, time, timedelta

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.i18n import active_language
from events.formats import event_filename, event_ical
from events.models import (
    Event,
    EventApproval,
    EventRegistration,
    EventRegistrationMode,
    EventStatus,
    RegistrationStatus,
)
from events.selectors import events_needing_erasure
from network.selectors import institution_is_new_provider
from network.services import institution_mark_published, network_office_notify
from offerings.formats import absolute
from offerings.imports.csvfile import FORMULA_STARTS
from outbox.services import message_enqueue

# Registrations keep names and addresses this long after the event, then they are erased.
ERASE_AFTER_DAYS = 30
_TOKEN_SALT = "offerings.event_registration.cancel"
M2M_FIELDS = ("target_groups",)
# Changes that people who registered must hear of.
NOTIFY_FIELDS = {"starts_at", "ends_at", "venue_name", "street", "postcode", "city", "online_url"}


class RegistrationError(Exception):
    """A registration or cancellation that cannot be made; the message is for the visitor."""


# --- announcing -------------------------------------------------------------------------


def event_create(*, institution, user, data: dict) -> Event:
    """A new event, always as a draft: it goes public through event_publish."""
    values = {k: v for k, v in data.items() if k not in M2M_FIELDS}
    with transaction.atomic():
        event = Event.objects.create(
            institution=institution, status=EventStatus.DRAFT, created_by=user, **values
        )
        for name in M2M_FIELDS:
            if name in data:
                getattr(event, name).set(data[name])
    return event


def event_update(*, event: Event, user, data: dict, changed: list[str]) -> list[str]:
    """Save the changed fields; more seats move people up from the waiting list."""
    plain = [name for name in changed if name not in M2M_FIELDS]
    with transaction.atomic():
        if "seats" in changed:
            # Under the registrations' lock, so a seat added now is not also given away by
            # a registration at the same moment.
            Event.objects.select_for_update().filter(pk=event.pk).first()
        for name in plain:
            setattr(event, name, data[name])
        event.save(update_fields=[*plain, "updated_at"])
        for name in changed:
            if name in M2M_FIELDS:
                getattr(event, name).set(data[name])
        if "seats" in changed and event.status == EventStatus.PUBLISHED and not event.is_past:
            while _promote_waiting(event) is not None:
                pass
        if set(changed) & NOTIFY_FIELDS and event.status == EventStatus.PUBLISHED:
            _tell_registered_of_change(event)
    return changed


def _tell_registered_of_change(event: Event) -> None:
    """A new time or place reaches everybody registered, with the updated calendar entry
    (same UID, so their calendar moves the entry instead of adding one)."""
    event.refresh_from_db(fields=["updated_at"])
    version = int(event.updated_at.timestamp())
    for registration in event.registrations.filter(
        status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]
    ).exclude(email=""):
        registration.event = event
        _registration_mail(registration, "changed", version=version)


def event_publish(*, event: Event, user) -> str:
    """Publish the event, or, for a new institution's first publication, ask the network
    office for approval (network.selectors.institution_is_new_provider: the rule of
    offers). Returns "published" or "pending"."""
    with transaction.atomic():
        is_office = bool(getattr(user, "is_network_office", False))
        if is_office or not institution_is_new_provider(institution=event.institution):
            _publish(event)
            return "published"
        _approval, created = EventApproval.objects.get_or_create(
            event=event, defaults={"requested_by": user}
        )
        if created:
            _approval_request_enqueue(event=event, requested_by=user)
        return "pending"


def event_approve(*, event: Event, user) -> None:
    """The network office releases a new institution's first event."""
    with transaction.atomic():
        _publish(event)


def _publish(event: Event) -> None:
    now = timezone.now()
    Event.objects.filter(pk=event.pk).update(
        status=EventStatus.PUBLISHED,
        published_at=event.published_at or now,
        cancelled_at=None,
        updated_at=now,
    )
    institution_mark_published(institution=event.institution, when=now)
    EventApproval.objects.filter(event=event).delete()
    event.refresh_from_db(fields=["status", "published_at", "cancelled_at", "updated_at"])


def event_unpublish(*, event: Event) -> None:
    """Back to draft (e.g. to correct it); registrations are kept."""
    Event.objects.filter(pk=event.pk).update(status=EventStatus.DRAFT, updated_at=timezone.now())
    EventApproval.objects.filter(event=event).delete()
    event.refresh_from_db(fields=["status", "updated_at"])


def event_cancel(*, event: Event, user) -> int:
    """Call the event off: it stays visible, marked as cancelled, and everybody registered
    or waiting gets a mail. Returns how many were told."""
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.status == EventStatus.CANCELLED:
            return 0
        now = timezone.now()
        Event.objects.filter(pk=event.pk).update(
            status=EventStatus.CANCELLED, cancelled_at=now, updated_at=now
        )
        EventApproval.objects.filter(event=event).delete()
        event.refresh_from_db()
        told = 0
        for registration in event.registrations.exclude(status=RegistrationStatus.CANCELLED):
            if registration.email:
                _registration_mail(registration, "cancelled_event")
                told += 1
    return told


def event_delete(*, event: Event) -> None:
    event.delete()


def event_duplicate(*, event: Event, user) -> Event:
    """A draft copy (for next term's information day): same texts, place and settings, no
    registrations; the organiser then sets the new date."""
    with transaction.atomic():
        copy = Event.objects.get(pk=event.pk)
        copy.pk = None
        copy.title = f"{event.title} (Kopie)"[:200]
        copy.status = EventStatus.DRAFT
        copy.published_at = copy.cancelled_at = copy.registrations_erased_at = None
        copy.created_by = user
        copy.created_at = timezone.now()
        copy.save()
        copy.target_groups.set(event.target_groups.all())
    return copy


def event_reminders_send(*, now: datetime | None = None) -> int:
    """Beat task body (daily, morning): remind everybody with a seat of tomorrow's events,
    with the calendar file and the cancel link once more. Idempotent per registration."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + timedelta(days=1)
    start = timezone.make_aware(datetime.combine(tomorrow, time.min))
    end = start + timedelta(days=1)
    registrations = (
        EventRegistration.objects.filter(
            status=RegistrationStatus.CONFIRMED,
            event__status=EventStatus.PUBLISHED,
            event__starts_at__gte=start,
            event__starts_at__lt=end,
        )
        .exclude(email="")
        .select_related("event__institution")
    )
    sent = 0
    for registration in registrations:
        with transaction.atomic():
            # Keyed on the day, so a moved event is reminded of again for its new date.
            _registration_mail(registration, "reminder", version=int(f"{tomorrow:%Y%m%d}"))
        sent += 1
    return sent


def _approval_request_enqueue(*, event: Event, requested_by) -> None:
    network_office_notify(
        template="events/approval",
        context={
            "event": event,
            "institution": event.institution,
            "requested_by": requested_by,
            "approvals_path": reverse("events:bo_event_approvals"),
        },
        key=f"event-approval:{event.pk}",
    )


# --- registrations ----------------------------------------------------------------------


def registration_token(registration: EventRegistration) -> str:
    return signing.dumps(registration.pk, salt=_TOKEN_SALT, compress=True)


def registration_from_token(token: str) -> EventRegistration | None:
    """The registration a cancel link stands for; None for a tampered or unknown token
    and after the registration's data have been erased."""
    try:
        pk = signing.loads(token, salt=_TOKEN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return (
        EventRegistration.objects.select_related("event__institution")
        .exclude(email="")
        .filter(pk=pk)
        .first()
    )


def registration_open(event: Event, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    closes = event.registration_closes_at or event.starts_at
    return (
        event.status == EventStatus.PUBLISHED
        and event.registration_mode == EventRegistrationMode.PORTAL
        and now < closes
        and event.institution.is_active
    )


def event_register(*, event_id: int, name: str, email: str) -> EventRegistration:
    """Register for the event: a seat while there is one, else a place on the waiting list
    (or a RegistrationError when the event has none). Sends the confirmation with the
    calendar file and the cancel link."""
    email = email.strip()
    with transaction.atomic():
        # The lock: concurrent registrations for this event queue up here.
        event = Event.objects.select_for_update().select_related("institution").get(pk=event_id)
        if not registration_open(event):
            raise RegistrationError(
                _("Für diese Veranstaltung ist keine Anmeldung (mehr) möglich.")
            )
        active = event.registrations.exclude(status=RegistrationStatus.CANCELLED)
        if active.filter(email__iexact=email).exists():
            raise RegistrationError(
                _(
                    "Mit dieser E-Mail-Adresse besteht schon eine Anmeldung. "
                    "Den Link zum Abmelden finden Sie in der Bestätigung."
                )
            )
        confirmed = active.filter(status=RegistrationStatus.CONFIRMED).count()
        if confirmed < (event.seats or 0):
            status = RegistrationStatus.CONFIRMED
        elif event.waiting_list:
            status = RegistrationStatus.WAITING
        else:
            raise RegistrationError(_("Leider sind alle Plätze vergeben."))
        registration = EventRegistration.objects.create(
            event=event,
            name=name.strip(),
            email=email,
            status=status,
            mail_language=active_language(),
        )
        _registration_mail(registration, "confirmed" if status == "confirmed" else "waiting")
    return registration


def registration_cancel(*, registration_id: int) -> EventRegistration | None:
    """Cancel a registration; a freed seat goes to the first person on the waiting list,
    who is told by mail. Cancelling twice changes nothing."""
    with transaction.atomic():
        registration = EventRegistration.objects.filter(pk=registration_id).first()
        if registration is None:
            return None
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        registration.refresh_from_db()
        if registration.status == RegistrationStatus.CANCELLED:
            return registration
        freed_seat = registration.status == RegistrationStatus.CONFIRMED
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        if freed_seat and event.status == EventStatus.PUBLISHED and not event.is_past:
            _promote_waiting(event)
    return registration


def _promote_waiting(event: Event) -> EventRegistration | None:
    """Fill free seats from the waiting list in order (called under the event's lock)."""
    confirmed = event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    if confirmed >= (event.seats or 0):
        return None
    first = (
        event.registrations.filter(status=RegistrationStatus.WAITING)
        .order_by("created_at", "pk")
        .first()
    )
    if first is None:
        return None
    first.status = RegistrationStatus.CONFIRMED
    first.promoted_at = timezone.now()
    first.save(update_fields=["status", "promoted_at"])
    _registration_mail(first, "promoted")
    return first


def _registration_mail(registration: EventRegistration, kind: str, *, version: int = 0) -> None:
    """kind: confirmed, waiting, promoted, changed (with `version`), reminder,
    cancelled_event."""
    event = registration.event
    # The links lead to the pages in the language the person registered in.
    with translation.override(registration.mail_language):
        event_url = absolute(event.get_absolute_url())
        cancel_url = absolute(
            reverse("events:event_registration_cancel", args=[registration_token(registration)])
        )
    context = {
        "event": event,
        "registration": registration,
        "event_url": event_url,
        "cancel_url": cancel_url,
        "starts": timezone.localtime(event.starts_at),
        "ends": timezone.localtime(event.ends_at),
    }
    attachments = []
    confirmed = registration.status == RegistrationStatus.CONFIRMED
    with_calendar = ("confirmed", "promoted", "reminder", "cancelled_event")
    if kind in with_calendar or (kind == "changed" and confirmed):
        attachments.append(
            {
                "filename": event_filename(event),
                "mimetype": "text/calendar",
                "content": event_ical(event).decode("utf-8"),
            }
        )
    message_enqueue(
        to=registration.email,
        subject="",
        template=f"events/registration_{kind}",
        context=context,
        key=f"event-registration:{registration.pk}:{kind}" + (f":{version}" if version else ""),
        attachments=attachments,
        reply_to=event.contact_email,
        language=registration.mail_language,
    )


def event_registrations_csv(*, registrations) -> bytes:
    """UTF-8 with BOM and semicolons, as spreadsheet programs in Germany open it; cells
    that a spreadsheet would run as a formula get an apostrophe in front."""

    def cell(value: str) -> str:
        return f"'{value}" if value[:1] in FORMULA_STARTS else value

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Name"), _("E-Mail-Adresse"), _("Status"), _("angemeldet am")])
    for registration in registrations:
        writer.writerow(
            [
                cell(registration.name),
                cell(registration.email),
                registration.get_status_display(),
                timezone.localtime(registration.created_at).strftime("%d.%m.%Y %H:%M"),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --- data protection --------------------------------------------------------------------


def event_registrations_erase(*, event: Event) -> int:
    """Erase names and addresses of the event's registrations; the count stays."""
    with transaction.atomic():
        erased = event.registrations.update(name="", email="")
        Event.objects.filter(pk=event.pk).update(registrations_erased_at=timezone.now())
    return erased


def events_registrations_erase_due(*, now: datetime | None = None) -> int:
    """Beat task body: erase the registrations of every event over for 30 days."""
    total = 0
    for event in events_needing_erasure(now=now, days=ERASE_AFTER_DAYS):
        total += event_registrations_erase(event=event)
    return total
