"""The demo events of `make run`: a month ahead in the calendar, the archive and a
cancelled event, from the demo institutions; a second load changes nothing."""

import pytest
from django.urls import reverse
from django.utils import timezone

from events.demo import demo_events_load
from events.models import Event, EventRegistration

pytestmark = pytest.mark.django_db


def test_demo_events_fill_the_calendar(demo_loaded, client):
    assert Event.objects.upcoming().public().count() >= 6
    assert Event.objects.past().public().exists()
    assert Event.objects.filter(status="cancelled").exists()
    assert set(Event.objects.values_list("kind", flat=True)) == {
        "info_day",
        "workshop",
        "municipal_dialogue",
        "citizen_dialogue",
        "conference",
        "open_day",
    }
    full = Event.objects.get(title="Workshop: Digitale Bewerbung")
    assert full.registrations.filter(status="confirmed").count() == full.seats
    listing = client.get(reverse("events:event_list"))
    assert "Infotag Weiterbildung und Förderung" in listing.content.decode()
    detail = client.get(full.get_absolute_url()).content.decode()
    assert "Alle Plätze sind vergeben." in detail
    assert "Noch 0" not in detail
    assert "Auf die Warteliste" in detail


def test_a_second_load_changes_nothing(demo_loaded):
    before = sorted(Event.objects.values_list("pk", "updated_at"))
    registrations = EventRegistration.objects.count()
    demo_events_load(today=timezone.localdate())
    assert sorted(Event.objects.values_list("pk", "updated_at")) == before
    assert EventRegistration.objects.count() == registrations
