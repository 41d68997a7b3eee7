"""Joint courses with quotes in a real browser (issue 21): the network office forms a joint
measure from a group of the demand board and invites a provider; the provider quotes in
its back office; the office sees the costs per company and picks the quote; the company
sees its own cost and confirms its participants. axe-core and the HTML checker see every
page; the measure page and the quote form also at 320 px."""

import re

from playwright.sync_api import Page, expect

from counselling.models import CompanyNeed, JointMeasure, JointQuote
from network.models import MembershipRole
from tests.browser.conftest import (
    assert_accessible,
    assert_no_sideways_scroll,
    force_login,
    visit,
)
from tests.counselling.conftest import with_mfa
from tests.factories import (
    CompanyNeedFactory,
    InstitutionFactory,
    MembershipFactory,
    UserFactory,
)


def test_office_forms_a_measure_provider_quotes_office_picks_company_confirms(
    page: Page, new_context
):
    CompanyNeed.objects.all().delete()
    needs = [
        CompanyNeedFactory(size_band=band, participants=3, company_name=f"Firma {band}")
        for band in ("lt10", "lt250", "ge500")
    ]
    provider = InstitutionFactory(
        name="Bildungswerk Aalen", slug="bw-aalen", email="kurse@bw-aalen.de"
    )
    editor = MembershipFactory(institution=provider, role=MembershipRole.EDITOR).user

    # The office forms the measure from the board's group and invites the provider.
    force_login(page, with_mfa(UserFactory(is_network_office=True)))
    visit(page, "/beratung/bedarfsboerse/")
    page.get_by_role("link", name=re.compile(r"^Verbundmaßnahme .* anlegen$")).first.click()
    assert_accessible(page)
    page.get_by_label("Titel der Verbundmaßnahme").fill("Verbundkurs CNC-Fräsen")
    page.get_by_label("Bildungswerk Aalen").check()
    page.get_by_role("button", name="Anlegen und Anbieter einladen").click()
    expect(page.get_by_role("heading", name="Verbundkurs CNC-Fräsen")).to_be_visible()
    assert_accessible(page)
    measure = JointMeasure.objects.get()

    # The provider quotes in its back office; a negative price is refused first.
    office_page = page
    page = new_context().new_page()
    force_login(page, editor)
    visit(page, "/beratung/einrichtung/bw-aalen/verbundanfragen/")
    page.get_by_role("link", name="Verbundkurs CNC-Fräsen").click()
    assert_accessible(page)
    page.get_by_label("Preis je Teilnehmerin oder Teilnehmer in Euro").fill("-5")
    page.get_by_label("Mindestzahl Teilnehmende").fill("6")
    page.get_by_label("Höchstzahl Teilnehmende").fill("12")
    page.get_by_label("Unterrichtsstunden").fill("200")
    page.get_by_label("Termine").fill("ab März 2027, dienstags und donnerstags 17–20 Uhr")
    page.get_by_label("Ort (optional)").fill("Aalen, Technikzentrum")
    page.get_by_label("Förderung Beschäftigter").check()
    page.get_by_role("button", name="Angebot abgeben").click()
    expect(page.get_by_text("Der Preis kann nicht negativ sein.")).to_be_visible()
    assert_accessible(page)
    assert not JointQuote.objects.exists()
    page.get_by_label("Preis je Teilnehmerin oder Teilnehmer in Euro").fill("1000,00")
    page.get_by_role("button", name="Angebot abgeben").click()
    expect(page.get_by_role("heading", name=re.compile("Ihr Angebot"))).to_be_visible()
    assert_accessible(page)
    quote = JointQuote.objects.get()

    # The office sees the costs per company and picks the quote.
    page = office_page
    visit(page, f"/beratung/bedarfsboerse/verbund/{measure.pk}/")
    costs = page.get_by_role("table", name=re.compile("Kosten je Unternehmen"))
    expect(costs).to_contain_text("Firma lt250")
    # 50–249 staff: half of 1,000 € per person under § 82 SGB III, 1,500 € for three.
    expect(costs.get_by_role("row", name=re.compile("Firma lt250"))).to_contain_text("1.500,00 €")
    expect(costs.get_by_role("row", name=re.compile("Firma lt10"))).to_contain_text("0,00 €")
    page.get_by_role("button", name="Angebot von Bildungswerk Aalen auswählen").click()
    expect(page.get_by_text("Das Angebot ist ausgewählt.")).to_be_visible()
    expect(page.get_by_text("Angebot ausgewählt", exact=True)).to_be_visible()
    assert_accessible(page)
    quote.refresh_from_db()
    assert quote.status == "chosen"

    # A company sees its own cost on its status page and confirms its participants.
    need = needs[1]
    company = new_context().new_page()
    visit(company, f"/beratung/status/?nummer={need.reference}")
    company.get_by_label("Ihre E-Mail-Adresse oder Telefonnummer").fill(need.email)
    company.get_by_role("button", name="Stand anzeigen").click()
    expect(company.get_by_text("500,00 € je Person")).to_be_visible()
    expect(company.get_by_text("Firma lt10")).to_have_count(0)
    company.get_by_label("So viele Beschäftigte schicken wir in den Kurs").fill("13")
    company.get_by_role("button", name="Teilnehmende bestätigen").click()
    expect(company.get_by_text(re.compile("höchstens 12 Personen"))).to_be_visible()
    assert_accessible(company)
    company.get_by_label("So viele Beschäftigte schicken wir in den Kurs").fill("4")
    company.get_by_role("button", name="Teilnehmende bestätigen").click()
    expect(
        company.get_by_text("Danke, Ihre Zahl der Teilnehmenden ist gespeichert.")
    ).to_be_visible()
    assert_accessible(company)
    need.refresh_from_db()
    assert need.confirmed_participants == 4

    phone = new_context(viewport={"width": 320, "height": 640}).new_page()
    force_login(phone, with_mfa(UserFactory(is_network_office=True)))
    visit(phone, f"/beratung/bedarfsboerse/verbund/{measure.pk}/")
    assert_no_sideways_scroll(phone)
    provider_phone = new_context(viewport={"width": 320, "height": 640}).new_page()
    force_login(provider_phone, editor)
    visit(provider_phone, f"/beratung/einrichtung/bw-aalen/verbundanfragen/{measure.pk}/")
    assert_no_sideways_scroll(provider_phone)
