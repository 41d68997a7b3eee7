"""Export of an institution's offers as open-Q-cat 1.1 (for the federal course database)
and as CSV in the columns the CSV import reads. Importing an export again yields the same
offers (tests/offerings/test_export.py).

open-Q-cat has elements for most of an offer (funding as the coded FUNDING_TYPES_* of its
dates, languages as TEACHING_LANGUAGES, the period and place of each date); what it has no
element for (the portal's topics, target groups, level, time of day) is written as the
portal's own SERVICE_CLASSIFICATION "BeWeQO", which the import reads back.
"""

import csv
import io
from collections.abc import Iterable
from xml.sax.saxutils import XMLGenerator

from django.utils import timezone

from offerings.imports import codes
from offerings.imports.csvfile import (
    BOOLEAN_LABELS,
    FORMULA_STARTS,
    HEADER,
    SCHEDULE_LABELS,
    START_KIND_LABELS,
    choice_label,
)
from offerings.imports.openqcat import OWN_CLASSIFICATION
from offerings.imports.plan import date_ref, offer_ref
from offerings.models import Offer, Schedule, StartKind


def _offers(institution) -> Iterable[Offer]:
    return (
        Offer.objects.filter(institution=institution)
        .exclude(status="archived")
        .select_related("delivery_form")
        .prefetch_related("dates__venue", "topics", "target_groups", "funding_programmes")
        .order_by("pk")
    )


def _slugs(terms) -> list[str]:
    return sorted(term.slug for term in terms.all())


def _split_name(name: str) -> tuple[str, str]:
    """open-Q-cat has first and last name; the import joins them again."""
    parts = name.split()
    return (" ".join(parts[:-1]), parts[-1]) if parts else ("", "")


class _Writer:
    def __init__(self, out):
        self.xml = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)

    def element(self, name: str, text=None, **attrs) -> None:
        self.xml.startElement(name, attrs)
        if text is not None:
            self.xml.characters(str(text))
        self.xml.endElement(name)

    def optional(self, name: str, text, **attrs) -> None:
        """An element only when it has a value."""
        if text not in (None, ""):
            self.element(name, text, **attrs)

    def start(self, name: str, **attrs) -> None:
        self.xml.startElement(name, attrs)

    def end(self, name: str) -> None:
        self.xml.endElement(name)

    def classification(self, features: list[tuple[str, list[str]]]) -> None:
        features = [(name, values) for name, values in features if values]
        if not features:
            return
        self.start("SERVICE_CLASSIFICATION")
        self.element("REFERENCE_CLASSIFICATION_SYSTEM_NAME", OWN_CLASSIFICATION)
        for name, values in features:
            self.start("FEATURE")
            self.element("FNAME", name)
            for value in values:
                self.element("FVALUE", value)
            self.end("FEATURE")
        self.end("SERVICE_CLASSIFICATION")


def export_openqcat(*, institution) -> bytes:
    out = io.BytesIO()
    w = _Writer(out)
    w.xml.startDocument()
    w.start("OPENQCAT", version="1.1")
    w.start("HEADER")
    w.start("CATALOG")
    w.element("LANGUAGE", "deu")
    w.element("CATALOG_ID", f"beweqo-{institution.slug}")
    w.element("CATALOG_VERSION", timezone.now().strftime("%Y%m%d%H%M"))
    w.element("CATALOG_NAME", institution.name)
    w.element("GENERATION_DATE", timezone.now().isoformat(timespec="seconds"))
    w.element("CURRENCY", "EUR")
    w.end("CATALOG")
    w.start("SUPPLIER")
    # The id its own files carry, so that an export imports again (imports/jobs.py).
    w.element("SUPPLIER_ID", institution.supplier_id or institution.slug)
    w.element("SUPPLIER_NAME", institution.name)
    w.start("ADDRESS")
    w.element("STREET", institution.street)
    w.element("ZIP", institution.postcode)
    w.element("CITY", institution.city)
    w.element("COUNTRY", "DE")
    w.end("ADDRESS")
    w.end("SUPPLIER")
    w.end("HEADER")
    w.start("NEW_CATALOG")
    for offer in _offers(institution):
        funding = _slugs(offer.funding_programmes)
        _offer(w, offer, funding)
        for offer_date in offer.dates.all():
            _date(w, offer, funding, offer_date)
    w.end("NEW_CATALOG")
    w.end("OPENQCAT")
    w.xml.endDocument()
    return out.getvalue()


def _funding_and_language(w: _Writer, offer: Offer, funding: list[str]) -> None:
    """The EXTENDED_INFO elements KURSNET reads from offers and dates alike."""
    for element in ("FUNDING_TYPES_FEDERAL", "FUNDING_TYPES_REGIONAL"):
        for slug in funding:
            name, code = codes.FUNDING_EXPORT.get(slug, (None, None))
            if name == element:
                w.element(element, codes.FUNDING_LABELS[code], type=code)
    w.element("TEACHING_LANGUAGES", codes.LANGUAGE_EXPORT.get(offer.language, "oth"))


def _offer(w: _Writer, offer: Offer, funding: list[str]) -> None:
    ref = offer_ref(offer)
    w.start("SERVICE")
    w.element("PRODUCT_ID", ref)
    w.start("SERVICE_DETAILS")
    w.element("TITLE", offer.title)
    w.element("DESCRIPTION_LONG", offer.description)
    w.element("DESCRIPTION_SHORT", offer.summary)
    w.start("CONTACT")
    first, last = _split_name(offer.contact_name)
    w.optional("FIRST_NAME", first)
    w.element("LAST_NAME", last)
    w.element("PHONE", offer.contact_phone)
    w.start("EMAILS")
    w.element("EMAIL", offer.contact_email)
    w.end("EMAILS")
    w.element("URL", offer.url)
    w.end("CONTACT")
    w.element("REQUIREMENTS", offer.entry_requirements)
    for keyword in offer.keyword_list:
        w.element("KEYWORD", keyword)
    w.start("SERVICE_MODULE")
    w.start("EDUCATION", type="true")
    w.element("COURSE_ID", ref)
    w.start("DEGREE", type="0")
    w.element("DEGREE_TITLE", offer.certificate_name)
    w.end("DEGREE")
    w.start("EXTENDED_INFO")
    w.element(
        "EXECUTION_FORM",
        offer.delivery_form.name,
        type=codes.EXECUTION_FORM_EXPORT.get(offer.delivery_form.slug, "1"),
    )
    _funding_and_language(w, offer, funding)
    w.element("MEASURE_NUMBER", offer.azav_measure_number)
    w.end("EXTENDED_INFO")
    w.end("EDUCATION")
    w.end("SERVICE_MODULE")
    w.end("SERVICE_DETAILS")
    w.classification(
        [
            ("Thema", _slugs(offer.topics)),
            ("Zielgruppe", _slugs(offer.target_groups)),
            ("Förderung", funding),
            ("Niveau", [offer.level]),
            ("Abschlussart", [offer.certificate]),
            ("Rollstuhlgerecht", [BOOLEAN_LABELS[offer.wheelchair_accessible]]),
            ("Barrierefreiheit", [offer.accessibility_notes] if offer.accessibility_notes else []),
        ]
    )
    w.start("SERVICE_PRICE_DETAILS")
    if offer.price is not None:
        w.start("SERVICE_PRICE")
        w.element("PRICE_AMOUNT", f"{offer.price:.2f}")
        w.element("PRICE_CURRENCY", "EUR")
        w.end("SERVICE_PRICE")
    w.optional("REMARKS", offer.price_notes)
    w.end("SERVICE_PRICE_DETAILS")
    if offer.url:
        w.start("MIME_INFO")
        w.start("MIME_ELEMENT")
        w.element("MIME_SOURCE", offer.url)
        w.end("MIME_ELEMENT")
        w.end("MIME_INFO")
    w.end("SERVICE")


def _date(w: _Writer, offer: Offer, funding: list[str], offer_date) -> None:
    w.start("SERVICE")
    w.element("PRODUCT_ID", date_ref(offer_date))
    w.start("SERVICE_DETAILS")
    w.element("TITLE", offer.title)
    w.start("SERVICE_DATE")
    if offer_date.start:
        w.element("START_DATE", offer_date.start.isoformat())
    if offer_date.end:
        w.element("END_DATE", offer_date.end.isoformat())
    w.end("SERVICE_DATE")
    w.start("SERVICE_MODULE")
    w.start("EDUCATION", type="false")
    w.element("COURSE_ID", offer_ref(offer))
    if offer_date.registration_deadline:
        w.element("REGISTRATION_DATE", offer_date.registration_deadline.isoformat())
    w.start("EXTENDED_INFO")
    full_time = offer_date.schedule == Schedule.FULL_TIME
    w.element(
        "INSTRUCTION_TIME", "Vollzeit" if full_time else "Teilzeit", type="1" if full_time else "2"
    )
    _funding_and_language(w, offer, funding)
    w.end("EXTENDED_INFO")
    w.start("MODULE_COURSE")
    w.optional("MIN_PARTICIPANTS", offer_date.min_participants)
    w.optional("MAX_PARTICIPANTS", offer_date.seats)
    venue = offer_date.venue
    if venue is not None:
        w.start("LOCATION")
        w.element("NAME", venue.name)
        w.element("STREET", venue.street)
        w.element("ZIP", venue.postcode)
        w.element("CITY", venue.city)
        w.element("COUNTRY", "DE")
        if venue.wheelchair_accessible:
            w.element("BARRIER_FREE_LOCATION", "true")
        w.end("LOCATION")
    # The hours, which open-Q-cat has no element for; its DURATION@type is a duration class.
    w.optional("DURATION", offer_date.hours_total, type="hours")
    w.optional("INSTRUCTION_REMARKS", offer_date.notes)
    w.element("FLEXIBLE_START", "true" if offer_date.start_kind != StartKind.FIXED else "false")
    w.end("MODULE_COURSE")
    w.end("EDUCATION")
    w.end("SERVICE_MODULE")
    w.end("SERVICE_DETAILS")
    w.classification([("Tageszeit", [offer_date.time_of_day]), ("Beginn", [offer_date.start_kind])])
    w.end("SERVICE")


def _cell(value: str) -> str:
    """Spreadsheets run a cell that starts with = + - @ as a formula; an apostrophe in front
    keeps it text (the CSV import removes it again)."""
    return f"'{value}" if value[:1] in FORMULA_STARTS else value


def _names(terms) -> str:
    return ", ".join(term.name for term in terms.all())


def _offer_cells(offer: Offer) -> dict[str, str]:
    return {
        "angebot_id": offer_ref(offer),
        "titel": offer.title,
        "kurzbeschreibung": offer.summary,
        "beschreibung": offer.description,
        "schlagwoerter": offer.keywords,
        "themen": _names(offer.topics),
        "zielgruppen": _names(offer.target_groups),
        "lernform": offer.delivery_form.slug,
        "niveau": choice_label("level", offer.level),
        "voraussetzungen": offer.entry_requirements,
        "abschlussart": choice_label("certificate", offer.certificate),
        "abschluss": offer.certificate_name,
        "sprache": choice_label("language", offer.language),
        "preis": "" if offer.price is None else f"{offer.price:.2f}",
        "preis_hinweise": offer.price_notes,
        "foerderung": _names(offer.funding_programmes),
        "massnahmenummer": offer.azav_measure_number,
        "rollstuhlgerecht": BOOLEAN_LABELS[offer.wheelchair_accessible],
        "barrierefreiheit": offer.accessibility_notes,
        "ansprechperson": offer.contact_name,
        "email": offer.contact_email,
        "telefon": offer.contact_phone,
        "link": offer.url,
    }


def _date_cells(offer_date) -> dict[str, str]:
    venue = offer_date.venue

    def text(value) -> str:
        return "" if value is None else str(value)

    return {
        "termin_id": date_ref(offer_date),
        "beginn_art": START_KIND_LABELS[offer_date.start_kind],
        "beginn": offer_date.start.isoformat() if offer_date.start else "",
        "ende": offer_date.end.isoformat() if offer_date.end else "",
        "zeitmodell": SCHEDULE_LABELS[offer_date.schedule],
        "tageszeit": choice_label("time_of_day", offer_date.time_of_day),
        "stunden": text(offer_date.hours_total),
        "plaetze": text(offer_date.seats),
        "min_teilnehmende": text(offer_date.min_participants),
        "anmeldeschluss": text(
            offer_date.registration_deadline and offer_date.registration_deadline.isoformat()
        ),
        "termin_hinweise": offer_date.notes,
        "ort_name": venue.name if venue else "",
        "ort_strasse": venue.street if venue else "",
        "ort_plz": venue.postcode if venue else "",
        "ort_stadt": venue.city if venue else "",
    }


def _row(cells: dict[str, str]) -> list[str]:
    return [_cell(cells.get(column, "")) for column in HEADER]


def export_csv(*, institution) -> bytes:
    """UTF-8 with BOM and semicolons, as spreadsheet programs in Germany open it."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for offer in _offers(institution):
        head = _offer_cells(offer)
        dates = list(offer.dates.all())
        if not dates:
            writer.writerow(_row(head))
        for offer_date in dates:
            writer.writerow(_row(head | _date_cells(offer_date)))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def csv_template() -> bytes:
    """Two dates of one offer, with every column filled in as an example."""
    offer = {
        "angebot_id": "EXCEL-1",
        "titel": "Excel für Einsteiger",
        "kurzbeschreibung": "Tabellen, Formeln und Diagramme in drei Abenden.",
        "beschreibung": "",
        "schlagwoerter": "Excel, Tabellenkalkulation",
        "themen": "IT und Digitalisierung, Digitale Kompetenz",
        "zielgruppen": "Arbeitsuchende, Beschäftigte",
        "lernform": "praesenz",
        "niveau": "ohne Voraussetzungen",
        "voraussetzungen": "Grundkenntnisse am Computer",
        "abschlussart": "Teilnahmebescheinigung",
        "abschluss": "Teilnahmebescheinigung",
        "sprache": "Deutsch",
        "preis": "89.00",
        "preis_hinweise": "",
        "foerderung": "Bildungsgutschein",
        "massnahmenummer": "962/123/2026",
        "rollstuhlgerecht": "ja",
        "barrierefreiheit": "Aufzug vorhanden",
        "ansprechperson": "Maria Muster",
        "email": "kurse@example.org",
        "telefon": "07361 123456",
        "link": "https://example.org/excel",
    }
    first = {
        "termin_id": "EXCEL-1-A",
        "beginn_art": "fest",
        "beginn": "2026-03-02",
        "ende": "2026-03-16",
        "zeitmodell": "Teilzeit",
        "tageszeit": "abends",
        "stunden": "12",
        "plaetze": "14",
        "min_teilnehmende": "6",
        "anmeldeschluss": "2026-02-23",
        "termin_hinweise": "montags und mittwochs 18 bis 21 Uhr",
        "ort_name": "Schulungszentrum",
        "ort_strasse": "Bahnhofstraße 1",
        "ort_plz": "73430",
        "ort_stadt": "Aalen",
    }
    second = first | {
        "termin_id": "EXCEL-1-B",
        "beginn": "2026-05-04",
        "ende": "2026-05-18",
        "anmeldeschluss": "2026-04-27",
    }
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows([HEADER, _row(offer | first), _row(offer | second)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
