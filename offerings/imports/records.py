"""The plain records that parsers produce and the plan works with, and their validation."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Files above this size are refused before parsing (a zipped bomb cannot hide behind it).
MAX_IMPORT_BYTES = 64 * 1024 * 1024
# Entries (open-Q-cat SERVICEs or CSV rows) per file: 10,000 offers with 30,000 dates fit.
MAX_ENTRIES = 60_000
BERLIN = ZoneInfo("Europe/Berlin")

# Entries (open-Q-cat SERVICEs and MODULE_COURSEs, or CSV rows) per file.
# Dates per offer: more are refused (a rolling course with weekly dates for years has ~100).
MAX_DATES_PER_OFFER = 500

# Offer fields an import sets, with their maximum length (None: not a text field).
OFFER_FIELDS = {
    "title": 200,
    "summary": 400,
    "description": 20000,
    "keywords": 500,
    "entry_requirements": 3000,
    "certificate": None,
    "certificate_name": 200,
    "level": None,
    "language": None,
    "azav_measure_number": 40,
    "contact_name": 150,
    "contact_email": 254,
    "contact_phone": 40,
    "url": 500,
    "price_notes": 500,
    "price": None,
    "delivery_form_id": None,
    "wheelchair_accessible": None,
    "accessibility_notes": 2000,
}
# Offer terms an import sets, as sorted lists of slugs.
TERM_FIELDS = ("funding_programmes", "topics", "target_groups")
DATE_FIELDS = (
    "start_kind",
    "start",
    "end",
    "schedule",
    "time_of_day",
    "hours_total",
    "seats",
    "min_participants",
    "registration_deadline",
    "notes",
    "venue_key",
)
DATE_NOTES_LIMIT = 500
REQUIRED = {"title": "Titel", "summary": "Kurzbeschreibung"}


class ImportFileError(Exception):
    """The whole file cannot be imported; the message is for the user."""


@dataclass
class DateRecord:
    ref: str
    position: int
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    # Notices that do not keep the date from being imported.
    warnings: list[str] = field(default_factory=list)
    # What the date's entry says about its offer (open-Q-cat carries funding, price,
    # language and the like on the dates); `offer_values_merge` folds it into the offer.
    offer_values: dict = field(default_factory=dict)
    # Elements of the entry the importer did not use: path → count.
    unused: dict[str, int] = field(default_factory=dict)


@dataclass
class OfferRecord:
    """An offer as the file describes it. Fields the file leaves out are absent from
    `values` and are then left as they are."""

    ref: str
    position: int
    values: dict = field(default_factory=dict)
    dates: list[DateRecord] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # What the person should know but need not act on (shown with the result).
    notes: list[str] = field(default_factory=list)
    unused: dict[str, int] = field(default_factory=dict)
    # open-Q-cat: a SERVICE that is offer and dates at once; used when no date links to it.
    own_dates: list[DateRecord] = field(default_factory=list)
    # Values for what neither the offer nor its dates state (open-Q-cat: a missing price
    # means "on request").
    defaults: dict = field(default_factory=dict)
    # Values of its dates that the offer's entry states, for dates that do not.
    date_defaults: dict = field(default_factory=dict)


@dataclass
class ParsedFile:
    offers: dict[str, OfferRecord] = field(default_factory=dict)
    deletes: list[tuple[str, int]] = field(default_factory=list)
    orphans: list[tuple[DateRecord, str]] = field(default_factory=list)
    entries: int = 0
    # open-Q-cat: "new" for a NEW_CATALOG (the provider's whole catalogue), "update" for an
    # UPDATE_CATALOG; CSV files are always "update".
    catalogue: str = "update"
    # Technical elements (no use for the catalogue) the importer left out: path → count.
    technical: dict[str, int] = field(default_factory=dict)


def count_into(target: dict[str, int], source: dict[str, int]) -> None:
    for path, count in source.items():
        target[path] = target.get(path, 0) + count


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


# Values an offer's dates may state for their offer (open-Q-cat carries them per date); the
# offer's own entry wins, otherwise the dates must agree.
SHARED_FIELDS = (
    "price",
    "azav_measure_number",
    "price_notes",
    "delivery_form_id",
    "language",
    "level",
    "certificate",
    "accessibility_notes",
)


def _euro(value: Decimal | None) -> str:
    return _("Preis auf Anfrage") if value is None else f"{value:.2f} €".replace(".", ",")


def offer_values_merge(record: OfferRecord) -> None:
    """Fold what `record`'s dates say about their offer into the offer's values.

    Terms (funding, topics, target groups) are joined. A single value is the offer's own
    when its entry states one, else the one all dates agree on; dates that disagree get a
    notice, and contradicting prices make the price unknown rather than wrong."""
    values = record.values
    dates = record.dates
    for name in TERM_FIELDS:
        stated = [d.offer_values[name] for d in dates if name in d.offer_values]
        if stated:
            values[name] = sorted(set(values.get(name, [])).union(*stated))
    for name in SHARED_FIELDS:
        stated = [(d.ref, d.offer_values[name]) for d in dates if name in d.offer_values]
        distinct = list(dict.fromkeys(value for _ref, value in stated))
        if name == "price":
            _merge_price(record, stated, distinct)
        elif name in values:
            continue
        elif len(distinct) == 1:
            values[name] = distinct[0]
        elif distinct:
            values[name] = distinct[0]
            record.warnings.append(
                _(
                    "Die Termine nennen verschiedene Angaben zu „%(field)s“; übernommen wird die "
                    "des ersten Termins."
                )
                % {"field": name}
            )
    stated = [d for d in dates if "wheelchair_accessible" in d.offer_values]
    if "wheelchair_accessible" not in values and stated:
        # The course is wheelchair accessible when every place it is held at is; a place
        # that says nothing does not count as accessible.
        values["wheelchair_accessible"] = all(
            d.offer_values.get("wheelchair_accessible", False)
            for d in dates
            if d.values.get("venue_key")
        )
    for name, value in record.defaults.items():
        values.setdefault(name, value)


def _merge_price(record: OfferRecord, stated: list, distinct: list) -> None:
    values = record.values
    if "price" in values:
        if distinct and distinct != [values["price"]]:
            dates = ", ".join(
                f"{ref}: {_euro(value)}" for ref, value in stated if value != values["price"]
            )
            record.warnings.append(
                _(
                    "Widersprüchliche Preise (Angebot: %(offer)s; %(dates)s). Übernommen wird "
                    "„Preis auf Anfrage“; bitte korrigieren Sie die Datei."
                )
                % {"offer": _euro(values["price"]), "dates": dates}
            )
            values["price"] = None
    elif len(distinct) == 1:
        values["price"] = distinct[0]
    elif distinct:
        record.warnings.append(
            _(
                "Die Termine nennen verschiedene Preise (%(dates)s). Übernommen wird "
                "„Preis auf Anfrage“; bitte korrigieren Sie die Datei."
            )
            % {"dates": ", ".join(f"{ref}: {_euro(value)}" for ref, value in stated)}
        )
        values["price"] = None


def _last_day(values: dict) -> date | None:
    if values.get("start_kind", "fixed") != "fixed":
        return values.get("end")
    return values.get("end") or values.get("start")


def validate_offer(record: OfferRecord, *, is_new: bool, today: date | None = None) -> None:
    """Append the reasons that keep `record` from being imported to `record.errors`, and
    what the person should know but does not stop it to `record.warnings`."""
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
    if len(record.dates) > MAX_DATES_PER_OFFER:
        record.errors.append(
            _(
                "Das Angebot hat %(count)s Termine, höchstens %(limit)s sind möglich. Bitte "
                "teilen Sie es auf oder geben Sie einen laufenden Einstieg an."
            )
            % {"count": f"{len(record.dates):,}".replace(",", "."), "limit": MAX_DATES_PER_OFFER}
        )
        return
    for date_record in record.dates:
        validate_date(date_record)
        record.errors.extend(
            _("Termin %(ref)s: %(error)s") % {"ref": date_record.ref, "error": error}
            for error in date_record.errors
        )
        record.warnings.extend(
            _("Termin %(ref)s: %(warning)s") % {"ref": date_record.ref, "warning": warning}
            for warning in date_record.warnings
        )
    today = today or date.today()
    past = [d.ref for d in record.dates if (last := _last_day(d.values)) and last < today]
    if past:
        record.warnings.append(
            ngettext(
                "%(count)d Termin liegt in der Vergangenheit (%(refs)s); er wird übernommen, "
                "im Katalog aber nicht mehr gezeigt.",
                "%(count)d Termine liegen in der Vergangenheit (%(refs)s); sie werden "
                "übernommen, im Katalog aber nicht mehr gezeigt.",
                len(past),
            )
            % {"count": len(past), "refs": _shorten(past)}
        )
    untimed = [d.ref for d in record.dates if "time_of_day" not in d.values]
    if untimed:
        record.notes.append(
            ngettext(
                "Bei %(count)d Termin fehlt die Tageszeit (%(refs)s); wer nach einer Tageszeit "
                "sucht, findet ihn erst, wenn Sie sie ergänzen.",
                "Bei %(count)d Terminen fehlt die Tageszeit (%(refs)s); wer nach einer "
                "Tageszeit sucht, findet sie erst, wenn Sie sie ergänzen.",
                len(untimed),
            )
            % {"count": len(untimed), "refs": _shorten(untimed)}
        )


def _shorten(refs: list[str], limit: int = 5) -> str:
    shown = ", ".join(refs[:limit])
    return shown + (" …" if len(refs) > limit else "")


def validate_date(record: DateRecord) -> None:
    values = record.values
    if values.get("start_kind") == "fixed" and not values.get("start"):
        record.errors.append(_("Ein fester Termin braucht ein Beginndatum."))
    start, end = values.get("start"), values.get("end")
    if start and end and end < start:
        record.errors.append(_("Das Ende liegt vor dem Beginn."))
    seats, minimum = values.get("seats"), values.get("min_participants")
    if seats is not None and minimum is not None and minimum > seats:
        record.errors.append(
            _(
                "Die Mindestzahl der Teilnehmenden (%(min)d) ist größer als die Zahl der "
                "Plätze (%(max)d)."
            )
            % {"min": minimum, "max": seats}
        )
