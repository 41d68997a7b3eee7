"""Where the parsers put what they read, so that the plan can take it up offer by offer.

A file may list its offers and their dates in any order (open-Q-cat links them through
COURSE_ID; a CSV repeats an offer on every row of its dates), so no offer is complete before
the end of the file. `TableStage` keeps the records in a temporary database table instead of
in memory: the worker's memory then stays the same for a file of 1,000 or of 60,000 entries,
and `offer_chunks` hands the plan a few hundred complete offers at a time. `MemoryStage`
does the same with lists, for small files and tests.

Both stages share `_assemble`, the one place that decides how rows become an offer:
the first row of a PRODUCT_ID is the offer; in open-Q-cat a later one is a duplicate (rejected
on its own), in CSV a later row repeats the offer for another date and must agree with the
first.
"""

import json
import uuid
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from offerings.imports.records import DateRecord, OfferRecord, ParsedFile, count_into

OFFER, DATE, DELETE = 1, 2, 3
# Rows written to the table per INSERT, and offers per chunk of the plan: big enough to keep
# the number of queries small, small enough that a chunk's objects stay a few megabytes.
INSERT_BATCH = 500
CHUNK_SIZE = 250


class Stage:
    """What both stages share: the parsers' interface and the assembly of offers."""

    # The file's supplier (open-Q-cat: HEADER/SUPPLIER), for the supplier check of jobs.py.
    supplier_id = ""
    supplier_name = ""

    def __init__(self, *, merge_rows: bool = False):
        # CSV: rows with the same offer id are one offer (with one date each).
        self.merge_rows = merge_rows
        self.entries = 0
        # "new" for a whole catalogue (open-Q-cat NEW_CATALOG), "update" otherwise.
        self.catalogue = "update"
        # Technical elements of the file the reader did not use: path → count.
        self.technical: dict[str, int] = {}

    def add_offer(self, record: OfferRecord) -> None:
        raise NotImplementedError

    def add_date(self, record: DateRecord, parent: str) -> None:
        raise NotImplementedError

    def add_delete(self, ref: str, position: int) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Called once the whole file is read."""

    def offer_chunks(self, size: int | None = None) -> Iterator[list[OfferRecord]]:
        raise NotImplementedError

    def orphan_chunks(self, size: int | None = None) -> Iterator[list[tuple[DateRecord, str]]]:
        raise NotImplementedError

    def delete_chunks(self, size: int | None = None) -> Iterator[list[tuple[str, int]]]:
        raise NotImplementedError

    def listed(self, refs: list[str]) -> set[str]:
        """Which of `refs` the file names as offers (rejected ones included)."""
        raise NotImplementedError

    def _assemble(
        self,
        head: OfferRecord,
        *,
        duplicate: bool,
        continuations: list[OfferRecord],
        dates: list[DateRecord],
        repeats: int = 0,
    ) -> OfferRecord:
        if duplicate:
            head.errors.insert(0, _("Die PRODUCT_ID kommt mehrfach vor."))
            head.ref = f"{head.ref}#{head.position}"
            dates = []
        elif repeats and not self.merge_rows:
            head.warnings.append(
                ngettext(
                    "Die PRODUCT_ID kommt noch %(count)d weiteres Mal in der Datei vor; "
                    "übernommen wird dieser erste Eintrag.",
                    "Die PRODUCT_ID kommt noch %(count)d weitere Male in der Datei vor; "
                    "übernommen wird dieser erste Eintrag.",
                    repeats,
                )
                % {"count": repeats}
            )
        for row in continuations:
            head.errors.extend(row.errors)
            head.warnings.extend(row.warnings)
            count_into(head.unused, row.unused)
            differing = sorted(k for k in row.values if row.values[k] != head.values.get(k))
            if differing:
                head.errors.append(
                    _(
                        "Zeile %(line)d: Die Angaben zum Angebot weichen von Zeile %(first)d ab "
                        "(%(fields)s)."
                    )
                    % {"line": row.position, "first": head.position, "fields": ", ".join(differing)}
                )
        if self.merge_rows:
            for number, record in enumerate(dates, start=1):
                record.ref = record.ref or f"{head.ref}#{number}"
        if not dates:
            dates = head.own_dates
        else:
            for record in dates:
                for name, value in head.date_defaults.items():
                    record.values.setdefault(name, value)
        if dates is not head.own_dates and head.own_dates:
            head.warnings.append(
                _(
                    "Die Termine im Eintrag des Angebots selbst wurden nicht übernommen, weil "
                    "eigene Termin-Einträge (COURSE_ID) auf das Angebot verweisen."
                )
            )
        head.own_dates = []
        for record in dates:
            count_into(head.unused, record.unused)
            record.unused = {}
        head.dates = dates
        return head


def orphan_reason(course_id: str) -> str:
    return _("Kein Angebot mit der COURSE_ID „%(id)s“.") % {"id": course_id[:60]}


class MemoryStage(Stage):
    def __init__(self, *, merge_rows: bool = False):
        super().__init__(merge_rows=merge_rows)
        self.offers: list[OfferRecord] = []
        self.dates: list[tuple[DateRecord, str]] = []
        self.deletes: list[tuple[str, int]] = []

    def add_offer(self, record: OfferRecord) -> None:
        self.offers.append(record)

    def add_date(self, record: DateRecord, parent: str) -> None:
        self.dates.append((record, parent))

    def add_delete(self, ref: str, position: int) -> None:
        self.deletes.append((ref, position))

    def offer_chunks(self, size: int | None = None) -> Iterator[list[OfferRecord]]:
        size = size or CHUNK_SIZE
        rows: dict[str, list[OfferRecord]] = {}
        for record in self.offers:
            rows.setdefault(record.ref, []).append(record)
        dates: dict[str, list[DateRecord]] = {}
        for record, parent in self.dates:
            dates.setdefault(parent, []).append(record)
        chunk = []
        for record in self.offers:
            first = rows[record.ref][0]
            if record is not first and self.merge_rows:
                continue
            chunk.append(
                self._assemble(
                    record,
                    duplicate=record is not first,
                    continuations=rows[record.ref][1:] if self.merge_rows else [],
                    dates=dates.get(record.ref, []) if record is first else [],
                    repeats=len(rows[record.ref]) - 1,
                )
            )
            if len(chunk) >= size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def orphan_chunks(self, size: int | None = None) -> Iterator[list[tuple[DateRecord, str]]]:
        size = size or CHUNK_SIZE
        refs = {record.ref for record in self.offers}
        orphans = [(d, orphan_reason(parent)) for d, parent in self.dates if parent not in refs]
        for start in range(0, len(orphans), size):
            yield orphans[start : start + size]

    def delete_chunks(self, size: int | None = None) -> Iterator[list[tuple[str, int]]]:
        size = size or CHUNK_SIZE
        for start in range(0, len(self.deletes), size):
            yield self.deletes[start : start + size]

    def listed(self, refs: list[str]) -> set[str]:
        named = {record.ref for record in self.offers}
        return {ref for ref in refs if ref in named}


class TableStage(Stage):
    """The records in a temporary table of the current database connection.

    Use as a context manager: the table lives in the connection's session (PostgreSQL and
    SQLite alike) and is dropped on exit; inside a transaction that is rolled back it is gone
    anyway.
    """

    def __init__(self, *, merge_rows: bool = False):
        super().__init__(merge_rows=merge_rows)
        self.table = f"import_stage_{uuid.uuid4().hex[:16]}"
        self._rows: list[tuple] = []

    def __enter__(self) -> "TableStage":
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.table} (pos integer NOT NULL, "
                "kind smallint NOT NULL, ref text NOT NULL, parent text, data text NOT NULL)"
            )
        return self

    def __exit__(self, *exc) -> None:
        self._rows = []
        if connection.connection is None:
            return
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
        except Exception:  # an aborted transaction drops the table on rollback
            if not exc[0]:
                raise

    # --- Writing -------------------------------------------------------------------------

    def add_offer(self, record: OfferRecord) -> None:
        data = _record_data(record)
        if record.own_dates:
            data["own"] = [_date_data(d) | {"ref": d.ref} for d in record.own_dates]
        if record.defaults:
            data["defaults"] = record.defaults
        if record.date_defaults:
            data["date_defaults"] = record.date_defaults
        self._add(record.position, OFFER, record.ref, None, data)

    def add_date(self, record: DateRecord, parent: str) -> None:
        self._add(record.position, DATE, record.ref, parent, _date_data(record))

    def add_delete(self, ref: str, position: int) -> None:
        self._add(position, DELETE, ref, None, {})

    def _add(self, pos: int, kind: int, ref: str, parent: str | None, data: dict) -> None:
        self._rows.append((pos, kind, ref, parent, json.dumps(data, default=_encode)))
        if len(self._rows) >= INSERT_BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._rows and connection.vendor == "postgresql":
            # COPY is several times faster than INSERTs for PostgreSQL.
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(
                    f"COPY {self.table} (pos, kind, ref, parent, data) FROM STDIN"
                ) as copy,
            ):
                for row in self._rows:
                    copy.write_row(row)
            self._rows = []
        elif self._rows:
            with connection.cursor() as cursor:
                cursor.executemany(
                    # The table name is ours (a random hex suffix), never the file's.
                    f"INSERT INTO {self.table} (pos, kind, ref, parent, data) "  # noqa: S608
                    "VALUES (%s, %s, %s, %s, %s)",
                    self._rows,
                )
            self._rows = []

    def finish(self) -> None:
        self._flush()
        with connection.cursor() as cursor:
            for name, columns in (
                ("p", "kind, pos"),
                ("r", "kind, ref, pos"),
                ("c", "kind, parent"),
            ):
                cursor.execute(f"CREATE INDEX {self.table}_{name} ON {self.table} ({columns})")
            if connection.vendor == "postgresql":
                # Temporary tables are never analysed automatically.
                cursor.execute(f"ANALYZE {self.table}")

    # --- Reading -------------------------------------------------------------------------

    def _select(self, sql: str, params: list) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("{t}", self.table), params)
            return cursor.fetchall()

    def offer_chunks(self, size: int | None = None) -> Iterator[list[OfferRecord]]:
        size = size or CHUNK_SIZE
        last = -1
        while True:
            rows = self._select(
                "SELECT s.pos, s.ref, s.data, f.first, f.n FROM {t} s JOIN (SELECT ref, "
                "MIN(pos) AS first, COUNT(*) AS n FROM {t} WHERE kind = %s GROUP BY ref) f "
                "ON f.ref = s.ref WHERE s.kind = %s AND s.pos > %s ORDER BY s.pos LIMIT %s",
                [OFFER, OFFER, last, size],
            )
            if not rows:
                return
            last = rows[-1][0]
            heads = [row for row in rows if row[0] == row[3] or not self.merge_rows]
            head_refs = [row[1] for row in heads if row[0] == row[3]]
            dates = self._grouped(
                "SELECT pos, ref, parent, data FROM {t} WHERE kind = %s AND parent IN ({refs}) "
                "ORDER BY pos",
                DATE,
                head_refs,
            )
            continuations = (
                self._grouped(
                    "SELECT pos, ref, ref, data FROM {t} WHERE kind = %s AND ref IN ({refs}) "
                    "ORDER BY pos",
                    OFFER,
                    head_refs,
                )
                if self.merge_rows
                else {}
            )
            chunk = []
            for pos, ref, data, first, count in heads:
                chunk.append(
                    self._assemble(
                        _offer_record(pos, ref, data),
                        duplicate=pos != first,
                        continuations=[
                            _offer_record(p, ref, d) for p, d in continuations.get(ref, [])[1:]
                        ],
                        dates=[_date_record(p, r, d) for p, r, d in dates.get(ref, [])]
                        if pos == first
                        else [],
                        repeats=count - 1,
                    )
                )
            if chunk:
                yield chunk

    def _grouped(self, sql: str, kind: int, refs: list[str]) -> dict[str, list]:
        grouped: dict[str, list] = {}
        if not refs:
            return grouped
        placeholders = ", ".join(["%s"] * len(refs))
        for pos, ref, parent, data in self._select(
            sql.replace("{refs}", placeholders), [kind, *refs]
        ):
            if kind == OFFER:
                grouped.setdefault(parent, []).append((pos, data))
            else:
                grouped.setdefault(parent, []).append((pos, ref, data))
        return grouped

    def orphan_chunks(self, size: int | None = None) -> Iterator[list[tuple[DateRecord, str]]]:
        size = size or CHUNK_SIZE
        last = -1
        while True:
            rows = self._select(
                "SELECT d.pos, d.ref, d.parent, d.data FROM {t} d WHERE d.kind = %s "
                "AND d.pos > %s AND NOT EXISTS (SELECT 1 FROM {t} o WHERE o.kind = %s "
                "AND o.ref = d.parent) ORDER BY d.pos LIMIT %s",
                [DATE, last, OFFER, size],
            )
            if not rows:
                return
            last = rows[-1][0]
            yield [
                (_date_record(pos, ref, data), orphan_reason(parent or ""))
                for pos, ref, parent, data in rows
            ]

    def delete_chunks(self, size: int | None = None) -> Iterator[list[tuple[str, int]]]:
        size = size or CHUNK_SIZE
        last = -1
        while True:
            rows = self._select(
                "SELECT ref, pos FROM {t} WHERE kind = %s AND pos > %s ORDER BY pos LIMIT %s",
                [DELETE, last, size],
            )
            if not rows:
                return
            last = rows[-1][1]
            yield [(ref, pos) for ref, pos in rows]

    def listed(self, refs: list[str]) -> set[str]:
        if not refs:
            return set()
        placeholders = ", ".join(["%s"] * len(refs))
        return {
            ref
            for (ref,) in self._select(
                # Only placeholders go into the text; the table name is ours.
                f"SELECT DISTINCT ref FROM {{t}} WHERE kind = %s AND ref IN ({placeholders})",  # noqa: S608
                [OFFER, *refs],
            )
        }


# --- Records as JSON text ---------------------------------------------------------------------


def _encode(value):
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    raise TypeError(f"Cannot store {type(value).__name__} in the import stage")


def _decode(obj: dict):
    if len(obj) == 1:
        if "$date" in obj:
            return date.fromisoformat(obj["$date"])
        if "$decimal" in obj:
            return Decimal(obj["$decimal"])
    return obj


_DECODER = json.JSONDecoder(object_hook=_decode)


def _record_data(record: OfferRecord | DateRecord) -> dict:
    # Empty parts are left out: most records have no warnings and no unused elements.
    data = {"values": record.values}
    for name in ("errors", "warnings", "unused"):
        if getattr(record, name):
            data[name] = getattr(record, name)
    return data


def _date_data(record: DateRecord) -> dict:
    data = _record_data(record)
    if record.offer_values:
        data["offer"] = record.offer_values
    return data


def _offer_record(pos: int, ref: str, data: str) -> OfferRecord:
    loaded = _DECODER.decode(data)
    record = OfferRecord(
        ref=ref,
        position=pos,
        values=loaded["values"],
        errors=loaded.get("errors", []),
        warnings=loaded.get("warnings", []),
        unused=loaded.get("unused", {}),
        defaults=loaded.get("defaults", {}),
        date_defaults=loaded.get("date_defaults", {}),
    )
    record.own_dates = [_date_from(pos, own.pop("ref"), own) for own in loaded.get("own", [])]
    return record


def _date_record(pos: int, ref: str, data: str) -> DateRecord:
    return _date_from(pos, ref, _DECODER.decode(data))


def _date_from(pos: int, ref: str, loaded: dict) -> DateRecord:
    values = loaded["values"]
    if values.get("venue_key") is not None:
        values["venue_key"] = tuple(values["venue_key"])
    return DateRecord(
        ref=ref,
        position=pos,
        values=values,
        errors=loaded.get("errors", []),
        warnings=loaded.get("warnings", []),
        offer_values=loaded.get("offer", {}),
        unused=loaded.get("unused", {}),
    )


def parsed_from_stage(stage: Stage) -> ParsedFile:
    """All of a stage at once, for small files and tests."""
    parsed = ParsedFile(
        entries=stage.entries, catalogue=stage.catalogue, technical=dict(stage.technical)
    )
    for chunk in stage.offer_chunks():
        parsed.offers.update((record.ref, record) for record in chunk)
    for chunk in stage.orphan_chunks():
        parsed.orphans += chunk
    for chunk in stage.delete_chunks():
        parsed.deletes += chunk
    return parsed
