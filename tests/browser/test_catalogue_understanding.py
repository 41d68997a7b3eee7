"""A job seeker types "staplerschein aalne" on a phone: the catalogue understands the place
(with the typo), shows the forklift courses in Aalen with a chip saying so, and the chip
takes the word back. axe-core checks each state, at 390 and at 320 px."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from offerings.models import Municipality
from offerings.places import places_load
from tests.browser.conftest import assert_accessible, assert_no_sideways_scroll
from tests.factories import InstitutionFactory
from tests.offerings.conftest import GEONAMES_SAMPLE
from tests.offerings.factories import OfferDateFactory, OfferFactory, VenueFactory

TODAY = timezone.localdate()


@pytest.fixture
def forklift_courses(db):
    places_load(source=GEONAMES_SAMPLE)
    provider = InstitutionFactory(name="Bildungszentrum Ostalb", slug="bz-ostalb")
    for title, slug in (
        ("Staplerschein Flurförderzeuge", "aalen"),
        ("Staplerschein Kompaktkurs", "heidenheim-an-der-brenz"),
    ):
        town = Municipality.objects.get(slug=slug)
        venue = VenueFactory(
            institution=provider,
            city=town.name,
            district=town.district,
            municipality=town,
            latitude=town.latitude,
            longitude=town.longitude,
        )
        offer = OfferFactory(title=title, institution=provider, dates=[])
        OfferDateFactory(offer=offer, venue=venue, start=TODAY + timedelta(days=14))


def results(page: Page) -> list[str]:
    return page.locator(".catalogue-results").get_by_role("heading", level=3).all_inner_texts()


@pytest.mark.parametrize("width", [390, 320])
def test_staplerschein_aalne_on_a_phone(page: Page, forklift_courses, width):
    page.set_viewport_size({"width": width, "height": 844})
    page.goto("/kurse/")
    page.get_by_label("Suchbegriff").fill("staplerschein aalne")
    page.get_by_role("button", name="Suchen").click()

    expect(page).to_have_url(re.compile(r"ort=Aalen"))
    chip = page.get_by_role("link", name=re.compile("„Aalen“ als Ort verstanden"))
    expect(chip).to_be_visible()
    assert results(page) == ["Staplerschein Flurförderzeuge"]
    expect(page.get_by_label("Suchbegriff")).to_have_value("staplerschein")
    assert_accessible(page)
    assert_no_sideways_scroll(page)

    chip.click()
    expect(page).to_have_url(re.compile(r"als_text=aalne"))
    expect(page.get_by_label("Suchbegriff")).to_have_value("staplerschein aalne")
    expect(page.get_by_role("link", name=re.compile("als Ort verstanden"))).to_have_count(0)
    assert "Staplerschein Kompaktkurs" in results(page)  # no longer only Aalen
    assert_accessible(page)
    assert_no_sideways_scroll(page)
