"""The steering circle's dashboard: every figure against a small hand-counted network.

The fixture is October 2026, compared with September 2026, seen on 15 November 2026.
Events at 23:30 UTC on 31 October are already 1 November in Berlin and belong to November;
one at 22:30 UTC on 31 October (23:30 in Berlin) still belongs to October.
"""

import datetime
import zoneinfo

import pytest

from counselling.models import EventKind, JointMeasure, RequestEvent
from offerings.demo import demo_search_days_load
from offerings.models import CourseAlert, SearchDay
from steering.dashboard import dashboard_build
from steering.periods import Period
from tests.conftest import requires_postgres
from tests.factories import (
    ActionItemFactory,
    CompanyNeedFactory,
    CounsellingRequestFactory,
    MeasureFactory,
    MeetingFactory,
    MinutesFactory,
    seeded_group,
)
from tests.offerings.factories import OfferFactory, figures_offers

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
UTC = datetime.UTC
OCTOBER = Period(datetime.date(2026, 10, 1), datetime.date(2026, 10, 31), "frei", 1)
NOW = datetime.datetime(2026, 11, 15, 12, 0, tzinfo=BERLIN)


@pytest.fixture(autouse=True)
def _no_leftover_search_days(db):
    """`load_demo` (run once per module elsewhere) leaves its search days in the test
    database; these tests count their own (deleted inside the test's transaction)."""
    SearchDay.objects.all().delete()


def berlin(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BERLIN)


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def d(month: int, day: int) -> datetime.date:
    return datetime.date(2026, month, day)


def section(data: dict, key: str) -> dict:
    return next(s for s in data["sections"] if s["key"] == key)


def kpis(data: dict, key: str) -> dict:
    return {k["key"]: (k["current"], k["previous"]) for k in section(data, key)["kpis"]}


def rows(data: dict, figure_key: str) -> list[list]:
    for s in data["sections"]:
        for figure in s["figures"]:
            if figure["key"] == figure_key:
                return figure["rows"]
    raise KeyError(figure_key)


@pytest.fixture
def offers(institution, other_institution):
    return figures_offers(institution, other_institution)


@pytest.fixture
def searches(db):
    SearchDay.objects.bulk_create(
        [
            SearchDay(day=d(10, 1), text="excel", searches=5, without_result=0),
            SearchDay(day=d(10, 31), text="schweißen", searches=3, without_result=3),
            SearchDay(day=d(10, 31), text="", searches=4, without_result=1),
            SearchDay(day=d(9, 30), text="excel", searches=2, without_result=0),
            SearchDay(day=d(11, 1), text="excel", searches=7, without_result=0),
        ]
    )


@pytest.fixture
def alerts(db):
    def alert(n, email, confirmed):
        return CourseAlert.objects.create(
            email=email,
            query="q=Excel",
            token=f"token-{n}",
            consent_version="1",
            created_at=berlin(2026, 9, 1),
            confirmed_at=confirmed,
        )

    alert(1, "x@beispiel.de", berlin(2026, 9, 15, 10))
    alert(2, "y@beispiel.de", utc(2026, 10, 31, 23, 30))  # November in Berlin
    alert(3, "x@beispiel.de", berlin(2026, 10, 10, 10))
    alert(4, "z@beispiel.de", None)


@pytest.fixture
def counselling(db):
    def request(created, situation, district, *, contact_after=None, closed=None, outcome=""):
        r = CounsellingRequestFactory(
            created_at=created,
            situation=situation,
            district=district,
            closed_at=closed,
            outcome=outcome,
            status="closed" if closed else "new",
        )
        if contact_after is not None:
            RequestEvent.objects.create(
                request=r, kind=EventKind.ROUTED, created_at=created
            )  # routing is no contact
            RequestEvent.objects.create(
                request=r, kind=EventKind.CLAIMED, created_at=created + contact_after
            )
        return r

    day = datetime.timedelta(days=1)
    request(
        berlin(2026, 10, 2, 10),
        "returning",
        "ostalbkreis",
        contact_after=day / 2,
        closed=berlin(2026, 10, 20, 10),
        outcome="course",
    )
    request(utc(2026, 10, 31, 22, 30), "employed", "heidenheim", contact_after=2.5 * day)
    request(utc(2026, 10, 31, 23, 30), "company", "heidenheim")  # November in Berlin
    request(
        berlin(2026, 9, 10, 10),
        "returning",
        "ostalbkreis",
        contact_after=10 * day,
        closed=berlin(2026, 9, 30, 10),
        outcome="no_contact",
    )
    request(berlin(2026, 10, 15, 10), "job_seeking", "ostalbkreis")


@pytest.fixture
def needs(db):
    joint = JointMeasure.objects.create(
        title="Schweißen für Einsteiger",
        topic=CompanyNeedFactory._meta.model._meta.get_field("topic").related_model.objects.get(
            slug="metall-elektro"
        ),
        district="ostalbkreis",
        period="2027-Q1",
        created_at=berlin(2026, 10, 7, 10),
        met_at=berlin(2026, 10, 20, 10),
        status="met",
    )
    CompanyNeedFactory(created_at=berlin(2026, 10, 5, 10), joint_measure=joint)
    CompanyNeedFactory(created_at=berlin(2026, 10, 6, 10), district="heidenheim")
    CompanyNeedFactory(
        created_at=berlin(2026, 9, 5, 10),
        topic=JointMeasure._meta.get_field("topic").related_model.objects.get(
            slug="it-digitalisierung"
        ),
        met_at=berlin(2026, 10, 1, 10),
    )


@pytest.fixture
def bodies(db):
    companies, steering = seeded_group("unternehmen"), seeded_group("steuerkreis")
    hours = datetime.timedelta(hours=2)
    m1 = MeetingFactory(group=companies, starts_at=berlin(2026, 10, 10, 10))
    m1.ends_at = m1.starts_at + hours
    m1.save()
    MinutesFactory(meeting=m1, published_at=berlin(2026, 10, 12, 10))
    m2 = MeetingFactory(group=companies, starts_at=berlin(2026, 9, 10, 10))
    MinutesFactory(meeting=m2, status="draft", published_at=None)
    MeetingFactory(group=companies, starts_at=utc(2026, 10, 31, 23, 30))  # November
    m4 = MeetingFactory(group=steering, starts_at=berlin(2026, 10, 20, 14))
    MinutesFactory(meeting=m4, published_at=berlin(2026, 11, 1, 10))
    MeetingFactory(group=companies, starts_at=berlin(2026, 11, 20, 10))  # not held yet
    ActionItemFactory(group=companies, status="open", due_date=d(11, 1))
    ActionItemFactory(group=companies, status="in_progress", due_date=d(12, 1))
    ActionItemFactory(group=companies, status="done", due_date=d(10, 1))
    MeasureFactory(group=companies, status="idea")
    MeasureFactory(group=companies, status="running")
    MeasureFactory(group=steering, status="running")


@pytest.fixture
def network(offers, searches, alerts, counselling, needs, bodies):
    return dashboard_build(period=OCTOBER, now=NOW)


def test_offer_figures(network):
    assert kpis(network, "angebote") == {
        "catalogue": (1, None),  # only C has a date after 15 November
        "active": (2, 1),
        "new": (1, 1),  # C was published on 1 November in Berlin
        "free_share": (50.0, 0.0),
        "funded_share": (50.0, 0.0),
        "free_or_funded_share": (50.0, 0.0),
    }
    assert rows(network, "offers_new_per_month") == [["Oktober 2026", 1]]
    assert rows(network, "offers_by_target_group") == [
        ["Arbeitsuchende", 1, 0],
        ["Beschäftigte", 1, 1],
    ]
    assert rows(network, "offers_by_district") == [
        ["Ostalbkreis", 1, 0],
        ["Landkreis Heidenheim", 0, 0],
        ["außerhalb der Region", 0, 0],
        ["ohne Ort (online)", 1, 1],
    ]
    assert rows(network, "offers_by_delivery_form") == [["Präsenz", 1, 0], ["Online live", 1, 1]]
    assert rows(network, "offers_by_funding") == [["Bildungsgutschein", 1, 0]]
    assert rows(network, "offers_free_funded") == [
        ["kostenlos", 1, 0],
        ["mit Förderung", 1, 0],
        ["kostenlos oder gefördert", 1, 0],
        ["alle aktiven Angebote", 2, 1],
    ]
    # A has no date after 15 November, B neither and was last reviewed in January;
    # the draft does not count.
    assert rows(network, "stale_providers") == [["Volkshochschule Aalen", 2, 2]]


def test_search_figures(network):
    assert kpis(network, "suche") == {
        "searches": (12, 2),
        "searches_empty": (4, 0),
        "searches_empty_share": (33.3, 0.0),
    }
    assert rows(network, "searches_per_month") == [["Oktober 2026", 12, 4]]
    assert rows(network, "top_terms") == [["excel", 5, 0], ["schweißen", 3, 3]]
    assert rows(network, "terms_without_result") == [["schweißen", 3, 3]]


def test_alert_figures(network):
    assert kpis(network, "suchauftraege") == {
        "alerts_active": (2, 1),
        "alerts_people": (1, 1),
        "alerts_new": (1, 1),
    }
    assert rows(network, "alerts_new_per_month") == [["Oktober 2026", 1]]


def test_counselling_figures(network):
    assert kpis(network, "beratung") == {
        "requests": (3, 1),
        "requests_closed": (1, 1),
        "first_contact_days": (1.5, 10.0),
    }
    assert rows(network, "requests_per_month") == [["Oktober 2026", 3]]
    assert rows(network, "requests_by_situation") == [
        ["Ich suche Arbeit", 1, 0],
        ["Ich kehre in den Beruf zurück", 1, 1],
        ["Ich bin beschäftigt", 1, 0],
        ["Ich frage für ein Unternehmen", 0, 0],
    ]
    assert rows(network, "requests_by_district") == [
        ["Ostalbkreis", 2, 1],
        ["Landkreis Heidenheim", 1, 0],
        ["außerhalb der Region", 0, 0],
    ]
    assert rows(network, "first_contact") == [
        ["bis 1 Tag", 1],
        ["2 bis 3 Tage", 1],
        ["4 bis 7 Tage", 0],
        ["länger als 7 Tage", 0],
        ["noch kein Kontakt", 1],
    ]
    assert rows(network, "outcomes") == [
        ["beraten", 0, 0],
        ["in einen Kurs vermittelt", 1, 0],
        ["an eine Förderung verwiesen", 0, 0],
        ["an eine andere Stelle verwiesen", 0, 0],
        ["nicht erreicht", 0, 1],
        ["zurückgezogen", 0, 0],
    ]


def test_company_need_figures(network):
    assert kpis(network, "bedarfe") == {
        "needs": (2, 1),
        "needs_pooled": (1, 0),
        "needs_open": (1, None),
        "joint_new": (1, 0),
        "joint_met": (1, 0),
    }
    assert rows(network, "needs_by_topic") == [
        ["Metall und Elektro", 2, 0],
        ["IT und Digitalisierung", 0, 1],
    ]
    assert rows(network, "needs_by_district") == [
        ["Ostalbkreis", 1, 1],
        ["Landkreis Heidenheim", 1, 0],
        ["außerhalb der Region", 0, 0],
    ]


def test_working_group_figures(network):
    assert kpis(network, "gremien") == {
        "meetings": (2, 1),
        "minutes": (1, 0),
        "actions_open": (2, None),
        "actions_overdue": (1, None),
    }
    assert rows(network, "bodies") == [
        ["Arbeitsuchende und Berufsrückkehrer:innen", 0, 0, 0, 0],
        ["Unternehmen", 1, 1, 2, 1],
        ["Beschäftigte", 0, 0, 0, 0],
        ["Außendarstellung", 0, 0, 0, 0],
        ["Steuerkreis", 1, 0, 0, 0],
    ]
    assert rows(network, "measures_by_status") == [
        ["Idee", 1],
        ["geplant", 0],
        ["läuft", 2],
        ["abgeschlossen", 0],
    ]


def test_an_empty_network_shows_zeros_and_no_shares(db):
    data = dashboard_build(period=OCTOBER, now=NOW)
    assert kpis(data, "suche")["searches_empty_share"] == (None, None)
    assert kpis(data, "beratung")["first_contact_days"] == (None, None)
    assert rows(data, "requests_per_month") == [["Oktober 2026", 0]]
    assert rows(data, "top_terms") == []


def test_the_demo_data_fill_the_search_figures(db):
    added = demo_search_days_load(today=d(11, 15))
    assert added > 1000
    assert demo_search_days_load(today=d(11, 15)) == 0  # a second run adds nothing
    data = dashboard_build(period=OCTOBER, now=NOW)
    searches, before = kpis(data, "suche")["searches"]
    assert searches > 0
    assert before > 0
    assert rows(data, "top_terms")[0][0] == "excel"
    assert "drohnenführerschein" in [row[0] for row in rows(data, "terms_without_result")]


def test_the_number_of_queries_does_not_grow_with_the_data(db, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as empty:
        dashboard_build(period=OCTOBER, now=NOW)
    for i in range(3):
        OfferFactory(published_at=berlin(2026, 10, 5 + i))
        CounsellingRequestFactory(created_at=berlin(2026, 10, 5 + i))
        MeetingFactory(starts_at=berlin(2026, 10, 5 + i))
    with django_assert_num_queries(len(empty.captured_queries)):
        dashboard_build(period=OCTOBER, now=NOW)


@requires_postgres  # the second connection is PostgreSQL's; SQLite counts one after the other
@pytest.mark.django_db(transaction=True)
def test_a_first_visit_counts_the_offers_beside_the_rest_with_the_same_figures(
    offers, searches, alerts, counselling, needs, bodies, monkeypatch
):
    """Outside a transaction (a real request) the offers are counted in a second thread on
    its own connection while the rest is counted; the page shows the same figures as one
    counting after the other, in the same order, in the visitor's language."""
    import threading

    import steering.dashboard as dashboard

    threads = []
    count_offers = dashboard.section_offers

    def section_offers(*args, **kwargs):
        threads.append(threading.current_thread())
        return count_offers(*args, **kwargs)

    monkeypatch.setattr(dashboard, "section_offers", section_offers)
    data = dashboard.dashboard_get(period=OCTOBER, now=NOW)
    assert len(threads) == 1
    assert threads[0] is not threading.main_thread()
    expected = dashboard_build(period=OCTOBER, now=NOW)
    assert data["sections"] == expected["sections"]
    assert kpis(data, "angebote")["active"] == (2, 1)
    assert section(data, "angebote")["title"] == "Angebote"
