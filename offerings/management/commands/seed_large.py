"""`manage.py seed_large`: a deterministic large catalogue (by default 20,000 offers with
100,000 dates from 200 providers) to benchmark search and filters against.

The offers are drawn from the demo course templates (offerings/demo/), so titles, keywords
and texts search like real ones. Everything it makes hangs off institutions whose slug starts with
"bench-"; a new run deletes the previous run's output first.
"""

import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from network.models import District, Institution, InstitutionKind
from offerings.demo.courses import course_templates
from offerings.demo.draw import offer_spec_draw
from offerings.models import (
    DeliveryForm,
    FundingProgramme,
    Offer,
    OfferDate,
    TargetGroup,
    Topic,
    Venue,
)
from offerings.places import venue_place_resolve
from offerings.search import offer_search_refresh

BENCH_PREFIX = "bench-"
BATCH = 2000

OAK, HDH = District.OSTALBKREIS, District.HEIDENHEIM
# 30 towns of the region with postcode and approximate centre; when `load_places` has run,
# the gazetteer's coordinates win.
TOWNS: list[tuple[str, str, str, float, float]] = [
    ("Aalen", "73430", OAK, 48.8378, 10.0933),
    ("Schwäbisch Gmünd", "73525", OAK, 48.7999, 9.7979),
    ("Ellwangen", "73479", OAK, 48.9616, 10.1312),
    ("Bopfingen", "73441", OAK, 48.8569, 10.3522),
    ("Neresheim", "73450", OAK, 48.7547, 10.3342),
    ("Oberkochen", "73447", OAK, 48.7836, 10.1050),
    ("Heubach", "73540", OAK, 48.7925, 9.9339),
    ("Lauchheim", "73466", OAK, 48.8708, 10.2431),
    ("Abtsgmünd", "73453", OAK, 48.8958, 10.0000),
    ("Hüttlingen", "73460", OAK, 48.8928, 10.0997),
    ("Westhausen", "73463", OAK, 48.8836, 10.1836),
    ("Mutlangen", "73557", OAK, 48.8258, 9.7956),
    ("Lorch", "73547", OAK, 48.7983, 9.6908),
    ("Essingen", "73457", OAK, 48.8089, 10.0264),
    ("Mögglingen", "73563", OAK, 48.8233, 9.9611),
    ("Waldstetten", "73550", OAK, 48.7667, 9.8167),
    ("Rosenberg", "73494", OAK, 49.0186, 10.0297),
    ("Gschwend", "74417", OAK, 48.9333, 9.7444),
    ("Unterschneidheim", "73485", OAK, 48.9333, 10.3667),
    ("Riesbürg", "73469", OAK, 48.8583, 10.4167),
    ("Heidenheim an der Brenz", "89518", HDH, 48.6767, 10.1517),
    ("Giengen an der Brenz", "89537", HDH, 48.6217, 10.2450),
    ("Herbrechtingen", "89542", HDH, 48.6225, 10.1731),
    ("Niederstotzingen", "89168", HDH, 48.5397, 10.2353),
    ("Gerstetten", "89547", HDH, 48.6225, 10.0194),
    ("Königsbronn", "89551", HDH, 48.7431, 10.1111),
    ("Steinheim am Albuch", "89555", HDH, 48.6919, 10.0639),
    ("Sontheim an der Brenz", "89567", HDH, 48.5547, 10.2914),
    ("Dischingen", "89561", HDH, 48.6961, 10.3617),
    ("Nattheim", "89564", HDH, 48.6983, 10.2425),
]
PROVIDER_KINDS = [
    "Bildungswerk",
    "Akademie",
    "Lernzentrum",
    "Institut für Weiterbildung",
    "Schulungszentrum",
    "Qualifizierungsagentur",
    "Technikum",
    "Trainingszentrum",
]
PROVIDER_AREAS = ["Ostalb", "Brenztal", "Härtsfeld", "Remstal", "Kocher-Jagst", "Albuch", "Ries"]
STREETS = ["Hauptstraße", "Bahnhofstraße", "Industriestraße", "Schulstraße", "Gartenstraße"]


class Command(BaseCommand):
    help = (
        "Erzeugt einen großen, immer gleichen Kurskatalog für Lasttests (Anbieter mit dem "
        "Kurznamen bench-…) und löscht vorher den des letzten Laufs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--offers", type=int, default=20_000)
        parser.add_argument("--dates-per-offer", type=int, default=5)
        parser.add_argument("--providers", type=int, default=200)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Auch mit DEBUG=false ausführen (nie in der Produktion!).",
        )

    def handle(self, *args, offers, dates_per_offer, providers, seed, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_large legt erfundene Anbieter an und läuft nur mit DEBUG=true; wer es "
                "trotzdem will, gibt --force an."
            )
        if offers < 0 or dates_per_offer < 0 or providers < 1:
            raise CommandError("--offers und --dates-per-offer ≥ 0, --providers ≥ 1.")
        started = time.monotonic()
        counts = bench_catalogue_create(
            offers=offers, dates_per_offer=dates_per_offer, providers=providers, seed=seed
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts['offers']} Angebote mit {counts['dates']} Terminen von "
                f"{counts['providers']} Anbietern in {time.monotonic() - started:.1f} s."
            )
        )


def bench_catalogue_delete() -> None:
    """Delete what an earlier run made, children first: dates protect their venues."""
    offers = Offer.objects.filter(institution__slug__startswith=BENCH_PREFIX)
    OfferDate.objects.filter(offer__in=offers).delete()
    for through in (
        Offer.topics.through,
        Offer.target_groups.through,
        Offer.funding_programmes.through,
    ):
        through.objects.filter(offer__in=offers).delete()
    offers.delete()
    Venue.objects.filter(institution__slug__startswith=BENCH_PREFIX).delete()
    Institution.objects.filter(slug__startswith=BENCH_PREFIX).delete()


def _providers(rng: random.Random, count: int) -> list[Institution]:
    names = [f"{k} {a}" for k in PROVIDER_KINDS for a in PROVIDER_AREAS]
    rng.shuffle(names)
    result = []
    for number in range(1, count + 1):
        town = rng.choice(TOWNS)
        base = names[(number - 1) % len(names)]
        name = f"{base} {town[0]}" if number > len(names) else base
        result.append(
            Institution(
                slug=f"{BENCH_PREFIX}{number:04d}",
                name=f"{name} ({number})" if number > 2 * len(names) else name,
                kind=InstitutionKind.TRAINING_PROVIDER,
                district=town[2],
                street=f"{rng.choice(STREETS)} {rng.randint(1, 80)}",
                postcode=town[1],
                city=town[0],
                email=f"{BENCH_PREFIX}{number:04d}@example.org",
                is_network_member=False,
            )
        )
    return result


@transaction.atomic
def bench_catalogue_create(
    *, offers: int, dates_per_offer: int, providers: int = 200, seed: int = 1
) -> dict[str, int]:
    """Replace the benchmark catalogue with a fresh one made from `seed`.

    Bulk inserts throughout, because 20,000 offers saved one by one take many minutes; the
    same seed gives the same titles, providers and texts (dates follow today, as in the demo).
    """
    bench_catalogue_delete()
    rng = random.Random(seed)  # noqa: S311 -- reproducible test data, not a secret
    today = timezone.localdate()

    institutions = Institution.objects.bulk_create(_providers(rng, providers), batch_size=BATCH)
    places = {
        town[0]: venue_place_resolve(postcode=town[1], city=town[0]).municipality for town in TOWNS
    }
    venues: dict[int, list[Venue]] = {}
    venue_rows: list[Venue] = []
    for institution in institutions:
        for number in range(rng.choice([1, 1, 2, 3])):
            name, postcode, district, lat, lon = rng.choice(TOWNS)
            place = places[name]
            venue = Venue(
                institution=institution,
                name=f"{institution.name}, Standort {number + 1}",
                street=f"{rng.choice(STREETS)} {rng.randint(1, 80)}",
                postcode=postcode,
                city=name,
                municipality=place,
                district=place.district if place else district,
                latitude=place.latitude if place else lat,
                longitude=place.longitude if place else lon,
                wheelchair_accessible=rng.random() < 0.7,
            )
            venues.setdefault(institution.pk, []).append(venue)
            venue_rows.append(venue)
    Venue.objects.bulk_create(venue_rows, batch_size=BATCH)

    forms = DeliveryForm.objects.in_bulk(field_name="slug")
    topics = Topic.objects.in_bulk(field_name="slug")
    groups = TargetGroup.objects.in_bulk(field_name="slug")
    funding = FundingProgramme.objects.in_bulk(field_name="slug")
    templates = course_templates()

    offer_rows: list[Offer] = []
    specs = []
    for number in range(1, offers + 1):
        institution = rng.choice(institutions)
        template = rng.choice(templates)
        own = venues.get(institution.pk, [])
        spec = offer_spec_draw(
            rng=rng,
            template=template,
            provider=institution.slug,
            provider_name=institution.name,
            variant=rng.choice(template.variants),
            external_id=f"{BENCH_PREFIX}{number:06d}",
            venues=[
                (v.name, v.street, (v.city, v.postcode, v.district), v.wheelchair_accessible, "")
                for v in own
            ],
            today=today,
            date_count=dates_per_offer,
        )
        values = {
            **spec.values,
            "url": f"https://example.org/{institution.slug}/kurse/{spec.external_id}/",
            "contact_email": f"{institution.slug}@example.org",
        }
        offer_rows.append(
            Offer(
                institution=institution,
                external_id=spec.external_id,
                delivery_form=forms[spec.delivery_form],
                **values,
            )
        )
        specs.append((spec, own))
    Offer.objects.bulk_create(offer_rows, batch_size=BATCH)

    date_rows = []
    topic_rows, group_rows, funding_rows = [], [], []
    TopicLink = Offer.topics.through
    GroupLink = Offer.target_groups.through
    FundingLink = Offer.funding_programmes.through
    for offer, (spec, own) in zip(offer_rows, specs, strict=True):
        for date in spec.dates:
            venue = own[date.venue] if date.venue is not None else None
            date_rows.append(OfferDate(offer=offer, venue=venue, **date.values))
        topic_rows += [TopicLink(offer_id=offer.pk, topic_id=topics[s].pk) for s in spec.topics]
        group_rows += [
            GroupLink(offer_id=offer.pk, targetgroup_id=groups[s].pk) for s in spec.target_groups
        ]
        funding_rows += [
            FundingLink(offer_id=offer.pk, fundingprogramme_id=funding[s].pk) for s in spec.funding
        ]
    OfferDate.objects.bulk_create(date_rows, batch_size=BATCH)
    for model, rows in (
        (TopicLink, topic_rows),
        (GroupLink, group_rows),
        (FundingLink, funding_rows),
    ):
        model.objects.bulk_create(rows, batch_size=BATCH * 2)

    offer_search_refresh(Offer.objects.all())
    return {"providers": len(institutions), "offers": len(offer_rows), "dates": len(date_rows)}
