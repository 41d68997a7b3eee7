"""On a phone (390 × 844 CSS px): a job seeker searches, filters, reads the results and opens
a course, and never ticks a filter whose effect is out of sight without the live count in
view; the catalogue's filters wait behind one button, with and without JavaScript; the
funding check opens at its result. Reflow at 320 and 390 px is measured on every page
that axe checks (conftest.reflow_overflows); the pages here add long words and addresses."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from offerings.models import FundingProgramme
from tests.browser.conftest import assert_accessible, reflow_overflows, visit
from tests.factories import InstitutionFactory
from tests.offerings.factories import OfferDateFactory, OfferFactory, VenueFactory

PHONE = {"width": 390, "height": 844}
TODAY = timezone.localdate()


@pytest.fixture
def courses(db):
    provider = InstitutionFactory(
        name="Bildungszentrum für Berufsrückkehrer:innen Ostwürttemberg",
        slug="bz-rueckkehr",
        email="weiterbildungsberatung.berufsrueckkehrerinnen@bildungszentrum-ostwuerttemberg.example",
    )
    venue = VenueFactory(
        institution=provider,
        name="Qualifizierungszentrum Metallverarbeitung",
        accessibility_notes="Barrierefreier Zugang über den Hintereingang, Aufzug ins 2. OG.",
    )
    gutschein = FundingProgramme.objects.get(slug="bildungsgutschein")
    found = []
    for number in range(4):
        offer = OfferFactory(
            title=f"Schweißen MAG/WIG – Kurs {number + 1}",
            keywords="Schweißen",
            institution=provider,
            price=Decimal("0") if number == 0 else Decimal("1200"),
            contact_email="kursanmeldung.schweisstechnik@bildungszentrum-ostwuerttemberg.example",
            dates=[],
        )
        if number < 2:
            offer.funding_programmes.add(gutschein)
        OfferDateFactory(
            offer=offer,
            venue=venue,
            start=TODAY + timedelta(days=20 + number),
            seats=12,
            min_participants=6,
            notes="Einstufungsgespräch vorab; Schutzausrüstung wird gestellt.",
        )
        found.append(offer)
    return found


def open_group(page: Page, name: str) -> None:
    page.locator(".facet-group > summary").filter(has_text=re.compile(f"^{name}$")).click()


def tick(page: Page, control: Locator) -> None:
    """Tick a box where a person would: scrolled into the middle of the screen."""
    control.evaluate("(element) => element.scrollIntoView({block: 'center'})")
    control.check()


def test_phone_journey_search_filter_result_course(page: Page, courses):
    page.set_viewport_size(PHONE)
    visit(page, "/")
    page.get_by_label("Was möchten Sie lernen?").fill("Schweißen")
    page.get_by_role("button", name="Kurse finden").click()
    count = page.locator("#result-count")
    expect(count).to_contain_text("4 Kurse gefunden")

    # The results come before the filters: these wait, folded, behind one button.
    panel_button = page.locator(".filter-panel__summary")
    expect(panel_button).to_have_text(re.compile(r"^\s*Filter\s*$"))
    expect(page.get_by_role("group", name="Förderung")).to_be_hidden()
    assert count.bounding_box()["y"] < 1.5 * PHONE["height"]
    assert_accessible(page)

    # A filter in the search bar: the list changes below, and its count is in view.
    tick(page, page.get_by_label(re.compile(r"^nur kostenlose Angebote")))
    expect(count).to_contain_text("1 Kurs gefunden")
    expect(count).to_be_in_viewport(ratio=1)
    page.get_by_label(re.compile(r"^nur kostenlose Angebote")).uncheck()
    expect(count).to_contain_text("4 Kurse gefunden")

    # The panel: each ticked option updates the count on its apply button, always in view.
    panel_button.click()
    apply = page.locator(".js-filter-apply")
    expect(apply).to_have_text("4 Kurse anzeigen")
    open_group(page, "Förderung")
    tick(page, page.get_by_label(re.compile(r"^Bildungsgutschein")))
    expect(apply).to_have_text("2 Kurse anzeigen")
    expect(apply).to_be_in_viewport(ratio=1)
    expect(panel_button).to_contain_text("Filter (1)")
    assert_accessible(page)

    # Applying folds the panel and moves to the results, their count first.
    apply.click()
    heading = page.get_by_role("heading", name="Ergebnisse", level=2)
    expect(heading).to_be_focused()
    expect(page.get_by_role("group", name="Förderung")).to_be_hidden()
    expect(count).to_be_in_viewport(ratio=1)
    expect(page).to_have_url(re.compile(r"foerderung=bildungsgutschein"))
    assert_accessible(page)

    page.get_by_role("link", name="Schweißen MAG/WIG – Kurs 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schweißen MAG/WIG – Kurs 1")
    # Every date's seats and calendar link show on the phone, nothing cut off.
    expect(page.get_by_role("cell", name=re.compile(r"^12"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^Termin speichern"))).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Zurück zur Kurssuche").click()
    expect(page).to_have_url(re.compile(r"/kurse/\?.*foerderung=bildungsgutschein"))
    expect(count).to_contain_text("2 Kurse gefunden")
    expect(panel_button).to_contain_text("Filter (1)")


def test_phone_filters_work_without_javascript(page: Page, new_context, courses):
    no_js = new_context(java_script_enabled=False, viewport=PHONE).new_page()
    no_js.goto("/kurse/?q=Schwei%C3%9Fen")
    expect(no_js.get_by_role("group", name="Förderung")).to_be_hidden()
    no_js.locator(".filter-panel__summary").click()
    open_group(no_js, "Förderung")
    no_js.get_by_label(re.compile(r"^Bildungsgutschein")).check()
    no_js.get_by_role("button", name="4 Kurse anzeigen").click()
    expect(no_js).to_have_url(re.compile(r"foerderung=bildungsgutschein"))
    # Back at the results, the panel folded and its button counting the active filter.
    expect(no_js.locator(".filter-panel__summary")).to_contain_text("Filter (1)")
    expect(no_js.get_by_role("group", name="Förderung")).to_be_hidden()
    expect(no_js.locator("#result-count")).to_contain_text("2 Kurse gefunden")
    expect(no_js.locator(".js-filter-apply")).to_have_text("2 Kurse anzeigen")
    assert reflow_overflows(no_js) == []


def test_funding_check_opens_at_its_result_on_a_phone(page: Page):
    page.set_viewport_size(PHONE)
    visit(page, "/beratung/foerder-check/")
    page.get_by_role("button", name="Förderung prüfen").click()
    # Errors first: each message is read in full below its question's legend.
    error = page.locator("#id_qualification_error")
    expect(error).to_contain_text("Dieses Feld ist zwingend erforderlich.")
    legend = page.locator("fieldset:has(#id_qualification_error) > legend").bounding_box()
    assert error.bounding_box()["y"] >= legend["y"] + legend["height"] - 1
    assert_accessible(page)

    visit(
        page,
        "/beratung/foerder-check/?status=employed&age=35&qualification=older"
        "&workplace=bw_private&company_size=30&hours=200&features=azav",
    )
    page.get_by_role("button", name="Förderung prüfen").click()
    expect(page).to_have_url(re.compile(r"#ergebnis$"))
    result = page.get_by_role("heading", name="Ihr Ergebnis")
    expect(result).to_be_visible()
    expect(result).to_be_in_viewport(ratio=1)
    assert_accessible(page)


@pytest.mark.parametrize("width", [320, 390])
def test_course_page_with_long_words_and_addresses_fits_a_phone(page: Page, courses, width):
    page.set_viewport_size({"width": width, "height": 844})
    visit(page, courses[0].get_absolute_url())
    visit(page, courses[0].institution.get_absolute_url())
