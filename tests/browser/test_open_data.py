"""The open-data page on a phone: it reflows at 320 px, long addresses included."""

from playwright.sync_api import Page

from tests.browser.conftest import assert_no_sideways_scroll, visit
from tests.offerings.factories import OfferFactory


def test_open_data_page_reflows_at_320_px(page: Page, institution):
    OfferFactory(institution=institution)
    page.set_viewport_size({"width": 320, "height": 900})

    visit(page, "/daten/")

    assert_no_sideways_scroll(page)
