"""What people do on the public portal, in a real browser: a newcomer finds a member
institution, an institution admin logs in and out, every page passes axe-core logged in
and out, the skip link works from the keyboard, and the directory filter works without
JavaScript."""

import re

import pytest
from playwright.sync_api import Page, expect

from network.models import District, InstitutionKind
from tests.browser.conftest import assert_accessible, force_login, login, visit
from tests.factories import InstitutionFactory

# Every page the portal has, checked with axe-core logged out and logged in as an
# institution admin. A new page goes here; one that needs a login goes to LOGGED_IN_PAGES.
PAGES = [
    "/",
    "/netzwerk/",
    "/mitglieder/",
    "/mitglieder/?kind=training_provider&district=ostalbkreis",
    "/mitglieder/?q=gibt-es-nicht",
    "/mitglieder/vhs-aalen/",
    "/impressum/",
    "/datenschutz/",
    "/barrierefreiheit/",
    "/leichte-sprache/",
    "/leichte-sprache/kurs-finden/",
    "/leichte-sprache/kurs-finden/?was=Excel&wo=Aalen",
    "/leichte-sprache/beratung/",
    "/leichte-sprache/geld-fuer-weiter-bildung/",
    "/leichte-sprache/so-geht-die-internet-seite/",
    "/leichte-sprache/barriere-freiheit/",
    "/daten/",
    "/konto/login/",
    "/konto/signup/",
    "/konto/password/reset/",
    "/mein-bereich/",
    "/kurse/suchauftrag/neu/?q=Excel&kostenlos=on",
    "/kurse/suchauftrag/gesendet/",
    "/kurse/suchauftrag/meine/",
    "/arbeitsgruppen/",
    "/arbeitsgruppen/unternehmen/",
    "/beratung/",
    "/beratung/?art=company&landkreis=heidenheim&sprache=tr",
    "/beratung/anfrage/",
    "/beratung/foerder-check/",
    "/beratung/foerder-check/?status=employed&age=35&qualification=older&workplace=bw_private"
    "&company_size=30&hours=200&features=azav",
    "/beratung/bedarf/",
    "/beratung/bedarf/gesendet/",
    # Issue 9 with nothing announced yet; pages with content: test_events.py, test_news.py.
    "/veranstaltungen/",
    "/veranstaltungen/?art=workshop&kostenlos=on&landkreis=heidenheim",
    "/veranstaltungen/monat/",
    "/veranstaltungen/archiv/",
    "/aktuelles/",
    "/newsletter/",
    "/newsletter/archiv/",
]
LOGGED_IN_PAGES = [
    "/mitglieder/vhs-aalen/profil/",
    # The provider back office; its offer and import pages: tests/browser/test_backoffice.py.
    "/kurse/bereich/vhs-aalen/",
    "/kurse/bereich/vhs-aalen/neu/",
    "/kurse/bereich/vhs-aalen/import/",
    "/mitglieder/vhs-aalen/team/",
    "/kurse/bereich/vhs-aalen/veranstaltungen/",
    "/kurse/bereich/vhs-aalen/veranstaltungen/neu/",
    # Internal pages of the bodies need a group role: tests/browser/test_workgroups.py.
    "/arbeitsgruppen/meine-aufgaben/",
    "/arbeitsgruppen/zusammenfassung/",
    "/arbeitsgruppen/suche/?q=Protokoll",
]


@pytest.fixture
def members(institution, other_institution):
    """A small but realistic network: both districts, several kinds, one non-member."""
    return {
        "vhs": institution,
        "bz": other_institution,
        "hochschule": InstitutionFactory(
            name="Hochschule Aalen",
            slug="hochschule-aalen",
            kind=InstitutionKind.UNIVERSITY,
            city="Aalen",
            description="Technik, Wirtschaft und Gesundheit; berufsbegleitende Studiengänge.",
        ),
        "dhbw": InstitutionFactory(
            name="DHBW Heidenheim",
            slug="dhbw-heidenheim",
            kind=InstitutionKind.UNIVERSITY,
            district=District.HEIDENHEIM,
            city="Heidenheim an der Brenz",
            postcode="89518",
        ),
        "agentur": InstitutionFactory(
            name="Agentur für Arbeit Aalen",
            slug="agentur-fuer-arbeit-aalen",
            kind=InstitutionKind.EMPLOYMENT_AGENCY,
            city="Aalen",
        ),
        "ihk": InstitutionFactory(
            name="IHK Ostwürttemberg",
            slug="ihk-ostwuerttemberg",
            kind=InstitutionKind.CHAMBER,
            district=District.HEIDENHEIM,
            city="Heidenheim an der Brenz",
            postcode="89518",
        ),
        "company": InstitutionFactory(
            name="Maschinenbau Ellwangen GmbH",
            slug="maschinenbau-ellwangen",
            kind=InstitutionKind.COMPANY,
            city="Ellwangen (Jagst)",
            postcode="73479",
            is_network_member=False,
        ),
    }


def listed(page: Page, institutions) -> set[str]:
    """Names of the given institutions that the page links to in its main content."""
    main = page.get_by_role("main")
    return {
        i.name for i in institutions if main.get_by_role("link", name=i.name, exact=True).count()
    }


def submit_filter(page: Page, **choices: str) -> None:
    """Choose in the directory's filter form by label and submit it with its button."""
    kind = page.get_by_label("Art der Einrichtung")
    for label, option in choices.items():
        page.get_by_label(label).select_option(label=option)
    page.locator("form", has=kind).get_by_role("button").first.click()


def test_newcomer_finds_a_member_institution(page: Page, members):
    visit(page, "/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Mitglieder"
    ).click()
    expect(page).to_have_url(re.compile(r"/mitglieder/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert listed(page, members.values()) == {
        i.name for i in members.values() if i.is_network_member
    }
    assert_accessible(page)

    submit_filter(page, **{"Art der Einrichtung": "Hochschule"})
    expect(page).to_have_url(re.compile(r"kind=university"))
    expect(page.get_by_role("main").get_by_role("link", name="Hochschule Aalen")).to_be_visible()
    assert listed(page, members.values()) == {"Hochschule Aalen", "DHBW Heidenheim"}
    assert_accessible(page)

    page.get_by_role("main").get_by_role("link", name="Hochschule Aalen", exact=True).click()
    expect(page).to_have_url(re.compile(r"/mitglieder/hochschule-aalen/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hochschule Aalen")
    expect(page.get_by_text("berufsbegleitende Studiengänge")).to_be_visible()
    assert_accessible(page)

    # Back to the filtered list is test_back_from_an_institution_shows_the_filtered_directory.


def test_back_from_an_institution_shows_the_filtered_directory(page: Page, members):
    visit(page, "/mitglieder/")
    submit_filter(page, **{"Art der Einrichtung": "Hochschule"})
    expect(page).to_have_url(re.compile(r"kind=university"))
    page.get_by_role("main").get_by_role("link", name="Hochschule Aalen", exact=True).click()
    expect(page).to_have_url(re.compile(r"/mitglieder/hochschule-aalen/$"))

    page.go_back()
    expect(page).to_have_url(re.compile(r"/mitglieder/\?.*kind=university"))
    page.wait_for_load_state()
    # No waiting for the form to appear: Back has loaded the page, or it has not.
    assert page.get_by_label("Art der Einrichtung").count() == 1
    expect(page.get_by_label("Art der Einrichtung")).to_have_value("university")
    assert listed(page, members.values()) == {"Hochschule Aalen", "DHBW Heidenheim"}


def test_institution_admin_logs_in_and_out(page: Page, owner):
    login(page, owner)
    expect(page).to_have_url(re.compile(r"/mein-bereich/$"))
    my_area = page.get_by_role("link", name="Mein Bereich")
    expect(my_area).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mein Bereich")
    # An institution admin sees the institution among their roles.
    expect(page.get_by_role("main").get_by_text("Volkshochschule Aalen").first).to_be_visible()

    page.get_by_role("button", name="Abmelden").click()
    expect(page.get_by_role("link", name="Anmelden")).to_be_visible()
    expect(page.get_by_role("link", name="Mein Bereich")).to_have_count(0)
    visit(page, "/mein-bereich/")
    expect(page).to_have_url(re.compile(r"/konto/login/\?next=/mein-bereich/"))


@pytest.mark.parametrize("path", PAGES + LOGGED_IN_PAGES)
def test_page_is_accessible_logged_out_and_in(page: Page, members, owner, subtests, path):
    # One test for both states: a browser test's set-up and clean-up cost more than a page.
    if path not in LOGGED_IN_PAGES:
        with subtests.test("logged out"):
            visit(page, path)
    force_login(page, owner)
    with subtests.test("logged in as an institution admin"):
        visit(page, path)


def test_not_found_page_is_accessible(page: Page):
    visit(page, "/gibt-es-nicht/", status=404)
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page: Page):
    visit(page, "/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Zum Inhalt springen")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()  # a skip link must show when it has focus
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()


def test_directory_filter_works_without_javascript(page: Page, new_context, members):
    no_js = new_context(java_script_enabled=False).new_page()
    visit(no_js, "/mitglieder/")
    submit_filter(
        no_js, **{"Art der Einrichtung": "Hochschule", "Landkreis": "Landkreis Heidenheim"}
    )
    expect(no_js).to_have_url(re.compile(r"/mitglieder/\?"))
    assert "kind=university" in no_js.url
    assert "district=heidenheim" in no_js.url
    without_js = listed(no_js, members.values())
    assert without_js == {"DHBW Heidenheim"}

    # The same query in a browser with JavaScript shows the same results.
    visit(page, no_js.url.removeprefix(no_js.url.split("/mitglieder/")[0]))
    assert listed(page, members.values()) == without_js
