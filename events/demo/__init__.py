"""Demo events for `make run`: information days, workshops, dialogues, a conference and an
open day of the demo institutions, from data/events.toml, dated relative to today so that the
calendar always has a month ahead, one past event for the archive and one cancelled event.

Keyed on (institution, title) and written only when something differs, so a second run on the
same day changes nothing. Called by `manage.py load_demo` after the demo offers.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from common.demo import demo_data_read, demo_upsert
from events.models import (
    Event,
    EventApproval,
    EventKind,
    EventRegistration,
    EventRegistrationMode,
    EventStatus,
)
from network.models import District, Institution
from network.services import institution_mark_published
from offerings.models import TargetGroup


@dataclass
class DemoEvent:
    """One [[event]] of data/events.toml; the keys are these fields."""

    # slug of the organising institution
    institution: str
    kind: EventKind
    title: str
    summary: str
    description: str
    # from today; negative for a past event
    days: int
    start: datetime.time
    hours: float
    # the place; all empty for an online event
    venue_name: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    district: str = ""
    online_url: str = ""
    # in euros, as text (a Decimal)
    price: str = "0"
    price_notes: str = ""
    registration_mode: EventRegistrationMode = EventRegistrationMode.NONE
    registration_url: str = ""
    seats: int | None = None
    # target-group slugs
    target_groups: list[str] = field(default_factory=list)
    audience_notes: str = ""
    wheelchair_accessible: bool = True
    accessibility_notes: str = ""
    status: EventStatus = EventStatus.PUBLISHED
    # A new institution's first event that waits for the network office (a draft)
    awaiting_approval: bool = False
    # how many demo registrations it gets
    registrations: int = 0

    def __post_init__(self) -> None:
        # A misspelt choice fails here instead of landing in the database.
        self.kind = EventKind(self.kind)
        self.registration_mode = EventRegistrationMode(self.registration_mode)
        self.status = EventStatus(self.status)
        if self.district:
            self.district = District(self.district)


def demo_events() -> list[DemoEvent]:
    """The demo events in the order of data/events.toml."""
    return [DemoEvent(**row) for row in demo_data_read(__package__, "events.toml")["event"]]


def _aware(today: datetime.date, days: int, start: datetime.time) -> datetime.datetime:
    day = today + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, start))


def demo_events_load(*, today: datetime.date | None = None) -> int:
    """Create or refresh the demo events (and a few demo registrations); returns how many."""
    today = today or timezone.localdate()
    events = demo_events()
    institutions = Institution.objects.in_bulk([e.institution for e in events], field_name="slug")
    groups = TargetGroup.objects.in_bulk(field_name="slug")
    count = 0
    for spec in events:
        institution = institutions.get(spec.institution)
        if institution is None:
            continue
        starts = _aware(today, spec.days, spec.start)
        event = demo_upsert(
            Event,
            lookup={"institution": institution, "title": spec.title},
            values={
                "kind": spec.kind,
                "summary": spec.summary,
                "description": spec.description,
                "audience_notes": spec.audience_notes,
                "starts_at": starts,
                "ends_at": starts + datetime.timedelta(hours=spec.hours),
                "venue_name": spec.venue_name,
                "street": spec.street,
                "postcode": spec.postcode,
                "city": spec.city,
                "district": spec.district,
                "online_url": spec.online_url,
                "wheelchair_accessible": spec.wheelchair_accessible,
                "accessibility_notes": spec.accessibility_notes,
                "price": Decimal(spec.price),
                "price_notes": spec.price_notes,
                "registration_mode": spec.registration_mode,
                "registration_url": spec.registration_url,
                "seats": spec.seats,
                "contact_email": institution.email,
                "status": spec.status,
            },
        )
        if spec.awaiting_approval:
            EventApproval.objects.get_or_create(event=event)
        else:
            if event.published_at is None:
                event.published_at = timezone.now()
                Event.objects.filter(pk=event.pk).update(published_at=event.published_at)
            institution_mark_published(institution=institution, when=event.published_at)
        wanted = {groups[s].pk for s in spec.target_groups if s in groups}
        if set(event.target_groups.values_list("pk", flat=True)) != wanted:
            event.target_groups.set(wanted)
        for number in range(1, spec.registrations + 1):
            EventRegistration.objects.get_or_create(
                event=event,
                email=f"teilnahme{number}.{event.pk}@example.org",
                defaults={"name": f"Demo-Teilnehmer {number}", "status": "confirmed"},
            )
        count += 1
    return count
