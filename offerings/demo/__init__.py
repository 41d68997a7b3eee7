"""Demo data of the catalogue for `manage.py load_demo`: about 400 realistic German course
offers of the demo institutions, their venues, and half a year of catalogue searches.

Where things are:
- data/courses/*.toml: the course templates, one file per subject area. To change a demo
  course, find its title there; courses.py says what each key means.
- data/venues.toml: the providers' venues. data/searches.toml: the searches (searches.py).
- draw.py: how offers are drawn from the templates with a fixed seed, so the same data comes
  out every time; dates are placed relative to today, so the catalogue looks current.
- this module: writes venues and offers, keyed like an import, so a second load changes
  nothing.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from common.demo import demo_upsert
from network.models import Institution
from network.services import institution_mark_published
from offerings.demo.courses import VenueRow, demo_venues
from offerings.demo.draw import DEMO_PREFIX, DEMO_SEED, demo_offer_specs
from offerings.demo.searches import demo_search_days_load
from offerings.models import (
    DeliveryForm,
    FundingProgramme,
    Municipality,
    Offer,
    OfferApproval,
    OfferDate,
    OfferStatus,
    StartKind,
    TargetGroup,
    Topic,
    Venue,
)
from offerings.places import venue_place_resolve
from offerings.search import offer_search_refresh

__all__ = ["demo_offers_load", "demo_search_days_load"]


def demo_venues_load(
    *, institutions: dict[str, Institution], venues: dict[str, list[VenueRow]]
) -> dict[str, list[Venue]]:
    """Create or refresh the demo venues, keyed by institution and name.

    A venue takes coordinates and district from its municipality when the gazetteer is
    loaded (found by postcode and town, as imports and the back office find it); without it
    the map has no point but the district filter still works.
    """
    municipalities: dict[tuple[str, str], Municipality | None] = {}
    result: dict[str, list[Venue]] = {}
    for slug, rows in venues.items():
        institution = institutions.get(slug)
        if institution is None:
            continue
        result[slug] = []
        for name, street, (city, postcode, district), wheelchair, notes in rows:
            if (postcode, city) not in municipalities:
                municipalities[postcode, city] = venue_place_resolve(
                    postcode=postcode, city=city
                ).municipality
            place = municipalities[postcode, city]
            values = {
                "street": street,
                "postcode": postcode,
                "city": city,
                "municipality_id": place.pk if place else None,
                "district": place.district if place else district,
                "latitude": place.latitude if place else None,
                "longitude": place.longitude if place else None,
                "wheelchair_accessible": wheelchair,
                "accessibility_notes": notes,
            }
            venue = demo_upsert(
                Venue, lookup={"institution": institution, "name": name}, values=values
            )
            result[slug].append(venue)
    return result


def _m2m_sync(manager, ids: set[int]) -> None:
    """Set a many-to-many relation only when it differs, so a second run writes nothing."""
    if set(manager.values_list("pk", flat=True)) != ids:
        manager.set(ids)


@transaction.atomic
def demo_offers_load(*, today: datetime.date | None = None, seed: int = DEMO_SEED) -> int:
    """Create or refresh the demo offers and return how many there are.

    Keyed on (institution, external_id) like an import would be, so a second run on the same
    day changes nothing; on a later day the dates move along with today, which keeps the
    demo catalogue current. Needs the demo institutions (network.demo) and the taxonomies
    (migration 0002).
    """
    today = today or timezone.localdate()
    venue_rows = demo_venues()
    institutions = Institution.objects.in_bulk(list(venue_rows), field_name="slug")
    specs = demo_offer_specs(
        today=today,
        provider_names={slug: i.name for slug, i in institutions.items()},
        venues=venue_rows,
        seed=seed,
    )
    venues = demo_venues_load(institutions=institutions, venues=venue_rows)
    forms = DeliveryForm.objects.in_bulk(field_name="slug")
    topics = Topic.objects.in_bulk(field_name="slug")
    groups = TargetGroup.objects.in_bulk(field_name="slug")
    funding = FundingProgramme.objects.in_bulk(field_name="slug")

    for spec in specs:
        institution = institutions[spec.provider]
        offer = demo_upsert(
            Offer,
            lookup={"institution": institution, "external_id": spec.external_id},
            values={**spec.values, "delivery_form_id": forms[spec.delivery_form].pk},
        )
        if offer.published_at:
            institution_mark_published(institution=institution, when=offer.published_at)
        _m2m_sync(offer.topics, {topics[s].pk for s in spec.topics})
        _m2m_sync(offer.target_groups, {groups[s].pk for s in spec.target_groups})
        _m2m_sync(offer.funding_programmes, {funding[s].pk for s in spec.funding})
        keep = []
        for date in spec.dates:
            venue = venues[spec.provider][date.venue] if date.venue is not None else None
            values = {**date.values, "venue_id": venue.pk if venue else None}
            external_id = values.pop("external_id")
            demo_upsert(
                OfferDate, lookup={"offer": offer, "external_id": external_id}, values=values
            )
            keep.append(external_id)
        # Dates a changed template no longer gives; dates added by hand are left alone.
        offer.dates.filter(external_id__startswith=DEMO_PREFIX).exclude(
            external_id__in=keep
        ).delete()

    _demo_pending_offer_load(today=today, delivery_form=forms["online-live"])
    offer_search_refresh(Offer.objects.all())
    return len(specs)


# A new provider's first offer, waiting in the network office's approval queue, so that the
# queue has work in the demo (the demo events add one event, events/demo/data/events.toml).
PENDING_PROVIDER = "remstal-elektro"


def _demo_pending_offer_load(*, today: datetime.date, delivery_form: DeliveryForm) -> None:
    institution = Institution.objects.filter(slug=PENDING_PROVIDER).first()
    if institution is None:
        return
    offer = demo_upsert(
        Offer,
        lookup={"institution": institution, "external_id": "freigabe-demo-1"},
        values={
            "title": "Elektrofachkraft für festgelegte Tätigkeiten – Theorie online",
            "summary": "Qualifizierung für Beschäftigte aus Metall- und Handwerksbetrieben, "
            "die einfache elektrotechnische Arbeiten sicher ausführen sollen.",
            "keywords": "Elektro, EFKffT, Elektrotechnik",
            "contact_email": "schulung@example.org",
            "url": "https://example.org/remstal-elektro/efkfft/",
            "delivery_form": delivery_form,
            "price": 1490,
            "status": OfferStatus.DRAFT,
            "last_reviewed_on": today,
        },
    )
    demo_upsert(
        OfferDate,
        lookup={"offer": offer, "external_id": "freigabe-demo-1-1"},
        values={
            "start_kind": StartKind.FIXED,
            "start": today + datetime.timedelta(days=45),
            "end": today + datetime.timedelta(days=58),
            "seats": 10,
        },
    )
    OfferApproval.objects.get_or_create(offer=offer)
