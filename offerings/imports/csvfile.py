"""CSV import: one row per date, the offer's fields repeated on each of its rows.

The columns are documented in `CSV_COLUMNS` (and on the import page); the template
download and the CSV export use the same columns. UTF-8 with or without BOM, comma or
semicolon as separator (taken from the header line).
"""

import csv
import io
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import IO

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from offerings.imports import codes
from offerings.imports.lookups import term_lookup
from offerings.imports.records import (
    DATE_NOTES_LIMIT,
    MAX_ENTRIES,
    TERM_FIELDS,
    DateRecord,
    ImportFileError,
    OfferRecord,
    ParsedFile,
    parse_count,
    parse_date,
    parse_decimal,
)
from offerings.imports.staging import MemoryStage, Stage, parsed_from_stage
from offerings.models import CertificateKind, Language, Level, TimeOfDay

# (column, offer or date field, description for the import page)
CSV_COLUMNS = [
    (
        "angebot_id",
        "ref",
        gettext_lazy("Ihre Kennung des Angebots (Pflicht, je Angebot eindeutig)"),
    ),
    ("titel", "title", gettext_lazy("Titel (Pflicht, höchstens 200 Zeichen)")),
    (
        "kurzbeschreibung",
        "summary",
        gettext_lazy("Kurzbeschreibung (Pflicht, höchstens 400 Zeichen)"),
    ),
    ("beschreibung", "description", gettext_lazy("Ausführliche Beschreibung")),
    ("schlagwoerter", "keywords", gettext_lazy("Schlagwörter, durch Kommas getrennt")),
    (
        "themen",
        "topics",
        gettext_lazy("Themen des Portals, durch Kommas getrennt, z. B. „IT und Digitalisierung“"),
    ),
    (
        "zielgruppen",
        "target_groups",
        gettext_lazy("Zielgruppen des Portals, durch Kommas getrennt, z. B. „Arbeitsuchende“"),
    ),
    (
        "lernform",
        "delivery_form_id",
        gettext_lazy("Präsenz, Online live, Selbstlernkurs, Blended Learning oder Fernunterricht"),
    ),
    (
        "niveau",
        "level",
        gettext_lazy("ohne Voraussetzungen oder DQR 1 bis DQR 8 (leer: unverändert)"),
    ),
    ("voraussetzungen", "entry_requirements", gettext_lazy("Voraussetzungen für die Teilnahme")),
    (
        "abschlussart",
        "certificate",
        gettext_lazy(
            "keiner, Teilnahmebescheinigung, Zertifikat des Anbieters, Prüfung vor der Kammer "
            "(IHK, HWK), staatlich anerkannter Abschluss, Hochschulabschluss oder -zertifikat, "
            "Herstellerzertifikat"
        ),
    ),
    ("abschluss", "certificate_name", gettext_lazy("Bezeichnung des Abschlusses")),
    ("sprache", "language", gettext_lazy("Kurssprache, z. B. Deutsch oder Englisch")),
    (
        "preis",
        "price",
        gettext_lazy(
            "Preis in Euro; 0 oder „kostenlos“ für kostenlose Angebote; leer: auf Anfrage"
        ),
    ),
    ("preis_hinweise", "price_notes", gettext_lazy("Hinweise zum Preis")),
    (
        "foerderung",
        "funding_programmes",
        gettext_lazy(
            "Förderung, durch Kommas getrennt: Bildungsgutschein, Förderung Beschäftigter, "
            "Qualifizierungsgeld, Aufstiegs-BAföG, Bildungszeit BW, ESF-Fachkurs, "
            "Weiterbildungsstipendium"
        ),
    ),
    ("massnahmenummer", "azav_measure_number", gettext_lazy("AZAV-Maßnahmenummer")),
    ("rollstuhlgerecht", "wheelchair_accessible", gettext_lazy("ja oder nein")),
    ("barrierefreiheit", "accessibility_notes", gettext_lazy("Hinweise zur Barrierefreiheit")),
    ("ansprechperson", "contact_name", gettext_lazy("Ansprechperson")),
    ("email", "contact_email", gettext_lazy("E-Mail-Adresse für Anfragen")),
    ("telefon", "contact_phone", gettext_lazy("Telefon")),
    ("link", "url", gettext_lazy("Link zum Angebot auf Ihrer Website")),
    (
        "termin_id",
        "date:ref",
        gettext_lazy("Ihre Kennung des Termins (leer: Nummer innerhalb des Angebots)"),
    ),
    ("beginn_art", "date:start_kind", gettext_lazy("fest, laufend oder auf Anfrage (leer: fest)")),
    ("beginn", "date:start", gettext_lazy("Beginn, JJJJ-MM-TT oder TT.MM.JJJJ")),
    ("ende", "date:end", gettext_lazy("Ende, JJJJ-MM-TT oder TT.MM.JJJJ")),
    ("zeitmodell", "date:schedule", gettext_lazy("Vollzeit oder Teilzeit (leer: Teilzeit)")),
    (
        "tageszeit",
        "date:time_of_day",
        gettext_lazy("vormittags, nachmittags, abends, am Wochenende oder frei einteilbar"),
    ),
    ("stunden", "date:hours_total", gettext_lazy("Unterrichtsstunden insgesamt")),
    ("plaetze", "date:seats", gettext_lazy("Plätze")),
    ("min_teilnehmende", "date:min_participants", gettext_lazy("Mindestzahl Teilnehmende")),
    (
        "anmeldeschluss",
        "date:registration_deadline",
        gettext_lazy("Anmeldeschluss, JJJJ-MM-TT oder TT.MM.JJJJ"),
    ),
    (
        "termin_hinweise",
        "date:notes",
        gettext_lazy("Hinweise zum Termin, z. B. Unterrichtszeiten (höchstens 500 Zeichen)"),
    ),
    ("ort_name", "venue:0", gettext_lazy("Veranstaltungsort: Bezeichnung")),
    ("ort_strasse", "venue:1", gettext_lazy("Veranstaltungsort: Straße und Hausnummer")),
    ("ort_plz", "venue:2", gettext_lazy("Veranstaltungsort: Postleitzahl")),
    ("ort_stadt", "venue:3", gettext_lazy("Veranstaltungsort: Ort")),
]
HEADER = [column for column, _field, _help in CSV_COLUMNS]
# Without these in the header line a file is refused (also at upload, imports/upload.py).
REQUIRED_COLUMNS = ("angebot_id", "titel")
START_KINDS = {
    "": "fixed",
    "fest": "fixed",
    "fixed": "fixed",
    "laufend": "rolling",
    "rolling": "rolling",
    "auf anfrage": "on_demand",
    "on_demand": "on_demand",
}
START_KIND_LABELS = {"fixed": "fest", "rolling": "laufend", "on_demand": "auf Anfrage"}
SCHEDULE_LABELS = {"full_time": "Vollzeit", "part_time": "Teilzeit"}
BOOLEAN_LABELS = {True: "ja", False: "nein"}
# Cells the CSV export protects against formula execution with a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@")
DATE_COLUMNS = {column for column, name, _help in CSV_COLUMNS if ":" in name}
# Columns with one of a model's choices, by field: the stored value or its German label.
CHOICE_FIELDS = {
    "level": Level,
    "certificate": CertificateKind,
    "language": Language,
    "time_of_day": TimeOfDay,
}
# Other words for choices that people write.
CHOICE_WORDS = {
    "level": {"ohne": "none", "keine": "none"},
    "time_of_day": {"wochenende": "weekend", "flexibel": "flexible", "tagsüber": "morning"},
    "certificate": {"kammer": "chamber", "ihk": "chamber", "hwk": "chamber"},
}


def choice_labels() -> dict[str, dict[str, str]]:
    """Field → lower-case value, German label and short label → value. German whatever the
    request's language, so that a file reads the same for everyone."""
    lookup: dict[str, dict[str, str]] = {}
    with translation.override("de"):
        for name, choices in CHOICE_FIELDS.items():
            found = lookup[name] = dict(CHOICE_WORDS.get(name, {}))
            for value, label in choices.choices:
                label = str(label).lower()
                found[value] = value
                found[label] = value
                found[label.split(" (")[0]] = value
                found[label.replace(" ", "")] = value
    return lookup


def choice_label(name: str, value: str) -> str:
    """The German label a file shows for a stored choice."""
    with translation.override("de"):
        return str(dict(CHOICE_FIELDS[name].choices).get(value, value))


def csv_parse(
    source: IO[bytes],
    *,
    delivery_forms: dict[str, int],
    terms: dict[str, dict[str, str]] | None = None,
    on_progress: Callable | None = None,
) -> ParsedFile:
    """Read a small file into records at once (tests, round trips)."""
    stage = MemoryStage(merge_rows=True)
    terms = term_lookup() if terms is None else terms
    csv_read(
        source, stage=stage, delivery_forms=delivery_forms, terms=terms, on_progress=on_progress
    )
    return parsed_from_stage(stage)


def csv_read(
    source: IO[bytes],
    *,
    stage: Stage,
    delivery_forms: dict[str, int],
    terms: dict[str, dict[str, str]] | None = None,
    on_progress: Callable | None = None,
) -> None:
    """Read `source` row by row into `stage` (made with `merge_rows=True`): each row is the
    offer's fields and, when it has any, one date; the stage joins the rows of an offer."""
    text = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
    lookups = _Lookups(delivery_forms, terms or {}, choice_labels())
    try:
        header_line = text.readline()
        if not header_line.strip():
            raise ImportFileError(_("Die Datei ist leer."))
        delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
        header = [h.strip().lower() for h in next(csv.reader([header_line], delimiter=delimiter))]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise ImportFileError(
                _("Der Kopfzeile fehlen die Spalten %(columns)s. Bitte nutzen Sie die Vorlage.")
                % {"columns": ", ".join(missing)}
            )
        # Columns the portal does not know are not read; the report names them per offer.
        unknown = [h for h in header if h and h not in COLUMN_NAMES]
        reader = csv.reader(text, delimiter=delimiter)
        line = 1
        for row in reader:
            line += 1
            if not any(cell.strip() for cell in row):
                continue
            stage.entries += 1
            if stage.entries > MAX_ENTRIES:
                raise ImportFileError(
                    _("Die Datei enthält mehr als %(limit)s Zeilen. Bitte teilen Sie sie auf.")
                    % {"limit": f"{MAX_ENTRIES:,}".replace(",", ".")}
                )
            cells = dict(zip(header, (_uncell(c.strip()) for c in row), strict=False))
            _row(cells, line, stage, lookups, [c for c in unknown if cells.get(c)])
            if on_progress and stage.entries % 1000 == 0:
                on_progress(stage.entries)
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _("Die Datei ist nicht in UTF-8 gespeichert. Bitte speichern Sie sie als „CSV UTF-8“.")
        ) from error
    except csv.Error as error:
        raise ImportFileError(
            _("Die Datei ist keine gültige CSV-Datei: %(error)s") % {"error": str(error)[:100]}
        ) from error
    finally:
        # The wrapper must not close the caller's file when it is collected.
        text.detach()
    stage.finish()


COLUMN_NAMES = {column for column, _name, _help in CSV_COLUMNS}


class _Lookups:
    def __init__(self, forms: dict, terms: dict, choices: dict):
        self.forms = forms
        self.terms = terms
        self.choices = choices


def _uncell(value: str) -> str:
    if value[:1] == "'" and value[1:2] in FORMULA_STARTS and value[1:2]:
        return value[1:]
    return value


def _row(row: dict, line: int, stage: Stage, lookups: _Lookups, unknown: list[str]) -> None:
    ref = row.get("angebot_id", "")
    offer_values, errors = {}, []
    for column, name, _help in CSV_COLUMNS:
        if ":" in name or name == "ref" or column not in row:
            continue
        value = row[column]
        problem = _offer_value(name, value, offer_values, lookups)
        if problem:
            errors.append(_("Zeile %(line)d: %(problem)s") % {"line": line, "problem": problem})
    record = OfferRecord(
        ref=ref, position=line, values=offer_values, errors=errors, unused=dict.fromkeys(unknown, 1)
    )
    if not ref:
        errors.append(_("Zeile %(line)d: angebot_id fehlt.") % {"line": line})
        record.ref = f"#{line}"
        stage.add_offer(record)
        return
    stage.add_offer(record)
    if any(row.get(column) for column in DATE_COLUMNS):
        stage.add_date(_date(row, line, lookups), ref)


def _offer_value(name: str, value: str, values: dict, lookups: _Lookups) -> str | None:
    """Put the cell `value` of the offer's field `name` into `values`; returns what is
    wrong with it."""
    if name == "price":
        if not value:
            values["price"] = None  # an empty price is "on request", never free
        elif codes.FREE_PATTERN.search(value):
            values["price"] = Decimal("0.00")
        else:
            try:
                values["price"] = parse_decimal(value)
            except (InvalidOperation, ValueError):
                return _("Der Preis „%(price)s“ ist keine Zahl.") % {"price": value[:20]}
    elif name == "delivery_form_id":
        if value:
            form_id = lookups.forms.get(value.lower())
            if form_id is None:
                return _("Unbekannte Lernform „%(form)s“.") % {"form": value[:60]}
            values[name] = form_id
    elif name in TERM_FIELDS:
        lookup = lookups.terms.get(name, {})
        parts = [part.strip() for part in value.split(",") if part.strip()]
        unknown = [part for part in parts if part.lower() not in lookup]
        if unknown:
            return _("Unbekannte Angaben in „%(column)s“: %(values)s.") % {
                "column": COLUMN_BY_FIELD[name],
                "values": ", ".join(unknown)[:120],
            }
        values[name] = sorted({lookup[part.lower()] for part in parts})
    elif name in CHOICE_FIELDS:
        if value:
            choice = lookups.choices[name].get(value.lower())
            if choice is None:
                return _("Unbekannte Angabe in „%(column)s“: %(value)s.") % {
                    "column": COLUMN_BY_FIELD[name],
                    "value": value[:60],
                }
            values[name] = choice
    elif name == "wheelchair_accessible":
        if value:
            flag = {"ja": True, "nein": False}.get(value.lower()) if value else None
            if flag is None:
                flag = {"true": True, "false": False, "1": True, "0": False}.get(value.lower())
            if flag is None:
                return _("„%(value)s“ in „rollstuhlgerecht“: bitte ja oder nein.") % {
                    "value": value[:20]
                }
            values[name] = flag
    else:
        values[name] = value
    return None


COLUMN_BY_FIELD = {name: column for column, name, _help in CSV_COLUMNS}


def _date(row: dict, line: int, lookups: _Lookups) -> DateRecord:
    # Without termin_id the stage numbers the dates within their offer.
    record = DateRecord(ref=row.get("termin_id", ""), position=line)
    values = record.values

    def problem(text: str) -> None:
        record.errors.append(_("Zeile %(line)d: %(problem)s") % {"line": line, "problem": text})

    kind = START_KINDS.get(row.get("beginn_art", "").lower())
    if kind is None:
        problem(_("unbekannte Art des Beginns."))
    values["start_kind"] = kind or "fixed"
    for name, column in (
        ("start", "beginn"),
        ("end", "ende"),
        ("registration_deadline", "anmeldeschluss"),
    ):
        if name == "registration_deadline" and column not in row:
            continue
        values[name] = None
        if row.get(column):
            try:
                values[name] = parse_date(row[column])
            except ValueError:
                problem(_("Das Datum „%(date)s“ ist ungültig.") % {"date": row[column][:40]})
    values["schedule"] = (
        "full_time"
        if row.get("zeitmodell", "").lower() in {"vollzeit", "full_time"}
        else "part_time"
    )
    if row.get("tageszeit"):
        time_of_day = lookups.choices["time_of_day"].get(row["tageszeit"].lower())
        if time_of_day is None:
            problem(_("unbekannte Tageszeit „%(value)s“.") % {"value": row["tageszeit"][:40]})
        else:
            values["time_of_day"] = time_of_day
    for name, column in (
        ("hours_total", "stunden"),
        ("seats", "plaetze"),
        ("min_participants", "min_teilnehmende"),
    ):
        if name == "min_participants" and column not in row:
            continue
        try:
            values[name] = parse_count(row.get(column, ""))
        except (ValueError, InvalidOperation):
            values[name] = None
            problem(
                _("„%(value)s“ ist keine gültige Anzahl.") % {"value": row.get(column, "")[:20]}
            )
    if "termin_hinweise" in row:
        notes = row["termin_hinweise"]
        if len(notes) > DATE_NOTES_LIMIT:
            problem(
                _("Die Hinweise zum Termin sind zu lang (höchstens %(limit)d Zeichen).")
                % {"limit": DATE_NOTES_LIMIT}
            )
        values["notes"] = notes[:DATE_NOTES_LIMIT]
    venue = tuple(row.get(c, "") for c in ("ort_name", "ort_strasse", "ort_plz", "ort_stadt"))
    values["venue_key"] = (
        (venue[0][:150] or venue[3][:150], venue[1][:120], venue[2][:5], venue[3][:80])
        if venue[0] or venue[3]
        else None
    )
    return record
