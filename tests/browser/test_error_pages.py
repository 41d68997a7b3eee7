"""The error pages a visitor can meet in the browser pass axe-core and the Nu HTML Checker:
the 404, and the CSRF failure after a form was sent without its cookie."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import _watch, assert_accessible, visit


def test_not_found_page_offers_ways_on(page: Page):
    visit(page, "/kurse/gibt-es-nicht/", status=404)
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Diese Seite gibt es nicht")
    expect(main.get_by_role("link", name="Kurse suchen")).to_have_attribute("href", "/kurse/")
    expect(main.get_by_role("link", name="Zur Startseite")).to_be_visible()


def test_a_form_sent_without_its_cookie_explains_what_to_do(page: Page):
    visit(page, "/konto/login/")
    # As after blocked or expired cookies: the form's token no longer matches a cookie.
    page.context.clear_cookies()
    page.get_by_label(re.compile(r"^E-Mail")).fill("jemand@beispiel.de")
    page.get_by_label("Passwort", exact=True).fill("irgendetwas-1234")
    with page.expect_response(lambda r: r.request.method == "POST") as sent:
        page.get_by_role("main").get_by_role("button", name=re.compile(r"^Anmeld")).click()
    assert sent.value.status == 403
    page.wait_for_load_state()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Das Formular konnte nicht gesendet werden")
    expect(
        page.get_by_role("banner").get_by_role("link", name=re.compile("BeWeQO"))
    ).to_be_visible()
    # The browser logs the page's own 403 status as an error: expected here.
    record = _watch(page)
    record.errors = [e for e in record.errors if "status of 403" not in e]
    assert_accessible(page)
