"""The commit of an import: `ImportApplier` carries out a chunk's planned entries with bulk
writes, inside the caller's transaction, and finds or creates the venues they name.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from offerings.imports.entries import ARCHIVE, CREATE, UPDATE, PlanEntry
from offerings.imports.lookups import TERM_MODELS
from offerings.imports.records import TERM_FIELDS
from offerings.imports.venues import VenueBook, venue_address, venue_key
from offerings.index import catalogue_index_invalidate
from offerings.models import (
    ONGOING_KINDS,
    DeliveryForm,
    Offer,
    OfferChange,
    OfferDate,
    OfferStatus,
    Venue,
)
from offerings.search import offer_search_refresh


class ImportApplier:
    """Carries out planned entries, a chunk at a time, inside the caller's transaction:
    a failure in any chunk rolls back every chunk before it. Rejected entries are skipped
    (the dry run listed them)."""

    def __init__(self, *, institution, user, publish_new: bool, venues: VenueBook | None = None):
        self.institution = institution
        self.venues = venues or VenueBook(institution=institution)
        self.user = user
        self.publish_new = publish_new
        self.now = timezone.now()
        self.today: date = timezone.localdate()
        self.default_form = (
            DeliveryForm.objects.filter(slug="praesenz").values_list("pk", flat=True).first()
        )
        self.term_ids = {
            name: dict(model.objects.values_list("slug", "pk"))
            for name, model in TERM_MODELS.items()
        }

    def _venues(self, entries: list[PlanEntry]) -> dict:
        """The venues this chunk's dates name (file's key → venue id): the institution's
        venue at the same normalised address, or a new one with its place. A venue that has
        no municipality yet gets one where it can now be found."""
        needed = {
            values["venue_key"]
            for entry in entries
            for values in entry.date_creates + [c for _d, c in entry.date_updates]
            if values.get("venue_key")
        }
        known = self.venues.venues()
        new: dict[tuple, Venue] = {}
        placed: list[Venue] = []
        for key in sorted(needed):
            address = venue_address(key)
            if address in new:
                continue
            if address not in known:
                new[address] = Venue(
                    institution=self.institution,
                    name=key[0],
                    street=key[1],
                    postcode=key[2],
                    city=key[3],
                    **self.venues.place(key).venue_values(),
                )
            elif known[address][1] is None and (place := self.venues.place(key)).found:
                venue = Venue(pk=known[address][0], **place.venue_values())
                placed.append(venue)
                known[address] = (venue.pk, venue.municipality_id)
        for venue in Venue.objects.bulk_create(list(new.values())):
            known[venue_address(venue_key(venue))] = (venue.pk, venue.municipality_id)
        if placed:
            Venue.objects.bulk_update(
                placed, ["municipality", "district", "latitude", "longitude"], batch_size=500
            )
            transaction.on_commit(catalogue_index_invalidate)
        return {key: known[venue_address(key)][0] for key in needed}

    def apply(self, entries: list[PlanEntry]) -> None:
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("ImportApplier.apply must run inside transaction.atomic().")
        venues = self._venues(entries)
        now, today = self.now, self.today

        archives = [e for e in entries if e.action == ARCHIVE]
        if archives:
            Offer.objects.filter(pk__in=[e.offer.pk for e in archives]).update(
                status=OfferStatus.ARCHIVED, updated_at=now
            )

        creates = [e for e in entries if e.action == CREATE]
        new_offers = Offer.objects.bulk_create(
            [
                Offer(
                    institution=self.institution,
                    external_id=e.ref,
                    delivery_form_id=e.values.get("delivery_form_id") or self.default_form,
                    status=OfferStatus.PUBLISHED if self.publish_new else OfferStatus.DRAFT,
                    published_at=now if self.publish_new else None,
                    **{
                        k: v
                        for k, v in e.values.items()
                        if k != "delivery_form_id" and k not in TERM_FIELDS
                    },
                )
                for e in creates
            ],
            batch_size=1000,
        )
        new_dates = []
        for entry, offer in zip(creates, new_offers, strict=True):
            entry.offer = offer
            new_dates += [_new_date(offer, values, venues) for values in entry.date_creates]

        updates = [e for e in entries if e.action == UPDATE]
        changed_fields: set[str] = set()
        date_changes: list[OfferDate] = []
        date_fields: set[str] = set()
        deleted_dates: list[int] = []
        for entry in updates:
            for name in entry.fields:
                if name != "dates" and name not in TERM_FIELDS:
                    setattr(entry.offer, name, entry.values[name])
                    changed_fields.add(name)
            entry.offer.updated_at = now
            entry.offer.last_reviewed_on = today
            new_dates += [_new_date(entry.offer, values, venues) for values in entry.date_creates]
            for offer_date, changes in entry.date_updates:
                for name, value in changes.items():
                    if name == "venue_key":
                        offer_date.venue_id = venues.get(value) if value else None
                        date_fields.add("venue")
                    else:
                        setattr(offer_date, name, value)
                        date_fields.add(name)
                date_changes.append(offer_date)
            deleted_dates += [d.pk for d in entry.date_deletes]
        if updates:
            Offer.objects.bulk_update(
                [e.offer for e in updates],
                sorted(changed_fields | {"updated_at", "last_reviewed_on"}),
                batch_size=500,
            )
        if deleted_dates:
            OfferDate.objects.filter(pk__in=deleted_dates).delete()
        if date_changes:
            OfferDate.objects.bulk_update(date_changes, sorted(date_fields), batch_size=500)
        if updates:
            # The import restates each updated offer with its dates, as a review does: its
            # rolling and on-demand dates count as confirmed (issue 22).
            OfferDate.objects.filter(
                offer_id__in=[e.offer.pk for e in updates], start_kind__in=ONGOING_KINDS
            ).update(confirmed_on=today)
        OfferDate.objects.bulk_create(new_dates, batch_size=2000)
        self._terms(creates, updates)

        touched = archives + creates + updates
        OfferChange.objects.bulk_create(
            [
                OfferChange(
                    offer=e.offer,
                    user=self.user,
                    action=f"import_{e.action}",
                    fields=e.fields,
                    created_at=now,
                )
                for e in touched
            ],
            batch_size=2000,
        )
        if touched:
            # Bulk writes send no signals: refresh the search data; the catalogue index is
            # told once the transaction commits.
            offer_search_refresh([e.offer for e in touched])
            transaction.on_commit(catalogue_index_invalidate)

    def _terms(self, creates: list[PlanEntry], updates: list[PlanEntry]) -> None:
        """Funding, topics and target groups: set as the file (and the defaults) name them,
        through one delete and one insert per taxonomy."""
        for name in TERM_FIELDS:
            field_ = Offer._meta.get_field(name)
            through = field_.remote_field.through
            target = f"{field_.m2m_reverse_field_name()}_id"
            ids = self.term_ids[name]
            changed = [e for e in updates if name in e.fields]
            if changed:
                through.objects.filter(offer_id__in=[e.offer.pk for e in changed]).delete()
            through.objects.bulk_create(
                [
                    through(offer_id=entry.offer.pk, **{target: ids[slug]})
                    for entry in creates + changed
                    for slug in entry.values.get(name, [])
                    if slug in ids
                ],
                batch_size=2000,
            )


def _new_date(offer: Offer, values: dict, venues: dict) -> OfferDate:
    fields = {k: v for k, v in values.items() if k != "venue_key"}
    key = values.get("venue_key")
    return OfferDate(offer=offer, venue_id=venues.get(key) if key else None, **fields)
