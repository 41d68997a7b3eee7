"""Placements on the dashboard, in its exports and in the funder report (issue 21): counts
by funding, target group and district, cells under five suppressed and marked, and a
second cell hidden wherever the total would give a small one away."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from common.periods import BERLIN
from counselling.services import request_anonymise
from steering.dashboard import dashboard_build
from steering.periods import Period
from steering.suppression import HIDDEN, SMALL, suppress_column, suppress_rows
from tests.factories import CounsellingRequestFactory, SteeringCircleMemberFactory

OCTOBER = Period(datetime.date(2026, 10, 1), datetime.date(2026, 10, 31), "frei", 1)
OCTOBER_QUERY = "?zeitraum=frei&von=2026-10-01&bis=2026-10-31"
NOW = datetime.datetime(2026, 11, 15, 12, 0, tzinfo=BERLIN)


# --- the rule ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([5, 7, 0], [5, 7, 0]),  # nothing small: all shown, zeros too
        ([4, 5, 6], [SMALL, HIDDEN, 6]),  # one small: the smallest other cell hidden
        ([4, 9, 0], [SMALL, HIDDEN, 0]),
        ([3, 2, 9], [SMALL, SMALL, 9]),  # 3 + 2: several ways to make 5
        ([1, 1, 9], [SMALL, SMALL, HIDDEN]),  # 1 + 1 = 2: both would be 1
        ([4, 4, 9], [SMALL, SMALL, HIDDEN]),  # 4 + 4 = 8: both would be 4
        ([1, 5, 7], [SMALL, HIDDEN, HIDDEN]),  # 1 + 5 = 6 gives both away: one more
        ([4, 4, 0], [SMALL, SMALL, SMALL]),  # nothing to hide but the zero
        ([3, 0, 0], [SMALL, SMALL, SMALL]),  # a total under five: every cell
        ([0, 0, 0], [0, 0, 0]),
    ],
)
def test_suppress_column(values, expected):
    assert suppress_column(values) == expected


def _recoverable_cells(values, shown):
    """Every column of integers 0..max(values) that agrees with what is shown and the
    total: a suppressed cell is safe when it has more than one possible value."""
    import itertools

    total = sum(values)
    options = []
    for cell in shown:
        if cell == SMALL:
            options.append(range(5))
        elif cell == HIDDEN:
            options.append(range(5, total + 1))
        else:
            options.append([cell])
    solutions = [c for c in itertools.product(*options) if sum(c) == total]
    return [i for i in range(len(values)) if len({s[i] for s in solutions}) == 1]


@pytest.mark.parametrize(
    "values",
    [[1, 9, 0, 0], [4, 5, 0, 0], [2, 2, 6, 0], [1, 1, 5, 5], [4, 1, 12, 6], [3, 4, 0, 0]],
)
def test_no_small_cell_can_be_worked_out_from_the_total(values):
    shown = suppress_column(values)
    small = [i for i, v in enumerate(values) if 0 < v < 5]
    assert not set(small) & set(_recoverable_cells(values, shown))


def test_the_total_row_is_added_and_each_column_is_suppressed_on_its_own():
    rows = suppress_rows([["a", 4, 5], ["b", 5, 5]], total_label="insgesamt")
    assert rows == [["a", SMALL, 5], ["b", HIDDEN, 5], ["insgesamt", 9, 10]]


# --- the dashboard and its exports ----------------------------------------------------------


def _placed(n, *, district="ostalbkreis", funding="bildungsgutschein", situation="job_seeking"):
    for _i in range(n):
        request = CounsellingRequestFactory(
            status="closed",
            outcome="course",
            closed_at=datetime.datetime(2026, 10, 15, 10, tzinfo=BERLIN),
            district=district,
            situation=situation,
            placement_course="Staplerschein",
            placement_funding=funding,
        )
        request_anonymise(request=request)  # the figures survive anonymising


@pytest.fixture
def placements(db):
    """Five placements in the Ostalbkreis with a Bildungsgutschein, four in Heidenheim
    without funding, all by job seekers; one counselled without placement."""
    _placed(5)
    _placed(4, district="heidenheim", funding="none")
    CounsellingRequestFactory(
        status="closed",
        outcome="counselled",
        closed_at=datetime.datetime(2026, 10, 20, 10, tzinfo=BERLIN),
    )


def _rows(data, key):
    for section in data["sections"]:
        for figure in section["figures"]:
            if figure["key"] == key:
                return {row[0]: row[1] for row in figure["rows"]}
    raise KeyError(key)


def test_the_dashboard_counts_placements_and_suppresses_the_cell_of_four(placements):
    data = dashboard_build(period=OCTOBER, now=NOW)
    section = next(s for s in data["sections"] if s["key"] == "vermittlungen")
    kpis = {k["key"]: k["current"] for k in section["kpis"]}
    assert kpis == {"counselled": 10, "placed": 9}
    by_district = _rows(data, "placements_by_district")
    assert by_district["Ostalbkreis"] == HIDDEN  # five, but 9 − 5 would give the four away
    assert by_district["Landkreis Heidenheim"] == SMALL
    assert by_district["außerhalb der Region"] == 0
    assert by_district["insgesamt"] == 9
    by_funding = _rows(data, "placements_by_funding")
    assert by_funding["Bildungsgutschein"] == HIDDEN
    assert by_funding["ohne Förderung (selbst oder vom Arbeitgeber bezahlt)"] == SMALL
    assert by_funding["nicht bekannt"] == 0
    by_situation = _rows(data, "placements_by_situation")
    assert by_situation["Ich suche Arbeit"] == 9


def test_a_cell_of_five_is_shown(db):
    _placed(5)
    _placed(6, district="heidenheim")
    by_district = _rows(dashboard_build(period=OCTOBER, now=NOW), "placements_by_district")
    assert (by_district["Ostalbkreis"], by_district["Landkreis Heidenheim"]) == (5, 6)


@pytest.fixture
def steering_client(db, client_for):
    return client_for(SteeringCircleMemberFactory().person)


def test_the_page_marks_and_explains_suppressed_cells(placements, steering_client):
    page = steering_client.get(reverse("steering:dashboard") + OCTOBER_QUERY).content.decode()
    start = page.index('id="table-placements_by_district"')
    table = page[start : page.index("</table>", start)]
    assert "&lt; 5" in table
    assert ">4<" not in table
    assert ">5<" not in table
    assert "weniger als fünf Personen" in page


def test_the_dashboard_exports_suppress_the_same_cells(placements, steering_client):
    response = steering_client.get(reverse("steering:dashboard_csv") + OCTOBER_QUERY)
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    placed = {
        (figure, row, column): value
        for _s, figure, row, column, value in lines[1:]
        if figure == "Vermittlungen nach Landkreis"
    }
    assert placed[("Vermittlungen nach Landkreis", "Landkreis Heidenheim", "Zeitraum")] == SMALL
    assert placed[("Vermittlungen nach Landkreis", "Ostalbkreis", "Zeitraum")] == HIDDEN
    assert placed[("Vermittlungen nach Landkreis", "insgesamt", "Zeitraum")] == "9"

    response = steering_client.get(reverse("steering:dashboard_xlsx") + OCTOBER_QUERY)
    book = load_workbook(io.BytesIO(response.content))
    assert _xlsx_figure(book, "Vermittlungen nach Landkreis") == [
        ["Ostalbkreis", HIDDEN, 0],
        ["Landkreis Heidenheim", SMALL, 0],
    ]


def _xlsx_figure(book, title):
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        for i, row in enumerate(rows):
            if row and row[0] == title:
                found = []
                for data in rows[i + 2 :]:
                    if not data or data[0] is None or data[0] == "insgesamt":
                        break
                    if data[0] in ("Ostalbkreis", "Landkreis Heidenheim"):
                        found.append(list(data[:3]))
                return found
    return None


# --- the funder report ------------------------------------------------------------------


def test_the_funder_csv_holds_the_indicators_suppressed(placements, steering_client):
    response = steering_client.get(reverse("steering:funder_csv") + OCTOBER_QUERY)
    assert response.status_code == 200
    assert "foerderbericht-2026-10-01-bis-2026-10-31.csv" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == ["Indikator", "Merkmal", "Ausprägung", "Wert"]
    values = {tuple(line[:3]): line[3] for line in lines[1:]}
    placed = "in einen Kurs vermittelte Personen"
    assert values[("beratene Personen", "insgesamt", "")] == "10"
    assert values[(placed, "insgesamt", "")] == "9"
    assert values[(placed, "Landkreis", "Landkreis Heidenheim")] == SMALL
    assert values[(placed, "Landkreis", "Ostalbkreis")] == HIDDEN
    assert values[(placed, "Förderprogramm", "Bildungsgutschein")] == HIDDEN
    assert values[("beratene Personen", "Geschlecht", "")] == "nicht erhoben"
    assert "4" not in [line[3] for line in lines if line[1] == "Landkreis"]
    assert "Sabine" not in response.content.decode()  # no personal data


def test_the_funder_xlsx_matches_the_csv(placements, steering_client):
    csv_lines = list(
        csv.reader(
            io.StringIO(
                steering_client.get(reverse("steering:funder_csv") + OCTOBER_QUERY).content.decode(
                    "utf-8-sig"
                )
            ),
            delimiter=";",
        )
    )
    response = steering_client.get(reverse("steering:funder_xlsx") + OCTOBER_QUERY)
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(min_row=5, values_only=True) if r[1] is not None]
    expected = [
        [a, b, c or None, int(v) if v.isdigit() else v]
        for a, b, c, v in csv_lines[3:]
        if a != "Hinweis"
    ]
    assert rows == expected


def test_a_wrong_period_gets_a_clear_message(steering_client):
    response = steering_client.get(
        reverse("steering:funder_csv") + "?zeitraum=frei&von=2026-13-01&bis=gestern"
    )
    assert response.status_code == 400
    assert "Der Zeitraum ist ungültig" in response.content.decode()


def test_without_a_period_the_funder_report_covers_the_default(steering_client):
    assert steering_client.get(reverse("steering:funder_xlsx")).status_code == 200
