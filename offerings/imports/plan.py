"""The dry run and the commit of an import, a chunk of offers at a time.

`ImportPlanner` compares records with the institution's offers and says, per offer, what
would happen: created, updated (with the fields), unchanged or rejected (with the reasons).
Offers are matched by their PRODUCT_ID (`Offer.external_id`); offers and dates that were
exported without one carry `beweqo-<pk>` / `beweqo-date-<pk>`, so an export imported again
matches them too. `ImportApplier` carries a chunk's plan out inside the caller's transaction.
`import_run` drives both over a stage (`staging.py`), so that neither the plan nor the
report of a large file is ever held in memory as a whole; `import_plan` and `import_apply`
do the same for a file parsed at once.

Venues are matched by their normalised address (`VenueBook`), so "Gartenstr. 5" reuses the
venue at "Gartenstraße 5"; a new venue gets the municipality, district and coordinates of its
postcode and town (`offerings.places.venue_place_resolve`), and a place that cannot be found
is a warning on the offer in the dry run.
"""

import gc
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from network.selectors import institution_is_new_provider

# delivery_form_lookup and term_lookup are re-exported: callers ask the plan for them.
from offerings.imports.lookups import (  # noqa: F401
    TERM_MODELS,
    delivery_form_lookup,
    term_lookup,
)
from offerings.imports.records import (
    OFFER_FIELDS,
    TERM_FIELDS,
    DateRecord,
    OfferRecord,
    ParsedFile,
    offer_values_merge,
    validate_offer,
)
from offerings.imports.staging import Stage
from offerings.index import catalogue_index_invalidate
from offerings.models import DeliveryForm, Offer, OfferChange, OfferDate, OfferStatus, Venue
from offerings.places import PlaceMatch, venue_address_key, venue_place_resolve
from offerings.search import offer_search_refresh

CREATE, UPDATE, UNCHANGED, REJECT, ARCHIVE = "create", "update", "unchanged", "reject", "archive"
ACTION_LABELS = {
    CREATE: gettext_lazy("neu"),
    UPDATE: gettext_lazy("geändert"),
    UNCHANGED: gettext_lazy("unverändert"),
    REJECT: gettext_lazy("abgelehnt"),
    ARCHIVE: gettext_lazy("archiviert"),
}
# The same in the dry run, where nothing has happened yet.
DRY_RUN_LABELS = ACTION_LABELS | {ARCHIVE: gettext_lazy("wird archiviert")}
OFFER_REF_PREFIX = "beweqo-"
DATE_REF_PREFIX = "beweqo-date-"


def offer_ref(offer) -> str:
    return offer.external_id or f"{OFFER_REF_PREFIX}{offer.pk}"


def date_ref(offer_date) -> str:
    return offer_date.external_id or f"{DATE_REF_PREFIX}{offer_date.pk}"


def venue_key(venue) -> tuple[str, str, str, str]:
    return (venue.name, venue.street, venue.postcode, venue.city)


def _address(key) -> tuple[str, ...]:
    name, street, postcode, city = key
    return venue_address_key(name=name, street=street, postcode=postcode, city=city)


class VenueBook:
    """The institution's venues by normalised address, and the place of each address that a
    file names, each looked up once per import (a file names few venues, many times)."""

    def __init__(self, *, institution):
        self.institution = institution
        self._venues: dict[tuple, tuple[int, int | None]] | None = None
        # The addresses placed before this import: the report says the same about them
        # whether a dry run or a commit (which adds venues chunk by chunk) writes it.
        self._placed_before: set[tuple] = set()
        self._places: dict[tuple, PlaceMatch] = {}

    def venues(self) -> dict[tuple, tuple[int, int | None]]:
        """Normalised address → (venue id, municipality id); the oldest venue where the
        institution has several at one address."""
        if self._venues is None:
            self._venues = {}
            for pk, municipality_id, *key in (
                Venue.objects.filter(institution=self.institution)
                .order_by("pk")
                .values_list("pk", "municipality_id", "name", "street", "postcode", "city")
            ):
                self._venues.setdefault(_address(key), (pk, municipality_id))
            self._placed_before = {a for a, (_pk, m) in self._venues.items() if m is not None}
        return self._venues

    def place(self, key) -> PlaceMatch:
        address = _address(key)
        if address not in self._places:
            _name, street, postcode, city = key
            self._places[address] = venue_place_resolve(postcode=postcode, city=city, street=street)
        return self._places[address]

    def messages(self, keys: Iterable) -> tuple[list[str], list[str]]:
        """Warnings (a place not found or not clear) and notes (a place guessed) about the
        places of these venues; none for a venue the institution has and that is placed."""
        warnings, notes = [], []
        self.venues()
        for address, key in {_address(key): key for key in keys if key}.items():
            if address in self._placed_before:
                continue
            place = self.place(key)
            if warning := place.warning():
                warnings.append(warning)
            elif note := place.note():
                notes.append(note)
        return warnings, notes


@dataclass
class PlanEntry:
    ref: str
    position: int
    title: str
    action: str
    fields: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    # Notices that did not keep the entry from being imported.
    warnings: list[str] = field(default_factory=list)
    # Elements of the entry the importer did not use: path → count.
    unused: dict[str, int] = field(default_factory=dict)
    # A NEW_CATALOG's offer that the file no longer lists (archived only when confirmed).
    missing: bool = False
    # Internal: what apply does.
    offer: Offer | None = None
    values: dict = field(default_factory=dict)
    date_creates: list[dict] = field(default_factory=list)
    date_updates: list[tuple[OfferDate, dict]] = field(default_factory=list)
    date_deletes: list[OfferDate] = field(default_factory=list)

    def as_report(self) -> dict:
        report = {
            "ref": self.ref,
            "position": self.position,
            "title": self.title,
            "action": self.action,
            "fields": self.fields,
            "reasons": self.reasons,
            "warnings": self.warnings,
        }
        # Left out when empty, so that most entries stay small in the stored report.
        if self.unused:
            report["unused"] = sorted(self.unused.items())
        if self.missing:
            report["missing"] = True
        return report


@dataclass
class Plan:
    entries: list[PlanEntry]
    publish_new: bool
    catalogue: str = "update"
    # Technical elements the file carries that the catalogue has no use for.
    technical: dict[str, int] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTION_LABELS, 0)
        for entry in self.entries:
            counts[entry.action] += 1
        return counts

    def report(self) -> dict:
        """What the dry-run page shows: problems and changes first."""
        order = {REJECT: 0, CREATE: 1, UPDATE: 2, ARCHIVE: 3, UNCHANGED: 4}
        entries = sorted(self.entries, key=lambda e: (order[e.action], e.position))
        return {
            "counts": self.counts(),
            "publish_new": self.publish_new,
            "entries": [e.as_report() for e in entries],
            "file": file_summary(self.entries, catalogue=self.catalogue, technical=self.technical),
        }


def file_summary(entries: Iterable[PlanEntry], *, catalogue: str, technical: dict) -> dict:
    """What the report says about the file as a whole: the kind of catalogue, how many
    offers it no longer lists, and every element not taken over, with counts."""
    summary = FileSummary(catalogue=catalogue, technical=technical)
    summary.add(entries)
    return summary.as_report()


@dataclass
class FileSummary:
    catalogue: str = "update"
    technical: dict[str, int] = field(default_factory=dict)
    missing: int = 0
    unused: dict[str, int] = field(default_factory=dict)

    def add(self, entries: Iterable[PlanEntry]) -> None:
        for entry in entries:
            self.missing += entry.missing
            for path, count in entry.unused.items():
                self.unused[path] = self.unused.get(path, 0) + count

    def as_report(self) -> dict:
        return {
            "catalogue": self.catalogue,
            "missing": self.missing,
            "unused": dict(sorted(self.unused.items())),
            "technical": dict(sorted(self.technical.items())),
        }


class ImportPlanner:
    """The dry run of one import, asked a chunk at a time. Each chunk reads only the offers,
    dates and venues its records refer to.

    `defaults` are terms the provider chose for every offer of the file (what the file
    cannot say, e.g. that its courses count for Bildungszeit); they are added to what the
    file says. `archive_missing` says whether the offers a whole catalogue no longer lists
    are archived: the dry run shows them as such, the commit needs the confirmation."""

    def __init__(self, *, institution, defaults: dict | None = None, archive_missing: bool = True):
        self.institution = institution
        # Decided once for the whole file. A new provider's offers come in as drafts: its
        # first publication waits for the network office, as in the back office.
        self.publish_new = not institution_is_new_provider(institution=institution)
        self.defaults = {
            name: sorted(set(slugs)) for name, slugs in (defaults or {}).items() if slugs
        }
        self.archive_missing = archive_missing
        self.today = timezone.localdate()
        self.venues = VenueBook(institution=institution)

    def _existing(self, refs: Iterable[str]) -> dict[str, Offer]:
        refs = set(refs)
        pks = {
            int(ref[len(OFFER_REF_PREFIX) :])
            for ref in refs
            if ref.startswith(OFFER_REF_PREFIX)
            and ref[len(OFFER_REF_PREFIX) :].isdigit()
            and len(ref) < len(OFFER_REF_PREFIX) + 18
        }
        by_external, by_pk = {}, {}
        for offer in (
            Offer.objects.filter(institution=self.institution)
            .filter(Q(external_id__in=refs) | Q(pk__in=pks))
            .only("pk", "external_id", "status", "institution_id", *OFFER_FIELDS)
        ):
            if offer.external_id:
                by_external[offer.external_id] = offer
            by_pk[f"{OFFER_REF_PREFIX}{offer.pk}"] = offer
        return {
            ref: by_external.get(ref) or by_pk.get(ref)
            for ref in refs
            if ref in by_external or ref in by_pk
        }

    def _terms(self, offers: Iterable[Offer]) -> dict[int, dict[str, list[str]]]:
        """The slugs of each offer's terms, one query per taxonomy."""
        pks = [offer.pk for offer in offers]
        terms: dict[int, dict[str, list[str]]] = {pk: {n: [] for n in TERM_FIELDS} for pk in pks}
        for name in TERM_FIELDS:
            through = Offer._meta.get_field(name).remote_field.through
            target = Offer._meta.get_field(name).m2m_reverse_field_name()
            for offer_id, slug in through.objects.filter(offer_id__in=pks).values_list(
                "offer_id", f"{target}__slug"
            ):
                terms[offer_id][name].append(slug)
        for found in terms.values():
            for slugs in found.values():
                slugs.sort()
        return terms

    def _with_defaults(self, values: dict, existing: dict[str, list[str]] | None) -> None:
        for name, slugs in self.defaults.items():
            base = values.get(name, existing.get(name, []) if existing else [])
            values[name] = sorted(set(base) | set(slugs))

    def offers(self, records: list[OfferRecord]) -> list[PlanEntry]:
        offers = self._existing(record.ref for record in records)
        terms = self._terms(offers.values())
        dates_by_offer: dict[int, dict[str, OfferDate]] = {}
        for offer_date in OfferDate.objects.filter(offer_id__in=[o.pk for o in offers.values()]):
            dates_by_offer.setdefault(offer_date.offer_id, {})[date_ref(offer_date)] = offer_date
        venue_ids = {
            d.venue_id for dates in dates_by_offer.values() for d in dates.values() if d.venue_id
        }
        venue_keys = {v.pk: _address(venue_key(v)) for v in Venue.objects.filter(pk__in=venue_ids)}
        entries = []
        for record in records:
            existing = offers.get(record.ref)
            offer_values_merge(record)
            self._with_defaults(record.values, terms.get(existing.pk) if existing else None)
            validate_offer(record, is_new=existing is None, today=self.today)
            entry = PlanEntry(
                ref=record.ref,
                position=record.position,
                title=record.values.get("title") or (existing.title if existing else ""),
                action=REJECT,
                offer=existing,
                values=record.values,
                warnings=record.warnings,
                unused=record.unused,
            )
            entries.append(entry)
            if record.errors:
                entry.reasons = record.errors
                continue
            place_warnings, place_notes = self.venues.messages(
                d.values.get("venue_key") for d in record.dates
            )
            entry.warnings = [*record.warnings, *place_warnings]
            if existing is None:
                entry.action = CREATE
                entry.date_creates = [d.values | {"external_id": d.ref} for d in record.dates]
                entry.reasons = [
                    _("%(n)d Termine.") % {"n": len(record.dates)},
                    _("Wird veröffentlicht.")
                    if self.publish_new
                    else _(
                        "Wird als Entwurf angelegt; die erste Veröffentlichung gibt die "
                        "Geschäftsstelle frei."
                    ),
                    *place_notes,
                    *record.notes,
                ]
                continue
            current = terms.get(existing.pk, {})
            entry.fields = [
                name
                for name, value in record.values.items()
                if (current.get(name) if name in TERM_FIELDS else getattr(existing, name)) != value
            ]
            if existing.status == OfferStatus.ARCHIVED:
                entry.reasons.append(_("Das Angebot ist archiviert und bleibt es."))
            if record.dates:
                _plan_dates(entry, record, dates_by_offer.get(existing.pk, {}), venue_keys)
            entry.reasons += [*place_notes, *record.notes]
            entry.action = (
                UPDATE
                if entry.fields or entry.date_creates or entry.date_updates or entry.date_deletes
                else UNCHANGED
            )
        return entries

    def orphans(self, orphans: list[tuple[DateRecord, str]]) -> list[PlanEntry]:
        return [
            PlanEntry(
                ref=date_record.ref,
                position=date_record.position,
                title=_("Termin"),
                action=REJECT,
                reasons=[reason, *date_record.errors],
                warnings=date_record.warnings,
                unused=date_record.unused,
            )
            for date_record, reason in orphans
        ]

    def missing(self, stage: Stage, *, size: int = 500) -> Iterable[list[PlanEntry]]:
        """A whole catalogue (NEW_CATALOG) replaces the provider's: its offers that the file
        no longer lists are archived, a chunk at a time. Rejected offers of the file count
        as listed, so a mistake in the file never archives anything."""
        if stage.catalogue != "new":
            return
        last = 0
        while True:
            offers = list(
                Offer.objects.filter(institution=self.institution, pk__gt=last)
                .exclude(status=OfferStatus.ARCHIVED)
                .order_by("pk")
                .only("pk", "external_id", "title", "status")[:size]
            )
            if not offers:
                return
            last = offers[-1].pk
            refs = {
                offer.pk: (offer.external_id, f"{OFFER_REF_PREFIX}{offer.pk}") for offer in offers
            }
            listed = stage.listed([ref for pair in refs.values() for ref in pair if ref])
            entries = []
            for offer in offers:
                if listed & set(refs[offer.pk]):
                    continue
                entry = PlanEntry(
                    ref=offer_ref(offer),
                    position=0,
                    title=offer.title,
                    action=ARCHIVE if self.archive_missing else UNCHANGED,
                    offer=offer,
                    missing=True,
                )
                entry.reasons = [
                    _("Nicht mehr in der Datei, die den ganzen Katalog enthält: wird archiviert.")
                    if self.archive_missing
                    else _(
                        "Nicht mehr in der Datei, die den ganzen Katalog enthält. Nicht "
                        "archiviert, weil das Archivieren nicht bestätigt wurde."
                    )
                ]
                entries.append(entry)
            if entries:
                yield entries

    def deletes(self, deletes: list[tuple[str, int]]) -> list[PlanEntry]:
        offers = self._existing(ref for ref, _position in deletes)
        entries = []
        for ref, position in deletes:
            existing = offers.get(ref)
            entry = PlanEntry(
                ref=ref, position=position, title="", action=UNCHANGED, offer=existing
            )
            if existing is None:
                entry.reasons = [_("Zum Löschen angegeben, aber nicht vorhanden.")]
            else:
                entry.title = existing.title
                if existing.status != OfferStatus.ARCHIVED:
                    entry.action = ARCHIVE
                    entry.reasons = [_("Zum Löschen angegeben: Das Angebot wird archiviert.")]
            entries.append(entry)
        return entries


def _plan_dates(entry: PlanEntry, record, existing: dict, venue_keys: dict) -> None:
    seen = set()
    for date_record in record.dates:
        seen.add(date_record.ref)
        current = existing.get(date_record.ref)
        if current is None:
            entry.date_creates.append(date_record.values | {"external_id": date_record.ref})
            continue
        changes = {}
        for name, value in date_record.values.items():
            if name == "venue_key":
                # Compared by normalised address, as the applier will match the venue.
                if venue_keys.get(current.venue_id) != (_address(value) if value else None):
                    changes[name] = value
            elif getattr(current, name) != value:
                changes[name] = value
        if changes:
            entry.date_updates.append((current, changes))
    entry.date_deletes = [d for ref, d in existing.items() if ref not in seen]
    if entry.date_creates or entry.date_updates or entry.date_deletes:
        entry.fields.append("dates")
        entry.reasons.append(
            _("Termine: %(new)d neu, %(changed)d geändert, %(gone)d entfallen.")
            % {
                "new": len(entry.date_creates),
                "changed": len(entry.date_updates),
                "gone": len(entry.date_deletes),
            }
        )


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
            address = _address(key)
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
            known[_address(venue_key(venue))] = (venue.pk, venue.municipality_id)
        if placed:
            Venue.objects.bulk_update(
                placed, ["municipality", "district", "latitude", "longitude"], batch_size=500
            )
            transaction.on_commit(catalogue_index_invalidate)
        return {key: known[_address(key)][0] for key in needed}

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


def import_run(
    *,
    institution,
    stage: Stage,
    commit: bool,
    user=None,
    defaults: dict | None = None,
    archive_missing: bool = True,
    on_entries: Callable[[list[PlanEntry]], None],
    on_progress: Callable[[int], None] | None = None,
) -> bool:
    """Plan (and with `commit`, apply) what `stage` holds, chunk by chunk, handing each
    chunk's entries to `on_entries` (the report). Returns whether new offers are published.

    Deletions and the offers a whole catalogue no longer lists come first, planned like
    everything else against the offers as they were before the import. A commit must run
    inside `transaction.atomic()`."""
    planner = ImportPlanner(
        institution=institution, defaults=defaults, archive_missing=archive_missing
    )
    applier = (
        ImportApplier(
            institution=institution,
            user=user,
            publish_new=planner.publish_new,
            venues=planner.venues,
        )
        if commit
        else None
    )
    done = 0

    def handle(entries: list[PlanEntry]) -> None:
        nonlocal done
        if applier is not None:
            applier.apply(entries)
        on_entries(entries)
        done += len(entries)
        # Model instances hold reference cycles (state, relations); free each chunk's now,
        # or garbage from many chunks piles up until the collector's next full pass. The
        # objects that existed before the import are frozen, so this pass is short.
        gc.collect()
        if on_progress:
            on_progress(done)

    gc.freeze()
    try:
        for chunk in stage.delete_chunks():
            handle(planner.deletes(chunk))
        for chunk in planner.missing(stage):
            handle(chunk)
        for chunk in stage.offer_chunks():
            handle(planner.offers(chunk))
        for chunk in stage.orphan_chunks():
            handle(planner.orphans(chunk))
    finally:
        gc.unfreeze()
    return planner.publish_new


def import_plan(*, institution, parsed: ParsedFile, defaults: dict | None = None) -> Plan:
    """The dry run of a file parsed at once: what importing `parsed` into `institution`
    would change, and why not."""
    planner = ImportPlanner(institution=institution, defaults=defaults)
    records = list(parsed.offers.values())
    entries = []
    for chunk in planner.missing(_ParsedListing(parsed)):
        entries += chunk
    for start in range(0, len(records), 500):
        entries += planner.offers(records[start : start + 500])
    entries += planner.orphans(parsed.orphans)
    entries += planner.deletes(parsed.deletes)
    return Plan(
        entries=entries,
        publish_new=planner.publish_new,
        catalogue=parsed.catalogue,
        technical=parsed.technical,
    )


class _ParsedListing:
    """A parsed file as `ImportPlanner.missing` asks a stage."""

    def __init__(self, parsed: ParsedFile):
        self.catalogue = parsed.catalogue
        self.refs = set(parsed.offers)

    def listed(self, refs: list[str]) -> set[str]:
        return self.refs.intersection(refs)


def import_apply(*, institution, plan: Plan, user, archive_missing: bool = False) -> dict[str, int]:
    """Carry out `plan` all-or-nothing and return the counts. The offers a whole catalogue
    no longer lists are archived only with `archive_missing` (the person confirmed it)."""
    entries = [e for e in plan.entries if archive_missing or not e.missing]
    with transaction.atomic():
        ImportApplier(institution=institution, user=user, publish_new=plan.publish_new).apply(
            entries
        )
    return plan.counts()
