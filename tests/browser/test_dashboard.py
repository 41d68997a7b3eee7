"""A steering circle member looks at the network's figures in a real browser: changes the
period, opens a chart's table, downloads the Excel file and opens the print view; axe-core
checks the dashboard and its print view."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from offerings.models import SearchDay
from tests.browser.conftest import assert_accessible, force_login, visit
from tests.factories import CounsellingRequestFactory, SteeringCircleMemberFactory, UserFactory


@pytest.fixture
def steering(_seed_data):
    today = timezone.localdate()
    last_year = today.replace(year=today.year - 1, month=6, day=15)
    CounsellingRequestFactory(situation="employed")
    CounsellingRequestFactory(
        situation="job_seeking",
        created_at=datetime.datetime.combine(last_year, datetime.time(10), tzinfo=datetime.UTC),
    )
    SearchDay.objects.create(day=today, text="excel", searches=7, without_result=0)
    SearchDay.objects.create(day=today, text="gabelstapler", searches=3, without_result=3)
    return SteeringCircleMemberFactory(person=UserFactory(name="Michael Straub")).person


def test_a_steering_member_changes_the_period_and_downloads_the_figures(page: Page, steering):
    force_login(page, steering)
    visit(page, "/mein-bereich/")
    page.get_by_role("link", name="Kennzahlen des Netzwerks").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kennzahlen des Netzwerks")
    assert_accessible(page)
    requests = page.locator(".kpi", has_text="Beratungsanfragen").first
    expect(requests.locator(".kpi__value")).to_have_text("1")

    # Last year instead of this month: last year's request shows.
    page.get_by_role("combobox", name="Zeitraum").select_option("vorjahr")
    page.get_by_role("button", name="Anzeigen").click()
    expect(page.locator(".dashboard-period__shown")).to_contain_text(
        f"31.12.{timezone.localdate().year - 1}"
    )
    expect(requests.locator(".kpi__value")).to_have_text("1")
    expect(page.get_by_role("img", name="Anfragen nach Situation")).to_be_visible()

    # A chart's numbers as a table, for those who cannot see the chart.
    page.get_by_text("Tabelle: Anfragen nach Situation").click()
    expect(page.locator("#table-requests_by_situation")).to_contain_text("Ich suche Arbeit")
    assert_accessible(page)

    with page.expect_download() as info:
        page.get_by_role("link", name="Alle Zahlen als Excel-Datei (XLSX)").click()
    download = info.value
    assert download.suggested_filename.startswith(
        f"kennzahlen-{timezone.localdate().year - 1}-01-01"
    )
    with open(download.path(), "rb") as file:
        book = load_workbook(io.BytesIO(file.read()))
    overview = {row[1]: row[2] for row in book.worksheets[0].iter_rows(values_only=True) if row[1]}
    assert overview["Beratungsanfragen"] == 1

    page.get_by_role("link", name="Druckansicht (als PDF speichern)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kennzahlen des Netzwerks BeWeQO")
    expect(page.locator("#table-requests_by_situation")).to_be_visible()
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.get_by_label("Hauptnavigation")).to_be_hidden()
    expect(page.get_by_role("link", name="Zurück zu den Kennzahlen")).to_be_hidden()
    expect(page.locator("#table-requests_by_situation")).to_be_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_this_months_searches_on_the_dashboard(page: Page, steering):
    force_login(page, steering)
    visit(page, "/netzwerk/kennzahlen/")
    page.get_by_text("Tabelle: Häufigste Suchbegriffe").click()
    table = page.locator("#table-top_terms")
    expect(table).to_contain_text("excel")
    expect(table).to_contain_text("gabelstapler")
    expect(page.locator("#table-terms_without_result")).to_contain_text("gabelstapler")


def test_a_first_visit_shows_at_once_and_fills_in_its_figures(
    page: Page, steering, settings, monkeypatch
):
    """Issue 19: with a worker, figures nobody has counted yet are fetched after the page
    shows (htmx); they arrive without a reload, and the page stays accessible."""
    from steering.tasks import dashboard_refresh_task

    monkeypatch.setattr(dashboard_refresh_task, "delay", lambda **kwargs: None)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    force_login(page, steering)
    with page.expect_response(lambda r: r.url.endswith("?zeitraum=vorjahr")) as first:
        visit(page, "/netzwerk/kennzahlen/?zeitraum=vorjahr")
    assert "werden gerade gezählt" in first.value.text()  # the page came without figures
    requests = page.locator(".kpi", has_text="Beratungsanfragen").first
    expect(requests.locator(".kpi__value")).to_have_text("1", timeout=30_000)  # … filled in
    expect(page.get_by_text("werden gerade gezählt")).to_have_count(0)
    expect(page.get_by_role("img", name="Anfragen nach Situation")).to_be_visible()
    assert_accessible(page)
