"""The catalogue's figures for the steering circle (offerings.stats): which offers count in
a period, and the one SQL statement that counts them agrees with the ORM's definition and
with the portable count that SQLite uses.

October 2026 against September 2026, seen on 15 November 2026, as on the dashboard
(tests/steering/test_dashboard.py counts the composed sections)."""

import datetime
import itertools
import zoneinfo

import pytest
from django.db import connection
from django.db.models import Count

from common.periods import DayRange
from offerings.models import CourseAlert, Offer, OfferDate, SearchDay
from offerings.stats import (
    _dates_in,
    _offers_rows,
    _offers_rows_portable,
    change_markers,
    offer_figures,
    offers_active,
)
from tests.conftest import requires_postgres
from tests.offerings.factories import (
    OfferDateFactory,
    OfferFactory,
    VenueFactory,
    figures_offers,
)

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
OCTOBER = DayRange(datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))
SEPTEMBER = DayRange(datetime.date(2026, 9, 1), datetime.date(2026, 9, 30))
NOW = datetime.datetime(2026, 11, 15, 12, 0, tzinfo=BERLIN)


def berlin(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BERLIN)


def d(month: int, day: int) -> datetime.date:
    return datetime.date(2026, month, day)


def figures():
    return offer_figures(period=OCTOBER, previous=SEPTEMBER, today=NOW.date())


@pytest.fixture
def offers(institution, other_institution):
    return figures_offers(institution, other_institution)


def test_dates_that_run_into_the_period_count_and_rolling_ones_too(institution):
    rolling = OfferFactory(institution=institution, published_at=berlin(2026, 1, 1), dates=[])
    OfferDateFactory(offer=rolling, start_kind="rolling", start=None, end=None)
    before = OfferFactory(institution=institution, published_at=berlin(2026, 1, 1), dates=[])
    OfferDateFactory(offer=before, start=d(9, 1), end=d(9, 30))
    undated_end = OfferFactory(institution=institution, published_at=berlin(2026, 1, 1), dates=[])
    OfferDate.objects.create(offer=undated_end, start=d(10, 31), end=None)
    assert figures().active == (2, 2)  # Sept: rolling and `before`


def test_offers_of_an_inactive_provider_do_not_count(offers, institution):
    institution.is_active = False
    institution.save()
    assert figures().active == (0, 0)


def test_a_venue_in_heidenheim_counts_there(institution):
    offer = OfferFactory(institution=institution, published_at=berlin(2026, 1, 1), dates=[])
    venue = VenueFactory(institution=institution, district="heidenheim", city="Giengen")
    OfferDateFactory(offer=offer, start=d(10, 3), end=d(10, 4), venue=venue)
    assert figures().by_district[1] == ("Landkreis Heidenheim", 1, 0)


def test_the_one_pass_count_agrees_with_the_definition_of_dates_in_a_period(institution):
    """The offers part counts in one SQL statement with its own test of "runs in the
    period"; it must find the same offers as offerings.stats._dates_in (the ORM
    definition) for every kind of date around the edges of both periods."""
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
    counted = figures()

    expected = (offers_active(OCTOBER).count(), offers_active(SEPTEMBER).count())
    assert counted.active == expected
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

    now_counts, before_counts = by_district(OCTOBER), by_district(SEPTEMBER)
    assert counted.by_district == [
        ("Ostalbkreis", 0, 0),
        ("Landkreis Heidenheim", now_counts["heidenheim"], before_counts["heidenheim"]),
        ("außerhalb der Region", 0, 0),
        ("ohne Ort (online)", now_counts[None], before_counts[None]),
    ]
    assert counted.in_catalogue == Offer.objects.in_catalogue(NOW.date()).count()


@requires_postgres
def test_the_portable_offers_count_gives_the_figures_of_the_one_statement(offers, institution):
    """SQLite (the embedded default of `make run`) counts the offers part with the ORM
    (`_offers_rows_portable`); it must give what PostgreSQL's one statement gives."""
    heidenheim = VenueFactory(institution=institution, district="heidenheim", city="Giengen")
    OfferDateFactory(offer=OfferFactory(institution=institution), venue=heidenheim)
    one = _offers_rows(OCTOBER, SEPTEMBER, today=NOW.date())
    portable = _offers_rows_portable(OCTOBER, SEPTEMBER, today=NOW.date())

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


def _markers() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(change_markers()))
        return cursor.fetchone()


def test_the_change_markers_move_with_every_search_and_alert(db):
    """The dashboard keeps the figures of searches and alerts while these markers stay."""
    seen = [_markers()]
    day = SearchDay.objects.create(day=d(10, 1), text="excel", searches=1)
    seen.append(_markers())
    SearchDay.objects.filter(pk=day.pk).update(searches=2)  # a search counted
    seen.append(_markers())
    alert = CourseAlert.objects.create(
        email="x@beispiel.de", query="q=Excel", token="t-1", consent_version="1"
    )
    seen.append(_markers())
    alert.confirmed_at = berlin(2026, 10, 2, 10)
    alert.save()
    seen.append(_markers())
    alert.delete()
    seen.append(_markers())
    assert all(before != after for before, after in itertools.pairwise(seen))
