"""The plain records that parsers produce and the plan works with, and their validation."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _

# Files above this size are refused before parsing (a zipped bomb cannot hide behind it).
MAX_IMPORT_BYTES = 64 * 1024 * 1024
# Entries (open-Q-cat SERVICEs or CSV rows) per file: 10,000 offers with 30,000 dates fit.
MAX_ENTRIES = 60_000
BERLIN = ZoneInfo("Europe/Berlin")

# Offer fields an import sets, with their maximum length (None: not a text field).
OFFER_FIELDS = {
    "title": 200,
    "summary": 400,
    "description": 20000,
    "keywords": 500,
    "certificate_name": 200,
    "azav_measure_number": 40,
    "contact_name": 150,
    "contact_email": 254,
    "contact_phone": 40,
    "url": 500,
    "price_notes": 500,
    "price": None,
    "delivery_form_id": None,
}
DATE_FIELDS = ("start_kind", "start", "end", "schedule", "hours_total", "seats", "venue_key")
REQUIRED = {"title": "Titel", "summary": "Kurzbeschreibung"}


class ImportFileError(Exception):
    """The whole file cannot be imported; the message is for the user."""


@dataclass
class DateRecord:
    ref: str
    position: int
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


@dataclass
class OfferRecord:
    """An offer as the file describes it. Fields the file leaves out are absent from
    `values` and are then left as they are."""

    ref: str
    position: int
    values: dict = field(default_factory=dict)
    dates: list[DateRecord] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # open-Q-cat: a SERVICE that is offer and date at once; used when no date links to it.
    own_date: DateRecord | None = None


@dataclass
class ParsedFile:
    offers: dict[str, OfferRecord] = field(default_factory=dict)
    deletes: list[tuple[str, int]] = field(default_factory=list)
    orphans: list[tuple[DateRecord, str]] = field(default_factory=list)
    entries: int = 0


def parse_date(text: str) -> date:
    """A date as generators write it: 2026-03-01, 2026-03-01T09:00:00, with or without a
    zone (Z, +01:00), or 01.03.2026. Times with a zone are read in Berlin time."""
    text = text.strip()
    if not text:
        raise ValueError("empty")
    if len(text) == 10 and text[2] == "." and text[5] == ".":
        return datetime.strptime(text, "%d.%m.%Y").date()
    if len(text) == 10:
        return date.fromisoformat(text)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is not None:
        moment = moment.astimezone(BERLIN)
    return moment.date()


def parse_decimal(text: str) -> Decimal:
    cleaned = text.strip().replace(" ", "").replace("€", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    value = Decimal(cleaned)
    if not value.is_finite():
        raise InvalidOperation
    return value.quantize(Decimal("0.01"))


def parse_count(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    value = int(Decimal(text.replace(",", ".")))
    if not 0 <= value <= 10000:
        raise ValueError("out of range")
    return value


def validate_offer(record: OfferRecord, *, is_new: bool) -> None:
    """Append the reasons that keep `record` from being imported to `record.errors`."""
    values = record.values
    for name, label in REQUIRED.items():
        if is_new and not values.get(name):
            record.errors.append(_("Pflichtangabe fehlt: %(field)s.") % {"field": _(label)})
    for name, limit in OFFER_FIELDS.items():
        value = values.get(name)
        if limit and isinstance(value, str) and len(value) > limit:
            record.errors.append(
                _("%(field)s ist zu lang (%(length)d statt höchstens %(limit)d Zeichen).")
                % {"field": name, "length": len(value), "limit": limit}
            )
    if values.get("contact_email"):
        try:
            validate_email(values["contact_email"])
        except ValidationError:
            record.errors.append(_("Die E-Mail-Adresse ist ungültig."))
    if values.get("url"):
        try:
            URLValidator(schemes=["http", "https"])(values["url"])
        except ValidationError:
            record.errors.append(_("Der Link ist ungültig."))
    price = values.get("price")
    if price is not None and not Decimal("0") <= price <= Decimal("99999"):
        record.errors.append(_("Der Preis muss zwischen 0 und 99.999 Euro liegen."))
    for date_record in record.dates:
        validate_date(date_record)
        record.errors.extend(
            _("Termin %(ref)s: %(error)s") % {"ref": date_record.ref, "error": error}
            for error in date_record.errors
        )


def validate_date(record: DateRecord) -> None:
    values = record.values
    if values.get("start_kind") == "fixed" and not values.get("start"):
        record.errors.append(_("Ein fester Termin braucht ein Beginndatum."))
    start, end = values.get("start"), values.get("end")
    if start and end and end < start:
        record.errors.append(_("Das Ende liegt vor dem Beginn."))
