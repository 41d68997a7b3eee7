"""Writes of the provider back office: offers, their dates, publication, bulk work on many
offers, history and the freshness reminders. Every write that changes an offer's texts,
topics or provider ends with `offer_search_refresh`, and saves name their fields, so that a
stale instance never writes old search data back."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.db.models import DateTimeField, Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from network.models import Membership, MembershipRole
from network.selectors import institution_is_new_provider
from network.services import institution_mark_published
from offerings.index import catalogue_index_invalidate
from offerings.models import (
    ONGOING_KINDS,
    REVIEW_INTERVAL_DAYS,
    Offer,
    OfferApproval,
    OfferChange,
    OfferDate,
    OfferStatus,
    Venue,
    review_cutoff,
    review_deadline,
)
from offerings.places import PlaceMatch, venue_address_key, venue_place_resolve
from offerings.search import offer_search_refresh
from offerings.signals import offers_published

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


def offer_mark_reviewed(*, offer: Offer, user, today=None) -> None:
    """ "Still correct": the provider confirms the offer and its dates without changing
    them, from the dates section of the edit page."""
    offers_review(offers=[offer], user=user, today=today)
    offer.refresh_from_db(fields=["last_reviewed_on", "updated_at"])


def offers_review(*, offers, user, today=None) -> int:
    """The provider confirms offers as they are, after a page that showed their dates (the
    edit page's dates, or the bulk review's list): each counts as reviewed today, so a
    stale one is back in the catalogue at once, and its rolling and on-demand dates count as
    confirmed (issue 22). Returns how many offers were reviewed."""
    offers = list(offers)
    if not offers:
        return 0
    today = today or timezone.localdate()
    ids = [offer.pk for offer in offers]
    with transaction.atomic():
        Offer.objects.filter(pk__in=ids).update(last_reviewed_on=today, updated_at=timezone.now())
        OfferDate.objects.filter(offer_id__in=ids, start_kind__in=ONGOING_KINDS).update(
            confirmed_on=today
        )
        _changes_record(offers, user, "review", [])
        # An update sends no signals: tell the catalogue index (whose token the cards' cache
        # keys carry). The texts did not change, so the search data stays.
        transaction.on_commit(catalogue_index_invalidate)
    return len(offers)


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
    offers_bulk_archive(offers=[offer], user=user)


def offer_delete(*, offer: Offer) -> None:
    offer.delete()


def offer_publish(*, offer: Offer, user) -> str:
    """Publish the offer, or, for a new institution's first publication (of an offer or an
    event), ask the network office for approval. Returns "published" or "pending"."""
    with transaction.atomic():
        if user_is_office(user) or not institution_is_new_provider(institution=offer.institution):
            _publish([offer], user)
            offer.refresh_from_db(fields=["status", "published_at"])
            return "published"
        _approval_request(offer.institution, [offer], user)
        return "pending"


def offer_approve(*, offer: Offer, user) -> int:
    """The network office releases a new provider: its approval covers the provider, not
    one offer, so every offer of the provider that waits is published with `offer`.
    Returns how many were published."""
    with transaction.atomic():
        waiting = list(
            Offer.objects.filter(
                Q(pk=offer.pk) | Q(approval__isnull=False), institution=offer.institution_id
            ).select_related("institution")
        )
        _publish(waiting, user)
    offer.refresh_from_db(fields=["status", "published_at"])
    return len(waiting)


def _publish(offers: list[Offer], user) -> None:
    """Publish `offers`, all of one institution, in one go (no signals: the search data and
    the catalogue index are refreshed here)."""
    if not offers:
        return
    now = timezone.now()
    ids = [offer.pk for offer in offers]
    Offer.objects.filter(pk__in=ids).update(
        status=OfferStatus.PUBLISHED,
        published_at=Coalesce("published_at", Value(now), output_field=DateTimeField()),
        updated_at=now,
    )
    institution_mark_published(institution=offers[0].institution, when=now)
    OfferApproval.objects.filter(offer_id__in=ids).delete()
    _changes_record(offers, user, "publish", ["status"])
    offer_search_refresh(offers)
    transaction.on_commit(partial(offers_published.send, sender=Offer, offer_ids=ids))


def _changes_record(offers: list[Offer], user, action: str, fields: list[str]) -> None:
    OfferChange.objects.bulk_create(
        [OfferChange(offer=offer, user=user, action=action, fields=fields) for offer in offers],
        batch_size=1000,
    )


def _approval_request(institution, offers: list[Offer], user) -> list[Offer]:
    """Mark `offers` of a new provider as waiting for the network office (one OfferApproval
    each, so nothing is lost and the back office shows them as waiting). The office is told
    once per provider: while a request is open, more offers simply wait with it, and its
    approval covers them all (offer_approve). Returns the offers that wait now."""
    already = set(
        OfferApproval.objects.filter(offer__institution=institution).values_list(
            "offer_id", flat=True
        )
    )
    new = [offer for offer in offers if offer.pk not in already]
    OfferApproval.objects.bulk_create(
        [OfferApproval(offer=offer, requested_by=user) for offer in new], ignore_conflicts=True
    )
    _changes_record(new, user, "approval_requested", [])
    if new and not already:
        from offerings.backoffice.notify import approval_request_enqueue

        approval_request_enqueue(offer=new[0], requested_by=user, count=len(new))
    return new


# --- Bulk work ----------------------------------------------------------------------------


@dataclass
class BulkResult:
    """What a bulk action did: how many offers changed, how many now wait for the network
    office, and which stayed as they were and why (title, reason)."""

    changed: int = 0
    waiting: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _one_institution(offers: list[Offer]):
    """Bulk actions work on one institution's offers; the view selects them so."""
    institutions = {offer.institution_id for offer in offers}
    if len(institutions) > 1:
        raise ValueError("A bulk action takes the offers of one institution.")
    return offers[0].institution


def offers_bulk_publish(*, offers, user) -> BulkResult:
    """Publish many offers in one transaction. A new provider's offers wait for the
    network office instead, together, as one request (`_approval_request`)."""
    result = BulkResult()
    todo = []
    for offer in offers:
        if offer.status == OfferStatus.PUBLISHED:
            result.skipped.append((offer.title, _("ist bereits veröffentlicht")))
        else:
            todo.append(offer)
    if not todo:
        return result
    institution = _one_institution(todo)
    with transaction.atomic():
        if user_is_office(user) or not institution_is_new_provider(institution=institution):
            _publish(todo, user)
            result.changed = len(todo)
            return result
        waiting = _approval_request(institution, todo, user)
    result.waiting = len(waiting)
    waiting_ids = {offer.pk for offer in waiting}
    result.skipped += [
        (offer.title, _("wartet bereits auf die Freigabe der Geschäftsstelle"))
        for offer in todo
        if offer.pk not in waiting_ids
    ]
    return result


def offers_bulk_archive(*, offers, user) -> BulkResult:
    """Archive many offers in one transaction; a waiting approval is withdrawn."""
    result = BulkResult()
    todo = []
    for offer in offers:
        if offer.status == OfferStatus.ARCHIVED:
            result.skipped.append((offer.title, _("ist bereits archiviert")))
        else:
            todo.append(offer)
    if not todo:
        return result
    _one_institution(todo)
    ids = [offer.pk for offer in todo]
    with transaction.atomic():
        Offer.objects.filter(pk__in=ids).update(
            status=OfferStatus.ARCHIVED, updated_at=timezone.now()
        )
        OfferApproval.objects.filter(offer_id__in=ids).delete()
        _changes_record(todo, user, "archive", ["status"])
        offer_search_refresh(todo)
    result.changed = len(todo)
    return result


def offers_bulk_set_taxonomy(
    *,
    offers,
    user,
    add: Mapping[str, Iterable] | None = None,
    remove: Mapping[str, Iterable] | None = None,
) -> BulkResult:
    """Add terms to and remove terms from many offers in one transaction, by field
    ("topics", "target_groups", "funding_programmes" → the terms). An offer that already
    was so is left alone and reported."""
    add, remove = add or {}, remove or {}
    unknown = (set(add) | set(remove)) - set(M2M_FIELDS)
    if unknown:
        raise ValueError(f"Not a taxonomy of offers: {sorted(unknown)}")
    offers = list(offers)
    result = BulkResult()
    if not offers:
        return result
    _one_institution(offers)
    ids = [offer.pk for offer in offers]
    changed: dict[int, set[str]] = {}
    with transaction.atomic():
        for name in M2M_FIELDS:
            m2m = Offer._meta.get_field(name)
            through = m2m.remote_field.through
            offer_id, term_id = f"{m2m.m2m_field_name()}_id", f"{m2m.m2m_reverse_field_name()}_id"
            links = through.objects.filter(**{f"{offer_id}__in": ids})
            terms = [term.pk for term in add.get(name, ())]
            if terms:
                present = set(
                    links.filter(**{f"{term_id}__in": terms}).values_list(offer_id, term_id)
                )
                rows = [
                    through(**{offer_id: pk, term_id: term})
                    for pk in ids
                    for term in terms
                    if (pk, term) not in present
                ]
                through.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
                for row in rows:
                    changed.setdefault(getattr(row, offer_id), set()).add(name)
            terms = [term.pk for term in remove.get(name, ())]
            if terms:
                doomed = links.filter(**{f"{term_id}__in": terms})
                for pk in set(doomed.values_list(offer_id, flat=True)):
                    changed.setdefault(pk, set()).add(name)
                doomed.delete()
        touched = [offer for offer in offers if offer.pk in changed]
        if touched:
            Offer.objects.filter(pk__in=list(changed)).update(updated_at=timezone.now())
            OfferChange.objects.bulk_create(
                [
                    OfferChange(
                        offer=offer, user=user, action="update", fields=sorted(changed[offer.pk])
                    )
                    for offer in touched
                ],
                batch_size=1000,
            )
            offer_search_refresh(touched)
    result.changed = len(touched)
    result.skipped = [
        (offer.title, _("war schon so")) for offer in offers if offer.pk not in changed
    ]
    return result


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
    # Saving a date is looking at it: a rolling or on-demand date counts as confirmed.
    values["confirmed_on"] = timezone.localdate()
    with transaction.atomic():
        if offer_date is None:
            offer_date = OfferDate.objects.create(offer=offer, **values)
            action = "date_add"
        else:
            for name, value in values.items():
                setattr(offer_date, name, value)
            offer_date.save()
            action = "date_update"
        offer_change_record(
            offer=offer, user=user, action=action, fields=sorted(set(values) - {"confirmed_on"})
        )
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


# --- Review deadline (issue 22) -----------------------------------------------------------

# The reminders before an offer leaves the catalogue: the first a month before the deadline
# (after 11 of 12 months), the second two weeks before it (about 11.5 months).
REVIEW_REMINDERS = (timedelta(days=30), timedelta(days=14))


def _review_reminder_due(offer: Offer, today) -> bool:
    """Whether `offer` is owed a reminder today: it is inside a reminder's window and was
    not reminded since that window opened. So each reminder goes out once, on the first run
    inside its window; a review moves the deadline and with it both windows."""
    deadline = review_deadline(offer.last_reviewed_on)
    if today >= deadline:
        return False
    opened = [deadline - before for before in REVIEW_REMINDERS if today >= deadline - before]
    if not opened:
        return False
    return offer.review_reminded_on is None or offer.review_reminded_on < max(opened)


def review_reminders_send(*, today=None) -> int:
    """Remind each institution's editors and admins of their published offers that leave
    the catalogue soon unless reviewed: one mail per person and run, listing every such
    offer with its deadline. Safe to run again: each offer is claimed (locked, its
    `review_reminded_on` set) in the transaction that queues the mails, so a second run, or
    a second worker, finds nothing owed. Returns the number of mails queued."""
    from offerings.backoffice.notify import review_reminder_enqueue

    today = today or timezone.localdate()
    earliest = max(REVIEW_REMINDERS)
    # Offers whose first window may have opened and whose deadline has not yet passed.
    candidates = (
        Offer.objects.published()
        .filter(
            last_reviewed_on__gt=review_cutoff(today),
            last_reviewed_on__lte=review_cutoff(today + earliest),
        )
        .order_by("institution_id", "title", "pk")
    )
    sent = 0
    with transaction.atomic():
        owed = [
            offer
            for offer in candidates.select_for_update(skip_locked=True, of=("self",))
            if _review_reminder_due(offer, today)
        ]
        if not owed:
            return 0
        Offer.objects.filter(pk__in=[offer.pk for offer in owed]).update(review_reminded_on=today)
        by_institution: dict[int, list[Offer]] = {}
        for offer in owed:
            by_institution.setdefault(offer.institution_id, []).append(offer)
        members = (
            Membership.objects.filter(
                institution_id__in=list(by_institution),
                role__in=[MembershipRole.ADMIN, MembershipRole.EDITOR],
                user__is_active=True,
            )
            .select_related("user", "institution")
            .order_by("institution_id", "user_id")
        )
        for membership in members:
            review_reminder_enqueue(
                user=membership.user,
                institution=membership.institution,
                offers=by_institution[membership.institution_id],
                today=today,
            )
            sent += 1
    return sent
