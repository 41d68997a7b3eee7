"""The steering circle's dashboard: every figure against a small hand-counted network.

The fixture is October 2026, compared with September 2026, seen on 15 November 2026.
Events at 23:30 UTC on 31 October are already 1 November in Berlin and belong to November;
one at 22:30 UTC on 31 October (23:30 in Berlin) still belongs to October.
"""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from counselling.models import EventKind, JointMeasure, RequestEvent
from offerings.demo import demo_search_days_load
from offerings.models import (
    CourseAlert,
    DeliveryForm,
    FundingProgramme,
    OfferDate,
    OfferStatus,
    SearchDay,
    TargetGroup,
)
from steering.dashboard import Period, dashboard_build, period_for_preset
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
from tests.offerings.factories import OfferDateFactory, OfferFactory, VenueFactory

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
    a = OfferFactory(
        institution=institution,
        title="Staplerschein",
        published_at=berlin(2026, 10, 5, 9),
        price=0,
        dates=[],
        last_reviewed_on=d(10, 5),
    )
    a.target_groups.set([TargetGroup.objects.get(slug="arbeitsuchende")])
    a.funding_programmes.set([FundingProgramme.objects.get(slug="bildungsgutschein")])
    OfferDateFactory(offer=a, start=d(10, 10), end=d(10, 20))
    b = OfferFactory(
        institution=institution,
        title="Excel online",
        published_at=berlin(2026, 9, 10, 9),
        price=100,
        delivery_form=DeliveryForm.objects.get(slug="online-live"),
        dates=[],
        last_reviewed_on=d(1, 1),
    )
    b.target_groups.set([TargetGroup.objects.get(slug="beschaeftigte")])
    OfferDateFactory(offer=b, start=d(9, 20), end=d(10, 5), venue=None)
    c = OfferFactory(
        institution=other_institution,
        title="Schweißen",
        published_at=utc(2026, 10, 31, 23, 30),  # 1 November in Berlin
        price=50,
        dates=[],
        last_reviewed_on=d(11, 1),
    )
    c.funding_programmes.set([FundingProgramme.objects.get(slug="foerderung-beschaeftigter")])
    OfferDateFactory(offer=c, start=d(12, 1), end=d(12, 5))
    draft = OfferFactory(institution=institution, status=OfferStatus.DRAFT, dates=[])
    OfferDateFactory(offer=draft, start=d(10, 12), end=d(10, 13))
    return a, b, c


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


# --- periods ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preset", "today", "start", "end", "previous"),
    [
        ("monat", d(3, 31), d(3, 1), d(3, 31), (d(2, 1), d(2, 28))),
        ("vormonat", d(1, 15), datetime.date(2025, 12, 1), datetime.date(2025, 12, 31), None),
        ("quartal", d(5, 2), d(4, 1), d(6, 30), (d(1, 1), d(3, 31))),
        ("vorquartal", d(2, 10), datetime.date(2025, 10, 1), datetime.date(2025, 12, 31), None),
        ("jahr", d(11, 23), d(1, 1), d(12, 31), (datetime.date(2025, 1, 1), None)),
        ("vorjahr", d(11, 23), datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), None),
    ],
)
def test_presets_are_calendar_units_compared_with_the_unit_before(
    preset, today, start, end, previous
):
    period = period_for_preset(preset, today=today)
    assert (period.start, period.end) == (start, end)
    if previous:
        before = period.previous()
        assert before.start == previous[0]
        assert before.end == (previous[1] or datetime.date(2025, 12, 31))
    assert period.previous().end == start - datetime.timedelta(days=1)


def test_a_free_period_is_compared_with_as_many_days_just_before():
    period = Period(d(10, 1), d(10, 31))
    assert (period.previous().start, period.previous().end) == (d(8, 31), d(9, 30))


def test_period_bounds_are_berlin_midnights():
    assert OCTOBER.start_at == utc(2026, 9, 30, 22)  # summer time
    assert OCTOBER.end_at == utc(2026, 10, 31, 23)  # winter time
    assert timezone.localtime(OCTOBER.end_at, BERLIN).date() == d(11, 1)


def test_dates_that_run_into_the_period_count_and_rolling_ones_too(institution):
    rolling = OfferFactory(institution=institution, published_at=berlin(2026, 1, 1), dates=[])
    OfferDateFactory(offer=rolling, start_kind="rolling", start=None, end=None)
    before = OfferFactory(institution=institution, published_at=berlin(2026, 1, 1), dates=[])
    OfferDateFactory(offer=before, start=d(9, 1), end=d(9, 30))
    undated_end = OfferFactory(institution=institution, published_at=berlin(2026, 1, 1), dates=[])
    OfferDate.objects.create(offer=undated_end, start=d(10, 31), end=None)
    data = dashboard_build(period=OCTOBER, now=NOW)
    assert kpis(data, "angebote")["active"] == (2, 2)  # Sept: rolling and `before`


def test_offers_of_an_inactive_provider_do_not_count(offers, institution):
    institution.is_active = False
    institution.save()
    data = dashboard_build(period=OCTOBER, now=NOW)
    assert kpis(data, "angebote")["active"] == (0, 0)


def test_a_venue_in_heidenheim_counts_there(institution):
    offer = OfferFactory(institution=institution, published_at=berlin(2026, 1, 1), dates=[])
    venue = VenueFactory(institution=institution, district="heidenheim", city="Giengen")
    OfferDateFactory(offer=offer, start=d(10, 3), end=d(10, 4), venue=venue)
    data = dashboard_build(period=OCTOBER, now=NOW)
    assert rows(data, "offers_by_district")[1] == ["Landkreis Heidenheim", 1, 0]


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


def test_the_one_pass_count_agrees_with_the_definition_of_dates_in_a_period(institution):
    """The offers part counts in one SQL statement with its own test of "runs in the
    period"; it must find the same offers as steering.dashboard._dates_in (the ORM
    definition) for every kind of date around the edges of both periods."""
    from django.db.models import Count

    from steering.dashboard import _dates_in, offers_active

    previous = OCTOBER.previous()
    edges = [None, d(8, 31), d(9, 1), d(9, 30), d(10, 1), d(10, 31), d(11, 1), d(11, 20)]
    heidenheim = VenueFactory(institution=institution, district="heidenheim", city="Giengen")
    made = 0
    for kind in ("fixed", "rolling", "on_demand"):
        for start in edges:
            for end in edges:
                if (kind == "fixed" and start is None) or (start and end and end < start):
                    continue
                offer = OfferFactory(
                    institution=institution, published_at=berlin(2026, 1, 1), dates=[]
                )
                venue = (None, heidenheim)[made % 2]
                OfferDate.objects.create(
                    offer=offer, start_kind=kind, start=start, end=end, venue=venue
                )
                made += 1
    data = dashboard_build(period=OCTOBER, now=NOW)

    expected = (offers_active(OCTOBER).count(), offers_active(previous).count())
    assert kpis(data, "angebote")["active"] == expected
    assert 0 < expected[0] < made
    assert 0 < expected[1] < made
    assert expected[0] != expected[1]

    def by_district(period):
        return dict(
            OfferDate.objects.filter(
                _dates_in(period), offer__in=offers_active(period).values("pk")
            )
            .values("venue__district")
            .annotate(n=Count("offer", distinct=True))
            .values_list("venue__district", "n")
        )

    now_counts, before_counts = by_district(OCTOBER), by_district(previous)
    assert rows(data, "offers_by_district") == [
        ["Ostalbkreis", 0, 0],
        ["Landkreis Heidenheim", now_counts["heidenheim"], before_counts["heidenheim"]],
        ["außerhalb der Region", 0, 0],
        ["ohne Ort (online)", now_counts[None], before_counts[None]],
    ]
    in_catalogue = section(data, "angebote")["kpis"][0]
    assert (
        in_catalogue["current"] == OfferFactory._meta.model.objects.in_catalogue(NOW.date()).count()
    )


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


@requires_postgres
def test_the_portable_offers_count_gives_the_figures_of_the_one_statement(offers, institution):
    """SQLite (the embedded default of `make run`) counts the offers part with the ORM
    (`_offers_rows_portable`); it must give what PostgreSQL's one statement gives."""
    from steering.dashboard import _offers_rows, _offers_rows_portable

    heidenheim = VenueFactory(institution=institution, district="heidenheim", city="Giengen")
    OfferDateFactory(offer=OfferFactory(institution=institution), venue=heidenheim)
    previous = OCTOBER.previous()
    one = _offers_rows(OCTOBER, previous, today=NOW.date())
    portable = _offers_rows_portable(OCTOBER, previous, today=NOW.date())

    def comparable(found):
        result = {
            kind: [
                tuple(value for value in row if value is not None) for row in found.get(kind, [])
            ]
            for kind in ("totals", "new", "target", "funding", "delivery", "stale")
        }
        result["new"].sort()  # months: the page puts them in order itself
        # The statement has a row for every district, the ORM only for districts with offers.
        result["district"] = {
            row[0]: tuple(row[1:3]) for row in found.get("district", []) if any(row[1:3])
        }
        return result

    assert comparable(portable) == comparable(one)
    assert comparable(one)["totals"][0][0] > 0
