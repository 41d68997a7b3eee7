"""Streaming reader of open-Q-cat 1.1 files (the format of the federal course database).

The file is read with defusedxml's iterparse: DTDs are refused (no entity bombs, no external
entities), each SERVICE is turned into a record, handed to a stage (`staging.py`) and dropped
from the tree at once, so the tree never holds more than one SERVICE. Offers
(`EDUCATION type="true"`) and their dates (`type="false"`, linked through COURSE_ID) may come
in any order.
"""

from collections.abc import Callable
from decimal import InvalidOperation
from typing import IO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext as _

from offerings.imports.records import (
    MAX_ENTRIES,
    DateRecord,
    ImportFileError,
    OfferRecord,
    ParsedFile,
    parse_count,
    parse_date,
    parse_decimal,
)
from offerings.imports.staging import MemoryStage, Stage, parsed_from_stage

SUPPORTED_VERSIONS = {"", "1.0", "1.1"}
# HEADER/SUPPLIER elements the stage keeps (attribute, length), for the supplier check.
SUPPLIER_FIELDS = {"SUPPLIER_ID": ("supplier_id", 100), "SUPPLIER_NAME": ("supplier_name", 200)}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(element: Element | None) -> str:
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())


def _long_text(element: Element | None) -> str:
    """Descriptions keep their line breaks; only the ends are trimmed."""
    if element is None:
        return ""
    return "".join(element.itertext()).replace("\r\n", "\n").strip()


def _first(element: Element, name: str) -> Element | None:
    return next(element.iter(name), None)


def openqcat_parse(
    source: IO[bytes], *, delivery_forms: dict[str, int], on_progress: Callable | None = None
) -> ParsedFile:
    """Read a small file into records at once (tests, round trips). `delivery_forms` maps
    lower-case names and slugs of the delivery forms to their ids."""
    stage = MemoryStage()
    openqcat_read(source, stage=stage, delivery_forms=delivery_forms, on_progress=on_progress)
    return parsed_from_stage(stage)


def openqcat_read(
    source: IO[bytes],
    *,
    stage: Stage,
    delivery_forms: dict[str, int],
    on_progress: Callable | None = None,
) -> None:
    """Read `source` SERVICE by SERVICE into `stage`; raises `ImportFileError` for a file
    that cannot be imported at all."""
    stack: list[Element] = []
    deleting = False
    try:
        for event, element in iterparse(source, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                element.tag = _local(element.tag)
                if not stack:
                    _check_root(element)
                stack.append(element)
                if element.tag == "DELETE":
                    deleting = True
                continue
            stack.pop()
            if element.tag == "DELETE":
                deleting = False
            if element.tag != "SERVICE":
                if element.tag in SUPPLIER_FIELDS and [e.tag for e in stack[-2:]] == [
                    "HEADER",
                    "SUPPLIER",
                ]:
                    name, limit = SUPPLIER_FIELDS[element.tag]
                    setattr(stage, name, _text(element)[:limit])
                continue
            stage.entries += 1
            if stage.entries > MAX_ENTRIES:
                raise ImportFileError(
                    _("Die Datei enthält mehr als %(limit)s Einträge. Bitte teilen Sie sie auf.")
                    % {"limit": f"{MAX_ENTRIES:,}".replace(",", ".")}
                )
            _service(element, stage, deleting, delivery_forms)
            if stack:
                stack[-1].remove(element)
            element.clear()
            if on_progress and stage.entries % 1000 == 0:
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


def _service(element, stage: Stage, deleting: bool, forms: dict) -> None:
    position = stage.entries
    # The first element of each name in the SERVICE, found in one pass: looking each name
    # up in the subtree again took most of the parse.
    first: dict[str, Element] = {}
    for child in element.iter():
        first.setdefault(child.tag, child)
    ref = _text(first.get("PRODUCT_ID"))
    if deleting:
        if ref:
            stage.add_delete(ref, position)
        return
    education = first.get("EDUCATION")
    course_id = _text(first.get("COURSE_ID"))
    kind = (education.get("type", "") if education is not None else "").strip().lower()
    is_date = kind == "false" or (kind != "true" and bool(course_id) and course_id != ref)
    if is_date:
        record = _date_record(first, ref, position)
        if not ref:
            record.errors.append(_("PRODUCT_ID fehlt."))
        stage.add_date(record, course_id)
        return
    record = OfferRecord(ref=ref, position=position)
    if not ref:
        record.errors.append(_("PRODUCT_ID fehlt."))
        record.ref = f"#{position}"
    _offer_values(element, first, record, forms)
    # A SERVICE that is offer and date at once (no separate dates): its own SERVICE_DATE.
    if _text(first.get("START_DATE")):
        record.own_date = _date_record(first, ref, position)
    stage.add_offer(record)


def _offer_values(element: Element, first: dict, record: OfferRecord, forms: dict) -> None:
    values = record.values
    details = first.get("SERVICE_DETAILS")
    scope = details if details is not None else element
    values["title"] = _text(first.get("TITLE"))
    long_text = _long_text(first.get("DESCRIPTION_LONG"))
    short = _text(first.get("DESCRIPTION_SHORT"))
    if not short and long_text:
        short = " ".join(long_text.split())
        if len(short) > 400:
            short = short[:399].rsplit(" ", 1)[0] + "…"
    values["summary"] = short
    if first.get("DESCRIPTION_LONG") is not None:
        values["description"] = long_text
    keywords = [_text(k) for k in scope.iter("KEYWORD") if _text(k)]
    if keywords:
        values["keywords"] = ", ".join(keywords)
    contact = first.get("CONTACT")
    if contact is not None:
        name = _text(_first(contact, "NAME")) or " ".join(
            part
            for part in (
                _text(_first(contact, "FIRST_NAME")),
                _text(_first(contact, "SURNAME")),
            )
            if part
        )
        values["contact_name"] = name
        values["contact_email"] = _text(_first(contact, "EMAIL"))
        values["contact_phone"] = _text(_first(contact, "PHONE"))
    url = first.get("URL")
    if url is not None:
        values["url"] = _text(url)
    degree = first.get("DEGREE")
    if degree is not None:
        values["certificate_name"] = _text(degree)
    measure = first.get("MEASURE_NUMBER")
    if measure is not None:
        values["azav_measure_number"] = _text(measure)
    form = _text(first.get("EXECUTION_FORM")).lower()
    if form:
        form_id = forms.get(form) or next(
            (pk for name, pk in forms.items() if name and name in form), None
        )
        if form_id is None:
            record.errors.append(_("Unbekannte Lernform „%(form)s“.") % {"form": form[:60]})
        else:
            values["delivery_form_id"] = form_id
    amount = first.get("PRICE_AMOUNT")
    if amount is not None and _text(amount):
        try:
            values["price"] = parse_decimal(_text(amount))
        except (InvalidOperation, ValueError):
            record.errors.append(
                _("Der Preis „%(price)s“ ist keine Zahl.") % {"price": _text(amount)[:20]}
            )


def _date_record(first: dict, ref: str, position: int) -> DateRecord:
    record = DateRecord(ref=ref, position=position)
    values = record.values
    flexible = _text(first.get("FLEXIBLE_START")).lower() in {"true", "1", "ja", "yes"}
    values["start_kind"] = "rolling" if flexible else "fixed"
    for name, tag in (("start", "START_DATE"), ("end", "END_DATE")):
        text = _text(first.get(tag))
        values[name] = None
        if text:
            try:
                values[name] = parse_date(text)
            except ValueError:
                record.errors.append(_("Das Datum „%(date)s“ ist ungültig.") % {"date": text[:40]})
    instruction = _text(first.get("INSTRUCTION_FORM")).lower()
    values["schedule"] = (
        "full_time" if "vollzeit" in instruction or instruction == "full_time" else "part_time"
    )
    for name, tag in (("seats", "MAX_PARTICIPANTS"), ("hours_total", "DURATION")):
        text = _text(first.get(tag))
        try:
            values[name] = parse_count(text)
        except (ValueError, InvalidOperation):
            values[name] = None
            record.errors.append(_("„%(value)s“ ist keine gültige Anzahl.") % {"value": text[:20]})
    location = first.get("LOCATION")
    if location is not None and (
        _text(_first(location, "NAME")) or _text(_first(location, "CITY"))
    ):
        values["venue_key"] = (
            _text(_first(location, "NAME"))[:150] or _text(_first(location, "CITY"))[:150],
            _text(_first(location, "STREET"))[:120],
            _text(_first(location, "ZIP"))[:5],
            _text(_first(location, "CITY"))[:80],
        )
    else:
        values["venue_key"] = None
    return record
