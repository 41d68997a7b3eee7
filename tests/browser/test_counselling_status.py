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
