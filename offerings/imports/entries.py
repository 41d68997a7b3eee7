"""What a plan is made of: the actions, one entry per offer, date or deletion of a file,
and the summary of the file as a whole (its kind of catalogue, offers it no longer lists,
elements not taken over).

Offers and dates exported without a PRODUCT_ID carry `beweqo-<pk>` / `beweqo-date-<pk>`
(`offer_ref`, `date_ref`), so an export imported again matches them.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy

from offerings.models import Offer, OfferDate

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
