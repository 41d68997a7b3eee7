"""Every figure of the dashboard as CSV and as an Excel workbook, for the funders' reports.

Both are written from the same data as the page (steering.dashboard), so they agree with it.
The CSV is "long": one value per line (section; figure; row; column; value), which any
spreadsheet can pivot; semicolons and a byte order mark, as German Excel expects, numbers
with a decimal comma. The workbook has an overview sheet with the key figures and one
sheet per section with each table under its title.
"""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

# A cell that starts with one of these is a formula to Excel and LibreOffice; search texts
# come from the public, so such text is written as text ("formula injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def _csv_number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def export_rows(data: dict) -> list[list]:
    """The dashboard as (section, figure, row, column, value) lines."""
    period, previous = data["period"], data["previous"]
    lines = [
        [_("Zeitraum"), "", _("von"), "", period["start"]],
        [_("Zeitraum"), "", _("bis"), "", period["end"]],
        [_("Vorzeitraum"), "", _("von"), "", previous["start"]],
        [_("Vorzeitraum"), "", _("bis"), "", previous["end"]],
    ]
    for section in data["sections"]:
        for kpi in section["kpis"]:
            label = f"{kpi['label']} ({kpi['unit']})" if kpi["unit"] else kpi["label"]
            lines.append([section["title"], _("Kennzahlen"), label, _("Zeitraum"), kpi["current"]])
            lines.append(
                [section["title"], _("Kennzahlen"), label, _("Vorzeitraum"), kpi["previous"]]
            )
        for figure in section["figures"]:
            for row in figure["rows"]:
                for column, value in zip(figure["columns"][1:], row[1:], strict=True):
                    lines.append([section["title"], figure["title"], row[0], column, value])
    return lines


def export_csv(data: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Bereich"), _("Abbildung"), _("Zeile"), _("Spalte"), _("Wert")])
    for line in export_rows(data):
        writer.writerow(
            [
                *(_csv_text(str(cell)) for cell in line[:4]),
                _csv_number(line[4]) if not isinstance(line[4], str) else _csv_text(line[4]),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _sheet_title(title: str, taken: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ and unique.
    clean = "".join(c for c in title if c not in "[]:*?/\\")[:31]
    name, n = clean, 2
    while name in taken:
        name = f"{clean[:28]} {n}"
        n += 1
    taken.add(name)
    return name


def _as_text(cells) -> None:
    """openpyxl stores a string that starts with "=" as a formula: keep it text."""
    for cell in cells:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


def export_xlsx(data: dict) -> bytes:
    bold = Font(bold=True)
    book = Workbook()
    overview = book.active
    overview.title = _("Überblick")
    taken = {overview.title}
    period, previous = data["period"], data["previous"]
    overview.append([_("Kennzahlen des Netzwerks")])
    overview["A1"].font = Font(bold=True, size=14)
    overview.append([_("Zeitraum"), period["start"], period["end"]])
    overview.append([_("Vorzeitraum"), previous["start"], previous["end"]])
    overview.append([])
    overview.append([_("Bereich"), _("Kennzahl"), _("Zeitraum"), _("Vorzeitraum"), _("Einheit")])
    for cell in overview[overview.max_row]:
        cell.font = bold
    for section in data["sections"]:
        for kpi in section["kpis"]:
            overview.append(
                [section["title"], kpi["label"], kpi["current"], kpi["previous"], kpi["unit"]]
            )
    for column, width in zip("ABCDE", (34, 48, 14, 14, 10), strict=True):
        overview.column_dimensions[column].width = width
    for section in data["sections"]:
        sheet = book.create_sheet(_sheet_title(section["title"], taken))
        widths: dict[int, int] = {}
        for figure in section["figures"]:
            sheet.append([figure["title"]])
            sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=12)
            sheet.append(figure["columns"])
            for cell in sheet[sheet.max_row]:
                cell.font = bold
            for row in figure["rows"]:
                sheet.append(row)
                _as_text(sheet[sheet.max_row])
                for i, value in enumerate(row, start=1):
                    widths[i] = max(widths.get(i, 10), min(len(str(value)) + 2, 60))
            if figure["note"]:
                sheet.append([figure["note"]])
            sheet.append([])
        for i, width in widths.items():
            sheet.column_dimensions[get_column_letter(i)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- the funder report (steering.funder) ------------------------------------------------------


def funder_csv(report) -> bytes:
    """The funder report as CSV: one indicator value per line, then the notes."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Indikator"), _("Merkmal"), _("Ausprägung"), _("Wert")])
    writer.writerow([_("Zeitraum"), _("von"), "", report.period["start"]])
    writer.writerow([_("Zeitraum"), _("bis"), "", report.period["end"]])
    for indicator, breakdown, category, value in report.rows:
        writer.writerow(
            [
                *(_csv_text(str(cell)) for cell in (indicator, breakdown, category)),
                _csv_number(value) if not isinstance(value, str) else _csv_text(value),
            ]
        )
    for note in report.notes:
        writer.writerow([_("Hinweis"), "", "", _csv_text(note)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def funder_xlsx(report) -> bytes:
    """The funder report as one sheet: period, the indicators' table, the notes."""
    bold = Font(bold=True)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Förderbericht")
    sheet.append([_("Förderbericht: Beratung und Vermittlung in Kurse")])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("Zeitraum"), report.period["start"], report.period["end"]])
    sheet.append([])
    sheet.append([_("Indikator"), _("Merkmal"), _("Ausprägung"), _("Wert")])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for row in report.rows:
        sheet.append(row)
        _as_text(sheet[sheet.max_row])
    sheet.append([])
    for note in report.notes:
        sheet.append([note])
    for column, width in zip("ABCD", (36, 26, 44, 14), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
