"""The network's guiding role in a real browser: a person completes the funding check,
follows a link into the catalogue, sends a counselling request from the result, and a
counsellor of the receiving institution claims and closes it. Also the error page of the
form, the company need form, and the office's and working group's demand board. axe-core
checks every page; the counsellors' queue also on a phone."""

import re

import pytest
from playwright.sync_api import Page, expect

from counselling.models import CounsellingRequest, RequestStatus
from tests.browser.conftest import (
    assert_accessible,
    assert_no_sideways_scroll,
    force_login,
    visit,
)
from tests.counselling.conftest import with_mfa
from tests.factories import (
    CompanyNeedFactory,
    CounsellingRequestFactory,
    CounsellingServiceFactory,
    InstitutionFactory,
    MembershipFactory,
    WorkingGroupMemberFactory,
    seeded_group,
)


@pytest.fixture(autouse=True)
def _no_stray_counselling_rows(_seed_data):
    """Transactional tests run last; `load_demo` in an earlier module leaves its requests
    and needs behind (tests/conftest.py removes only the network's demo data)."""
    from counselling.models import CompanyNeed, JointMeasure

    JointMeasure.objects.all().delete()
    CompanyNeed.objects.all().delete()
    CounsellingRequest.objects.all().delete()


def test_funding_check_for_a_course_on_a_phone(page: Page):
    """From a course page at 320 px: the check opens with the course's hours, price and
    recognitions and gives the own share for its price."""
    from decimal import Decimal

    from offerings.models import FundingProgramme
    from tests.offerings.factories import OfferDateFactory, OfferFactory

    offer = OfferFactory(title="Fachkraft für CNC-Technik", price=Decimal("2400"), dates=[])
    OfferDateFactory(offer=offer, hours_total=200)
    offer.funding_programmes.set([FundingProgramme.objects.get(slug="foerderung-beschaeftigter")])
    page.set_viewport_size({"width": 320, "height": 800})
    visit(page, offer.get_absolute_url())
    page.get_by_role("link", name="Förderung für diesen Kurs prüfen").click()
    expect(page.get_by_text("Für den Kurs „Fachkraft für CNC-Technik“.")).to_be_visible()
    expect(page.get_by_label("Wie viele Stunden")).to_have_value("200")
    expect(page.get_by_label("Was kostet der Kurs")).to_have_value("2400,00")
    expect(page.get_by_label("Der Kurs ist AZAV-zugelassen.")).to_be_checked()
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    page.get_by_label("angestellt beschäftigt").check()
    page.get_by_label("Ihr Alter").fill("35")
    page.get_by_label("Berufsabschluss vor 2 Jahren oder länger").check()
    page.get_by_label("in Baden-Württemberg, nicht im öffentlichen Dienst").check()
    page.locator("summary", has_text="Wenn Sie angestellt sind: Ihr Arbeitsplatz").click()
    page.get_by_label("Wie viele Beschäftigte").fill("300")
    page.get_by_role("button", name="Förderung prüfen").click()
    box = page.locator(".funding-result", has_text="Förderung Beschäftigter: wahrscheinlich")
    expect(box).to_contain_text("Ihr Anteil an diesem Kurs 0,00 €")
    expect(box).to_contain_text("Anteil Ihres Arbeitgebers 1.200,00 €")
    assert_accessible(page)
    assert_no_sideways_scroll(page)


@pytest.fixture
def agency(db):
    institution = InstitutionFactory(
        name="Agentur für Arbeit Aalen", slug="agentur-fuer-arbeit-aalen"
    )
    CounsellingServiceFactory(institution=institution, name="Weiterbildungsberatung der Agentur")
    counsellor = with_mfa(MembershipFactory(institution=institution, role="counsellor").user)
    return institution, counsellor


def test_funding_check_to_catalogue_to_request_and_a_counsellor_closes_it(
    page: Page, new_context, agency
):
    institution, counsellor = agency
    visit(page, "/beratung/foerder-check/")
    page.get_by_label("angestellt beschäftigt").check()
    page.get_by_label("Ihr Alter").fill("35")
    page.get_by_label("Berufsabschluss vor 2 Jahren oder länger").check()
    page.get_by_label("in Baden-Württemberg, nicht im öffentlichen Dienst").check()
    # The optional groups open without JavaScript: <details> with a fieldset each.
    page.locator("summary", has_text="Wenn Sie angestellt sind: Ihr Arbeitsplatz").click()
    page.get_by_label("Wie viele Beschäftigte").fill("30")
    page.locator("summary", has_text="Der Kurs: Stunden, Preis, Anerkennungen").click()
    page.get_by_label("Wie viele Stunden").fill("200")
    page.get_by_label("Der Kurs ist AZAV-zugelassen.").check()
    page.get_by_role("button", name="Förderung prüfen").click()
    expect(
        page.get_by_role("heading", name=re.compile("Förderung Beschäftigter: wahrscheinlich"))
    ).to_be_visible()
    assert_accessible(page)
    result_url = page.url

    page.get_by_role("link", name="Kurse mit Förderung Beschäftigter").click()
    expect(page).to_have_url(re.compile(r"/kurse/\?foerderung=foerderung-beschaeftigter"))
    assert_accessible(page)

    visit(page, result_url)
    page.get_by_role("link", name="Beratung zu Förderung Beschäftigter anfragen").click()
    expect(page.get_by_label("Worum geht es?")).to_have_value("funding")
    assert_accessible(page)
    page.get_by_label("Name oder Pseudonym").fill("Sabine K.")
    page.get_by_label("E-Mail-Adresse oder Telefonnummer").fill("sabine@beispiel.de")
    page.get_by_label("Wo wohnen oder arbeiten Sie?").select_option("ostalbkreis")
    page.get_by_label("Ich bin beschäftigt").check()
    page.get_by_label(re.compile("^Ich bin einverstanden")).check()
    page.get_by_role("button", name="Anfrage senden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Danke, Ihre Anfrage ist angekommen")
    assert_accessible(page)
    request = CounsellingRequest.objects.get(email="sabine@beispiel.de")
    expect(page.locator(".reference")).to_have_text(request.reference)
    assert request.institution == institution

    # The counsellor works the request in another browser.
    staff = new_context().new_page()
    force_login(staff, counsellor)
    visit(staff, "/beratung/anfragen/")
    staff.get_by_role("link", name=request.reference).click()
    expect(staff.get_by_text("sabine@beispiel.de")).to_be_visible()
    assert_accessible(staff)
    staff.get_by_role("button", name="Anfrage übernehmen").click()
    expect(staff.get_by_role("status")).to_contain_text("Sie haben die Anfrage übernommen.")
    staff.get_by_label("Interne Notiz").fill("Rückruf vereinbart.")
    staff.get_by_role("button", name="Notiz speichern").click()
    staff.get_by_label("Neuer Status").select_option("closed")
    staff.get_by_label("Ergebnis (beim Abschließen)").select_option("funding")
    staff.get_by_role("button", name="Status speichern").click()
    expect(staff.get_by_role("status")).to_contain_text("Der Status ist gespeichert.")
    assert_accessible(staff)
    request.refresh_from_db()
    assert (request.status, request.outcome, request.claimed_by) == (
        RequestStatus.CLOSED,
        "funding",
        counsellor,
    )


def test_form_errors_are_accessible_and_work_without_javascript(new_context, agency):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/beratung/anfrage/")
    page.get_by_label("E-Mail-Adresse oder Telefonnummer").fill("kaputt@")
    page.get_by_role("button", name="Anfrage senden").click()
    expect(page.get_by_text("Bitte prüfen Sie die E-Mail-Adresse")).to_be_visible()
    assert not CounsellingRequest.objects.exists()


def test_form_error_page_passes_axe(page: Page, agency):
    visit(page, "/beratung/anfrage/")
    page.get_by_role("button", name="Anfrage senden").click()
    expect(page.get_by_text("Ohne Ihre Einwilligung")).to_be_visible()
    assert_accessible(page)


def test_demand_board_for_the_office_and_the_working_group(page: Page, new_context, db):
    from tests.factories import UserFactory

    for _ in range(3):
        CompanyNeedFactory()
    office = with_mfa(UserFactory(is_network_office=True))
    force_login(page, office)
    visit(page, "/beratung/bedarfsboerse/")
    expect(page.get_by_text("Chance für einen Verbundkurs")).to_be_visible()
    page.get_by_role("link", name=re.compile("Verbundmaßnahme .* anlegen")).click()
    assert_accessible(page)
    page.get_by_role("button", name="Anlegen und Anbieter einladen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verbundkurs Metall und Elektro")
    assert_accessible(page)
    visit(page, "/beratung/geschaeftsstelle/")

    member = WorkingGroupMemberFactory(group=seeded_group("unternehmen")).person
    other = new_context().new_page()
    force_login(other, member)
    visit(other, "/beratung/bedarfsboerse/")
    expect(other.get_by_text("Metallbau Muster")).to_have_count(0)


def test_the_queue_fits_a_phone_and_a_desktop(page: Page, agency):
    institution, counsellor = agency
    CounsellingRequestFactory(institution=institution, reference="BQ-PHONE1", claimed_by=counsellor)
    CounsellingRequestFactory(institution=institution, reference="BQ-PHONE2")
    force_login(page, counsellor)
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        visit(page, "/beratung/anfragen/")
        assert_no_sideways_scroll(page)
    queue = page.get_by_role("region", name="2 Anfragen")
    expect(queue.get_by_role("link", name="BQ-PHONE1")).to_be_visible()


def test_a_counsellor_records_a_placement_on_a_phone(page: Page, agency):
    """Issue 21: the catalogue picker (a GET search, no script), a refused placement
    without funding, then the placement saved; at 320 px, axe-checked."""
    from tests.offerings.factories import OfferFactory

    institution, counsellor = agency
    request = CounsellingRequestFactory(
        institution=institution, reference="BQ-PLACE1", status=RequestStatus.IN_CONTACT
    )
    offer = OfferFactory(title="Staplerschein kompakt")
    force_login(page, counsellor)
    page.set_viewport_size({"width": 320, "height": 900})
    visit(page, "/beratung/anfragen/BQ-PLACE1/")
    page.get_by_label("Vermittelten Kurs im Katalog suchen").fill("Stapler")
    page.get_by_role("button", name="Kurs suchen").click()
    expect(page.get_by_role("status")).to_contain_text("1 Kurs gefunden")
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    page.get_by_label(re.compile("^Staplerschein kompakt")).check()
    page.get_by_role("button", name="Status speichern").click()
    expect(page.get_by_text("Bitte geben Sie die Förderung an")).to_be_visible()
    assert_accessible(page)
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_CONTACT
    page.get_by_label("Förderung des Kurses").select_option("bildungsgutschein")
    page.get_by_role("button", name="Status speichern").click()
    expect(page.get_by_role("status")).to_contain_text("Der Status ist gespeichert.")
    expect(page.get_by_role("link", name="Staplerschein kompakt")).to_be_visible()
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    request.refresh_from_db()
    assert (request.outcome, request.placement_offer, request.placement_funding) == (
        "course",
        offer,
        "bildungsgutschein",
    )
