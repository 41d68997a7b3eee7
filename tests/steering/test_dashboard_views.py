"""The dashboard's pages and exports: who may see them, wrong and hostile periods, the
exports read back, and fresh figures after a change."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from counselling.models import CounsellingRequest
from network.models import MembershipRole
from offerings.models import SearchDay
from tests.factories import (
    CounsellingRequestFactory,
    MembershipFactory,
    SteeringCircleMemberFactory,
    UserFactory,
    WorkingGroupMemberFactory,
)
from tests.offerings.factories import OfferFactory

URLS = [
    "steering:dashboard",
    "steering:dashboard_print",
    "steering:dashboard_csv",
    "steering:dashboard_xlsx",
    "steering:funder_csv",
    "steering:funder_xlsx",
]
# The URL names this module's access matrix decides (tests/beweqo/test_url_access.py).
COVERS = set(URLS)
OCTOBER = "?zeitraum=frei&von=2026-10-01&bis=2026-10-31"


@pytest.fixture(autouse=True)
def _no_leftover_search_days(db):
    """`load_demo` (run once per module elsewhere) leaves its search days in the test
    database; these tests count their own (deleted inside the test's transaction)."""
    SearchDay.objects.all().delete()


@pytest.fixture
def steering_member(db):
    return SteeringCircleMemberFactory().person


@pytest.fixture
def cast(steering_member, network_office, owner, member):
    """Everyone the access matrix asks about, by role."""
    return {
        "steering": steering_member,
        "office": network_office,
        "institution_admin": owner,
        "institution_editor": member,
        "counsellor": MembershipFactory(role=MembershipRole.COUNSELLOR).user,
        "working_group_member": WorkingGroupMemberFactory().person,
        "outsider": UserFactory(),
    }


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("steering", 200),
        ("office", 200),
        ("institution_admin", 403),
        ("institution_editor", 403),
        ("counsellor", 403),
        ("working_group_member", 403),
        ("outsider", 403),
    ],
)
def test_only_the_steering_circle_and_the_office_see_the_dashboard(
    cast, client_for, url, role, status
):
    response = client_for(cast[role]).get(reverse(url))
    assert response.status_code == status


@pytest.mark.parametrize("url", URLS)
def test_anonymous_visitors_are_sent_to_the_login(client, url):
    response = client.get(reverse(url))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("url", URLS)
def test_the_dashboard_only_reads(client_for, steering_member, url):
    assert client_for(steering_member).post(reverse(url)).status_code == 405


def test_my_area_links_the_dashboard_for_those_who_may_see_it(cast, client_for):
    link = reverse("steering:dashboard")
    for role in ("steering", "office"):
        assert link in client_for(cast[role]).get(reverse("portal:my_area")).text
    for role in ("institution_admin", "working_group_member", "outsider"):
        assert link not in client_for(cast[role]).get(reverse("portal:my_area")).text


def test_the_page_shows_figures_charts_and_their_tables(client_for, steering_member):
    CounsellingRequestFactory()
    response = client_for(steering_member).get(reverse("steering:dashboard"))
    assert response.status_code == 200
    text = response.text
    assert "Beratungsanfragen" in text
    assert 'role="img"' in text  # a chart …
    assert 'id="table-requests_per_month"' in text  # … and its table
    assert "<script" not in text.split("</head>")[1]  # no chart script
    assert ' style="' not in text  # nothing the CSP would block


def test_the_print_view_shows_every_table_open(client_for, steering_member):
    CounsellingRequestFactory()
    text = client_for(steering_member).get(reverse("steering:dashboard_print")).text
    assert "<details" not in text
    assert 'id="table-requests_per_month"' in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?zeitraum=frei&von=2026-10-31&bis=2026-10-01", "Das Ende liegt vor dem Anfang."),
        ("?zeitraum=frei&von=kaputt&bis=2026-10-01", "gültiges Datum"),
        ("?von=0000-01-01&bis=2026-10-01", "gültiges Datum"),
        ("?von=1999-12-31&bis=2026-10-01", "zwischen 2000 und"),
        ("?von=2026-01-01&bis=9999-12-31", "zwischen 2000 und"),
        ("?von=2000-01-01&bis=2026-10-01", "höchstens fünf Jahre"),
        ("?zeitraum=frei&von=2026-10-01", "Anfang und Ende"),
        ("?zeitraum=frei", "Anfang und Ende"),
        ("?zeitraum=%3Cscript%3Ealert(1)%3C/script%3E", "keine gültige Auswahl"),
        ("?von=" + "9" * 5000 + "&bis=2026-10-01", "gültiges Datum"),
    ],
)
def test_a_wrong_period_gets_a_clear_message_and_no_figures(
    client_for, steering_member, query, message
):
    client = client_for(steering_member)
    response = client.get(reverse("steering:dashboard") + query)
    assert response.status_code == 400
    assert message in response.text
    assert "Der Zeitraum ist ungültig" in response.text
    assert "<script>alert(1)" not in response.text
    for export in ("steering:dashboard_csv", "steering:dashboard_xlsx"):
        response = client.get(reverse(export) + query)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/plain")
        assert "Der Zeitraum ist ungültig" in response.content.decode()


def test_a_chosen_preset_wins_over_dates_left_from_a_free_period(client_for, steering_member):
    client = client_for(steering_member)
    response = client.get(
        reverse("steering:dashboard") + "?zeitraum=vorjahr&von=2026-10-01&bis=2026-10-31"
    )
    year = timezone.localdate().year - 1
    assert response.context["data"]["period"]["start"] == f"{year}-01-01"
    response = client.get(reverse("steering:dashboard") + "?von=2026-10-01&bis=2026-10-31")
    assert response.context["data"]["period"]["start"] == "2026-10-01"


def _page_values(data: dict) -> list[tuple]:
    values = [("Zeitraum", "von", data["period"]["start"])]
    for section in data["sections"]:
        for kpi in section["kpis"]:
            label = f"{kpi['label']} ({kpi['unit']})" if kpi["unit"] else kpi["label"]
            values.append((section["title"], label, "Zeitraum", kpi["current"]))
            values.append((section["title"], label, "Vorzeitraum", kpi["previous"]))
        for figure in section["figures"]:
            for row in figure["rows"]:
                for column, value in zip(figure["columns"][1:], row[1:], strict=True):
                    values.append((figure["title"], str(row[0]), column, value))
    return values


def _from_csv(text: str):
    value = text.replace(",", ".")
    if value == "":
        return None
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return text


def test_the_exports_hold_every_figure_of_the_page(client_for, steering_member, institution):
    OfferFactory(institution=institution)
    CounsellingRequestFactory(situation="employed")
    client = client_for(steering_member)
    page = client.get(reverse("steering:dashboard") + OCTOBER)
    data = page.context["data"]

    response = client.get(reverse("steering:dashboard_csv") + OCTOBER)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="kennzahlen-2026-10-01-bis-2026-10-31.csv"' in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == ["Bereich", "Abbildung", "Zeile", "Spalte", "Wert"]
    exported = {}
    for section_title, figure_title, row, column, value in lines[1:]:
        key = (
            (section_title, row, column)
            if figure_title == "Kennzahlen"
            else (figure_title, row, column)
        )
        exported[key] = _from_csv(value)
    page_values = _page_values(data)
    for *key, value in page_values[1:]:
        assert exported[tuple(key)] == value, key
    assert lines[1:3] == [
        ["Zeitraum", "", "von", "", "2026-10-01"],
        ["Zeitraum", "", "bis", "", "2026-10-31"],
    ]

    response = client.get(reverse("steering:dashboard_xlsx") + OCTOBER)
    book = load_workbook(io.BytesIO(response.content))
    overview = book.worksheets[0]
    kpi_rows = {
        (r[0], r[1]): (r[2], r[3]) for r in overview.iter_rows(min_row=6, values_only=True) if r[0]
    }
    for section in data["sections"]:
        for kpi in section["kpis"]:
            assert kpi_rows[(section["title"], kpi["label"])] == (kpi["current"], kpi["previous"])
    figures_in_book = {}
    for sheet in book.worksheets[1:]:
        title, header = None, None
        for row in sheet.iter_rows(values_only=True):
            if row[0] is None:
                title, header = None, None
            elif title is None:
                title = row[0]
            elif header is None:
                header = [cell for cell in row if cell is not None]
            elif len([v for v in row if v is not None]) > 1:
                figures_in_book.setdefault(title, []).append(list(row[: len(header)]))
    for section in data["sections"]:
        for figure in section["figures"]:
            assert figures_in_book.get(figure["title"], []) == [
                [str(r[0]), *r[1:]] for r in figure["rows"]
            ], figure["title"]


def test_figures_are_fresh_after_a_change(
    client_for, steering_member, institution, django_capture_on_commit_callbacks
):
    client = client_for(steering_member)

    def figure(key):
        data = client.get(reverse("steering:dashboard")).context["data"]
        return next(k["current"] for s in data["sections"] for k in s["kpis"] if k["key"] == key)

    assert figure("requests") == 0
    CounsellingRequestFactory()
    assert figure("requests") == 1
    CounsellingRequest.objects.all().delete()
    assert figure("requests") == 0
    before = figure("catalogue")
    with django_capture_on_commit_callbacks(execute=True):
        OfferFactory(institution=institution)
    assert figure("catalogue") == before + 1


def test_with_a_worker_the_latest_figures_show_while_new_ones_are_counted(
    client_for, steering_member, settings, monkeypatch
):
    from steering.tasks import dashboard_refresh_task

    queued = []  # the broker, as far as this test is concerned
    monkeypatch.setattr(dashboard_refresh_task, "delay", lambda **kwargs: queued.append(kwargs))
    client = client_for(steering_member)

    def page():
        response = client.get(reverse("steering:dashboard"))
        data = response.context["data"]
        count = next(
            k["current"] for s in data["sections"] for k in s["kpis"] if k["key"] == "requests"
        )
        return count, response.text

    assert page()[0] == 0
    settings.CELERY_TASK_ALWAYS_EAGER = False  # the page now leaves the counting to a task
    CounsellingRequestFactory()
    count, text = page()
    assert count == 0
    assert "werden gerade neu berechnet" in text
    assert page()[0] == 0
    assert len(queued) == 1  # queued once, not per visit
    dashboard_refresh_task(**queued[0])  # the worker
    count, text = page()
    assert count == 1
    assert "werden gerade neu berechnet" not in text


def _requests_figure(data) -> int:
    return next(k["current"] for s in data["sections"] for k in s["kpis"] if k["key"] == "requests")


def test_with_a_worker_a_first_visit_shows_at_once_and_fetches_its_figures(
    client_for, steering_member, settings, monkeypatch
):
    """Issue 19: figures nobody has counted yet do not hold up the page; it shows the period
    at once and fetches them from the same URL (htmx), which counts them."""
    from steering.tasks import dashboard_refresh_task

    monkeypatch.setattr(dashboard_refresh_task, "delay", lambda **kwargs: None)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    CounsellingRequestFactory()
    client = client_for(steering_member)
    url = reverse("steering:dashboard") + "?zeitraum=jahr"

    page = client.get(url)
    assert page.status_code == 200
    assert page.context["data"]["sections"] == []
    assert "werden gerade gezählt" in page.text
    assert "Beratungsanfragen" not in page.text
    assert f'data-hx-get="{url}"' in page.text
    assert 'data-hx-trigger="load"' in page.text
    assert "warten=1" in page.text  # without JavaScript: a link that waits

    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<div id="dashboard-figures"')
    assert "<html" not in fragment.text
    assert "Beratungsanfragen" in fragment.text
    assert 'id="table-requests_per_month"' in fragment.text
    assert _requests_figure(fragment.context["data"]) == 1
    assert "HX-Request" in fragment["Vary"]

    again = client.get(url)  # counted now: the whole page at once
    assert "werden gerade gezählt" not in again.text
    assert _requests_figure(again.context["data"]) == 1


def test_without_javascript_the_link_waits_for_the_figures(
    client_for, steering_member, settings, monkeypatch
):
    from steering.tasks import dashboard_refresh_task

    monkeypatch.setattr(dashboard_refresh_task, "delay", lambda **kwargs: None)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    CounsellingRequestFactory()
    client = client_for(steering_member)

    response = client.get(reverse("steering:dashboard") + OCTOBER + "&warten=1")
    assert response.status_code == 200
    assert "werden gerade gezählt" not in response.text
    assert "<html" in response.text
    assert 'id="table-requests_per_month"' in response.text
    # The downloads and the print view are for the period, without the wait; only the
    # page's own addresses in the other languages keep its whole query.
    waiting = [line for line in response.text.splitlines() if "warten" in line]
    assert all("hreflang" in line for line in waiting)
    print_view = client.get(reverse("steering:dashboard_print") + "?zeitraum=vorjahr")
    assert 'id="table-requests_per_month"' in print_view.text  # the print view waits


def test_beat_keeps_the_presets_counted(db, settings):
    from steering.tasks import dashboard_presets_refresh_task

    assert (
        settings.CELERY_BEAT_SCHEDULE["dashboard-presets-refresh"]["task"]
        == "steering.dashboard_presets_refresh"
    )
    # Six presets (the free period has none), each with its two parts.
    assert dashboard_presets_refresh_task.delay().get() == 12
    assert dashboard_presets_refresh_task.delay().get() == 0  # nothing changed
    CounsellingRequestFactory()
    assert dashboard_presets_refresh_task.delay().get() == 6  # only the counselling part


def test_search_texts_cannot_smuggle_formulas_into_the_exports(client_for, steering_member):
    from offerings.models import SearchDay

    hostile = '=hyperlink("http://böse.example","klick")'
    SearchDay.objects.create(day=timezone.localdate(), text=hostile, searches=5)
    SearchDay.objects.create(day=timezone.localdate(), text="-datev", searches=2)
    client = client_for(steering_member)
    text = client.get(reverse("steering:dashboard_csv")).content.decode("utf-8-sig")
    cells = [cell for line in csv.reader(io.StringIO(text), delimiter=";") for cell in line]
    assert "'" + hostile in cells
    assert "'-datev" in cells
    assert not any(cell.startswith(("=", "-", "+", "@")) for cell in cells)

    book = load_workbook(io.BytesIO(client.get(reverse("steering:dashboard_xlsx")).content))
    values = [
        cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value
    ]
    hostile_cells = [cell for cell in values if cell.value == hostile]
    assert hostile_cells
    assert all(cell.data_type == "s" for cell in hostile_cells)


def test_a_hostile_search_term_is_shown_as_text_in_charts_and_tables(client_for, steering_member):
    """Search terms are what visitors typed: the charts (drawn as SVG on the server) and
    the tables show them as text, never as markup."""
    SearchDay.objects.create(
        day=timezone.localdate(), text='<script>alert(1)</script>"&', searches=7, without_result=7
    )
    text = client_for(steering_member).get(reverse("steering:dashboard")).text
    assert "<script>alert(1)" not in text
    assert "alert(1)&lt;/script&gt;&quot;&amp;" in text
    svg = text.split('aria-labelledby="chart-top_terms-title"')[1].split("</svg>")[0]
    assert "&lt;script&gt;alert(1)" in svg


def test_the_period_menu_is_not_marked_optional(client_for, steering_member):
    # It always has a value: the default when nothing is chosen, a free period with dates.
    client = client_for(steering_member)
    response = client.get(reverse("steering:dashboard"))
    label = response.text.split('for="id_zeitraum"', 1)[1].split("</label>", 1)[0]
    assert "optional" not in label
    for query in ("", "?zeitraum=", "?bis=2026-10-31&von=2026-10-01"):
        assert client.get(reverse("steering:dashboard") + query).status_code == 200


def test_the_dashboard_in_english_after_german_keeps_no_german_from_the_cache(
    client_for, steering_member
):
    """The rendered sections are cached per version of the figures and per language."""
    client = client_for(steering_member)
    german = client.get("/netzwerk/kennzahlen/").text
    assert "Angebote nach Zielgruppe" in german
    english = client.get("/en/netzwerk/kennzahlen/").text
    assert "Courses by target group" in english
    assert "Angebote nach Zielgruppe" not in english
