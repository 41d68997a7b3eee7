""" "Kurs gewünscht" in a real browser (issue 21): a search that finds nothing offers the
wish; the form comes with the search's words, is sent, and the address is confirmed and
withdrawn through the links of the mail. axe-core and the HTML checker see every page;
the form also on a phone."""

import re

from playwright.sync_api import Page, expect

from counselling.models import CourseWish
from outbox.models import OutboxMessage
from tests.browser.conftest import assert_accessible, assert_no_sideways_scroll, visit


def _path(message: OutboxMessage, part: str) -> str:
    url = next(u for u in re.findall(r"https?://\S+", message.text) if part in u)
    return "/" + url.split("/", 3)[3]


def test_an_empty_search_leads_to_a_course_wish(page: Page, new_context):
    CourseWish.objects.all().delete()
    visit(page, "/kurse/?q=Hufschmied")
    expect(page.get_by_text("Kein Kurs passt zu dieser Suche.")).to_be_visible()
    page.get_by_role("link", name="Sagen Sie uns, welchen Kurs Sie suchen").click()
    expect(page).to_have_url(re.compile(r"/beratung/kurswunsch/\?q=Hufschmied"))
    expect(page.get_by_label("Welchen Kurs suchen Sie?")).to_have_value("Hufschmied")
    assert_accessible(page)

    # Sent without a place: the form says what is missing, in the page, without a 500.
    page.get_by_label("so bald wie möglich").check()
    page.get_by_role("button", name="Kurswunsch senden").click()
    expect(page.get_by_text("Bitte geben Sie einen Ort oder den Landkreis an.")).to_be_visible()
    assert_accessible(page)
    assert not CourseWish.objects.exists()

    page.get_by_label("Welchen Kurs suchen Sie?").fill("Hufschmied, Grundkurs")
    page.get_by_role("combobox", name=re.compile("^Landkreis")).select_option("ostalbkreis")
    page.get_by_label("abends").check()
    page.get_by_label("Teilzeit").check()
    page.get_by_label("E-Mail-Adresse (freiwillig)").fill("huf@beispiel.de")
    page.get_by_label(re.compile("Ja, sagen Sie mir per E-Mail Bescheid")).check()
    page.get_by_role("button", name="Kurswunsch senden").click()
    expect(page.get_by_role("heading", name="Danke, Ihr Kurswunsch ist angekommen")).to_be_visible()
    assert_accessible(page)
    wish = CourseWish.objects.get()
    assert (wish.topic, wish.district, wish.times) == (
        "Hufschmied, Grundkurs",
        "ostalbkreis",
        ["evening"],
    )

    message = OutboxMessage.objects.get(recipient="huf@beispiel.de")
    visit(page, _path(message, "/kurswunsch/bestaetigen/"))
    page.get_by_role("button", name="Ja, Adresse bestätigen").click()
    expect(page.get_by_role("heading", name="Danke, Ihre Adresse ist bestätigt")).to_be_visible()
    assert_accessible(page)

    visit(page, _path(message, "/kurswunsch/loeschen/"))
    page.get_by_role("button", name="Ja, Adresse löschen").click()
    expect(page.get_by_role("heading", name="Ihre Adresse ist gelöscht")).to_be_visible()
    assert_accessible(page)
    wish.refresh_from_db()
    assert wish.email == ""

    phone = new_context(viewport={"width": 320, "height": 640}).new_page()
    visit(phone, "/beratung/kurswunsch/?q=Hufschmied")
    assert_no_sideways_scroll(phone)
