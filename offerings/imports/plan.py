"""The dry run and the commit of an import, a chunk of offers at a time.

`ImportPlanner` compares records with the institution's offers and says, per offer, what
would happen: created, updated (with the fields), unchanged, archived or rejected (with the
reasons), as entries of `entries.py`. Offers are matched by their PRODUCT_ID
(`Offer.external_id`) or the `beweqo-<pk>` an export gives offers without one. A whole
catalogue (NEW_CATALOG) archives the offers it no longer lists (`ImportPlanner.missing`),
in the commit only when the person confirmed it. Venues are matched by `venues.VenueBook`;
`apply.ImportApplier` carries a chunk's plan out inside the caller's transaction.
`import_run` drives both over a stage (`staging.py`), so that neither the plan nor the
report of a large file is ever held in memory as a whole; `import_plan` and `import_apply`
do the same for a file parsed at once.
"""

import gc
from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from network.selectors import institution_is_new_provider
from offerings.imports.apply import ImportApplier

# The action labels and the lookups are re-exported: callers ask the plan for them.
from offerings.imports.entries import (  # noqa: F401
    ACTION_LABELS,
    ARCHIVE,
    CREATE,
    DRY_RUN_LABELS,
    OFFER_REF_PREFIX,
    REJECT,
    UNCHANGED,
    UPDATE,
    Plan,
    PlanEntry,
    date_ref,
    offer_ref,
)
from offerings.imports.lookups import delivery_form_lookup, term_lookup  # noqa: F401
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
from offerings.imports.venues import VenueBook, venue_address, venue_key
from offerings.models import Offer, OfferDate, OfferStatus, Venue


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
        venue_keys = {
            v.pk: venue_address(venue_key(v)) for v in Venue.objects.filter(pk__in=venue_ids)
        }
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
                if venue_keys.get(current.venue_id) != (venue_address(value) if value else None):
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
