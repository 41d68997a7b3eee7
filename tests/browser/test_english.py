"""A person who reads English: switches the catalogue to English, searches, opens a course
(its German text marked as German), asks for counselling and gets the confirmation page
and mail in English. axe-core checks every page."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from counselling.models import CounsellingRequest
from outbox.models import OutboxMessage
from tests.browser.conftest import assert_accessible, assert_no_sideways_scroll, visit
from tests.factories import CounsellingServiceFactory, InstitutionFactory
from tests.offerings.factories import OfferDateFactory, OfferFactory

TODAY = timezone.localdate()


@pytest.fixture
def course(db):
    provider = InstitutionFactory(name="Bildungszentrum Ostalb", slug="bz-ostalb")
    offer = OfferFactory(
        title="Pflegehelfer Grundkurs",
        keywords="Pflege, Pflegehilfe",
        summary="Der Einstieg in die Pflege.",
        institution=provider,
        price=Decimal("0"),
        dates=[],
    )
    OfferDateFactory(offer=offer, start=TODAY + timedelta(days=20))
    CounsellingServiceFactory(
        institution=InstitutionFactory(name="Agentur für Arbeit Aalen", slug="aa-aalen"),
        name="Weiterbildungsberatung",
    )
    return offer


def test_search_course_and_counselling_request_in_english(page: Page, course):
    visit(page, "/kurse/?q=Pflege")
    page.get_by_role("navigation", name="Sprache").get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(r"/en/kurse/\?q=Pflege$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find courses")
    assert_accessible(page)

    page.get_by_label("Search term").fill("Pflegehelfer")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_text(re.compile(r"1 course found"))).to_be_visible()
    page.get_by_role("link", name="Pflegehelfer Grundkurs").click()
    expect(page).to_have_url(re.compile(rf"/en/kurse/{course.pk}/"))
    # The provider wrote in German: the title says so, the page around it is English.
    title = page.get_by_role("heading", level=1)
    expect(title).to_have_text("Pflegehelfer Grundkurs")
    expect(title).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", name="Dates", exact=True)).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    assert_no_sideways_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="Counselling and funding").click()
    page.get_by_role("link", name=re.compile("Request counselling")).click()
    expect(page).to_have_url(re.compile(r"/en/beratung/anfrage/$"))
    assert_accessible(page)
    page.get_by_label("Name or pseudonym").fill("Sam")
    page.get_by_label("Email address or phone number").fill("sam@example.org")
    page.get_by_label("Language of the counselling").select_option("en")
    page.get_by_label("Where do you live or work?").select_option("ostalbkreis")
    page.get_by_label("I am looking for work").check()
    page.get_by_label("What is it about?").select_option("continuing_education")
    page.get_by_label(re.compile("^I agree")).check()
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, your request has arrived")
    expect(page).to_have_url(re.compile(r"/en/beratung/anfrage/gesendet/$"))
    assert_accessible(page)

    request = CounsellingRequest.objects.get(email="sam@example.org")
    assert request.mail_language == "en"
    mail = OutboxMessage.objects.get(recipient="sam@example.org")
    assert mail.subject == f"Your counselling request {request.reference}"
    assert "/en/beratung/status/" in mail.text

    # And back: the switcher leads to the same page in German.
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Deutsch").click()
    expect(page).to_have_url(re.compile(r"/beratung/anfrage/gesendet/$"))
    expect(page.locator("html")).to_have_attribute("lang", "de")
