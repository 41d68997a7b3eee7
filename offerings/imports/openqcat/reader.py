"""The streaming read of an open-Q-cat file: root and version, HEADER (currency, and the
SUPPLIER for the supplier check), and each SERVICE turned into records for the stage.

The file is read with defusedxml's iterparse: DTDs are refused (no entity bombs, no external
entities), each SERVICE is turned into records, handed to a stage (`staging.py`) and dropped
from the tree at once, so the tree never holds more than one SERVICE. What an offer says is
read by `offer.py`, its dates by `dates.py`.
"""

from collections.abc import Callable
from typing import IO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext as _

from offerings.imports.lookups import term_lookup
from offerings.imports.openqcat.dates import DateReading
from offerings.imports.openqcat.elements import Service, clean
from offerings.imports.openqcat.offer import OfferReading
from offerings.imports.openqcat.unused import is_technical
from offerings.imports.records import (
    MAX_DATES_PER_OFFER,
    MAX_ENTRIES,
    ImportFileError,
    OfferRecord,
    ParsedFile,
)
from offerings.imports.staging import MemoryStage, Stage, parsed_from_stage

SUPPORTED_VERSIONS = {"", "1.0", "1.1"}
# HEADER/SUPPLIER elements the stage keeps (attribute, length), for the supplier check.
SUPPLIER_FIELDS = {"SUPPLIER_ID": ("supplier_id", 100), "SUPPLIER_NAME": ("supplier_name", 200)}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def openqcat_parse(
    source: IO[bytes],
    *,
    delivery_forms: dict[str, int],
    terms: dict[str, set[str]] | None = None,
    on_progress: Callable | None = None,
) -> ParsedFile:
    """Read a small file into records at once (tests, round trips). `delivery_forms` maps
    lower-case names and slugs of the delivery forms to their ids, `terms` the taxonomies'
    lower-case names and slugs to slugs (`lookups.term_lookup`)."""
    stage = MemoryStage()
    terms = term_lookup() if terms is None else terms
    openqcat_read(
        source, stage=stage, delivery_forms=delivery_forms, terms=terms, on_progress=on_progress
    )
    return parsed_from_stage(stage)


def openqcat_read(
    source: IO[bytes],
    *,
    stage: Stage,
    delivery_forms: dict[str, int],
    terms: dict[str, dict[str, str]] | None = None,
    on_progress: Callable | None = None,
) -> None:
    """Read `source` SERVICE by SERVICE into `stage`; raises `ImportFileError` for a file
    that cannot be imported at all."""
    reader = _Reader(stage, delivery_forms, terms or {})
    stack: list[Element] = []
    deleting = False
    courses = 0
    try:
        for event, element in iterparse(source, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                element.tag = _local(element.tag)
                if not stack:
                    _check_root(element)
                stack.append(element)
                if element.tag == "DELETE":
                    deleting = True
                elif element.tag == "NEW_CATALOG":
                    stage.catalogue = "new"
                elif element.tag == "SERVICE":
                    courses = 0
                continue
            stack.pop()
            if element.tag == "DELETE":
                deleting = False
            elif element.tag == "MODULE_COURSE" and len(stack) > 1:
                # A SERVICE with thousands of dates must not fill the memory before it ends:
                # beyond the limit they are only counted.
                courses += 1
                if courses > MAX_DATES_PER_OFFER + 1:
                    stack[-1].remove(element)
                    element.clear()
                continue
            elif element.tag == "HEADER":
                reader.header(element)
            if element.tag != "SERVICE":
                if element.tag in SUPPLIER_FIELDS and [e.tag for e in stack[-2:]] == [
                    "HEADER",
                    "SUPPLIER",
                ]:
                    name, limit = SUPPLIER_FIELDS[element.tag]
                    setattr(stage, name, clean("".join(element.itertext()))[:limit])
                continue
            stage.entries += max(courses, 1)
            if stage.entries > MAX_ENTRIES:
                raise ImportFileError(
                    _("Die Datei enthält mehr als %(limit)s Einträge. Bitte teilen Sie sie auf.")
                    % {"limit": f"{MAX_ENTRIES:,}".replace(",", ".")}
                )
            reader.service(element, deleting, courses)
            if stack:
                stack[-1].remove(element)
            element.clear()
            if on_progress and stage.entries % 1000 < max(courses, 1):
                on_progress(stage.entries)
    except DefusedXmlException as error:
        raise ImportFileError(
            _(
                "Die Datei enthält eine Dokumenttyp-Deklaration oder Entitäten. Solche Dateien "
                "nehmen wir aus Sicherheitsgründen nicht an."
            )
        ) from error
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        raise ImportFileError(
            _(
                "Die Datei ist kein vollständiges, gültiges XML oder nicht in der angegebenen "
                "Zeichenkodierung gespeichert (Zeile %(line)s, Spalte %(column)s). "
                "Unterstützt werden UTF-8 und ISO-8859-15."
            )
            % {"line": line, "column": column}
        ) from error
    except (LookupError, UnicodeError) as error:
        raise ImportFileError(
            _("Die Zeichenkodierung der Datei wird nicht unterstützt. Bitte UTF-8 verwenden.")
        ) from error
    stage.finish()


def _check_root(element: Element) -> None:
    if element.tag != "OPENQCAT":
        raise ImportFileError(
            _("Das ist keine open-Q-cat-Datei: Das Wurzelelement heißt „%(tag)s“ statt „OPENQCAT“.")
            % {"tag": element.tag[:50]}
        )
    version = element.get("version", "").strip()
    if version not in SUPPORTED_VERSIONS:
        raise ImportFileError(
            _("open-Q-cat in Version %(version)s wird nicht unterstützt, nur 1.1.")
            % {"version": version[:10]}
        )


class _Reader(OfferReading, DateReading):
    """Turns SERVICE elements into records for the stage."""

    def __init__(self, stage: Stage, forms: dict[str, int], terms: dict[str, dict[str, str]]):
        self.stage = stage
        self.forms = forms
        self.terms = terms
        self.currency = "EUR"

    def header(self, element: Element) -> None:
        """The file's header describes the catalogue and its supplier, not offers: only
        the currency matters here; everything else is listed with the file."""
        service = Service(element)
        currency = service.text(service.first("CURRENCY")).upper()
        if currency:
            self.currency = currency
        for tag in ("CATALOG_ID", "CATALOG_VERSION", "CATALOG_NAME", "GENERATION_DATE", "LANGUAGE"):
            service.use(service.first(tag))
        # Read for the supplier check (openqcat_read, imports/jobs.py).
        supplier = service.first("SUPPLIER")
        for tag in SUPPLIER_FIELDS:
            service.use(supplier.find(tag) if supplier is not None else None)
        for path, count in service.unused().items():
            self._technical(f"HEADER/{path}", count)

    def _technical(self, path: str, count: int) -> None:
        technical = self.stage.technical
        technical[path] = technical.get(path, 0) + count

    def _report_unused(self, service: Service, target: dict[str, int]) -> None:
        for path, count in service.unused().items():
            if is_technical(path):
                self._technical(path, count)
            else:
                target[path] = target.get(path, 0) + count

    def service(self, element: Element, deleting: bool, courses: int) -> None:
        position = self.stage.entries
        service = Service(element)
        ref = service.text(service.first("PRODUCT_ID"))
        if deleting:
            if ref:
                self.stage.add_delete(ref, position)
            return
        education = service.first("EDUCATION")
        kind = service.code(education).lower() if education is not None else ""
        course_id = service.text(service.first("COURSE_ID"))
        is_date = kind == "false" or (kind != "true" and bool(course_id) and course_id != ref)
        dropped = max(courses - len(service.courses), 0)
        if is_date:
            facts: dict = {}
            warnings: list[str] = []
            errors: list[str] = []
            self._offer_facts(service, facts, warnings, errors)
            shared = self._shared_date_values(service, warnings, date=True)
            records = self._dates(
                service, ref or f"#{position}", position, warnings, dropped, shared
            )
            for record in records:
                record.offer_values = dict(facts) | record.offer_values
            records[0].warnings.extend(warnings)
            records[0].errors.extend(errors)
            if not ref:
                records[0].errors.append(_("PRODUCT_ID fehlt."))
            # The SERVICE's own elements are reported once, with its first date.
            service.use(service.first("TITLE"))
            self._report_unused(service, records[0].unused)
            for record in records:
                self.stage.add_date(record, course_id)
            return
        record = OfferRecord(ref=ref, position=position)
        if not ref:
            record.errors.append(_("PRODUCT_ID fehlt."))
            record.ref = f"#{position}"
        self._offer_values(service, record)
        shared = self._shared_date_values(service, record.warnings, date=False)
        record.own_dates = self._dates(
            service, record.ref, position, record.warnings, dropped, shared, date=False
        )
        # What the offer's entry says about all its dates holds for its linked dates too.
        record.date_defaults = {
            name: shared[name]
            for name in ("schedule", "time_of_day", "registration_deadline")
            if shared.get(name) is not None
        }
        # A missing price means "on request", never free; the dates may still name one.
        record.defaults = {"price": None}
        self._report_unused(service, record.unused)
        self.stage.add_offer(record)
