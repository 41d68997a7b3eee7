"""An institution's counselling service in a real browser (issue 22): its editor adds a
service in the back office, the network office approves it, and it appears in the public
directory. axe-core, reflow and the HTML checker look at every page on the way, at the
width of a phone and of a desktop screen."""

import pytest
from playwright.sync_api import Page, expect

from counselling.models import CounsellingService
from network.models import MembershipRole
from tests.access import with_second_factor
from tests.browser.conftest import (
    _watch,
    assert_accessible,
    assert_no_sideways_scroll,
    force_login,
    visit,
)
from tests.factories import MembershipFactory

NAME = "Weiterbildungsberatung im Stadtteil Hofherrnweiler-Unterrombach"


@pytest.fixture(autouse=True)
def _no_stray_services(_seed_data):
    """Demo services of earlier modules must not crowd the directory."""
    CounsellingService.objects.all().delete()


def test_an_institution_adds_a_service_the_office_approves_and_it_is_listed(
    page: Page, institution, network_office
):
    editor = MembershipFactory(institution=institution, role=MembershipRole.EDITOR).user
    base = f"/beratung/einrichtung/{institution.slug}/angebote/"
    force_login(page, editor)
    visit(page, "/mein-bereich/")
    page.get_by_role("link", name="Beratungsangebote von").first.click()
    expect(page).to_have_url(f"{page.url.split('/beratung/')[0]}{base}")
    page.get_by_role("link", name="Neues Beratungsangebot anlegen").click()
    assert_accessible(page)

    # Sent empty: the errors are named, the page stays accessible.
    page.get_by_role("button", name="Angebot zur Freigabe vorlegen").click()
    expect(page.get_by_text("Bitte wählen Sie mindestens einen Landkreis.")).to_be_visible()
    # A form sent back with errors answers 400, which Chromium logs as an error: expected.
    record = _watch(page)
    record.errors = [e for e in record.errors if "status of 400" not in e]
    assert_accessible(page)

    page.get_by_label("Name des Angebots").fill(NAME)
    page.get_by_label("Art der Beratung").select_option("continuing_education")
    page.get_by_role("group", name="Für wen ist das Angebot?").get_by_label(
        "Ich suche Arbeit"
    ).check()
    page.get_by_role("group", name="In welchen Landkreisen beraten Sie?").get_by_label(
        "Ostalbkreis"
    ).check()
    page.get_by_role("group", name="In welchen Sprachen beraten Sie?").get_by_label(
        "Deutsch"
    ).check()
    page.get_by_role("group", name="Auf welchen Wegen beraten Sie?").get_by_label("Telefon").check()
    page.get_by_label("Sprechzeiten").fill("Mo–Do 9–12 Uhr")
    page.get_by_label("Telefonnummer").fill("07361 555123")
    page.get_by_role("button", name="Angebot zur Freigabe vorlegen").click()
    expect(page.get_by_text("Die Geschäftsstelle prüft es")).to_be_visible()
    expect(page.get_by_text("Das Angebot wartet auf die Freigabe")).to_be_visible()
    assert_accessible(page)
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        visit(page, base)
        assert_no_sideways_scroll(page)
    expect(page.get_by_role("cell", name="wartet auf Freigabe")).to_be_visible()

    page.context.clear_cookies()
    visit(page, "/beratung/")
    expect(page.get_by_role("heading", name=NAME)).to_have_count(0)

    service = CounsellingService.objects.get()
    force_login(page, with_second_factor(network_office))
    visit(page, "/mein-bereich/")
    page.get_by_role("link", name="Freigaben von Beratungsangeboten").click()
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        visit(page, "/beratung/freigaben/")
        assert_no_sideways_scroll(page)
    visit(page, f"/beratung/freigaben/{service.pk}/ablehnen/")
    visit(page, "/beratung/freigaben/")
    item = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=NAME))
    item.get_by_role("button", name="Freigeben").click()
    expect(page.get_by_text(f"„{NAME}“ ist freigegeben.")).to_be_visible()
    expect(page.get_by_text("Keine Freigaben offen.")).to_be_visible()

    page.context.clear_cookies()
    visit(page, "/beratung/")
    expect(page.get_by_role("heading", name=NAME)).to_be_visible()
    assert_no_sideways_scroll(page)
