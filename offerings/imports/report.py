"""The report of an import job: per offer and line, what the dry run would do or what the
commit did, and why.

It is written into `ImportJob.report` a chunk at a time (`JobReport`) and read back a page at
a time (`import_report_entries`), so neither the worker nor the status page ever holds the
report of a large file as a whole. Its shape:

    {"counts": {action: n}, "publish_new": bool, "sections": {action: [entry, ...]},
     "file": {"catalogue": "new" | "update", "missing": n,
              "unused": {path: n}, "technical": {path: n}}}

with one section per action in the order the page shows them (problems first) and each
section in the file's order; "file" says what concerns the file as a whole
(`entries.file_summary`): the offers a whole catalogue no longer lists and every element not
taken over, with counts. Reports written before the sections existed keep a single
sorted list under "entries"; they are read the same way.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from offerings.imports.codes import element_label
from offerings.imports.entries import (
    ARCHIVE,
    CREATE,
    REJECT,
    UNCHANGED,
    UPDATE,
    FileSummary,
    PlanEntry,
)
from offerings.models import ImportJob

SECTIONS = (REJECT, CREATE, UPDATE, ARCHIVE, UNCHANGED)
_TABLE = ImportJob._meta.db_table


def _postgres() -> bool:
    return connection.vendor == "postgresql"


class JobReport:
    """Writes a job's report. In PostgreSQL each chunk's entries are appended to their
    sections in the database; elsewhere (the zero-setup SQLite run) the report is read,
    extended and written back."""

    # Entries kept before they are written: every write rewrites the stored report, so
    # fewer, larger writes are faster; a thousand entries are a few hundred kilobytes.
    BUFFER = 1000

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.counts = dict.fromkeys(SECTIONS, 0)
        self._buffer: dict[str, list[dict]] = {}
        self._buffered = 0
        # Built from every entry, but it holds only counts per path.
        self.summary = FileSummary()

    def start(self) -> None:
        ImportJob.objects.filter(pk=self.job_id).update(
            report={"sections": {action: [] for action in SECTIONS}}
        )

    def add(self, entries: list[PlanEntry]) -> None:
        for entry in entries:
            self.counts[entry.action] += 1
            self._buffer.setdefault(entry.action, []).append(entry.as_report())
        self.summary.add(entries)
        self._buffered += len(entries)
        if self._buffered >= self.BUFFER:
            self._flush()

    def _flush(self) -> None:
        by_action, self._buffer, self._buffered = self._buffer, {}, 0
        if not by_action:
            return
        if not _postgres():
            report = ImportJob.objects.values_list("report", flat=True).get(pk=self.job_id)
            for action, items in by_action.items():
                report["sections"][action] += items
            ImportJob.objects.filter(pk=self.job_id).update(report=report)
            return
        with connection.cursor() as cursor:
            for action, items in by_action.items():
                cursor.execute(
                    f"UPDATE {_TABLE} SET report = jsonb_set(report, ARRAY['sections', %s], "  # noqa: S608
                    "(report -> 'sections' -> %s) || %s::jsonb) WHERE id = %s",
                    [action, action, json.dumps(items, cls=DjangoJSONEncoder), self.job_id],
                )

    def finish(
        self, *, publish_new: bool, catalogue: str = "update", technical: dict | None = None
    ) -> dict[str, int]:
        """Put each section in the file's order (deletions were planned first) and add the
        counts, which tell the status page that the report is complete."""
        self._flush()
        self.summary.catalogue = catalogue
        self.summary.technical = technical or {}
        summary = self.summary.as_report()
        if not _postgres():
            report = ImportJob.objects.values_list("report", flat=True).get(pk=self.job_id)
            for items in report["sections"].values():
                items.sort(key=lambda item: item["position"])
            report.update(counts=self.counts, publish_new=publish_new, file=summary)
            ImportJob.objects.filter(pk=self.job_id).update(report=report)
            return self.counts
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {_TABLE} SET report = jsonb_build_object("  # noqa: S608
                "'counts', %s::jsonb, 'publish_new', %s, 'file', %s::jsonb, 'sections', "
                "(SELECT jsonb_object_agg(section.key, (SELECT coalesce(jsonb_agg(item "
                "ORDER BY (item ->> 'position')::int), '[]'::jsonb) "
                "FROM jsonb_array_elements(section.value) AS item)) "
                "FROM jsonb_each(report -> 'sections') AS section)) WHERE id = %s",
                [json.dumps(self.counts), publish_new, json.dumps(summary), self.job_id],
            )
        return self.counts


class ReportEntries:
    """A job's report entries as a sequence that `Paginator` can page: its length comes from
    the counts, a slice is read from the database."""

    def __init__(self, job_id: int, counts: dict, *, action: str | None, legacy: bool):
        self.job_id = job_id
        self.sections = [action] if action else list(SECTIONS)
        self.counts = counts
        self.legacy = legacy

    def __len__(self) -> int:
        if self.legacy:
            return len(self._legacy())
        return sum(int(self.counts.get(action) or 0) for action in self.sections)

    def count(self) -> int:
        return len(self)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("ReportEntries supports slices only.")
        start, stop, _step = index.indices(len(self))
        if self.legacy:
            return self._legacy()[start:stop]
        entries, offset = [], 0
        for action in self.sections:
            size = int(self.counts.get(action) or 0)
            low, high = max(start - offset, 0), min(stop - offset, size)
            if low < high:
                entries += self._section(action, low, high)
            offset += size
        return entries

    def _section(self, action: str, low: int, high: int) -> list[dict]:
        if not _postgres():
            report = ImportJob.objects.values_list("report", flat=True).get(pk=self.job_id)
            return report["sections"][action][low:high]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT item FROM {_TABLE} AS job CROSS JOIN LATERAL "  # noqa: S608
                "jsonb_array_elements(job.report -> 'sections' -> %s) WITH ORDINALITY "
                "AS items(item, n) WHERE job.id = %s AND n > %s AND n <= %s ORDER BY n",
                [action, self.job_id, low, high],
            )
            return [json.loads(item) if isinstance(item, str) else item for (item,) in cursor]

    def _legacy(self) -> list[dict]:
        if not hasattr(self, "_legacy_entries"):
            report = ImportJob.objects.values_list("report", flat=True).get(pk=self.job_id)
            self._legacy_entries = [
                entry
                for entry in report.get("entries") or []
                if entry.get("action") in self.sections
            ]
        return self._legacy_entries


def import_report_counts(*, job: ImportJob) -> dict[str, int]:
    """The counts of a finished report ({} while none is complete), without loading it."""
    counts = ImportJob.objects.filter(pk=job.pk).values_list("report__counts", flat=True).first()
    return counts if isinstance(counts, dict) else {}


def unused_summary(unused: list | dict) -> tuple[int, str]:
    """How many elements an entry or a file left out, and which: "allgemeine Regelungen
    (TERMS_AND_CONDITIONS), Referent:innen (MODULE_COURSE/INSTRUCTOR) (2×)"."""
    pairs = unused.items() if isinstance(unused, dict) else unused
    parts, total = [], 0
    for path, count in pairs:
        total += count
        parts.append(element_label(path) + (f" ({count}×)" if count > 1 else ""))
    return total, ", ".join(parts)


def entries_for_display(entries: list[dict]) -> list[dict]:
    """The report's entries with their left-out elements in words."""
    for entry in entries:
        entry["unused_count"], entry["unused_text"] = unused_summary(entry.get("unused") or [])
    return entries


def import_report_file(*, job: ImportJob) -> dict:
    """What the report says about the file as a whole ({} for older reports)."""
    found = ImportJob.objects.filter(pk=job.pk).values_list("report__file", flat=True).first()
    if not isinstance(found, dict):
        return {}
    for name in ("unused", "technical"):
        found[f"{name}_rows"] = [
            (element_label(path), count) for path, count in (found.get(name) or {}).items()
        ]
        found[f"{name}_total"] = sum((found.get(name) or {}).values())
    return found


def import_report_entries(*, job: ImportJob, counts: dict, action: str | None = None):
    """The entries of `job`'s report, problems first, optionally of one action only."""
    legacy = ImportJob.objects.filter(pk=job.pk, report__has_key="entries").exists()
    return ReportEntries(
        job.pk, counts, action=action if action in SECTIONS else None, legacy=legacy
    )
