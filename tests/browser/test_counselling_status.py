"""A person's status page in a real browser: the reference from the mail link, the contact
typed in, the stage shown; a wrong pair; withdrawing with its confirmation step. axe-core,
reflow and the HTML checker look at every page."""

import pytest
from playwright.sync_api import Page, expect

from counselling.models import CounsellingRequest, Outcome
from tests.browser.conftest import assert_accessible, visit
from tests.factories import CounsellingRequestFactory


@pytest.fixture(autouse=True)
def _no_stray_counselling_rows(_seed_data):
    """As in test_counselling.py: demo requests of earlier modules must not interfere."""
    from counselling.models import CompanyNeed, JointMeasure

    JointMeasure.objects.all().delete()
    CompanyNeed.objects.all().delete()
    CounsellingRequest.objects.all().delete()


def test_a_person_sees_the_status_and_withdraws_the_request(page: Page):
    request = CounsellingRequestFactory(email="sabine@beispiel.de", phone="07361 123456")

    visit(page, f"/beratung/status/?nummer={request.reference}")
    expect(page.get_by_label("Vorgangsnummer")).to_have_value(request.reference)
    assert_accessible(page)

    page.get_by_label("Ihre E-Mail-Adresse oder Telefonnummer").fill("falsch@beispiel.de")
    page.get_by_role("button", name="Stand anzeigen").click()
    expect(page.get_by_text("finden wir keine offene Anfrage")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Ihre E-Mail-Adresse oder Telefonnummer").fill("+49 7361 123456")
    page.get_by_role("button", name="Stand anzeigen").click()
    expect(page.locator(".status-stage")).to_have_text("eingegangen")
    assert_accessible(page)

    page.get_by_role("button", name="Anfrage zurückziehen …").click()
    expect(page.get_by_role("heading", name="Anfrage zurückziehen?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Nein, Anfrage behalten").click()
    expect(page.locator(".status-stage")).to_have_text("eingegangen")

    page.get_by_role("button", name="Anfrage zurückziehen …").click()
    page.get_by_role("button", name="Ja, zurückziehen und löschen").click()
    expect(page.locator(".status-stage")).to_have_text("zurückgezogen")
    expect(page.get_by_text("Ihre Angaben sind gelöscht")).to_be_visible()
    assert_accessible(page)

    request.refresh_from_db()
    assert (request.email, request.phone, request.name) == ("", "", "")
    assert request.outcome == Outcome.WITHDRAWN


def test_a_company_gets_its_reference_and_opens_the_status_of_its_need(page: Page):
    from counselling.models import CompanyNeed

    visit(page, "/beratung/bedarf/")
    page.get_by_label("Thema der Weiterbildung").select_option(label="Metall und Elektro")
    page.get_by_label("Wie viele Beschäftigte sollen teilnehmen?").fill("4")
    page.get_by_label("Gewünschter Zeitraum").select_option(index=1)
    page.get_by_label("Ort (Landkreis)").select_option("ostalbkreis")
    page.get_by_label("unter 10 Beschäftigte").check()
    page.get_by_label("Branche").select_option("industry")
    page.get_by_label("Name des Unternehmens").fill("Metallbau Kurz GmbH")
    page.get_by_label("Ansprechperson").fill("Jana Weber")
    page.get_by_label("E-Mail-Adresse").fill("personal@metallbau-kurz.de")
    page.get_by_label("Wir sind einverstanden").check()
    page.get_by_role("button", name="Bedarf melden").click()

    need = CompanyNeed.objects.get()
    expect(page.locator(".reference")).to_have_text(need.reference)
    assert_accessible(page)
    page.get_by_role("link", name="Stand Ihrer Anfrage").click()
    page.get_by_label("Ihre E-Mail-Adresse oder Telefonnummer").fill("personal@metallbau-kurz.de")
    page.get_by_role("button", name="Stand anzeigen").click()
    expect(page.locator(".status-stage")).to_have_text("eingegangen")
    assert_accessible(page)
