"""Streaming reader of open-Q-cat 1.1 files (the format of the federal course database).

The file is read with defusedxml's iterparse: DTDs are refused (no entity bombs, no external
entities), each SERVICE is turned into records, handed to a stage (`staging.py`) and dropped
from the tree at once, so the tree never holds more than one SERVICE. Offers
(`EDUCATION type="true"`) and their dates (`type="false"`, linked through COURSE_ID) may come
in any order, and every MODULE_COURSE of a SERVICE is a date of its own.

What the reader takes from a SERVICE is remembered (`_Service.used`); every other element
with content is reported, per offer when it may matter to a job seeker and per file when it
is technical (`TECHNICAL`), so nothing is dropped without a word. The element names and
their meaning are those of the format's schema (open-Qcat.V1.1.xsd) and the Federal
Employment Agency's field list; the coded values are in `codes.py`.
"""

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import IO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from offerings.imports import codes
from offerings.imports.lookups import term_lookup
from offerings.imports.records import (
    DATE_NOTES_LIMIT,
    MAX_DATES_PER_OFFER,
    MAX_ENTRIES,
    OFFER_FIELDS,
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
# Elements that only group others; left out of the paths the report names.
WRAPPERS = {"SERVICE_DETAILS", "SERVICE_MODULE", "EDUCATION"}
# Elements the catalogue has no use for and a job seeker would not miss (identifiers of
# other systems, codes for KURSNET's own sorting, postal details): reported per file only.
TECHNICAL = {
    "ID_DB",
    "COURSE_TYPE",
    "COURSE_ID",
    "SUPPLIER_ID_REF",
    "SUPPLIER_ALT_PID",
    "RECIPIENT_PID",
    "SERVICE_ORDER",
    "MODULE_ORDER",
    "SEGMENT_TYPE",
    "SEGMENT",
    "ANNOUNCEMENT",
    "CONTACT_ROLE",
    "SALUTATION",
    "INSTITUTION",
    "EDUCATION_TYPE",
    "INSTRUCTION_FORM_NAME",
    "CERTIFIER_NUMBER",
    "CERTIFICATE_NUMBER",
    "CERT_VALIDITY",
    "COUNTRY",
    "COUNTRY_CODED",
    "STATE",
    "DISTRICT",
    "ZIPBOX",
    "BOXNO",
    "FAX",
    "MOBILE",
    "PRICE_CURRENCY",
    "MIME_ORDER",
    "MIME_TYPE",
    "MIME_PURPOSE",
    "MIME_ALT",
    "HS_INFO",
    "DURATION",
    "REFERENCE_CLASSIFICATION_SYSTEM_NAME",
    "REFERENCE_CLASSIFICATION_GROUP_ID",
    "REFERENCE_CLASSIFICATION_GROUP_NAME",
    "FORDER",
    "VALIDITY",
    "DAILY_PRICE",
    "PUBLIC_KEY",
}
# The portal's own classification, written by its export (offerings/exporters.py).
OWN_CLASSIFICATION = "BeWeQO"
HOURS = re.compile(r"(?<![\d.:])(\d{1,2})(?:[.:](\d{2}))?\s*(?:uhr|h\b|-|–|bis)", re.IGNORECASE)
DATE_WITH_ZONE = re.compile(r"^\d{4}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})$")
PHONE_DOTS = re.compile(r"^\+?\d+(\.\d+)+$")
# HEADER/SUPPLIER elements the stage keeps (attribute, length), for the supplier check.
SUPPLIER_FIELDS = {"SUPPLIER_ID": ("supplier_id", 100), "SUPPLIER_NAME": ("supplier_name", 200)}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def is_technical(path: str) -> bool:
    return path.rsplit("/", 1)[-1].split("@", 1)[0] in TECHNICAL


def _clean(text: str) -> str:
    return " ".join(text.split())


def _date(text: str):
    if DATE_WITH_ZONE.match(text.strip()):
        text = text.strip()[:10]
    return parse_date(text)


def _bool(text: str) -> bool | None:
    text = text.strip().lower()
    if text in codes.TRUE_WORDS:
        return True
    if text in codes.FALSE_WORDS:
        return False
    return None


class _Service:
    """One SERVICE element being read: its elements by name (MODULE_COURSEs apart), and
    which of them the reader used."""

    def __init__(self, root: Element):
        self.root = root
        self.used: set[int] = {id(root)}
        self.index: dict[str, list[Element]] = {}
        self.courses: list[Element] = []
        self._collect(root)

    def _collect(self, element: Element) -> None:
        for child in element:
            if child.tag == "MODULE_COURSE":
                self.courses.append(child)
                continue
            self.index.setdefault(child.tag, []).append(child)
            self._collect(child)

    def all(self, tag: str) -> list[Element]:
        return self.index.get(tag, [])

    def first(self, tag: str) -> Element | None:
        found = self.index.get(tag)
        return found[0] if found else None

    def use(self, element: Element | None) -> None:
        if element is not None:
            self.used.update(id(e) for e in element.iter())

    def text(self, element: Element | None) -> str:
        """The element's text on one line; the element and everything in it count as used."""
        if element is None:
            return ""
        self.use(element)
        return _clean("".join(element.itertext()))

    def long_text(self, element: Element | None) -> str:
        """Descriptions keep their line breaks; only the ends are trimmed."""
        if element is None:
            return ""
        self.use(element)
        return "".join(element.itertext()).replace("\r\n", "\n").strip()

    def code(self, element: Element | None) -> str:
        """The `type` attribute of a coded element; its own text is only the code's label
        (what is inside it is not read)."""
        if element is None:
            return ""
        self.used.add(id(element))
        return (element.get("type") or "").strip()

    def unuse(self, element: Element) -> None:
        """A value that could not be mapped is reported like one that was not read."""
        self.used.difference_update(id(e) for e in element.iter())

    @staticmethod
    def child(parent: Element | None, tag: str) -> Element | None:
        return next(parent.iter(tag), None) if parent is not None else None

    def unused(self) -> dict[str, int]:
        """Path → count of the elements with content the reader did not use; an element
        none of whose content was used is named once, not by its parts."""
        found: dict[str, int] = {}
        self._unused(self.root, "", found)
        return found

    def _unused(self, element: Element, path: str, found: dict) -> tuple[bool, bool]:
        """(has content, has used content) of `element`'s subtree; records what is unused."""
        own = bool((element.text or "").strip()) or any(
            str(v).strip() for v in element.attrib.values()
        )
        used_here = id(element) in self.used
        children = []
        for child in element:
            tag = child.tag
            child_path = path if tag in WRAPPERS else (f"{path}/{tag}" if path else tag)
            children.append((child, child_path))
        if not children:
            if own and not used_here:
                found[path] = found.get(path, 0) + 1
            return own, own and used_here
        partial: dict[str, int] = {}
        content, used = own, own and used_here
        for child, child_path in children:
            child_content, child_used = self._unused(child, child_path, partial)
            content = content or child_content
            used = used or child_used
        if content and not used and path:
            found[path] = found.get(path, 0) + 1
            return content, used
        for key, count in partial.items():
            found[key] = found.get(key, 0) + count
        if own and not used_here and path:
            # The element's own attributes (DURATION@type) when its parts were used.
            attributes = ",".join(k for k, v in element.attrib.items() if str(v).strip())
            key = f"{path}@{attributes}" if attributes else path
            found[key] = found.get(key, 0) + 1
        return content, used


def openqcat_parse(
    source: IO[bytes],
    *,
    delivery_forms: dict[str, int],
    terms: dict[str, set[str]] | None = None,
    on_progress: Callable | None = None,
) -> ParsedFile:
    """Read a small file into records at once (tests, round trips). `delivery_forms` maps
    lower-case names and slugs of the delivery forms to their ids, `terms` the taxonomies'
    lower-case names and slugs to slugs (`plan.term_lookup`)."""
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
                    setattr(stage, name, _clean("".join(element.itertext()))[:limit])
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


class _Reader:
    """Turns SERVICE elements into records for the stage."""

    def __init__(self, stage: Stage, forms: dict[str, int], terms: dict[str, dict[str, str]]):
        self.stage = stage
        self.forms = forms
        self.terms = terms
        self.currency = "EUR"

    def header(self, element: Element) -> None:
        """The file's header describes the catalogue and its supplier, not offers: only
        the currency matters here; everything else is listed with the file."""
        service = _Service(element)
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

    def _report_unused(self, service: _Service, target: dict[str, int]) -> None:
        for path, count in service.unused().items():
            if is_technical(path):
                self._technical(path, count)
            else:
                target[path] = target.get(path, 0) + count

    def service(self, element: Element, deleting: bool, courses: int) -> None:
        position = self.stage.entries
        service = _Service(element)
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

    # --- The offer ---------------------------------------------------------------------------

    def _offer_values(self, service: _Service, record: OfferRecord) -> None:
        values = record.values
        values["title"] = service.text(service.first("TITLE"))
        long_element = service.first("DESCRIPTION_LONG")
        long_text = service.long_text(long_element)
        short = service.text(service.first("DESCRIPTION_SHORT"))
        if not short and long_text:
            short = _clean(long_text)
            if len(short) > 400:
                short = short[:399].rsplit(" ", 1)[0] + "…"
        values["summary"] = short
        if long_element is not None:
            values["description"] = long_text
        requirements = service.first("REQUIREMENTS")
        if requirements is not None:
            values["entry_requirements"] = service.long_text(requirements)
        self._keywords(service, record)
        self._contact(service, values)
        self._url(service, values)
        self._degree(service, values, record.warnings)
        measure = service.first("MEASURE_NUMBER")
        if measure is not None:
            values["azav_measure_number"] = service.text(measure)
        self._offer_facts(service, values, record.warnings, record.errors)

    def _keywords(self, service: _Service, record: OfferRecord) -> None:
        """Keywords; some generators put course classification codes (Kurssystematik) or
        the names of the portal's topics among them."""
        keywords = []
        for element in service.all("KEYWORD"):
            word = service.text(element)
            if not word:
                continue
            if codes.kurssystematik_terms(word) is not None:
                self._classification_code(service, element, word, record.values, record.warnings)
                continue
            keywords.append(word)
        if not keywords:
            return
        joined = ", ".join(dict.fromkeys(keywords))
        limit = OFFER_FIELDS["keywords"]
        if len(joined) > limit:
            joined = joined[: limit + 1].rsplit(", ", 1)[0]
            record.warnings.append(
                _(
                    "Die Schlagwörter sind länger als %(limit)d Zeichen; die letzten wurden "
                    "weggelassen."
                )
                % {"limit": limit}
            )
        record.values["keywords"] = joined
        topics = {self.terms.get("topics", {}).get(word.lower()) for word in keywords} - {None}
        if topics:
            _add_terms(record.values, "topics", topics)

    def _contact(self, service: _Service, values: dict) -> None:
        contact = service.first("CONTACT")
        if contact is None:
            return
        # The contact's own elements, not those of its ADDRESS.
        name = service.text(contact.find("NAME")) or " ".join(
            part
            for part in (
                service.text(contact.find("ACADEMIC_TITLE")),
                service.text(contact.find("FIRST_NAME")),
                service.text(contact.find("NAME_PREFIX")),
                service.text(contact.find("LAST_NAME")) or service.text(contact.find("SURNAME")),
            )
            if part
        )
        values["contact_name"] = name
        email = contact.find("EMAILS/EMAIL")
        values["contact_email"] = service.text(
            email if email is not None else contact.find("EMAIL")
        )
        phone = service.text(contact.find("PHONE"))
        # KURSNET writes numbers as +49.7361.12345.
        values["contact_phone"] = phone.replace(".", " ") if PHONE_DOTS.match(phone) else phone

    def _url(self, service: _Service, values: dict) -> None:
        """The course page: the link of the MIME_INFO (what KURSNET shows as "Link"), else
        the contact's web address."""
        contact = service.first("CONTACT")
        contact_url = contact.find("URL") if contact is not None else None
        sources = [(e, _clean("".join(e.itertext()))) for e in service.all("MIME_SOURCE")]
        url = next((t for _e, t in sources if t.lower().startswith(("http://", "https://"))), None)
        if url:
            values["url"] = url
            # The same address elsewhere (the contact's web address) was not left out.
            for element, text in sources:
                if text == url:
                    service.use(element)
            if contact_url is not None and _clean("".join(contact_url.itertext())) == url:
                service.use(contact_url)
            return
        details = service.first("SERVICE_DETAILS")
        if contact_url is None and details is not None:
            contact_url = details.find("URL")
        if contact_url is not None:
            values["url"] = service.text(contact_url)

    def _degree(self, service: _Service, values: dict, warnings: list[str]) -> None:
        degree = service.first("DEGREE")
        if degree is None:
            return
        service.code(degree)  # DEGREE@type is 0 in KURSNET's own files
        title = service.child(degree, "DEGREE_TITLE")
        if title is not None:
            values["certificate_name"] = service.text(title)
        elif len(degree) == 0:
            values["certificate_name"] = service.text(degree)
        exam = service.child(degree, "DEGREE_EXAM")
        if exam is None:
            return
        examiner = service.child(exam, "EXAMINER")
        examiner_text = "".join(examiner.itertext()) if examiner is not None else ""
        described = _clean(f"{exam.get('type') or ''} {examiner_text}")
        certificate = _certificate_kind(described)
        if certificate is not None:
            service.used.add(id(exam))
            service.use(examiner)
            values["certificate"] = certificate
        elif described:
            warnings.append(
                _("Die Art des Abschlusses „%(kind)s“ kennt das Portal nicht.")
                % {"kind": described[:80]}
            )

    # --- What offers and dates both carry ----------------------------------------------------

    def _offer_facts(
        self, service: _Service, values: dict, warnings: list[str], errors: list[str]
    ) -> None:
        """Values of the offer an entry states, whether it is the offer's or a date's:
        delivery form, language, level, price, funding, topics, target groups and
        accessibility (open-Q-cat puts several of them on the dates)."""
        self._delivery_form(service, values, warnings)
        self._language(service, values, warnings)
        self._price(service, values, warnings, errors)
        self._funding(service, values, warnings)
        self._classification(service, values, warnings)
        self._target_groups(service, values, warnings)
        self._accessibility(service, values, warnings)

    def _delivery_form(self, service: _Service, values: dict, warnings: list[str]) -> None:
        chosen, unknown = None, []
        for tag, table in (
            ("EXECUTION_FORM", codes.EXECUTION_FORMS),
            ("INSTRUCTION_FORM", codes.INSTRUCTION_FORMS),
        ):
            element = service.first(tag)
            if element is None:
                continue
            code = (element.get("type") or "").strip()
            text = _clean("".join(element.itertext())).lower()
            form_id = self.forms.get(text) or self.forms.get(table.get(code, ""))
            if form_id is None and text:
                form_id = next(
                    (pk for name, pk in self.forms.items() if name and name in text), None
                )
            if form_id is not None:
                if chosen is None:
                    values["delivery_form_id"] = chosen = form_id
                # The second element naming the form is used when it agrees.
                if form_id == chosen:
                    service.use(element)
                continue
            if tag == "INSTRUCTION_FORM" and (
                code in codes.INSTRUCTION_FORMS_VAGUE
                or code in codes.INSTRUCTION_FORM_SCHEDULE
                or text in {"vollzeit", "teilzeit", "full_time", "part_time"}
            ):
                continue  # full-/part-time or "on request": read with the dates
            if code or text:
                unknown.append(_clean("".join(element.itertext())) or code)
        if chosen is None and unknown:
            warnings.append(
                _("Unbekannte Lernform „%(form)s“; angenommen wird „Präsenz“, bitte prüfen.")
                % {"form": unknown[0][:60]}
            )

    def _language(self, service: _Service, values: dict, warnings: list[str]) -> None:
        # TEACHING_LANGUAGES (since 2025) or the older EDUCATION/LANGUAGE, ISO 639-2.
        teaching, older = service.all("TEACHING_LANGUAGES"), service.all("LANGUAGE")
        found = []
        for element in teaching or older:
            code = service.text(element).lower()
            if code:
                found.append(code)
        if not found:
            return
        for element in older if teaching else []:
            # Used when it says the same.
            if _clean("".join(element.itertext())).lower() in found:
                service.use(element)
        values["language"] = codes.LANGUAGES.get(found[0], "other")
        if len(found) > 1:
            warnings.append(
                _(
                    "Weitere Unterrichtssprachen nicht übernommen: %(codes)s (das Portal kennt "
                    "eine je Angebot)."
                )
                % {"codes": ", ".join(found[1:])}
            )

    def _price(
        self, service: _Service, values: dict, warnings: list[str], errors: list[str]
    ) -> None:
        details = service.first("SERVICE_PRICE_DETAILS")
        if details is None:
            return
        amount_element = service.child(details, "PRICE_AMOUNT")
        remarks_element = service.child(details, "REMARKS")
        remarks = service.text(remarks_element)
        if remarks:
            if len(remarks) > OFFER_FIELDS["price_notes"]:
                remarks = remarks[: OFFER_FIELDS["price_notes"] - 1] + "…"
                warnings.append(_("Die Hinweise zum Preis wurden gekürzt."))
            values["price_notes"] = remarks
        amount_text = service.text(amount_element)
        currency = service.text(service.child(details, "PRICE_CURRENCY")).upper() or self.currency
        price: Decimal | None
        if amount_text:
            if codes.FREE_PATTERN.search(amount_text):
                price = Decimal("0.00")
            else:
                try:
                    price = parse_decimal(amount_text)
                except (InvalidOperation, ValueError):
                    errors.append(
                        _("Der Preis „%(price)s“ ist keine Zahl.") % {"price": amount_text[:20]}
                    )
                    return
        elif remarks and codes.FREE_REMARK.fullmatch(remarks):
            price = Decimal("0.00")
        else:
            price = None
        if price is not None and currency not in {"EUR", "€"}:
            warnings.append(
                _("Der Preis ist in %(currency)s angegeben; übernommen wird „Preis auf Anfrage“.")
                % {"currency": currency[:10]}
            )
            price = None
        elif price == 0 and remarks and codes.ON_REQUEST_PATTERN.search(remarks):
            warnings.append(
                _(
                    "Preis 0 mit dem Hinweis „%(remark)s“: übernommen als „Preis auf Anfrage“, "
                    "nicht als kostenlos."
                )
                % {"remark": remarks[:60]}
            )
            price = None
        values["price"] = price

    def _funding(self, service: _Service, values: dict, warnings: list[str]) -> None:
        slugs: set[str] = set()
        for tag, table in (
            ("FUNDING_TYPES_FEDERAL", codes.FUNDING_FEDERAL),
            ("FUNDING_TYPES_REGIONAL", codes.FUNDING_REGIONAL),
        ):
            for element in service.all(tag):
                code = service.code(element)
                label = _clean("".join(element.itertext()))
                slug = table.get(code) or codes.FUNDING_WORDS.get(label.lower())
                if slug:
                    slugs.add(slug)
                    continue
                service.unuse(element)
                name = codes.FUNDING_FEDERAL_UNMAPPED.get(code) if tag.endswith("FEDERAL") else None
                warnings.append(
                    _(
                        "Die Förderart „%(name)s“ (%(element)s %(code)s) hat im Portal keine "
                        "Entsprechung."
                    )
                    % {"name": (name or label or code)[:80], "element": tag, "code": code}
                )
        measure = service.text(service.first("MEASURE_NUMBER"))
        if measure:
            # A measure number is the AZAV approval the Bildungsgutschein needs.
            values.setdefault("azav_measure_number", measure)
            slugs.add("bildungsgutschein")
        for status in service.all("CERTIFICATE_STATUS"):
            code = service.text(status)
            if code == codes.CERTIFICATE_APPROVED:
                slugs.add("bildungsgutschein")
            elif code not in {"", "0"}:
                service.unuse(status)
        if slugs:
            # Funding the file does not name is left as it is (the provider may have set it
            # in the portal).
            _add_terms(values, "funding_programmes", slugs)

    def _classification(self, service: _Service, values: dict, warnings: list[str]) -> None:
        for classification in service.all("SERVICE_CLASSIFICATION"):
            system = service.text(
                service.child(classification, "REFERENCE_CLASSIFICATION_SYSTEM_NAME")
            )
            for feature in classification.iter("FEATURE"):
                name_element = service.child(feature, "FNAME")
                name = _clean("".join(name_element.itertext())) if name_element is not None else ""
                value_elements = list(feature.iter("FVALUE"))
                if system == OWN_CLASSIFICATION:
                    self._own_feature(service, name_element, name, value_elements, values, warnings)
                elif codes.kurssystematik_terms(name) is not None:
                    # KURSNET: the code is the name, the value its label.
                    self._classification_code(service, name_element, name, values, warnings)
                    for element in value_elements:
                        service.use(element)
                elif name.lower() in {"kurssystematik", "systematik"}:
                    service.use(name_element)
                    for element in value_elements:
                        code = _clean("".join(element.itertext()))
                        self._classification_code(service, element, code, values, warnings)

    def _classification_code(
        self, service: _Service, element: Element, code: str, values: dict, warnings: list[str]
    ) -> None:
        found = codes.kurssystematik_terms(code)
        topic, group = found if found else (None, None)
        known = self.terms.get("topics", {}), self.terms.get("target_groups", {})
        topic = topic if topic in known[0].values() or not known[0] else None
        group = group if group in known[1].values() or not known[1] else None
        if topic is None and group is None:
            service.unuse(element)
            warnings.append(
                _("Der Kurssystematik-Code „%(code)s“ ist keinem Thema des Portals zugeordnet.")
                % {"code": code[:40]}
            )
            return
        service.use(element)
        if topic:
            _add_terms(values, "topics", {topic})
        if group:
            _add_terms(values, "target_groups", {group})

    def _own_feature(self, service, name_element, name, value_elements, values, warnings) -> None:
        texts = [_clean("".join(e.itertext())) for e in value_elements]
        field = OWN_FEATURES.get(name)
        if field is None:
            return
        kind, target = field
        if kind == "terms":
            lookup = self.terms.get(target, {})
            slugs = {lookup.get(text.lower()) for text in texts if text}
            unknown = [text for text in texts if text and lookup.get(text.lower()) is None]
            if unknown and lookup:
                warnings.append(
                    _("Unbekannte Angaben zu %(field)s: %(values)s.")
                    % {"field": name, "values": ", ".join(unknown)[:120]}
                )
            _add_terms(values, target, slugs - {None})
        elif kind == "choice":
            choices = OWN_CHOICES[target]
            value = texts[0] if texts else ""
            if value not in choices:
                warnings.append(
                    _("Unbekannte Angabe zu %(field)s: %(value)s.")
                    % {"field": name, "value": value[:40]}
                )
                return
            values[target] = value
        elif kind == "bool":
            flag = _bool(texts[0] if texts else "")
            if flag is None:
                return
            values[target] = flag
        else:
            values[target] = "\n".join(texts)
        service.use(name_element)
        for element in value_elements:
            service.use(element)

    def _target_groups(self, service: _Service, values: dict, warnings: list[str]) -> None:
        slugs: set[str] = set()
        for tag, slug in codes.TARGET_GROUP_FLAGS.items():
            for element in service.all(tag):
                flag = _bool(service.text(element))
                if flag:
                    slugs.add(slug)
        for element in service.all("EDUCATION_TYPE"):
            level, group = codes.EDUCATION_TYPES.get(
                (element.get("type") or "").strip(), (None, None)
            )
            if level or group:
                service.use(element)
            if level:
                values.setdefault("level", level)
            if group:
                slugs.add(group)
        lookup = self.terms.get("target_groups", {})
        for element in service.all("TARGET_GROUP_TEXT"):
            text = _clean("".join(element.itertext()))
            parts = [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]
            if parts and lookup and all(part.lower() in lookup for part in parts):
                # A list of the portal's target groups, as its own export writes them.
                service.use(element)
                slugs.update(lookup[part.lower()] for part in parts)
        known = set(lookup.values())
        slugs = {slug for slug in slugs if slug in known} if known else slugs
        if slugs:
            _add_terms(values, "target_groups", slugs)

    def _accessibility(self, service: _Service, values: dict, warnings: list[str]) -> None:
        notes = []
        for element in service.all("DIGITAL_ACCESSIBILITY"):
            if _bool(service.text(element)):
                notes.append(_("Digital barrierefrei."))
        for element in service.all("DIGITAL_ACCESSIBILITY_REMARKS"):
            text = service.text(element)
            if text:
                notes.append(text)
        handicaps = [service.text(service.child(h, "HAND_NAME")) for h in service.all("HANDICAP")]
        for handicap in service.all("HANDICAP"):
            service.code(handicap)
        handicaps = [h for h in handicaps if h]
        if handicaps:
            notes.append(
                _("Geeignet für Menschen mit: %(names)s.") % {"names": ", ".join(handicaps)}
            )
        if notes and "accessibility_notes" not in values:
            text = "\n".join(notes)
            limit = OFFER_FIELDS["accessibility_notes"]
            if len(text) > limit:
                text = text[: limit - 1] + "…"
                warnings.append(_("Die Hinweise zur Barrierefreiheit wurden gekürzt."))
            values["accessibility_notes"] = text

    # --- The dates -----------------------------------------------------------------------------

    def _dates(
        self,
        service: _Service,
        ref: str,
        position: int,
        warnings: list[str],
        dropped: int,
        shared: dict,
        *,
        date: bool = True,
    ) -> list[DateRecord]:
        """One date per MODULE_COURSE (or one for the SERVICE when it has none). An offer's
        SERVICE only has dates when it names a start; they are used when no date links to it.
        MODULE_COURSEs that are parts of one run (block teaching, internship, exam: their
        SEGMENT_TYPE) make one date from the first start to the last end."""
        courses = service.courses
        if dropped:
            record = DateRecord(ref=ref, position=position)
            record.errors.append(
                _(
                    "Der Eintrag hat über %(limit)s Termine (MODULE_COURSE); höchstens %(limit)s "
                    "sind je Angebot möglich."
                )
                % {"limit": MAX_DATES_PER_OFFER}
            )
            return [record]
        segments = [c for c in courses if (_segment_type(c) or "0") in codes.SEGMENT_TYPES]
        if segments:
            kinds = sorted({codes.SEGMENT_TYPES[_segment_type(c)] for c in segments})
            records = [self._date(service, courses[0], ref, position, shared)]
            parts = [self._date(service, c, ref, position, shared) for c in courses[1:]]
            starts = [d.values["start"] for d in [records[0], *parts] if d.values.get("start")]
            ends = [d.values["end"] for d in [records[0], *parts] if d.values.get("end")]
            if starts:
                records[0].values["start"] = min(starts)
            if ends:
                records[0].values["end"] = max(ends)
            for part in parts:
                records[0].errors.extend(part.errors)
            for course in courses:
                segment = next(course.iter("SEGMENT_TYPE"), None)
                service.use(segment)
            warnings.append(
                ngettext(
                    "%(count)d Abschnitt des Ablaufs (%(kinds)s) als ein Termin übernommen.",
                    "%(count)d Abschnitte des Ablaufs (%(kinds)s) als ein Termin übernommen.",
                    len(courses),
                )
                % {"count": len(courses), "kinds": ", ".join(kinds)}
            )
        elif courses:
            records = [
                self._date(service, course, ref if n == 0 else f"{ref}/{n + 1}", position, shared)
                for n, course in enumerate(courses)
            ]
        else:
            records = [self._date(service, None, ref, position, shared)]
        if not date:
            # An offer's own entry has a date only where it names a start; the rest of its
            # MODULE_COURSEs is reported as not used.
            kept = []
            for record, course in zip(records, courses or [None], strict=False):
                if record.values.get("start") or record.values.get("start_kind") != "fixed":
                    kept.append(record)
                elif course is not None:
                    service.unuse(course)
            records = kept
        return records

    def _shared_date_values(self, service: _Service, warnings: list[str], *, date: bool) -> dict:
        """What a SERVICE says about all its dates: the period (SERVICE_DATE), full- or
        part-time, time of day, registration deadline and remarks."""
        shared: dict = {"errors": []}
        child = service.child
        period = service.first("SERVICE_DATE")
        start_element = child(period, "START_DATE")
        end_element = child(period, "END_DATE")
        announcement = service.first("ANNOUNCEMENT")
        if (
            date
            and start_element is None
            and end_element is None
            and announcement is not None
            and not any(next(c.iter("START_DATE"), None) is not None for c in service.courses)
        ):
            # Some generators put a date's period into ANNOUNCEMENT (meant for the time the
            # entry is published); read only when nothing else names one.
            start_element = child(announcement, "START_DATE")
            end_element = child(announcement, "END_DATE")
            if start_element is not None:
                warnings.append(
                    _(
                        "Beginn und Ende stehen nur im Freigabezeitraum (ANNOUNCEMENT) und "
                        "wurden von dort übernommen."
                    )
                )
        shared["start"] = self._date_value(service, start_element, shared["errors"])
        shared["end"] = self._date_value(service, end_element, shared["errors"])
        remarks = service.text(child(period, "DATE_REMARKS"))
        shared["notes"] = [remarks] if remarks else []
        time = service.first("INSTRUCTION_TIME")
        form = service.first("INSTRUCTION_FORM")
        time_code = (time.get("type") or "").strip() if time is not None else ""
        form_code = (form.get("type") or "").strip() if form is not None else ""
        time_words = _clean("".join(time.itertext())).lower() if time is not None else ""
        form_words = _clean("".join(form.itertext())).lower() if form is not None else ""
        schedule = codes.INSTRUCTION_TIMES.get(time_code) or _schedule_word(time_words)
        if schedule is not None:
            service.use(time)
        else:
            schedule = codes.INSTRUCTION_FORM_SCHEDULE.get(form_code) or _schedule_word(form_words)
            if schedule is not None:
                service.use(form)
        if schedule:
            shared["schedule"] = schedule
        if form_code == codes.INSTRUCTION_FORM_WEEKEND:
            shared["time_of_day"] = "weekend"
        elif codes.INSTRUCTION_FORMS.get(form_code) in {"selbstlernkurs", "fernunterricht"}:
            shared["time_of_day"] = "flexible"
        if form is not None and form_code in codes.INSTRUCTION_FORMS_VAGUE:
            service.use(form)
        for name, value in self._own_date_features(service).items():
            shared[name] = value
        deadline = service.first("REGISTRATION_DATE")
        if deadline is not None:
            shared["registration_deadline"] = self._date_value(service, deadline, shared["errors"])
        return shared

    def _own_date_features(self, service: _Service) -> dict:
        """Time of day and start "on request" as the portal's own export writes them."""
        found = {}
        for classification in service.all("SERVICE_CLASSIFICATION"):
            system = child_text(classification, "REFERENCE_CLASSIFICATION_SYSTEM_NAME")
            if system != OWN_CLASSIFICATION:
                continue
            for feature in classification.iter("FEATURE"):
                name = child_text(feature, "FNAME")
                value = child_text(feature, "FVALUE")
                field = OWN_DATE_FEATURES.get(name)
                if field and value in OWN_DATE_CHOICES[field]:
                    found[field] = value
                    service.use(feature)
        return found

    def _date_value(self, service: _Service, element: Element | None, errors: list[str]):
        text = service.text(element)
        if not text:
            return None
        try:
            return _date(text)
        except ValueError:
            errors.append(_("Das Datum „%(date)s“ ist ungültig.") % {"date": text[:40]})
            return None

    def _date(
        self, service: _Service, course: Element | None, ref: str, position: int, shared: dict
    ) -> DateRecord:
        record = DateRecord(ref=ref, position=position)
        record.errors.extend(shared["errors"])
        values = record.values
        child = service.child
        duration = child(course, "DURATION")
        start_element = child(duration, "START_DATE") if duration is not None else None
        end_element = child(duration, "END_DATE") if duration is not None else None
        if start_element is None and course is not None:
            start_element = next((e for e in course if e.tag == "START_DATE"), None)
            end_element = end_element or next((e for e in course if e.tag == "END_DATE"), None)
        start = self._date_value(service, start_element, record.errors)
        end = self._date_value(service, end_element, record.errors)
        values["start"] = start or (shared["start"] if start_element is None else None)
        values["end"] = end or (shared["end"] if end_element is None else None)
        flexible = _bool(service.text(child(course, "FLEXIBLE_START")))
        values["start_kind"] = shared.get("start_kind") or ("rolling" if flexible else "fixed")
        if "schedule" in shared:
            values["schedule"] = shared["schedule"]
        values["hours_total"] = None
        if duration is not None and len(duration) == 0 and (duration.text or "").strip():
            # The portal's own export writes the hours here; the format's schema has a
            # duration class in the type attribute instead.
            values["hours_total"] = self._count(service, duration, record)
        elif duration is not None:
            service.use(child(duration, "DATE_REMARKS"))
        values["seats"] = self._count(service, child(course, "MAX_PARTICIPANTS"), record)
        values["min_participants"] = self._count(service, child(course, "MIN_PARTICIPANTS"), record)
        if "registration_deadline" in shared:
            values["registration_deadline"] = shared["registration_deadline"]
        remarks = service.text(child(course, "INSTRUCTION_REMARKS"))
        duration_remarks = (
            service.text(child(duration, "DATE_REMARKS")) if duration is not None else ""
        )
        notes = [*shared["notes"], *(r for r in (remarks, duration_remarks) if r)]
        text = " · ".join(dict.fromkeys(notes))
        if len(text) > DATE_NOTES_LIMIT:
            text = text[: DATE_NOTES_LIMIT - 1] + "…"
            record.warnings.append(_("Die Hinweise zum Termin wurden gekürzt."))
        values["notes"] = text
        time_of_day = shared.get("time_of_day") or _time_of_day(remarks)
        if time_of_day is None and values.get("schedule") == "full_time":
            # Full-time courses run during the day.
            time_of_day = "morning"
        if time_of_day:
            values["time_of_day"] = time_of_day
        location = child(course, "LOCATION")
        values["venue_key"] = self._venue_key(service, location)
        barrier_free = child(location, "BARRIER_FREE_LOCATION")
        if barrier_free is not None:
            flag = _bool(service.text(barrier_free))
            if flag is not None:
                record.offer_values["wheelchair_accessible"] = flag
        service.use(child(course, "EXTENDED_INFO") if course is not None else None)
        return record

    def _venue_key(self, service: _Service, location: Element | None) -> tuple | None:
        if location is None:
            return None
        child = service.child
        name = service.text(child(location, "NAME"))
        city = service.text(child(location, "CITY"))
        if not (name or city):
            return None
        return (
            name[:150] or city[:150],
            service.text(child(location, "STREET"))[:120],
            service.text(child(location, "ZIP"))[:5],
            city[:80],
        )

    def _count(self, service: _Service, element: Element | None, record: DateRecord) -> int | None:
        text = service.text(element)
        try:
            return parse_count(text)
        except (ValueError, InvalidOperation):
            record.errors.append(_("„%(value)s“ ist keine gültige Anzahl.") % {"value": text[:20]})
            return None


def child_text(parent: Element, tag: str) -> str:
    element = next(parent.iter(tag), None)
    return _clean("".join(element.itertext())) if element is not None else ""


def _schedule_word(words: str) -> str | None:
    if "vollzeit" in words or "full_time" in words:
        return "full_time"
    if "teilzeit" in words or "part_time" in words:
        return "part_time"
    return None


def _segment_type(course: Element) -> str | None:
    segment = next(course.iter("SEGMENT_TYPE"), None)
    return (segment.get("type") or "").strip() if segment is not None else None


def _time_of_day(remarks: str) -> str | None:
    """Morning, afternoon or evening from the first time in remarks like "08.00 - 15.00 Uhr"."""
    match = HOURS.search(remarks or "")
    if match is None:
        return None
    hour = int(match.group(1))
    if hour >= 24:
        return None
    return "morning" if hour < 12 else "afternoon" if hour < 17 else "evening"


def _certificate_kind(text: str) -> str | None:
    text = text.lower()
    for words, kind in (
        (("teilnahme",), "attendance"),
        (("ihk", "hwk", "kammer", "handwerk"), "chamber"),
        (("staatlich",), "state"),
        (("hochschul", "universit", "bachelor", "master"), "university"),
        (("hersteller",), "vendor"),
        (("zertifikat", "anbieter", "trägerzertifikat"), "provider"),
        (("kein",), "none"),
    ):
        if any(word in text for word in words):
            return kind
    return None


def _add_terms(values: dict, name: str, slugs: set[str]) -> None:
    values[name] = sorted(set(values.get(name, [])) | slugs)


# The portal's own classification in its export: feature name → (kind, field).
OWN_FEATURES = {
    "Thema": ("terms", "topics"),
    "Zielgruppe": ("terms", "target_groups"),
    "Förderung": ("terms", "funding_programmes"),
    "Niveau": ("choice", "level"),
    "Abschlussart": ("choice", "certificate"),
    "Rollstuhlgerecht": ("bool", "wheelchair_accessible"),
    "Barrierefreiheit": ("text", "accessibility_notes"),
}
OWN_CHOICES = {
    "level": {"none", "dqr1", "dqr2", "dqr3", "dqr4", "dqr5", "dqr6", "dqr7", "dqr8"},
    "certificate": {"none", "attendance", "provider", "chamber", "state", "university", "vendor"},
}
# Date values in the portal's own classification: feature name → field.
OWN_DATE_FEATURES = {"Tageszeit": "time_of_day", "Beginn": "start_kind"}
OWN_DATE_CHOICES = {
    "time_of_day": {"morning", "afternoon", "evening", "weekend", "flexible"},
    "start_kind": {"fixed", "rolling", "on_demand"},
}
