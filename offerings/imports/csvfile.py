"""CSV import: one row per date, the offer's fields repeated on each of its rows.

The columns are documented in `CSV_COLUMNS` (and on the import page); the template
download and the CSV export use the same columns. UTF-8 with or without BOM, comma or
semicolon as separator (taken from the header line).
"""

import csv
import io
from collections.abc import Callable
from decimal import InvalidOperation
from typing import IO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
        "lernform",
        "delivery_form_id",
        gettext_lazy("Präsenz, Online live, Selbstlernkurs, Blended Learning oder Fernunterricht"),
    ),
    ("preis", "price", gettext_lazy("Preis in Euro, 0 für kostenlos, leer für „auf Anfrage“")),
    ("preis_hinweise", "price_notes", gettext_lazy("Hinweise zum Preis")),
    ("abschluss", "certificate_name", gettext_lazy("Bezeichnung des Abschlusses")),
    ("massnahmenummer", "azav_measure_number", gettext_lazy("AZAV-Maßnahmenummer")),
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
    ("stunden", "date:hours_total", gettext_lazy("Unterrichtsstunden insgesamt")),
    ("plaetze", "date:seats", gettext_lazy("Plätze")),
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
# Cells the CSV export protects against formula execution with a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@")
DATE_COLUMNS = {
    "termin_id",
    "beginn_art",
    "beginn",
    "ende",
    "zeitmodell",
    "stunden",
    "plaetze",
    "ort_name",
    "ort_strasse",
    "ort_plz",
    "ort_stadt",
}


def csv_parse(
    source: IO[bytes], *, delivery_forms: dict[str, int], on_progress: Callable | None = None
) -> ParsedFile:
    """Read a small file into records at once (tests, round trips)."""
    stage = MemoryStage(merge_rows=True)
    csv_read(source, stage=stage, delivery_forms=delivery_forms, on_progress=on_progress)
    return parsed_from_stage(stage)


def csv_read(
    source: IO[bytes],
    *,
    stage: Stage,
    delivery_forms: dict[str, int],
    on_progress: Callable | None = None,
) -> None:
    """Read `source` row by row into `stage` (made with `merge_rows=True`): each row is the
    offer's fields and, when it has any, one date; the stage joins the rows of an offer."""
    text = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
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
            _row(
                dict(zip(header, (_uncell(c.strip()) for c in row), strict=False)),
                line,
                stage,
                delivery_forms,
            )
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


def _uncell(value: str) -> str:
    if value[:1] == "'" and value[1:2] in FORMULA_STARTS and value[1:2]:
        return value[1:]
    return value


def _row(row: dict, line: int, stage: Stage, forms: dict) -> None:
    ref = row.get("angebot_id", "")
    offer_values, errors = {}, []
    for column, name, _help in CSV_COLUMNS:
        if ":" in name or name == "ref" or column not in row:
            continue
        value = row[column]
        if name == "price":
            if value:
                try:
                    offer_values["price"] = parse_decimal(value)
                except (InvalidOperation, ValueError):
                    errors.append(
                        _("Zeile %(line)d: Der Preis „%(price)s“ ist keine Zahl.")
                        % {"line": line, "price": value[:20]}
                    )
            else:
                offer_values["price"] = None  # an empty cell: price on request, not free
        elif name == "delivery_form_id":
            if value:
                form_id = forms.get(value.lower())
                if form_id is None:
                    errors.append(
                        _("Zeile %(line)d: Unbekannte Lernform „%(form)s“.")
                        % {"line": line, "form": value[:60]}
                    )
                else:
                    offer_values[name] = form_id
        else:
            offer_values[name] = value
    if not ref:
        errors.append(_("Zeile %(line)d: angebot_id fehlt.") % {"line": line})
        stage.add_offer(
            OfferRecord(ref=f"#{line}", position=line, values=offer_values, errors=errors)
        )
        return
    stage.add_offer(OfferRecord(ref=ref, position=line, values=offer_values, errors=errors))
    if any(row.get(column) for column in DATE_COLUMNS):
        stage.add_date(_date(row, line), ref)


def _date(row: dict, line: int) -> DateRecord:
    # Without termin_id the stage numbers the dates within their offer.
    record = DateRecord(ref=row.get("termin_id", ""), position=line)
    values = record.values
    kind = START_KINDS.get(row.get("beginn_art", "").lower())
    if kind is None:
        record.errors.append(_("Zeile %(line)d: unbekannte Art des Beginns.") % {"line": line})
    values["start_kind"] = kind or "fixed"
    for name, column in (("start", "beginn"), ("end", "ende")):
        values[name] = None
        if row.get(column):
            try:
                values[name] = parse_date(row[column])
            except ValueError:
                record.errors.append(
                    _("Zeile %(line)d: Das Datum „%(date)s“ ist ungültig.")
                    % {"line": line, "date": row[column][:40]}
                )
    values["schedule"] = (
        "full_time"
        if row.get("zeitmodell", "").lower() in {"vollzeit", "full_time"}
        else "part_time"
    )
    for name, column in (("hours_total", "stunden"), ("seats", "plaetze")):
        try:
            values[name] = parse_count(row.get(column, ""))
        except (ValueError, InvalidOperation):
            values[name] = None
            record.errors.append(
                _("Zeile %(line)d: „%(value)s“ ist keine gültige Anzahl.")
                % {"line": line, "value": row.get(column, "")[:20]}
            )
    venue = tuple(row.get(c, "") for c in ("ort_name", "ort_strasse", "ort_plz", "ort_stadt"))
    values["venue_key"] = (
        (venue[0][:150] or venue[3][:150], venue[1][:120], venue[2][:5], venue[3][:80])
        if venue[0] or venue[3]
        else None
    )
    return record
