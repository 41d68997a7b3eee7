"""Two visitors on a course page shared from the cache (issue 19): one keeps the course on
the Merkliste, the other never sees that; the first still does after a reload, on a
shared copy (as a proxy would serve it) and without JavaScript."""

import re

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from tests.browser.conftest import visit
from tests.factories import InstitutionFactory
from tests.offerings.factories import OfferFactory

REMOVE = re.compile("^Von der Merkliste entfernen")
KEEP = re.compile("^Merken")


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE = True


@pytest.fixture
def course(db):
    provider = InstitutionFactory(name="Bildungszentrum Ostalb", slug="bz-ostalb")
    return OfferFactory(title="Schweißen MAG/WIG – Grundkurs", institution=provider)


def test_one_visitors_merkliste_never_shows_to_another(page: Page, new_context, course):
    path = course.get_absolute_url()
    visit(page, path)
    page.get_by_role("button", name=KEEP).click()
    expect(page.get_by_role("button", name=REMOVE)).to_be_visible()

    stranger = new_context().new_page()
    response = stranger.goto(path)
    assert response.headers["x-page-cache"] == "hit"  # the copy stored before the click
    expect(stranger.get_by_role("button", name=KEEP)).to_be_visible()
    expect(stranger.get_by_role("button", name=REMOVE)).to_have_count(0)
    visit(stranger, "/kurse/merkliste/")
    expect(stranger.get_by_role("main")).to_contain_text("Ihre Merkliste ist leer")

    page.reload()
    expect(page.get_by_role("button", name=REMOVE)).to_be_visible()

    # A proxy in front may hand the keeper the shared copy: the page asks for the
    # keeper's Merkliste and marks the button.
    shared = Client().get(path)
    assert "Von der Merkliste entfernen" not in shared.text
    page.route(
        re.compile(re.escape(path) + "$"),
        lambda route: route.fulfill(status=200, body=shared.text, content_type="text/html"),
    )
    page.goto(path)
    expect(page.get_by_role("button", name=REMOVE)).to_be_visible()
    page.unroute(re.compile(re.escape(path) + "$"))


def test_the_merkliste_button_of_a_shared_page_works_without_javascript(new_context, course):
    path = course.get_absolute_url()
    Client().get(path)  # stored
    no_js = new_context(java_script_enabled=False).new_page()
    response = no_js.goto(path)
    assert response.headers["x-page-cache"] == "hit"

    no_js.get_by_role("button", name=KEEP).click()

    expect(no_js.get_by_role("status")).to_contain_text("steht jetzt auf Ihrer Merkliste")
    expect(no_js.get_by_role("button", name=REMOVE)).to_be_visible()
