"""Export of an institution's offers as open-Q-cat 1.1 (for the federal course database)
and as CSV in the columns the CSV import reads. Importing an export again yields the same
offers (tests/offerings/test_export.py)."""

import csv
import io
from collections.abc import Iterable
from xml.sax.saxutils import XMLGenerator

from django.utils import timezone

from offerings.imports.csvfile import FORMULA_STARTS, HEADER, START_KIND_LABELS
from offerings.imports.plan import date_ref, offer_ref
from offerings.models import Offer, Schedule, StartKind


def _offers(institution) -> Iterable[Offer]:
    return (
        Offer.objects.filter(institution=institution)
        .exclude(status="archived")
        .select_related("delivery_form")
        .prefetch_related("dates__venue")
        .order_by("pk")
    )


def export_openqcat(*, institution) -> bytes:
    out = io.BytesIO()
    xml = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)
    xml.startDocument()

    def element(name: str, text: str | None = None, **attrs) -> None:
        xml.startElement(name, attrs)
        if text is not None:
            xml.characters(str(text))
        xml.endElement(name)

    def start(name: str, **attrs) -> None:
        xml.startElement(name, attrs)

    start("OPENQCAT", version="1.1")
    start("HEADER")
    start("CATALOG")
    element("LANGUAGE", "deu")
    element("CATALOG_ID", f"beweqo-{institution.slug}")
    element("CATALOG_VERSION", timezone.now().strftime("%Y%m%d%H%M"))
    element("CATALOG_NAME", institution.name)
    element("GENERATION_DATE", timezone.now().isoformat(timespec="seconds"))
    element("CURRENCY", "EUR")
    xml.endElement("CATALOG")
    start("SUPPLIER")
    # The id its own files carry, so that an export imports again (imports/jobs.py).
    element("SUPPLIER_ID", institution.supplier_id or institution.slug)
    element("SUPPLIER_NAME", institution.name)
    start("ADDRESS")
    element("STREET", institution.street)
    element("ZIP", institution.postcode)
    element("CITY", institution.city)
    element("COUNTRY", "DE")
    xml.endElement("ADDRESS")
    xml.endElement("SUPPLIER")
    xml.endElement("HEADER")
    start("NEW_CATALOG")
    for offer in _offers(institution):
        ref = offer_ref(offer)
        start("SERVICE")
        element("PRODUCT_ID", ref)
        start("SERVICE_DETAILS")
        element("TITLE", offer.title)
        element("DESCRIPTION_SHORT", offer.summary)
        element("DESCRIPTION_LONG", offer.description)
        start("CONTACT")
        element("NAME", offer.contact_name)
        element("EMAIL", offer.contact_email)
        element("PHONE", offer.contact_phone)
        element("URL", offer.url)
        xml.endElement("CONTACT")
        for keyword in offer.keyword_list:
            element("KEYWORD", keyword)
        start("SERVICE_MODULE")
        start("EDUCATION", type="true")
        element("DEGREE", offer.certificate_name)
        start("EXTENDED_INFO")
        element("INSTITUTION", institution.name)
        element("EXECUTION_FORM", offer.delivery_form.name)
        element("MEASURE_NUMBER", offer.azav_measure_number)
        xml.endElement("EXTENDED_INFO")
        xml.endElement("EDUCATION")
        xml.endElement("SERVICE_MODULE")
        xml.endElement("SERVICE_DETAILS")
        if offer.price_known:  # no price element: the price is on request
            start("SERVICE_PRICE_DETAILS")
            start("SERVICE_PRICE")
            element("PRICE_AMOUNT", f"{offer.price:.2f}")
            element("PRICE_CURRENCY", "EUR")
            xml.endElement("SERVICE_PRICE")
            xml.endElement("SERVICE_PRICE_DETAILS")
        xml.endElement("SERVICE")
        for offer_date in offer.dates.all():
            _date(xml, element, start, offer, ref, offer_date)
    xml.endElement("NEW_CATALOG")
    xml.endElement("OPENQCAT")
    xml.endDocument()
    return out.getvalue()


def _date(xml, element, start, offer, ref, offer_date) -> None:
    start("SERVICE")
    element("PRODUCT_ID", date_ref(offer_date))
    start("SERVICE_DETAILS")
    element("TITLE", offer.title)
    start("SERVICE_DATE")
    if offer_date.start:
        element("START_DATE", offer_date.start.isoformat())
    if offer_date.end:
        element("END_DATE", offer_date.end.isoformat())
    xml.endElement("SERVICE_DATE")
    start("SERVICE_MODULE")
    start("EDUCATION", type="false")
    element("COURSE_ID", ref)
    start("EXTENDED_INFO")
    element(
        "INSTRUCTION_FORM", "Vollzeit" if offer_date.schedule == Schedule.FULL_TIME else "Teilzeit"
    )
    xml.endElement("EXTENDED_INFO")
    start("MODULE_COURSE")
    if offer_date.seats is not None:
        element("MAX_PARTICIPANTS", str(offer_date.seats))
    if offer_date.hours_total is not None:
        element("DURATION", str(offer_date.hours_total), type="hours")
    element("FLEXIBLE_START", "true" if offer_date.start_kind != StartKind.FIXED else "false")
    venue = offer_date.venue
    if venue is not None:
        start("LOCATION")
        element("NAME", venue.name)
        element("STREET", venue.street)
        element("ZIP", venue.postcode)
        element("CITY", venue.city)
        element("COUNTRY", "DE")
        xml.endElement("LOCATION")
    xml.endElement("MODULE_COURSE")
    xml.endElement("EDUCATION")
    xml.endElement("SERVICE_MODULE")
    xml.endElement("SERVICE_DETAILS")
    xml.endElement("SERVICE")


def _cell(value: str) -> str:
    """Spreadsheets run a cell that starts with = + - @ as a formula; an apostrophe in front
    keeps it text (the CSV import removes it again)."""
    return f"'{value}" if value[:1] in FORMULA_STARTS else value


def export_csv(*, institution) -> bytes:
    """UTF-8 with BOM and semicolons, as spreadsheet programs in Germany open it."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for offer in _offers(institution):
        head = [
            offer_ref(offer),
            offer.title,
            offer.summary,
            offer.description,
            offer.keywords,
            offer.delivery_form.slug,
            f"{offer.price:.2f}" if offer.price_known else "",
            offer.price_notes,
            offer.certificate_name,
            offer.azav_measure_number,
            offer.contact_name,
            offer.contact_email,
            offer.contact_phone,
            offer.url,
        ]
        head = [_cell(value) for value in head]
        dates = list(offer.dates.all())
        if not dates:
            writer.writerow(head + [""] * (len(HEADER) - len(head)))
        for offer_date in dates:
            venue = offer_date.venue
            writer.writerow(
                [
                    *head,
                    date_ref(offer_date),
                    START_KIND_LABELS[offer_date.start_kind],
                    offer_date.start.isoformat() if offer_date.start else "",
                    offer_date.end.isoformat() if offer_date.end else "",
                    "Vollzeit" if offer_date.schedule == Schedule.FULL_TIME else "Teilzeit",
                    "" if offer_date.hours_total is None else str(offer_date.hours_total),
                    "" if offer_date.seats is None else str(offer_date.seats),
                    _cell(venue.name) if venue else "",
                    _cell(venue.street) if venue else "",
                    venue.postcode if venue else "",
                    _cell(venue.city) if venue else "",
                ]
            )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def csv_template() -> bytes:
    rows = [
        HEADER,
        [
            "EXCEL-1",
            "Excel für Einsteiger",
            "Tabellen, Formeln und Diagramme in drei Abenden.",
            "",
            "Excel, Tabellenkalkulation",
            "praesenz",
            "89.00",
            "",
            "Teilnahmebescheinigung",
            "",
            "Maria Muster",
            "kurse@example.org",
            "07361 123456",
            "https://example.org/excel",
            "EXCEL-1-A",
            "fest",
            "2026-03-02",
            "2026-03-16",
            "Teilzeit",
            "12",
            "14",
            "Schulungszentrum",
            "Bahnhofstraße 1",
            "73430",
            "Aalen",
        ],
    ]
    second = list(rows[1])
    second[14:17] = ["EXCEL-1-B", "fest", "2026-05-04"]
    second[17] = "2026-05-18"
    rows.append(second)
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
