"""The public calendar: list, month, archive, detail with JSON-LD, calendar files and
filters, including hostile parameters."""

import json
import re
from datetime import timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from offerings.models import TargetGroup
from tests.events.test_support import EventFactory, in_days
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


def test_list_shows_upcoming_published_events_soonest_first(client):
    later = EventFactory(title="Konferenz Fachkräfte", starts_at=in_days(20))
    sooner = EventFactory(title="Infotag Umschulung", starts_at=in_days(3))
    EventFactory(title="Entwurf", status="draft", published_at=None)
    EventFactory(title="Vorbei", starts_at=in_days(-5))
    body = client.get(reverse("events:event_list")).content.decode()
    assert body.index(sooner.title) < body.index(later.title)
    assert "Entwurf" not in body
    assert "Vorbei" not in body


def test_past_events_move_to_the_archive_latest_first(client):
    EventFactory(title="Kommt noch", starts_at=in_days(3))
    older = EventFactory(title="Letztes Jahr", starts_at=in_days(-300))
    newer = EventFactory(title="Letzte Woche", starts_at=in_days(-7))
    body = client.get(reverse("events:event_archive")).content.decode()
    assert body.index(newer.title) < body.index(older.title)
    assert "Kommt noch" not in body


def test_cancelled_event_stays_visible_and_marked(client):
    event = EventFactory(title="Dialog mit Kommunen", status="cancelled")
    listing = client.get(reverse("events:event_list")).content.decode()
    assert "Abgesagt: Dialog mit Kommunen" in listing
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Diese Veranstaltung ist abgesagt." in page


def test_drafts_and_events_of_inactive_institutions_are_not_found(client):
    draft = EventFactory(status="draft", published_at=None)
    hidden = EventFactory(institution=InstitutionFactory(is_active=False))
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(reverse("events:event_ical", args=[draft.pk])).status_code == 404


def _jsonld(body: str) -> dict:
    match = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', body, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def test_detail_page_carries_schema_org_event_json_ld(client):
    group = TargetGroup.objects.get(slug="beschaeftigte")
    event = EventFactory(
        title="Infotag </script><script>alert(1)</script>",
        online_url="https://meet.example.org/infotag",
        price="15.00",
    )
    event.target_groups.add(group)
    response = client.get(event.get_absolute_url())
    body = response.content.decode()
    data = _jsonld(body)
    assert data["@type"] == "Event"
    assert data["name"] == event.title  # the hostile title survives as data …
    assert "<script>alert(1)" not in body  # … and not as markup
    assert data["startDate"] == timezone.localtime(event.starts_at).isoformat()
    assert data["startDate"].endswith(("+01:00", "+02:00"))
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert data["location"][0]["address"]["addressLocality"] == "Aalen"
    assert data["location"][1] == {"@type": "VirtualLocation", "url": event.online_url}
    assert data["isAccessibleForFree"] is False
    assert data["offers"]["price"] == "15.00"
    assert data["organizer"]["name"] == event.institution.name
    assert data["audience"]["audienceType"] == "Beschäftigte"
    # A data block is not run, so the strict CSP needs no nonce for it; pages carry none, so
    # that one rendered page can serve every visitor (issue 19).
    assert '<script type="application/ld+json">' in body, body[:1500]
    assert "nonce" not in body
    assert "nonce" not in response.headers["Content-Security-Policy"]


def test_cancelled_event_is_marked_in_json_ld_and_calendar_file(client):
    event = EventFactory(status="cancelled")
    data = _jsonld(client.get(event.get_absolute_url()).content.decode())
    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    calendar = icalendar.Calendar.from_ical(
        client.get(reverse("events:event_ical", args=[event.pk])).content
    )
    assert calendar.events[0]["STATUS"] == "CANCELLED"


def test_markdown_description_is_rendered_and_script_is_not(client):
    event = EventFactory(
        description="## Programm\n\n<script>alert('x')</script>\n\n[Klick](javascript:alert(1))"
    )
    body = client.get(event.get_absolute_url()).content.decode()
    assert "<h2>Programm</h2>" in body
    assert "<script>alert('x')</script>" not in body
    assert 'href="javascript' not in body


def test_ics_per_event_parses_with_stable_uid_and_berlin_time(client):
    event = EventFactory(title="Tag der offenen Tür", starts_at=in_days(40, 14))
    url = reverse("events:event_ical", args=[event.pk])
    first = client.get(url)
    assert first["Content-Type"] == "text/calendar; charset=utf-8"
    assert first["Content-Disposition"].startswith("attachment;")
    calendar = icalendar.Calendar.from_ical(first.content)
    (vevent,) = calendar.events
    assert vevent["SUMMARY"] == "Tag der offenen Tür"
    assert vevent.start == timezone.localtime(event.starts_at)
    assert str(vevent.start.tzinfo) == "Europe/Berlin"
    assert [tz["TZID"] for tz in calendar.timezones] == ["Europe/Berlin"]
    assert vevent["URL"].endswith(event.get_absolute_url())
    second = icalendar.Calendar.from_ical(client.get(url).content)
    assert second.events[0]["UID"] == vevent["UID"] == f"event-{event.pk}@beweqo"


def test_ical_feed_follows_the_filters(client):
    free = EventFactory(title="Kostenloser Infotag", price=0, kind="info_day")
    EventFactory(title="Teure Konferenz", price=90, kind="conference")
    EventFactory(title="Lange vorbei", starts_at=in_days(-90))
    feed = client.get(reverse("events:event_feed") + "?kostenlos=on")
    calendar = icalendar.Calendar.from_ical(feed.content)
    assert [str(e["SUMMARY"]) for e in calendar.events] == [free.title]
    everything = icalendar.Calendar.from_ical(client.get(reverse("events:event_feed")).content)
    assert {str(e["SUMMARY"]) for e in everything.events} == {free.title, "Teure Konferenz"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("art=conference", {"Konferenz"}),
        ("landkreis=heidenheim", {"Konferenz"}),
        ("landkreis=online", {"Online-Workshop"}),
        ("kostenlos=on", {"Infotag", "Online-Workshop"}),
        ("zielgruppe=arbeitsuchende", {"Infotag"}),
        ("art=info_day&art=workshop", {"Infotag", "Online-Workshop"}),
    ],
)
def test_filters(client, query, expected):
    group = TargetGroup.objects.get(slug="arbeitsuchende")
    EventFactory(title="Infotag", kind="info_day").target_groups.add(group)
    EventFactory(title="Konferenz", kind="conference", district="heidenheim", price=50)
    EventFactory(
        title="Online-Workshop",
        kind="workshop",
        venue_name="",
        street="",
        postcode="",
        city="",
        district="",
        online_url="https://meet.example.org/w",
    )
    response = client.get(reverse("events:event_list") + "?" + query)
    assert response.status_code == 200
    shown = {e.title for e in response.context["page"].object_list}
    assert shown == expected


@pytest.mark.parametrize(
    "query",
    [
        "art=<script>alert(1)</script>",
        "landkreis=mars",
        "kostenlos=vielleicht&art=" + "x" * 5000,
        "zielgruppe=gibt-es-nicht",
        "seite=-1",
        "seite=99999999999999999999",
    ],
)
def test_hostile_filter_parameters_give_a_message_not_an_error(client, query):
    EventFactory(title="Konferenz", kind="conference")
    for name in ("event_list", "event_archive", "event_month", "event_feed"):
        response = client.get(reverse(f"events:{name}") + "?" + query)
        assert response.status_code in (200, 400), (name, response.status_code)
        if name != "event_feed" and "seite" not in query:
            assert response.status_code == 400
            assert "Einige Filter waren ungültig" in response.content.decode()
            assert "<script>alert(1)</script>" not in response.content.decode()


def test_month_view_is_a_table_with_events_on_their_days(client):
    start = in_days(0, 18).replace(day=15)
    event = EventFactory(title="Abendforum", starts_at=start, ends_at=start + timedelta(days=1))
    response = client.get(reverse("events:event_month") + f"?monat={start:%Y-%m}")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<table" in body
    assert 'scope="col"' in body
    month = response.context["month"]
    days_with_event = [d.day.day for w in month.weeks for d in w if event in d.events]
    assert days_with_event == [15, 16]
    previous = (start.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    assert f"monat={previous}" in body


@pytest.mark.parametrize("month", ["2026-13", "abc", "99999-01", "2026-1-1", "-1"])
def test_month_view_with_a_wrong_month_says_so(client, month):
    response = client.get(reverse("events:event_month") + f"?monat={month}")
    assert response.status_code == 400
    assert "Diesen Monat gibt es nicht" in response.content.decode()


def test_main_navigation_links_the_calendar(client):
    body = client.get("/").content.decode()
    assert f'href="{reverse("events:event_list")}"' in body
    assert ">Veranstaltungen</a>" in body


@pytest.mark.parametrize("name", ["event_list", "event_archive", "event_month", "event_feed"])
def test_query_count_does_not_grow_with_the_number_of_events(client, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(count: int) -> int:
        for _ in range(count):
            days = -3 if name == "event_archive" else 3
            EventFactory(starts_at=in_days(days)).target_groups.add(
                TargetGroup.objects.get(slug="beschaeftigte")
            )
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(f"events:{name}")).status_code == 200
        return len(captured)

    assert queries(1) == queries(3)


def test_list_shows_free_seats_and_full_events(client):
    from events.services import event_register
    from tests.events.test_support import portal_event

    open_event = portal_event(title="Mit Plätzen", seats=3)
    full = portal_event(title="Ausgebucht", seats=1, starts_at=in_days(15))
    event_register(event_id=open_event.pk, name="Anna", email="anna@beispiel.de")
    event_register(event_id=full.pk, name="Bernd", email="bernd@beispiel.de")
    body = client.get(reverse("events:event_list")).content.decode()
    assert "noch 2 Plätze frei" in body
    assert "ausgebucht, Warteliste offen" in body


def test_free_seats_stay_right_when_filtering_by_several_audiences(client):
    from events.services import event_register
    from tests.events.test_support import portal_event

    event = portal_event(title="Für zwei Gruppen", seats=5)
    event.target_groups.add(
        *TargetGroup.objects.filter(slug__in=["beschaeftigte", "arbeitsuchende"])
    )
    event_register(event_id=event.pk, name="Anna", email="anna@beispiel.de")
    response = client.get(
        reverse("events:event_list") + "?zielgruppe=beschaeftigte&zielgruppe=arbeitsuchende"
    )
    (shown,) = response.context["page"].object_list
    assert shown.seats_free == 4
    assert "noch 4 Plätze frei" in response.content.decode()
