"""Never stale (issue 22) in a real browser, on a phone: a stale offer is marked in the list and
on its edit page (with its lapsed rolling date), and the bulk review shows each offer's dates
before it counts; every page accessible and without sideways scrolling."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from offerings.models import Offer, OfferDate, StartKind, review_cutoff
from tests.browser.conftest import assert_accessible, assert_no_sideways_scroll, force_login, visit
from tests.offerings.factories import OfferDateFactory, OfferFactory

LONG_TITLE = "Fachkraft für Lagerlogistik: berufsbegleitende Umschulung mit IHK-Abschluss"


def test_a_stale_offer_is_marked_and_reviewed_in_bulk_on_a_phone(page: Page, institution, member):
    today = timezone.localdate()
    stale_since = review_cutoff(today)
    stale = OfferFactory(institution=institution, title=LONG_TITLE)
    Offer.objects.filter(pk=stale.pk).update(last_reviewed_on=stale_since)
    rolling = OfferDateFactory(offer=stale, start_kind=StartKind.ROLLING, start=None, end=None)
    OfferDate.objects.filter(pk=rolling.pk).update(confirmed_on=stale_since)
    fresh = OfferFactory(institution=institution, title="Excel kompakt")
    Offer.objects.filter(pk=fresh.pk).update(last_reviewed_on=today - timedelta(days=40))
    marker = f"Seit {stale_since:%d.%m.%Y} nicht geprüft – nicht mehr im Katalog"

    force_login(page, member)
    page.set_viewport_size({"width": 320, "height": 900})
    visit(page, f"/kurse/bereich/{institution.slug}/{stale.pk}/")
    expect(page.get_by_text(marker)).to_be_visible()
    expect(page.get_by_text(re.compile("zählt nicht mehr als offener Termin"))).to_be_visible()
    expect(page.get_by_role("button", name="Angaben und Termine sind aktuell")).to_be_visible()
    assert_no_sideways_scroll(page)

    visit(page, f"/kurse/bereich/{institution.slug}/")
    expect(page.get_by_text(marker)).to_be_visible()
    region = page.get_by_role("region", name="Angebote mit Status, Vollständigkeit und Hinweisen")
    for title in (LONG_TITLE, "Excel kompakt"):
        region.get_by_role(
            "checkbox", name=re.compile(rf"^Auswählen ?: {re.escape(title)}$")
        ).check()
    page.get_by_label("Aktion").select_option(label="Als geprüft bestätigen …")
    page.get_by_role("button", name="Für die ausgewählten Angebote ausführen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Angebote als geprüft bestätigen")
    expect(page.get_by_role("heading", level=2, name=LONG_TITLE)).to_be_visible()
    expect(page.get_by_text(re.compile("laufender Einstieg"))).to_be_visible()
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    assert Offer.objects.get(pk=stale.pk).last_reviewed_on == stale_since  # not yet

    page.get_by_role("button", name="Termine gesehen – alle als geprüft bestätigen").click()
    expect(page.get_by_text("2 Angebote sind als geprüft bestätigt.")).to_be_visible()
    expect(page.get_by_text(marker)).to_have_count(0)
    assert Offer.objects.get(pk=stale.pk).last_reviewed_on == today
    assert OfferDate.objects.get(pk=rolling.pk).confirmed_on == today

    visit(page, "/kurse/")
    expect(page.get_by_role("link", name=LONG_TITLE)).to_be_visible()
