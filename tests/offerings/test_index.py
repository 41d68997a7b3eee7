"""The in-memory catalogue index against the same filters in the ORM.

The FilterSet's queryset states what each filter means in SQL; the index must give the same
offers, the same counts per option and the same order, for any combination of filters, on a
varied generated catalogue. And it must follow every change to the data at once.
"""

import random
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from offerings import index as catalogue_index_module
from offerings.filters import DURATION_CHOICES, START_CHOICES, CatalogueFilter
from offerings.index import catalogue_index
from offerings.models import (
    CertificateKind,
    DeliveryForm,
    FundingProgramme,
    Language,
    Level,
    Offer,
    OfferDate,
    OfferStatus,
    Schedule,
    StartKind,
    TargetGroup,
    TimeOfDay,
    Topic,
)
from offerings.search import parse, search_offers
from offerings.selectors import catalogue_offer_ids, catalogue_search
from tests.factories import InstitutionFactory
from tests.offerings.factories import OfferDateFactory, OfferFactory, VenueFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
WORDS = ["Excel", "Pflege", "Schweißen", "Deutsch", "Buchhaltung"]


@pytest.fixture
def catalogue(places):
    """Forty offers with attributes and dates drawn from a fixed seed."""
    rng = random.Random(20261122)
    aalen, heidenheim = places["aalen"], places["heidenheim"]
    providers = [
        InstitutionFactory(name="VHS Aalen", slug="vhs-aalen", district="ostalbkreis"),
        InstitutionFactory(name="BZ Heidenheim", slug="bz-heidenheim", district="heidenheim"),
        InstitutionFactory(name="Akademie Ulm", slug="akademie-ulm", district="outside"),
    ]
    venues = [
        VenueFactory(institution=providers[0], municipality=aalen, district="ostalbkreis"),
        VenueFactory(
            institution=providers[1],
            municipality=heidenheim,
            district="heidenheim",
            latitude=48.6766,
            longitude=10.1515,
        ),
        VenueFactory(
            institution=providers[2],
            municipality=None,
            district="outside",
            latitude=48.4011,
            longitude=9.9876,
        ),
        None,
    ]
    funding = list(FundingProgramme.objects.all())
    groups = list(TargetGroup.objects.all())
    topics = list(Topic.objects.all())
    forms = list(DeliveryForm.objects.all())
    for n in range(40):
        offer = OfferFactory(
            title=f"{rng.choice(WORDS)} {n:02}",
            institution=rng.choice(providers),
            price=rng.choice([Decimal(p) for p in (0, 0, 50, 90, 400, 2400)] + [None]),
            wheelchair_accessible=rng.random() < 0.4,
            easy_language_summary=rng.choice(["", "", "Sie lernen Excel.\nDer Kurs ist am Abend."]),
            level=rng.choice(Level.values),
            certificate=rng.choice(CertificateKind.values),
            language=rng.choice([Language.GERMAN, Language.GERMAN, Language.ENGLISH]),
            delivery_form=rng.choice(forms),
            status=rng.choice([OfferStatus.PUBLISHED] * 5 + [OfferStatus.DRAFT]),
            dates=[],
        )
        offer.funding_programmes.set(rng.sample(funding, rng.randint(0, 2)))
        offer.target_groups.set(rng.sample(groups, rng.randint(0, 2)))
        offer.topics.set(rng.sample(topics, rng.randint(1, 2)))
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice([StartKind.FIXED] * 4 + [StartKind.ROLLING, StartKind.ON_DEMAND])
            start = TODAY + timedelta(days=rng.randint(-40, 150))
            OfferDateFactory(
                offer=offer,
                start_kind=kind,
                start=start if kind == StartKind.FIXED else None,
                end=(
                    start + timedelta(days=rng.randint(0, 30))
                    if kind == StartKind.FIXED
                    else rng.choice([None, TODAY - timedelta(days=3), TODAY + timedelta(days=60)])
                ),
                schedule=rng.choice(Schedule.values),
                time_of_day=rng.choice(TimeOfDay.values),
                hours_total=rng.choice([None, 8, 30, 100, 600, 1000]),
                venue=rng.choice(venues),
            )
    return providers


def orm_ids(params: QueryDict) -> set[int]:
    """What the FilterSet's own queryset gives: the reference for the index."""
    base, _fixes = search_offers(Offer.objects.published(), parse(params.get("q", "")))
    filterset = CatalogueFilter(params, queryset=base, today=TODAY)
    return set(filterset.qs.values_list("pk", flat=True))


def slugs(model) -> list[str]:
    return list(model.objects.filter(is_active=True).values_list("slug", flat=True))


@st.composite
def filter_params(draw) -> QueryDict:
    """A valid combination of filters, as a visitor could click it."""
    params = QueryDict(mutable=True)
    optional = {
        "q": st.sampled_from(WORDS),
        "kostenlos": st.just("on"),
        "rollstuhl": st.just("on"),
        "leichte_sprache": st.just("on"),
        "preis_bis": st.sampled_from(["0", "90", "500"]),
        "beginn": st.sampled_from([v for v, _ in START_CHOICES]),
        "zeitmodell": st.sampled_from(Schedule.values),
        "dauer": st.sampled_from([v for v, _ in DURATION_CHOICES]),
        "anbieter": st.sampled_from(["vhs-aalen", "bz-heidenheim", "akademie-ulm"]),
        "ort": st.sampled_from(["Aalen", "73430", "Heidenheim"]),
        "umkreis": st.sampled_from(["5", "25", "50"]),
        "nur_vor_ort": st.just("on"),
    }
    for name, strategy in optional.items():
        if draw(st.booleans()) and draw(st.booleans()):
            params[name] = draw(strategy)
    several = {
        "foerderung": slugs(FundingProgramme),
        "zielgruppe": slugs(TargetGroup),
        "thema": slugs(Topic),
        "lernform": slugs(DeliveryForm),
        "landkreis": ["ostalbkreis", "heidenheim", "outside"],
        "tageszeit": TimeOfDay.values,
        "niveau": Level.values,
        "abschluss": CertificateKind.values,
        "sprache": Language.values,
    }
    for name, values in several.items():
        if draw(st.booleans()) and draw(st.booleans()):
            params.setlist(name, draw(st.lists(st.sampled_from(values), min_size=1, max_size=3)))
    return params


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(params=filter_params())
def test_the_index_finds_what_the_orm_finds(catalogue, params):
    assert set(catalogue_offer_ids(params, today=TODAY)) == orm_ids(params)


def with_option(params: QueryDict, parameter: str, value: str) -> QueryDict:
    changed = params.copy()
    changed.setlist(parameter, [value])
    return changed


# Each example asks the ORM once per option (about ninety queries), so fewer examples, plus
# the two paths of the date facets: one date-level filter (a table) and several (per date).
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(params=filter_params())
@example(params=QueryDict("kostenlos=on&foerderung=bildungsgutschein&niveau=none&niveau=dqr4"))
@example(params=QueryDict("ort=Aalen&umkreis=50&beginn=three_months&tageszeit=morning&q=Excel"))
@example(params=QueryDict("ort=Heidenheim&lernform=online-live&lernform=praesenz&kostenlos=on"))
@example(params=QueryDict("ort=Aalen&umkreis=5&nur_vor_ort=on&tageszeit=evening"))
def test_each_option_counts_what_choosing_it_would_give(catalogue, params):
    result = catalogue_search(params, today=TODAY)
    assert result.total == len(orm_ids(params))
    for parameter, options in result.facets.items():
        for option in options:
            expected = len(orm_ids(with_option(params, parameter, option.value)))
            assert option.count == expected, (parameter, option.value)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(params=filter_params(), place=st.sampled_from(["Aalen", "Heidenheim"]))
@example(params=QueryDict("nur_vor_ort=on"), place="Aalen")
@example(params=QueryDict("nur_vor_ort=on&kostenlos=on"), place="Aalen")  # 25 and 50 km give more
def test_each_wider_radius_counts_what_following_its_link_would_give(catalogue, params, place):
    params = params.copy()
    params["ort"] = place
    result = catalogue_search(params, today=TODAY)
    counts = {option.radius: option.count for option in result.wider_radii}
    if result.total >= 5:
        assert counts == {}
    for radius, count in counts.items():
        assert int(radius) > int(params.get("umkreis") or 0)
        assert count == len(orm_ids(with_option(params, "umkreis", radius))) > result.total


def test_online_courses_stay_beside_a_place_in_the_index_as_in_the_orm(catalogue, places):
    online = OfferFactory(
        title="Fernkurs", delivery_form=DeliveryForm.objects.get(slug="fernunterricht"), dates=[]
    )
    OfferDateFactory(offer=online, venue=None, start=TODAY + timedelta(days=4))
    for query, kept in [("ort=Aalen", True), ("ort=Aalen&nur_vor_ort=on", False)]:
        assert (online.pk in ids(query)) is kept
        assert (online.pk in orm_ids(QueryDict(query))) is kept


@pytest.mark.parametrize("sort", ["price", "newest", "start"])
def test_orders_match_the_database(catalogue, sort):
    ids = catalogue_offer_ids(QueryDict(f"sortierung={sort}"), today=TODAY)
    offers = Offer.objects.in_catalogue(TODAY)
    if sort == "price":
        expected = offers.order_by(F("price").asc(nulls_last=True), "title", "pk")
    elif sort == "newest":
        expected = offers.order_by(Coalesce("published_at", "created_at").desc(), "-pk")
    else:
        first = (
            OfferDate.objects.filter(OfferDate.open_q(TODAY), offer=OuterRef("pk"))
            .exclude(start=None)
            .order_by("start")
            .values("start")[:1]
        )
        expected = offers.annotate(first=Subquery(first)).order_by(
            F("first").asc(nulls_last=True), "title", "pk"
        )
    assert ids == list(expected.values_list("pk", flat=True))


# --- following changes --------------------------------------------------------------------


def ids(query: str = "") -> set[int]:
    return set(catalogue_offer_ids(QueryDict(query), today=TODAY))


def test_an_edit_shows_at_once(catalogue):
    offer = Offer.objects.in_catalogue(TODAY).first()
    assert offer.pk in ids()
    offer.status = OfferStatus.ARCHIVED
    offer.save()
    assert offer.pk not in ids()


def test_a_new_date_and_new_terms_show_at_once(catalogue):
    offer = OfferFactory(title="Neu", dates=[])
    assert offer.pk not in ids()
    OfferDateFactory(offer=offer, start=TODAY + timedelta(days=2))
    assert offer.pk in ids()
    assert offer.pk not in ids("foerderung=bildungsgutschein")
    offer.funding_programmes.add(FundingProgramme.objects.get(slug="bildungsgutschein"))
    assert offer.pk in ids("foerderung=bildungsgutschein")


def test_a_deleted_date_and_a_deactivated_provider_drop_out(catalogue):
    offer = OfferFactory(title="Kurz", dates=[])
    date = OfferDateFactory(offer=offer, start=TODAY + timedelta(days=2))
    assert offer.pk in ids()
    date.delete()
    assert offer.pk not in ids()
    other = OfferFactory(title="Anbieter weg")
    assert other.pk in ids()
    provider = other.institution
    provider.is_active = False
    provider.save()
    assert other.pk not in ids()


def test_other_processes_learn_of_a_change_only_once_it_is_committed(
    catalogue, django_capture_on_commit_callbacks
):
    catalogue_index(TODAY)
    token = cache.get(catalogue_index_module.TOKEN_KEY)
    offer = Offer.objects.in_catalogue(TODAY).first()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        offer.title = "Umbenannt"
        offer.save()
        assert cache.get(catalogue_index_module.TOKEN_KEY) == token  # not before the commit
    for callback in callbacks:
        callback()
    assert cache.get(catalogue_index_module.TOKEN_KEY) != token


def test_a_new_day_drops_dates_that_passed(catalogue):
    offer = OfferFactory(title="Morgen vorbei", dates=[])
    OfferDateFactory(offer=offer, start=TODAY, end=TODAY)
    assert offer.pk in set(catalogue_offer_ids(QueryDict(""), today=TODAY))
    assert offer.pk not in set(catalogue_offer_ids(QueryDict(""), today=TODAY + timedelta(1)))


def test_the_index_survives_a_cache_outage(catalogue, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(catalogue_index_module.cache, "get", broken)
    monkeypatch.setattr(catalogue_index_module.cache, "add", broken)
    assert ids() == orm_ids(QueryDict(""))


def test_the_radius_is_a_circle_not_a_box(catalogue):
    # 20 km north and 20 km east of Aalen: inside the 25 km box, 28 km away.
    corner = VenueFactory(municipality=None, latitude=48.8387 + 0.1799, longitude=10.0926 + 0.2733)
    offer = OfferFactory(title="Ecke", dates=[])
    OfferDateFactory(offer=offer, venue=corner, start=TODAY + timedelta(days=5))
    for radius, inside in [("25", False), ("50", True)]:
        params = QueryDict(f"ort=Aalen&umkreis={radius}")
        assert (offer.pk in ids(params.urlencode())) is inside
        assert (offer.pk in orm_ids(params)) is inside


@pytest.mark.django_db(transaction=True)
def test_after_another_process_changed_data_the_old_index_answers_until_the_new_one_is_built(
    settings,
):
    settings.CATALOGUE_INDEX_REBUILD_IN_BACKGROUND = True
    first = OfferFactory(title="Erstes")
    assert ids() == {first.pk}
    built = catalogue_index(TODAY)

    # Another process commits a new offer: here only the token in the shared cache changes.
    catalogue_index_module.catalogue_index_clear()
    catalogue_index_module._indexes[TODAY] = built
    second = OfferFactory(title="Zweites")
    catalogue_index_module.catalogue_index_clear()
    catalogue_index_module._indexes[TODAY] = built
    catalogue_index_module._set_new_token()

    assert ids() == {first.pk}  # no waiting: the previous index answers
    for _ in range(200):  # the thread needs a moment
        if catalogue_index_module._indexes[TODAY] is not built:
            break
        time.sleep(0.01)
    assert ids() == {first.pk, second.pk}


def test_remembered_counts_follow_changes_and_filters(catalogue):
    def free_count(query: str = "") -> int:
        return catalogue_search(QueryDict(query), today=TODAY).facets["kostenlos"][0].count

    before = free_count()
    assert free_count() == before  # asked again: the same answer, from memory
    OfferFactory(title="Gratis", price=Decimal(0))
    assert free_count() == before + 1  # a change makes a new index and new counts
    assert free_count("anbieter=akademie-ulm") != free_count() or before == 0
    assert free_count("anbieter=akademie-ulm") == len(
        orm_ids(QueryDict("anbieter=akademie-ulm&kostenlos=on"))
    )
