"""A person who reads Leichte Sprache, in a real browser and on a phone: from the header's
link to the start page, finds a course with the simple search (and its plain explanation),
opens it, then asks for free counselling with the short form, first forgetting the
consent. The request lands in the counsellors' queue. axe-core checks every page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from counselling.models import CounsellingRequest
from network.models import District
from offerings.models import Municipality
from tests.browser.conftest import assert_accessible, assert_no_sideways_scroll, visit
from tests.factories import CounsellingServiceFactory, InstitutionFactory
from tests.offerings.factories import OfferDateFactory, OfferFactory, VenueFactory

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _no_stray_counselling_rows(_seed_data):
    """`load_demo` in an earlier module may leave requests behind."""
    CounsellingRequest.objects.all().delete()


@pytest.fixture
def world(db):
    aalen = Municipality.objects.create(
        name="Aalen", slug="aalen", district="ostalbkreis", latitude=48.8387, longitude=10.0926
    )
    provider = InstitutionFactory(name="Volkshochschule Aalen", slug="vhs-aalen")
    venue = VenueFactory(institution=provider, municipality=aalen)
    course = OfferFactory(
        title="Computer für Anfänger",
        keywords="Computer, PC",
        institution=provider,
        price=Decimal("60"),
        dates=[],
        easy_language_summary=(
            "In diesem Kurs lernen Sie den Computer kennen.\n"
            "Sie schreiben E-Mails.\n"
            "Der Kurs ist 4 Mal am Abend."
        ),
    )
    OfferDateFactory(offer=course, venue=venue, start=TODAY + timedelta(days=14))
    other = OfferFactory(
        title="Computer: Tabellen mit Excel", institution=provider, price=None, dates=[]
    )
    OfferDateFactory(offer=other, venue=venue, start=TODAY + timedelta(days=30))
    service = CounsellingServiceFactory(
        institution=provider,
        name="Weiterbildungsberatung VHS Aalen",
        districts=[District.OSTALBKREIS],
        languages=["de"],
    )
    return {"course": course, "service": service}


@pytest.mark.parametrize("width", [320, 1280])
def test_find_a_course_and_ask_for_counselling_in_leichte_sprache(page: Page, world, width):
    page.set_viewport_size({"width": width, "height": 900})
    visit(page, "/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Leichte Sprache"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("BeWeQO in Leichter Sprache")
    assert_accessible(page)
    assert_no_sideways_scroll(page)

    # Find a course, step by step.
    page.locator("#inhalt").get_by_role("link", name="Einen Kurs finden").first.click()
    expect(page.get_by_role("heading", name="So geht es: Schritt für Schritt")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Was möchten Sie lernen?").fill("Computer")
    page.get_by_label("Wo wohnen Sie?").fill("Aalen")
    page.get_by_role("button", name="Kurse suchen").click()
    expect(page.get_by_role("heading", name="Wir haben 2 Kurse gefunden.")).to_be_visible()
    explained = page.locator(".easy-result", has_text="Computer für Anfänger")
    expect(explained.locator(".easy-box")).to_contain_text("Sie schreiben E-Mails.")
    expect(explained).to_contain_text("60 Euro.")
    other = page.locator(".easy-result", has_text="Tabellen mit Excel")
    expect(other).to_contain_text("Das steht noch nicht fest. Fragen Sie die Schule.")
    assert_accessible(page)
    assert_no_sideways_scroll(page)

    # The course page shows the same explanation, marked.
    explained.get_by_role("link", name="Computer für Anfänger").click()
    box = page.get_by_role("complementary", name="Kurz erklärt in Leichter Sprache")
    expect(box).to_contain_text("In diesem Kurs lernen Sie den Computer kennen.")
    assert_accessible(page)
    page.go_back()

    # Ask for counselling; the consent forgotten first.
    page.get_by_role("link", name="Beratung anfragen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kostenlose Beratung")
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    page.get_by_label("Wie heißen Sie?").fill("Tom")
    page.get_by_label("Wie erreichen wir Sie?").fill("07361 55 66 77")
    page.get_by_label("im Ostalb-Kreis").check()
    page.get_by_label("Ich suche Arbeit.").check()
    page.get_by_label("Ich suche einen Kurs.").check()
    page.get_by_role("button", name="Anfrage abschicken").click()
    expect(
        page.get_by_text("Bitte setzen Sie den Haken bei: Ich bin einverstanden.").first
    ).to_be_visible()
    assert_accessible(page)
    assert not CounsellingRequest.objects.exists()
    page.get_by_label("Ich bin einverstanden").check()
    page.get_by_role("button", name="Anfrage abschicken").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Danke! Ihre Anfrage ist angekommen.")
    request = CounsellingRequest.objects.get()
    expect(page.locator(".reference")).to_have_text(request.reference)
    expect(page.get_by_text("Diese Stelle berät Sie: Volkshochschule Aalen.")).to_be_visible()
    assert request.service == world["service"]
    assert (request.name, request.phone) == ("Tom", "07361 55 66 77")
    assert_accessible(page)
    assert_no_sideways_scroll(page)


def test_the_other_pages_in_leichte_sprache_on_a_phone(page: Page):
    page.set_viewport_size({"width": 320, "height": 900})
    visit(page, "/leichte-sprache/")
    for name in (
        "Geld für Weiter-Bildung",
        "So benutzen Sie die Internet-Seite",
        "Barriere-Freiheit",
    ):
        page.get_by_role("navigation", name="Alle Seiten in Leichter Sprache").get_by_role(
            "link", name=name
        ).click()
        expect(
            page.get_by_role("navigation", name="Alle Seiten in Leichter Sprache").get_by_role(
                "link", name=name
            )
        ).to_have_attribute("aria-current", "page")
        assert_accessible(page)
        assert_no_sideways_scroll(page)
