"""Issue 15's journey in a real browser: a new provider imports its open-Q-cat catalogue,
sees what the dry run says (a place it cannot find, a price on request), sets what the file
cannot say, takes the import over and publishes all of it in one step; the network office
approves the provider once; a visitor then finds the course by place and by funding.
axe-core checks every page on the way (tests/browser/conftest.py `visit`)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from offerings.models import Offer, OfferStatus
from tests.access import with_second_factor
from tests.browser.conftest import force_login, visit
from tests.offerings.conftest import german_places  # noqa: F401 (a fixture)

START = timezone.localdate() + timedelta(days=40)

CATALOGUE = f"""<?xml version="1.0" encoding="UTF-8"?>
<OPENQCAT version="1.1">
  <HEADER>
    <SUPPLIER>
      <SUPPLIER_ID>8150</SUPPLIER_ID><SUPPLIER_NAME>Bildungswerk Ostalb</SUPPLIER_NAME>
    </SUPPLIER>
  </HEADER>
  <NEW_CATALOG>
    <SERVICE>
      <PRODUCT_ID>BW-1</PRODUCT_ID>
      <SERVICE_DETAILS>
        <TITLE>Gabelstaplerschein mit Prüfung</TITLE>
        <DESCRIPTION_SHORT>Fahrausweis für Flurförderzeuge in drei Tagen.</DESCRIPTION_SHORT>
        <SERVICE_DATE>
          <START_DATE>{START.isoformat()}</START_DATE>
          <END_DATE>{(START + timedelta(days=2)).isoformat()}</END_DATE>
        </SERVICE_DATE>
        <SERVICE_MODULE><EDUCATION type="true">
          <EXTENDED_INFO>
            <EXECUTION_FORM>Präsenzveranstaltung</EXECUTION_FORM>
            <MEASURE_NUMBER>962/55/2030</MEASURE_NUMBER>
          </EXTENDED_INFO>
          <MODULE_COURSE><LOCATION>
            <NAME>Lager Süd</NAME><STREET>Industriestraße 3</STREET>
            <ZIP>73447</ZIP><CITY>Oberkochen</CITY>
          </LOCATION></MODULE_COURSE>
        </EDUCATION></SERVICE_MODULE>
      </SERVICE_DETAILS>
      <SERVICE_PRICE_DETAILS><SERVICE_PRICE><PRICE_AMOUNT>390.00</PRICE_AMOUNT></SERVICE_PRICE></SERVICE_PRICE_DETAILS>
    </SERVICE>
    <SERVICE>
      <PRODUCT_ID>BW-2</PRODUCT_ID>
      <SERVICE_DETAILS>
        <TITLE>Lagerlogistik kompakt</TITLE>
        <DESCRIPTION_SHORT>Wareneingang, Lagerung und Versand in der Praxis.</DESCRIPTION_SHORT>
        <SERVICE_DATE><START_DATE>{START.isoformat()}</START_DATE></SERVICE_DATE>
        <SERVICE_MODULE><EDUCATION type="true">
          <EXTENDED_INFO><EXECUTION_FORM>Präsenzveranstaltung</EXECUTION_FORM></EXTENDED_INFO>
          <MODULE_COURSE><LOCATION>
            <NAME>Halle 9</NAME><STREET>Hafenweg 1</STREET><ZIP>00000</ZIP><CITY>Atlantis</CITY>
          </LOCATION></MODULE_COURSE>
        </EDUCATION></SERVICE_MODULE>
      </SERVICE_DETAILS>
    </SERVICE>
  </NEW_CATALOG>
</OPENQCAT>
"""


@pytest.mark.usefixtures("german_places")
def test_a_new_provider_imports_publishes_all_and_a_visitor_finds_the_course(
    page: Page, institution, owner, network_office
):
    force_login(page, owner)
    visit(page, f"/kurse/bereich/{institution.slug}/import/")
    page.get_by_label("Datei", exact=True).set_input_files(
        files=[
            {
                "name": "katalog.xml",
                "mimeType": "application/xml",
                "buffer": CATALOGUE.encode(),
            }
        ]
    )
    page.get_by_role("button", name="Datei prüfen").click()

    # The dry run: both offers come in; what it cannot use is said on the offer it concerns.
    expect(page.get_by_role("button", name="Import übernehmen")).to_be_visible()
    visit(page, page.url)
    expect(page.get_by_text(re.compile("Atlantis"))).to_be_visible()
    # What the file cannot say, set for the whole file: a target group.
    page.get_by_role("group", name=re.compile("Zielgruppen für alle Angebote")).get_by_label(
        "Arbeitsuchende", exact=True
    ).check()
    page.get_by_role("button", name="Für alle Angebote der Datei speichern").click()
    page.get_by_label(re.compile("Als Ihre Kennung übernehmen")).check()
    page.get_by_role("button", name="Import übernehmen").click()

    # All offers of the import published in one step: a new provider waits for one approval.
    page.get_by_label("Aktion").select_option(value="publish")
    page.get_by_role("button", name="Für alle Angebote dieses Imports ausführen").click()
    assert set(Offer.objects.filter(institution=institution).values_list("status", flat=True)) == {
        OfferStatus.DRAFT
    }

    force_login(page, with_second_factor(network_office))
    visit(page, "/kurse/bereich/freigaben/")
    page.get_by_role("button", name=re.compile(rf"^Freigeben ?: {institution.name}")).click()
    assert set(Offer.objects.filter(institution=institution).values_list("status", flat=True)) == {
        OfferStatus.PUBLISHED
    }

    # A visitor near Aalen who may use a Bildungsgutschein finds the course, 10 km away.
    page.context.clear_cookies()
    visit(page, "/kurse/?ort=Aalen&umkreis=25&foerderung=bildungsgutschein")
    expect(page.get_by_role("link", name="Gabelstaplerschein mit Prüfung")).to_be_visible()
    expect(page.get_by_role("link", name="Lagerlogistik kompakt")).to_have_count(0)
    page.get_by_role("link", name="Gabelstaplerschein mit Prüfung").click()
    expect(page.get_by_text("Oberkochen").first).to_be_visible()
    # The course without a price is on request, not free.
    visit(page, "/kurse/?kostenlos=on")
    expect(page.get_by_role("link", name="Lagerlogistik kompakt")).to_have_count(0)
