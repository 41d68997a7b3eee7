"""Writes of the provider back office: offers, their dates, publication, history and the
freshness reminders. Every write that changes an offer's texts, topics or provider ends
with `offer_search_refresh`, and saves name their fields, so that a stale instance never
writes old search data back."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from network.models import Membership, MembershipRole
from network.selectors import institution_is_new_provider
from network.services import institution_mark_published
from offerings.index import catalogue_index_invalidate
from offerings.models import (
    REVIEW_INTERVAL_DAYS,
    Offer,
    OfferApproval,
    OfferChange,
    OfferDate,
    OfferStatus,
    Venue,
)
from offerings.places import PlaceMatch, venue_address_key, venue_place_resolve
from offerings.search import offer_search_refresh

M2M_FIELDS = ("topics", "target_groups", "funding_programmes")


def offer_change_record(*, offer: Offer, user, action: str, fields: list[str] = ()) -> None:
    OfferChange.objects.create(offer=offer, user=user, action=action, fields=list(fields))


def offer_create(*, institution, user, data: dict) -> Offer:
    """A new offer, always as a draft: it goes public through offer_publish."""
    values = {k: v for k, v in data.items() if k not in M2M_FIELDS}
    with transaction.atomic():
        offer = Offer.objects.create(institution=institution, status=OfferStatus.DRAFT, **values)
        for name in M2M_FIELDS:
            if name in data:
                getattr(offer, name).set(data[name])
        offer_change_record(offer=offer, user=user, action="create", fields=sorted(data))
        offer_search_refresh([offer])
    return offer


def offer_update(*, offer: Offer, user, data: dict, changed: list[str]) -> list[str]:
    """Save the `changed` fields of `data`; saving counts as a review of the offer."""
    plain = [name for name in changed if name not in M2M_FIELDS]
    with transaction.atomic():
        for name in plain:
            setattr(offer, name, data[name])
        offer.last_reviewed_on = timezone.localdate()
        offer.save(update_fields=[*plain, "last_reviewed_on", "updated_at"])
        for name in changed:
            if name in M2M_FIELDS:
                getattr(offer, name).set(data[name])
        if changed:
            offer_change_record(offer=offer, user=user, action="update", fields=changed)
        offer_search_refresh([offer])
    return changed


def offer_mark_reviewed(*, offer: Offer, user) -> None:
    """ "Still correct": the provider confirms the offer without changing it."""
    offer.last_reviewed_on = timezone.localdate()
    offer.save(update_fields=["last_reviewed_on", "updated_at"])
    offer_change_record(offer=offer, user=user, action="review")


def offer_duplicate(*, offer: Offer, user) -> Offer:
    """A draft copy with the same texts, terms and dates, for next year's run."""
    with transaction.atomic():
        copy = Offer.objects.get(pk=offer.pk)
        copy.pk = None
        copy.title = (f"{offer.title} (Kopie)")[:200]
        copy.external_id = ""
        copy.status = OfferStatus.DRAFT
        copy.published_at = None
        copy.created_at = timezone.now()
        copy.last_reviewed_on = timezone.localdate()
        copy.save()
        for name in M2M_FIELDS:
            getattr(copy, name).set(getattr(offer, name).all())
        OfferDate.objects.bulk_create(
            [
                OfferDate(**{**_date_values(d), "offer": copy, "external_id": ""})
                for d in offer.dates.all()
            ]
        )
        offer_change_record(offer=copy, user=user, action="duplicate", fields=[str(offer.pk)])
        offer_search_refresh([copy])
    return copy


def offer_archive(*, offer: Offer, user) -> None:
    Offer.objects.filter(pk=offer.pk).update(status=OfferStatus.ARCHIVED, updated_at=timezone.now())
    OfferApproval.objects.filter(offer=offer).delete()
    offer_change_record(offer=offer, user=user, action="archive", fields=["status"])
    offer_search_refresh([offer])


def offer_delete(*, offer: Offer) -> None:
    offer.delete()


def offer_publish(*, offer: Offer, user) -> str:
    """Publish the offer, or, for a new institution's first publication (of an offer or an
    event), ask the network office for approval. Returns "published" or "pending"."""
    with transaction.atomic():
        if user_is_office(user) or not institution_is_new_provider(institution=offer.institution):
            _publish(offer, user)
            return "published"
        _approval, created = OfferApproval.objects.get_or_create(
            offer=offer, defaults={"requested_by": user}
        )
        if created:
            from offerings.backoffice.notify import approval_request_enqueue

            offer_change_record(offer=offer, user=user, action="approval_requested")
            approval_request_enqueue(offer=offer, requested_by=user)
        return "pending"


def offer_approve(*, offer: Offer, user) -> None:
    """The network office releases a new provider's first publication."""
    with transaction.atomic():
        _publish(offer, user)


def _publish(offer: Offer, user) -> None:
    now = timezone.now()
    Offer.objects.filter(pk=offer.pk).update(
        status=OfferStatus.PUBLISHED, published_at=offer.published_at or now, updated_at=now
    )
    institution_mark_published(institution=offer.institution, when=now)
    OfferApproval.objects.filter(offer=offer).delete()
    offer_change_record(offer=offer, user=user, action="publish", fields=["status"])
    offer_search_refresh([offer])
    offer.refresh_from_db(fields=["status", "published_at"])


def user_is_office(user) -> bool:
    return bool(getattr(user, "is_network_office", False))


# --- Dates and venues ---------------------------------------------------------------------

DATE_FIELDS = (
    "start_kind",
    "start",
    "end",
    "schedule",
    "time_of_day",
    "hours_total",
    "seats",
    "min_participants",
    "registration_deadline",
    "venue",
    "notes",
)


def _date_values(offer_date: OfferDate) -> dict:
    return {name: getattr(offer_date, name) for name in DATE_FIELDS}


VENUE_PLACE_FIELDS = ["municipality", "district", "latitude", "longitude"]


def venue_get_or_create(*, institution, name: str, street: str, postcode: str, city: str) -> Venue:
    """Reuse the institution's venue at the same address, or create it with the
    municipality, district and coordinates of its postcode and town.

    Addresses are compared normalised (`venue_address_key`: case, spaces, "Str." and
    "Straße", umlauts spelled out), so a second spelling of a venue does not make a second
    venue. A reused venue that has no municipality yet gets one where it can now be found.
    """
    key = venue_address_key(name=name, street=street, postcode=postcode, city=city)
    for venue in Venue.objects.filter(institution=institution).order_by("pk"):
        if (
            venue_address_key(
                name=venue.name, street=venue.street, postcode=venue.postcode, city=venue.city
            )
            == key
        ):
            if venue.municipality_id is None:
                venue_place_fill(venue=venue)
            return venue
    place = venue_place_resolve(postcode=postcode, city=city, street=street)
    return Venue.objects.create(
        institution=institution,
        name=name,
        street=street,
        postcode=postcode,
        city=city,
        **place.venue_values(),
    )


def venue_place_fill(*, venue: Venue) -> PlaceMatch:
    """Give `venue` the municipality, district and coordinates of its address where they can
    be found (exactly or by a guess), and say what was found."""
    place = venue_place_resolve(postcode=venue.postcode, city=venue.city, street=venue.street)
    if place.found:
        for name, value in place.venue_values().items():
            setattr(venue, name, value)
        venue.save(update_fields=VENUE_PLACE_FIELDS)
    return place


def venues_place_fill_missing() -> list[tuple[Venue, PlaceMatch]]:
    """Place every venue that has no municipality: those imported before imports placed
    their venues, and those in towns the gazetteer did not hold yet. Safe to run again.

    Returns each such venue with what was found, so that the caller can list the guesses
    and the venues that remain without a place.
    """
    results, placed = [], []
    for venue in (
        Venue.objects.filter(municipality__isnull=True)
        .select_related("institution")
        .order_by("pk")
        .iterator(chunk_size=2000)
    ):
        place = venue_place_resolve(postcode=venue.postcode, city=venue.city, street=venue.street)
        if place.found:
            for name, value in place.venue_values().items():
                setattr(venue, name, value)
            placed.append(venue)
        results.append((venue, place))
    with transaction.atomic():
        Venue.objects.bulk_update(placed, VENUE_PLACE_FIELDS, batch_size=500)
        if placed:
            # A bulk update sends no signals.
            transaction.on_commit(catalogue_index_invalidate)
    return results


def date_save(*, offer: Offer, user, data: dict, offer_date: OfferDate | None = None) -> OfferDate:
    new_venue = data.get("new_venue")
    values = {k: data[k] for k in DATE_FIELDS if k in data}
    if new_venue:
        values["venue"] = venue_get_or_create(institution=offer.institution, **new_venue)
    elif values.get("venue") is not None and values["venue"].municipality_id is None:
        venue_place_fill(venue=values["venue"])
    with transaction.atomic():
        if offer_date is None:
            offer_date = OfferDate.objects.create(offer=offer, **values)
            action = "date_add"
        else:
            for name, value in values.items():
                setattr(offer_date, name, value)
            offer_date.save()
            action = "date_update"
        offer_change_record(offer=offer, user=user, action=action, fields=sorted(values))
        offer_search_refresh([offer])
    return offer_date


def date_copy(*, offer_date: OfferDate, user) -> OfferDate:
    copy = OfferDate.objects.create(
        offer=offer_date.offer, **_date_values(offer_date), external_id=""
    )
    offer_change_record(offer=offer_date.offer, user=user, action="date_copy", fields=["dates"])
    offer_search_refresh([offer_date.offer])
    return copy


def date_delete(*, offer_date: OfferDate, user) -> None:
    offer = offer_date.offer
    offer_date.delete()
    offer_change_record(offer=offer, user=user, action="date_delete", fields=["dates"])
    offer_search_refresh([offer])


def dates_shift(*, offer: Offer, user, days: int) -> int:
    """Move every dated run of the offer by `days` (next term's run in one step)."""
    delta = timedelta(days=days)
    dates = [d for d in offer.dates.all() if d.start or d.end or d.registration_deadline]
    for offer_date in dates:
        for name in ("start", "end", "registration_deadline"):
            value = getattr(offer_date, name)
            if value:
                setattr(offer_date, name, value + delta)
    with transaction.atomic():
        OfferDate.objects.bulk_update(dates, ["start", "end", "registration_deadline"])
        offer_change_record(offer=offer, user=user, action="dates_shift", fields=["dates"])
        offer_search_refresh([offer])
    return len(dates)


# --- Freshness reminders ------------------------------------------------------------------


def offers_needing_attention(*, institution, today=None):
    """Live offers without an upcoming date or not reviewed for six months."""
    today = today or timezone.localdate()
    open_date = OfferDate.objects.filter(OfferDate.open_q(today), offer=OuterRef("pk"))
    return (
        Offer.objects.filter(institution=institution)
        .exclude(status=OfferStatus.ARCHIVED)
        .annotate(has_open_date=Exists(open_date))
        .filter(
            Q(has_open_date=False)
            | Q(last_reviewed_on__lt=today - timedelta(days=REVIEW_INTERVAL_DAYS))
        )
        .order_by("title")
    )


def freshness_reminders_send(*, today=None) -> int:
    """Mail each institution's editors and admins the offers that need attention, once per
    institution and month (the outbox key makes a repeated run send nothing new)."""
    from offerings.backoffice.notify import freshness_reminder_enqueue

    today = today or timezone.localdate()
    sent = 0
    memberships = (
        Membership.objects.filter(
            role__in=[MembershipRole.ADMIN, MembershipRole.EDITOR],
            institution__is_active=True,
            user__is_active=True,
        )
        .select_related("user", "institution")
        .order_by("institution_id")
    )
    by_institution: dict[int, list] = {}
    for membership in memberships:
        by_institution.setdefault(membership.institution_id, []).append(membership)
    for members in by_institution.values():
        institution = members[0].institution
        offers = list(offers_needing_attention(institution=institution, today=today))
        if not offers:
            continue
        for membership in members:
            freshness_reminder_enqueue(
                user=membership.user, institution=institution, offers=offers, today=today
            )
            sent += 1
    return sent
