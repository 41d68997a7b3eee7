"""Helpers shared by the events calendar's tests (no tests of its own): an event factory
and the data of a valid event form."""

from datetime import datetime, timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from events.models import Event, EventKind, EventStatus
from network.services import institution_mark_published
from tests.factories import InstitutionFactory


def in_days(days: float, hour: int = 10) -> datetime:
    """An aware time `days` from today at `hour` o'clock, Europe/Berlin."""
    day = timezone.localdate() + timedelta(days=int(days))
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    institution = factory.SubFactory(InstitutionFactory)
    kind = EventKind.INFO_DAY
    title = factory.Sequence(lambda n: f"Infotag Weiterbildung {n}")
    summary = "Beratung zu Kursen und Förderung."
    description = "Kommen Sie vorbei.\n\n- Beratung\n- Förderung"
    starts_at = factory.LazyFunction(lambda: in_days(14, 10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=3))
    venue_name = "Rathaus"
    street = "Marktplatz 30"
    postcode = "73430"
    city = "Aalen"
    district = "ostalbkreis"
    price = Decimal("0")
    status = EventStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def first_publication(self, create, extracted, **kwargs):
        """A published event makes its institution known, as events.services does."""
        if create and self.published_at:
            institution_mark_published(institution=self.institution, when=self.published_at)


def portal_event(**kwargs) -> Event:
    return EventFactory(registration_mode="portal", seats=kwargs.pop("seats", 2), **kwargs)


def event_form_data(**extra) -> dict:
    starts = in_days(30, 9)
    return {
        "kind": "workshop",
        "title": "Workshop: Förderung für Beschäftigte",
        "summary": "Was die Agentur für Arbeit bezahlt.",
        "description": "## Ablauf\n\nVortrag und Fragen.",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "venue_name": "VHS Aalen",
        "street": "Gmünder Straße 9",
        "postcode": "73430",
        "city": "Aalen",
        "district": "ostalbkreis",
        "price": "0",
        "registration_mode": "portal",
        "seats": "20",
        "waiting_list": "on",
        **extra,
    }


def calendar_path(suffix: str = "") -> str:
    """A path under the public calendar (/veranstaltungen/)."""
    from django.urls import reverse

    return reverse("events:event_list") + suffix
