"""Catalogue filters, their facet counts, the stale-date rule, and hostile query strings."""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.core.cache import caches
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offerings.models import (
    DeliveryForm,
    FundingProgramme,
    Offer,
    OfferStatus,
    Schedule,
    StartKind,
    TargetGroup,
    TimeOfDay,
)
from offerings.selectors import catalogue_search
from tests.factories import InstitutionFactory
from tests.offerings.factories import OfferDateFactory, OfferFactory, VenueFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def titles(query: str) -> set[str]:
    return {o.title for o in catalogue_search(QueryDict(query)).page.object_list}


@pytest.fixture
def offers(places):
    provider = InstitutionFactory(name="VHS Aalen", slug="vhs-aalen")
    other = InstitutionFactory(name="BZ Heidenheim", slug="bz-heidenheim", district="heidenheim")
    aalen_venue = VenueFactory(institution=provider, municipality=places["aalen"])
    hdh_venue = VenueFactory(
        institution=other,
        city="Heidenheim an der Brenz",
        district="heidenheim",
        municipality=places["heidenheim"],
        latitude=48.6766,
        longitude=10.1515,
    )
    free = OfferFactory(title="Bewerbungstraining", institution=provider, price=0, dates=[])
    OfferDateFactory(
        offer=free,
        venue=aalen_venue,
        start=TODAY + timedelta(days=3),
        time_of_day=TimeOfDay.MORNING,
        hours_total=8,
    )
    funded = OfferFactory(
        title="CNC-Fräsen",
        institution=other,
        price=Decimal("2400"),
        dates=[],
        wheelchair_accessible=True,
        easy_language_summary="Sie lernen eine Maschine für Metall zu bedienen.",
    )
    funded.funding_programmes.add(FundingProgramme.objects.get(slug="bildungsgutschein"))
    funded.target_groups.add(TargetGroup.objects.get(slug="arbeitsuchende"))
    OfferDateFactory(
        offer=funded,
        venue=hdh_venue,
        start=TODAY + timedelta(days=45),
        schedule=Schedule.FULL_TIME,
        time_of_day=TimeOfDay.MORNING,
        hours_total=600,
    )
    online = OfferFactory(
        title="Excel online",
        institution=provider,
        price=Decimal("90"),
        dates=[],
        delivery_form=DeliveryForm.objects.get(slug="online-live"),
    )
    OfferDateFactory(
        offer=online,
        venue=None,
        start_kind=StartKind.ROLLING,
        start=None,
        end=None,
        time_of_day=TimeOfDay.EVENING,
        hours_total=20,
    )
    past = OfferFactory(title="Vorbei", institution=provider, dates=[])
    OfferDateFactory(
        offer=past,
        venue=aalen_venue,
        start=TODAY - timedelta(days=20),
        end=TODAY - timedelta(days=1),
    )
    OfferFactory(title="Entwurf", institution=provider, status=OfferStatus.DRAFT)
    OfferFactory(title="Archiviert", institution=provider, status=OfferStatus.ARCHIVED)
    return {"free": free, "funded": funded, "online": online, "past": past}


def test_catalogue_shows_published_offers_with_open_dates_only(offers):
    assert titles("") == {"Bewerbungstraining", "CNC-Fräsen", "Excel online"}


def test_a_date_that_just_passed_drops_out_by_itself(offers):
    future = catalogue_search(QueryDict(""), today=TODAY + timedelta(days=4))
    assert {o.title for o in future.page.object_list} == {"CNC-Fräsen", "Excel online"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kostenlos=on", {"Bewerbungstraining"}),
        ("preis_bis=100", {"Bewerbungstraining", "Excel online"}),
        ("foerderung=bildungsgutschein", {"CNC-Fräsen"}),
        ("zielgruppe=arbeitsuchende", {"CNC-Fräsen"}),
        ("landkreis=heidenheim", {"CNC-Fräsen"}),
        ("landkreis=ostalbkreis", {"Bewerbungstraining", "Excel online"}),
        (
            "beginn=this_month"
            if (TODAY + timedelta(days=3)).month == TODAY.month
            else "beginn=three_months",
            {"Bewerbungstraining"}
            if (TODAY + timedelta(days=3)).month == TODAY.month
            else {"Bewerbungstraining", "CNC-Fräsen"},
        ),
        ("beginn=rolling", {"Excel online"}),
        ("lernform=online-live", {"Excel online"}),
        ("zeitmodell=full_time", {"CNC-Fräsen"}),
        ("tageszeit=evening", {"Excel online"}),
        (
            "tageszeit=morning&tageszeit=evening",
            {"Bewerbungstraining", "CNC-Fräsen", "Excel online"},
        ),
        ("dauer=day", {"Bewerbungstraining"}),
        ("dauer=long", {"CNC-Fräsen"}),
        ("rollstuhl=on", {"CNC-Fräsen"}),
        ("leichte_sprache=on", {"CNC-Fräsen"}),
        ("anbieter=bz-heidenheim", {"CNC-Fräsen"}),
        # Beside a place, the online course stays (open from anywhere) unless left out.
        ("ort=Aalen", {"Bewerbungstraining", "Excel online"}),
        ("ort=Aalen&nur_vor_ort=on", {"Bewerbungstraining"}),
        ("ort=73430&nur_vor_ort=on", {"Bewerbungstraining"}),
        ("ort=Aalen&umkreis=10&nur_vor_ort=on", {"Bewerbungstraining"}),
        ("ort=Aalen&umkreis=25&nur_vor_ort=on", {"Bewerbungstraining", "CNC-Fräsen"}),
        ("ort=Aalen&umkreis=25", {"Bewerbungstraining", "CNC-Fräsen", "Excel online"}),
        ("ort=Heidenheim&tageszeit=evening", {"Excel online"}),
        ("ort=Heidenheim&tageszeit=evening&nur_vor_ort=on", set()),
        # Without a place there is nothing to be "vor Ort" at: no effect.
        ("nur_vor_ort=on", {"Bewerbungstraining", "CNC-Fräsen", "Excel online"}),
        ("kostenlos=on&landkreis=heidenheim", set()),
        ("foerderung=bildungsgutschein&zeitmodell=full_time&ort=Heidenheim", {"CNC-Fräsen"}),
    ],
)
def test_each_filter_and_combinations(offers, query, expected):
    assert titles(query) == expected


def test_date_filters_must_hold_for_the_same_date(offers):
    # CNC has a morning date in Heidenheim; an evening date elsewhere must not combine.
    OfferDateFactory(
        offer=offers["funded"],
        venue=None,
        start=TODAY + timedelta(days=50),
        time_of_day=TimeOfDay.EVENING,
    )
    assert "CNC-Fräsen" not in titles("tageszeit=evening&landkreis=heidenheim&ort=Heidenheim")


def counts(query: str, parameter: str) -> dict[str, int]:
    return {o.value: o.count for o in catalogue_search(QueryDict(query)).facets[parameter]}


def test_facet_counts_use_the_other_active_filters(offers):
    assert counts("", "kostenlos") == {"on": 1}
    assert counts("", "landkreis") == {"ostalbkreis": 2, "heidenheim": 1, "outside": 0}
    # With a district chosen, the district facet still counts every district...
    assert counts("landkreis=heidenheim", "landkreis")["ostalbkreis"] == 2
    # ...while other facets count within it.
    assert counts("landkreis=heidenheim", "kostenlos") == {"on": 0}
    assert counts("landkreis=heidenheim", "foerderung")["bildungsgutschein"] == 1
    assert counts("kostenlos=on", "tageszeit")["morning"] == 1
    assert counts("kostenlos=on", "tageszeit")["evening"] == 0
    assert counts("", "lernform")["online-live"] == 1


def test_the_easy_language_filter_counts_like_the_others(offers, client):
    assert counts("", "leichte_sprache") == {"on": 1}
    assert counts("landkreis=ostalbkreis", "leichte_sprache") == {"on": 0}
    # A summary of only blanks is no explanation: the back office form strips it, and the
    # filter does not count an empty one.
    offers["free"].easy_language_summary = ""
    offers["free"].save()
    page = client.get("/kurse/").content.decode()
    assert 'name="leichte_sprache"' in page
    assert "mit Erklärung in Leichter Sprache" in page
    chosen = client.get("/kurse/?leichte_sprache=on").content.decode()
    assert "CNC-Fräsen" in chosen
    assert "Bewerbungstraining" not in chosen


def test_facets_mark_the_selected_options(offers):
    result = catalogue_search(QueryDict("foerderung=bildungsgutschein&niveau=none"))
    selected = {o.value for o in result.facets["foerderung"] if o.selected}
    assert selected == {"bildungsgutschein"}
    assert {o.value for o in result.facets["niveau"] if o.selected} == {"none"}


@pytest.mark.parametrize("sort", ["relevance", "start", "price", "newest"])
def test_sorting(offers, sort):
    order = [o.title for o in catalogue_search(QueryDict(f"sortierung={sort}")).page.object_list]
    assert len(order) == 3
    if sort == "price":
        assert order == ["Bewerbungstraining", "Excel online", "CNC-Fräsen"]
    if sort == "start":
        assert order == ["Bewerbungstraining", "CNC-Fräsen", "Excel online"]


@pytest.mark.parametrize("query", ["foerderung=bildungsgutschein&ort=Aalen&umkreis=50&q=Kurs", ""])
def test_query_count_is_the_same_for_one_and_twenty_results(client, places, query):
    def queries() -> int:
        # The first search after a change builds the catalogue index (a fixed number of
        # queries, once per process and change); the count is for the searches after it.
        catalogue_search(QueryDict(query))
        caches["fragments"].clear()  # every card is rendered afresh
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/kurse/?" + query)
        assert response.status_code == 200
        return len(captured)

    programme = FundingProgramme.objects.get(slug="bildungsgutschein")
    venue = VenueFactory(municipality=places["aalen"])

    def make(n):
        for _ in range(n):
            offer = OfferFactory(dates=[])
            offer.funding_programmes.add(programme)
            OfferDateFactory(offer=offer, venue=venue)
            OfferDateFactory(offer=offer, venue=venue, start=TODAY + timedelta(days=90))

    make(1)
    one = queries()
    make(19)
    assert queries() == one
    assert one <= 6


@pytest.mark.parametrize(
    "query",
    [
        "preis_bis=-5",
        "preis_bis=1e309",
        "preis_bis=99999999999999999999",
        "umkreis=1000",
        "ort=Atlantis",
        "ort=" + "x" * 10_000,
        "q=" + "Schweißen " * 2_000,
        "q=%00&ort=%00",
        "q=%ZZ",
        "foerderung=gibtsnicht",
        "niveau=dqr99",
        "seite=-3",
        "seite=999999999999",
        "beginn=gestern",
        "sortierung=zufall",
        "kostenlos=vielleicht",
    ],
)
def test_hostile_query_strings_give_a_normal_page(client, offers, query):
    response = client.get("/kurse/?" + query)
    # Words that name a place or a filter lead to the URL with that filter (issue 16).
    if response.status_code == 302:
        response = client.get(response["Location"])
    assert response.status_code in {200, 400}


def test_invalid_values_are_explained(client, offers):
    response = client.get("/kurse/?preis_bis=-5&ort=Atlantis")
    assert response.status_code == 200
    form = response.context["result"].filterset.form
    assert set(form.errors) >= {"preis_bis", "ort"}


PARAMETERS = [
    "q",
    "ort",
    "umkreis",
    "kostenlos",
    "preis_bis",
    "foerderung",
    "zielgruppe",
    "thema",
    "lernform",
    "landkreis",
    "beginn",
    "zeitmodell",
    "tageszeit",
    "dauer",
    "niveau",
    "abschluss",
    "sprache",
    "rollstuhl",
    "leichte_sprache",
    "anbieter",
    "sortierung",
    "seite",
    "pro_seite",
]
query_strings = st.lists(
    st.tuples(
        st.sampled_from(PARAMETERS),
        st.one_of(
            st.text(max_size=60),
            st.sampled_from(
                [
                    "on",
                    "-1",
                    "0",
                    "1e9",
                    "bildungsgutschein",
                    "aalen",
                    "73430",
                    "&|!:*()'",
                    "%ZZ",
                    "\x00",
                    "rolling",
                    "ostalbkreis",
                ]
            ),
        ),
    ),
    max_size=6,
).map(urlencode)


# The JSON endpoint runs the same search and filters as the page, without facet counts, so
# it takes the thousand; the page, which adds the facets and the template, takes two hundred.
@settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
@given(query=query_strings)
def test_a_thousand_generated_query_strings_at_the_json_endpoint(client, offers, query):
    response = client.get("/kurse/api/angebote/?" + query)
    assert response.status_code in {200, 400}
    assert response["Content-Type"] == "application/json"


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(query=query_strings)
def test_generated_query_strings_at_the_catalogue_page(client, offers, query):
    response = client.get("/kurse/?" + query)
    # Words that name a place or a filter lead to the URL with that filter (issue 16).
    if response.status_code == 302:
        response = client.get(response["Location"])
    assert response.status_code in {200, 400}


def test_provider_filter_names_the_provider_and_counts_its_courses(client, offers):
    page = client.get("/kurse/?anbieter=bz-heidenheim").content.decode()
    assert '<span class="chip-value">BZ Heidenheim</span>' in page  # the name, not the slug
    assert '<option value="bz-heidenheim" selected>BZ Heidenheim (1)</option>' in page
    assert '<option value="vhs-aalen">VHS Aalen (2)</option>' in page  # with the other filters


def test_an_unknown_provider_is_explained_and_the_search_ignores_it(client, offers):
    response = client.get("/kurse/?anbieter=gibt-es-nicht")
    assert "anbieter" in response.context["result"].filterset.form.errors
    assert response.context["result"].total == 3


# --- online courses beside a place, and wider radii ----------------------------------------


@pytest.mark.parametrize(
    ("form", "kept"),
    [
        ("online-live", True),
        ("selbstlernkurs", True),
        ("fernunterricht", True),
        # Blended courses meet at a venue: bound to its place like a course on site.
        ("blended-learning", False),
        ("praesenz", False),
    ],
)
def test_which_courses_a_place_keeps_from_elsewhere(offers, places, form, kept):
    far = VenueFactory(municipality=places["heidenheim"], latitude=48.6766, longitude=10.1515)
    offer = OfferFactory(
        title="Anderswo", delivery_form=DeliveryForm.objects.get(slug=form), dates=[]
    )
    OfferDateFactory(offer=offer, venue=far, start=TODAY + timedelta(days=9))
    assert ("Anderswo" in titles("ort=Aalen")) is kept
    assert "Anderswo" not in titles("ort=Aalen&nur_vor_ort=on")


def test_counts_beside_a_place_include_the_online_courses(offers):
    assert counts("ort=Aalen", "lernform")["online-live"] == 1
    assert counts("ort=Aalen", "tageszeit")["morning"] == 1
    assert counts("ort=Aalen", "tageszeit")["evening"] == 1
    assert counts("ort=Aalen&nur_vor_ort=on", "lernform")["online-live"] == 0
    assert counts("ort=Aalen&nur_vor_ort=on", "tageszeit")["evening"] == 0
    # The option's own count: what ticking it would leave.
    assert counts("ort=Aalen", "nur_vor_ort") == {"on": 1}
    assert counts("ort=Aalen&umkreis=25", "nur_vor_ort") == {"on": 2}
    assert counts("", "nur_vor_ort") == {"on": 3}  # no place: it changes nothing


def radii(query: str) -> list[tuple[str, int]]:
    return [(o.radius, o.count) for o in catalogue_search(QueryDict(query)).wider_radii]


def test_few_results_offer_the_wider_radii_that_give_more(offers):
    # Aalen alone: one course on site; within 25 km also the one in Heidenheim (about 20 km).
    # 5 and 10 km give nothing more and are not offered; 50 km gives no more than 25 km.
    assert radii("ort=Aalen&nur_vor_ort=on") == [("25", 2)]
    assert radii("ort=Aalen") == [("25", 3)]  # the online course counts in every radius
    assert radii("ort=Aalen&umkreis=5") == [("25", 3)]
    # The other filters hold for the wider radii too.
    assert radii("ort=Aalen&nur_vor_ort=on&kostenlos=on") == []
    assert radii("ort=Aalen&nur_vor_ort=on&zeitmodell=full_time") == [("25", 1)]
    # Nothing wider than the widest, and nothing without a place.
    assert radii("ort=Aalen&umkreis=50") == []
    assert radii("") == []
    assert radii("ort=Nirgendwo") == []


def test_enough_results_need_no_wider_radius(offers, places):
    venue = VenueFactory(municipality=places["aalen"])
    for n in range(5):
        OfferFactory(title=f"Vor Ort {n}", dates=[])
        OfferDateFactory(offer=Offer.objects.get(title=f"Vor Ort {n}"), venue=venue)
    assert catalogue_search(QueryDict("ort=Aalen&nur_vor_ort=on")).total == 6
    assert radii("ort=Aalen&nur_vor_ort=on") == []
