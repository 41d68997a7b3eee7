"""Demo offers from `load_demo`, the taxonomies migration 0002 seeds, and the benchmark
catalogue of `seed_large`."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from network.models import Institution
from offerings.demo import demo_venues_load
from offerings.demo.courses import demo_venues
from offerings.models import (
    DeliveryForm,
    FundingProgramme,
    Offer,
    OfferDate,
    OfferStatus,
    StartKind,
    TargetGroup,
    Topic,
    Venue,
)

pytestmark = pytest.mark.django_db

# The instruments of the funding navigator in ../shared/DOMAIN.md, by slug and legal basis.
DOMAIN_FUNDING = {
    "bildungsgutschein": "§ 81 SGB III",
    "foerderung-beschaeftigter": "§ 82 SGB III",
    "qualifizierungsgeld": "§ 82a SGB III",
    "aufstiegs-bafoeg": "AFBG",
    "bildungszeit-bw": "BzG BW",
    "esf-fachkurse-bw": "ESF Plus / L-Bank",
    "weiterbildungsstipendium": "SBB",
}


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


@pytest.fixture
def demo(demo_loaded, debug) -> str:
    return demo_loaded


def seed_large(*args: str) -> None:
    call_command("seed_large", *args, stdout=StringIO())


def test_migration_seeds_every_funding_instrument_of_the_domain():
    programmes = {p.slug: p for p in FundingProgramme.objects.all()}

    assert set(programmes) == set(DOMAIN_FUNDING)
    for slug, legal_basis in DOMAIN_FUNDING.items():
        assert programmes[slug].legal_basis == legal_basis
        assert programmes[slug].short_name
        assert len(programmes[slug].description) > 80


def test_migration_seeds_target_groups_topics_and_delivery_forms():
    assert TargetGroup.objects.count() >= 10
    assert {"arbeitsuchende", "an-und-ungelernte", "beschaeftigte"} <= set(
        TargetGroup.objects.values_list("slug", flat=True)
    )
    future = set(Topic.objects.filter(is_future_skill=True).values_list("name", flat=True))
    assert future == {
        "Digitale Kompetenz",
        "Problemlösen",
        "Unternehmerisches Denken",
        "Teamarbeit und Kommunikation",
        "Lernfähigkeit und Anpassung",
        "Nachhaltigkeitsbewusstsein",
    }
    forms = {f.slug: (f.course_mode, f.needs_venue) for f in DeliveryForm.objects.all()}
    assert forms == {
        "praesenz": ("onsite", True),
        "online-live": ("online", False),
        "selbstlernkurs": ("online", False),
        "blended-learning": ("blended", True),
        "fernunterricht": ("online", False),
    }
    slugs = [*Topic.objects.values_list("slug", flat=True)]
    assert all(slug.isascii() for slug in slugs)


def test_load_demo_creates_about_400_varied_offers(demo):
    offers = Offer.objects.all()

    assert 350 <= offers.count() <= 450
    assert "Kursangebote geladen: " in demo
    for topic in Topic.objects.all():
        assert topic.offers.exists(), topic.slug
    for form in DeliveryForm.objects.all():
        assert form.offers.exists(), form.slug
    for programme in FundingProgramme.objects.all():
        assert programme.offers.exists(), programme.slug
    free = offers.filter(price=0).count()
    assert 0.2 * offers.count() <= free <= 0.45 * offers.count()
    assert offers.filter(price__gt=Decimal("1000")).exists()
    assert {o.status for o in offers} == set(OfferStatus.values)
    assert len({o.language for o in offers}) >= 4
    assert (
        offers.filter(funding_programmes__slug="bildungsgutschein")
        .exclude(azav_measure_number="")
        .exists()
    )
    assert offers.values("institution").distinct().count() >= 15


def test_some_demo_offers_are_explained_in_leichte_sprache(demo):
    explained = Offer.objects.exclude(easy_language_summary="")
    assert explained.count() >= 3
    assert {o.title.split(" ")[0] for o in explained} == {"Lesen", "Rechnen"}
    assert all(len(o.easy_language_summary) <= 600 for o in explained)


def test_demo_dates_mix_upcoming_past_rolling_and_on_demand(demo):
    today = timezone.localdate()
    dates = OfferDate.objects.all()

    assert dates.filter(start__gte=today).exists()
    assert dates.filter(start_kind=StartKind.ROLLING).exists()
    assert dates.filter(start_kind=StartKind.ON_DEMAND).exists()
    past_only = Offer.objects.exclude(
        dates__in=OfferDate.objects.filter(OfferDate.open_q(today))
    ).filter(dates__isnull=False)
    assert past_only.filter(status=OfferStatus.PUBLISHED).exists()
    assert Offer.objects.in_catalogue().count() < Offer.objects.published().count()
    assert all(1 <= o.dates.count() <= 4 for o in Offer.objects.all()[:50])


def test_demo_offers_keep_venues_for_on_site_courses_only(demo):
    onsite = OfferDate.objects.filter(offer__delivery_form__needs_venue=True)
    online = OfferDate.objects.filter(offer__delivery_form__needs_venue=False)

    assert not onsite.filter(venue__isnull=True).exists()
    assert not online.filter(venue__isnull=False).exists()
    assert (
        not OfferDate.objects.exclude(venue__isnull=True)
        .exclude(venue__institution=F("offer__institution"))
        .exists()
    )
    assert {v.district for v in Venue.objects.all()} >= {"ostalbkreis", "heidenheim"}


def test_demo_contacts_use_reserved_domains(demo):
    for offer in Offer.objects.all():
        assert offer.contact_email.endswith("@example.org"), offer.external_id
        assert offer.url.startswith("https://example.org/"), offer.external_id


def snapshot() -> dict:
    return {
        "offers": list(
            Offer.objects.order_by("pk").values(
                "pk", "title", "price", "status", "updated_at", "last_reviewed_on"
            )
        ),
        "dates": list(OfferDate.objects.order_by("pk").values()),
        "venues": list(Venue.objects.order_by("pk").values()),
        "topics": list(Offer.topics.through.objects.order_by("pk").values()),
        "funding": list(Offer.funding_programmes.through.objects.order_by("pk").values()),
    }


def test_loading_the_demo_twice_changes_nothing(demo):
    before = snapshot()

    call_command("load_demo", stdout=StringIO())

    assert snapshot() == before


def test_loading_the_demo_again_repairs_an_edited_offer(demo):
    offer = Offer.objects.get(external_id="demo-0001")
    title = offer.title
    Offer.objects.filter(pk=offer.pk).update(title="Verändert", price=Decimal("1"))
    offer.dates.first().delete()

    call_command("load_demo", stdout=StringIO())

    offer.refresh_from_db()
    assert offer.title == title
    assert Offer.objects.filter(external_id__startswith="demo-").count() == 400


def test_seed_large_creates_exactly_the_asked_amounts(debug):
    seed_large("--offers", "50", "--dates-per-offer", "3", "--seed", "7")

    bench = Offer.objects.filter(institution__slug__startswith="bench-")
    assert bench.count() == 50
    assert OfferDate.objects.filter(offer__in=bench).count() == 150
    assert not bench.filter(topics__isnull=True).exists()
    assert Institution.objects.filter(slug__startswith="bench-").count() == 200


def bench_titles() -> list[tuple[str, str, str]]:
    return list(
        Offer.objects.filter(institution__slug__startswith="bench-")
        .order_by("external_id")
        .values_list("external_id", "title", "institution__name")
    )


def test_seed_large_is_deterministic_and_replaces_its_earlier_run(debug):
    seed_large("--offers", "40", "--dates-per-offer", "2", "--seed", "3")
    first = bench_titles()

    seed_large("--offers", "40", "--dates-per-offer", "2", "--seed", "3")

    bench = Offer.objects.filter(institution__slug__startswith="bench-")
    assert bench_titles() == first
    assert bench.count() == 40
    assert OfferDate.objects.filter(offer__in=bench).count() == 80

    seed_large("--offers", "10", "--dates-per-offer", "1", "--seed", "4")

    assert bench.count() == 10
    assert OfferDate.objects.filter(offer__in=bench).count() == 10
    assert bench_titles() != first[:10]


def test_seed_large_leaves_other_institutions_alone(demo):
    demo_offers = Offer.objects.count()

    seed_large("--offers", "20", "--dates-per-offer", "1")
    seed_large("--offers", "20", "--dates-per-offer", "1")

    assert Offer.objects.exclude(institution__slug__startswith="bench-").count() == demo_offers


def test_demo_venues_take_municipality_district_and_coordinates_from_the_gazetteer(
    demo, german_places
):
    demo_venues_load(
        institutions=Institution.objects.in_bulk(field_name="slug"), venues=demo_venues()
    )

    venues = list(Venue.objects.select_related("municipality"))
    assert venues
    assert [v.name for v in venues if v.municipality is None] == []
    for venue in venues:
        assert venue.district == venue.municipality.district
        assert (venue.latitude, venue.longitude) == (
            venue.municipality.latitude,
            venue.municipality.longitude,
        )
    ulm = Venue.objects.get(city="Ulm")
    assert (ulm.municipality, ulm.district) == (german_places["ulm"], "outside")
