"""Upcoming events where visitors already are: the home page and each member's page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import EventStatus
from tests.events.test_support import EventFactory, portal_event
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


def test_home_page_shows_the_next_three_events_soonest_first(client):
    now = timezone.now()
    for days in (9, 3, 6, 12):
        EventFactory(
            title=f"Infotag in {days} Tagen",
            starts_at=now + timedelta(days=days),
            ends_at=now + timedelta(days=days, hours=2),
        )
    EventFactory(title="Noch ein Entwurf", status=EventStatus.DRAFT, published_at=None)
    page = client.get("/").content.decode()
    assert "Nächste Veranstaltungen" in page
    shown = [title for title in ("in 3 Tagen", "in 6 Tagen", "in 9 Tagen") if title in page]
    assert shown == ["in 3 Tagen", "in 6 Tagen", "in 9 Tagen"]
    assert page.index("in 3 Tagen") < page.index("in 6 Tagen") < page.index("in 9 Tagen")
    assert "in 12 Tagen" not in page
    assert "Noch ein Entwurf" not in page


def test_home_page_without_events_has_no_events_section(client):
    assert "Nächste Veranstaltungen" not in client.get("/").content.decode()


def test_event_card_on_the_home_page_tells_the_free_seats(client):
    portal_event(title="Workshop mit Anmeldung", seats=12)
    assert "noch 12 Plätze frei" in client.get("/").content.decode()


def test_member_page_lists_only_its_own_upcoming_events(client):
    host = InstitutionFactory(name="Volkshochschule Aalen")
    other = InstitutionFactory(name="Bildungswerk Heidenheim")
    EventFactory(institution=host, title="Tag der offenen Tür in Aalen")
    EventFactory(institution=other, title="Konferenz in Heidenheim")
    page = client.get(host.get_absolute_url()).content.decode()
    assert "Tag der offenen Tür in Aalen" in page
    assert "Konferenz in Heidenheim" not in page
    quiet = InstitutionFactory(name="Ohne Termine")
    assert "Nächste Veranstaltungen" not in client.get(quiet.get_absolute_url()).content.decode()


def test_an_event_on_the_member_page_does_not_repeat_the_members_name(client):
    host = InstitutionFactory(name="Volkshochschule Aalen")
    EventFactory(institution=host, title="Tag der offenen Tür in Aalen")
    page = client.get(host.get_absolute_url()).content.decode()
    events = page.split('id="veranstaltungen"', 1)[1].split("</section>", 1)[0]
    assert "Tag der offenen Tür in Aalen" in events
    assert "Volkshochschule Aalen" not in events
    # Elsewhere the card names its organiser.
    assert "Volkshochschule Aalen" in client.get("/veranstaltungen/").content.decode()
