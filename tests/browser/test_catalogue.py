"""A job seeker uses the course catalogue in a real browser: searches with a typo, narrows
the results with a filter (htmx, and without JavaScript), opens a course, downloads its
calendar file and keeps it on the Merkliste. axe-core checks every state."""

import re
from datetime import timedelta
from decimal import Decimal

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from offerings.models import DeliveryForm, FundingProgramme, Municipality, StartKind
from tests.browser.conftest import assert_accessible, visit
from tests.factories import InstitutionFactory
from tests.offerings.factories import OfferDateFactory, OfferFactory, VenueFactory

TODAY = timezone.localdate()


@pytest.fixture
def courses(db):
    aalen = Municipality.objects.create(
        name="Aalen", slug="aalen", district="ostalbkreis", latitude=48.8387, longitude=10.0926
    )
    provider = InstitutionFactory(name="Bildungszentrum Ostalb", slug="bz-ostalb")
    venue = VenueFactory(institution=provider, municipality=aalen, name="Werkstatt Nord")
    welding = OfferFactory(
        title="Schweißen MAG/WIG – Grundkurs",
        keywords="Schweißen, MAG, WIG",
        summary="Schutzgasschweißen von Grund auf.",
        institution=provider,
        price=Decimal("0"),
        dates=[],
    )
    welding.funding_programmes.add(FundingProgramme.objects.get(slug="bildungsgutschein"))
    OfferDateFactory(offer=welding, venue=venue, start=TODAY + timedelta(days=20))
    OfferDateFactory(offer=welding, venue=venue, start_kind=StartKind.ON_DEMAND, start=None)
    paid = OfferFactory(
        title="Schweißen für Fortgeschrittene",
        keywords="Schweißen",
        institution=provider,
        price=Decimal("890"),
        dates=[],
    )
    OfferDateFactory(offer=paid, venue=venue, start=TODAY + timedelta(days=40))
    OfferFactory(
        title="Excel für Einsteiger",
        institution=provider,
        delivery_form=DeliveryForm.objects.get(slug="online-live"),
    )
    return {"welding": welding, "paid": paid}


def results(page: Page) -> list[str]:
    return page.locator(".catalogue-results").get_by_role("heading", level=3).all_inner_texts()


def test_job_seeker_finds_filters_opens_and_keeps_a_course(page: Page, courses):
    visit(page, "/")
    page.get_by_label("Was möchten Sie lernen?").fill("Schweisen")
    page.get_by_role("button", name="Kurse finden").click()
    expect(page).to_have_url(re.compile(r"/kurse/\?q=Schweisen"))
    expect(page.get_by_role("status").first).to_contain_text("2 Kurse gefunden")
    assert set(results(page)) == {"Schweißen MAG/WIG – Grundkurs", "Schweißen für Fortgeschrittene"}
    assert_accessible(page)

    # htmx: ticking "nur kostenlose" updates the list, the count and the address in place.
    page.get_by_label(re.compile(r"^nur kostenlose Angebote")).check()
    expect(page.get_by_role("status").first).to_contain_text("1 Kurs gefunden")
    expect(page).to_have_url(re.compile(r"kostenlos=on"))
    assert results(page) == ["Schweißen MAG/WIG – Grundkurs"]
    assert_accessible(page)

    page.get_by_role("link", name="Schweißen MAG/WIG – Grundkurs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schweißen MAG/WIG – Grundkurs")
    expect(page.get_by_text("Bildungsgutschein").first).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Werkstatt Nord")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Alle Termine in den Kalender")).click()
    calendar = icalendar.Calendar.from_ical(download_info.value.path().read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == 1  # the on-demand date has no day to put in a calendar
    assert events[0]["SUMMARY"] == "Schweißen MAG/WIG – Grundkurs"
    assert events[0].decoded("DTSTART") == TODAY + timedelta(days=20)

    page.get_by_role("button", name=re.compile("^Merken")).first.click()
    expect(
        page.get_by_role("button", name=re.compile("^Von der Merkliste entfernen"))
    ).to_be_visible()
    visit(page, "/kurse/merkliste/")
    expect(page.get_by_role("main")).to_contain_text("Schweißen MAG/WIG – Grundkurs")


def test_catalogue_filters_work_without_javascript(page: Page, new_context, courses):
    no_js = new_context(java_script_enabled=False).new_page()
    no_js.goto("/kurse/?q=Schwei%C3%9Fen")
    no_js.get_by_label(re.compile(r"^nur kostenlose Angebote")).check()
    no_js.get_by_role("button", name="Suchen").click()
    expect(no_js).to_have_url(re.compile(r"kostenlos=on"))
    assert results(no_js) == ["Schweißen MAG/WIG – Grundkurs"]


@pytest.mark.parametrize(
    "path",
    [
        "/kurse/",
        "/kurse/?q=Exel",
        "/kurse/?q=Schweisen&kostenlos=on&preis_bis=0",
        "/kurse/?q=xyzxyz&kostenlos=on",
        # Partial matches, a word too short and one too common: the notes and card marks.
        "/kurse/?q=Schweißen+abends+x+für&als_text=abends",
        "/kurse/?preis_bis=-5&ort=Atlantis",
        "/kurse/?ort=Aalen&umkreis=10&foerderung=bildungsgutschein",
        # Few results at a place: wider radii offered; an online course beside it, labelled.
        "/kurse/?ort=Aalen&tageszeit=morning",
        "/kurse/?ort=Aalen&q=Excel",
        "/kurse/merkliste/",
    ],
)
def test_catalogue_states_are_accessible(page: Page, courses, path):
    visit(page, path)


def test_course_page_is_accessible(page: Page, courses):
    visit(page, courses["welding"].get_absolute_url())
