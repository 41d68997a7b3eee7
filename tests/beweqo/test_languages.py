"""The portal in German (no prefix) and English (/en/): the page's language, the switcher
that keeps the page and its query, the hreflang alternates, and provider content that
keeps its own language on an English page."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from tests.events.test_support import portal_event
from tests.factories import UserFactory
from tests.offerings.factories import OfferDateFactory, OfferFactory

pytestmark = pytest.mark.django_db


def html_lang(page: str) -> str:
    return re.search(r'<html lang="([^"]+)">', page).group(1)


def switcher_links(page: str) -> dict[str, str]:
    nav = re.search(r'<nav class="language-switcher".*?</nav>', page, re.S).group(0)
    return {
        lang: href.replace("&amp;", "&")
        for href, lang in re.findall(r'<a class="kern-link" href="([^"]+)" lang="(\w+)"', nav)
    }


def alternates(page: str) -> dict[str, str]:
    return {
        lang: href.replace("&amp;", "&")
        for lang, href in re.findall(
            r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)"', page
        )
    }


def test_the_english_catalogue_speaks_english(client):
    response = client.get("/en/kurse/")
    page = response.content.decode()
    assert response.status_code == 200
    assert html_lang(page) == "en"
    assert "Find courses</h1>" in page
    assert "Skip to content" in page
    assert "Kurse finden</h1>" not in page


def test_german_addresses_stay_without_a_prefix(client):
    assert reverse("offerings:catalogue") == "/kurse/"
    assert reverse("counselling:request") == "/beratung/anfrage/"
    response = client.get("/kurse/", HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    # The address decides, not the browser: the unprefixed page is German.
    assert html_lang(page) == "de"
    assert "Kurse finden</h1>" in page
    with translation.override("en"):
        assert reverse("offerings:catalogue") == "/en/kurse/"


def test_the_switcher_keeps_the_page_and_its_query(client):
    page = client.get("/kurse/?q=Pflege&kostenlos=on").content.decode()
    assert switcher_links(page) == {"en": "/en/kurse/?q=Pflege&kostenlos=on"}
    page = client.get("/en/kurse/?q=Pflege&kostenlos=on").content.decode()
    assert switcher_links(page) == {"de": "/kurse/?q=Pflege&kostenlos=on"}
    # The link leads to the same page in the other language.
    response = client.get(switcher_links(page)["de"])
    assert html_lang(response.content.decode()) == "de"


def test_every_page_names_its_alternates(client):
    offer = OfferFactory()
    OfferDateFactory(offer=offer)
    for path in ["/", "/en/", f"/kurse/{offer.pk}/", "/en/beratung/anfrage/"]:
        page = client.get(path).content.decode()
        german = "https://beweqo.test" + path.removeprefix("/en")
        assert alternates(page) == {
            "de": german,
            "x-default": german,
            "en": "https://beweqo.test/en" + path.removeprefix("/en"),
        }, path


def test_the_switcher_on_a_course_page(client):
    offer = OfferFactory()
    OfferDateFactory(offer=offer)
    page = client.get(f"/en/kurse/{offer.pk}/").content.decode()
    assert html_lang(page) == "en"
    assert switcher_links(page) == {"de": f"/kurse/{offer.pk}/"}


def test_a_german_course_text_keeps_its_language_on_the_english_page(client):
    offer = OfferFactory(title="Pflegehelfer werden", language="de")
    OfferDateFactory(offer=offer)
    page = client.get(f"/en/kurse/{offer.pk}/").content.decode()
    assert re.search(r'<h1[^>]*lang="de"[^>]*>\s*Pflegehelfer werden', page)


def test_a_page_that_does_not_exist_offers_each_language_home(client):
    page = client.get("/en/gibt-es-nicht/").content.decode()
    assert html_lang(page) == "en"
    assert switcher_links(page) == {"de": "/"}


def test_an_event_written_in_german_is_marked_on_the_english_page(client):
    event = portal_event(title="Infotag Pflege", summary="Alles zur Ausbildung.")
    url = event.get_absolute_url()
    page = client.get(f"/en{url}").content.decode()
    assert '<span lang="de">Infotag Pflege</span>' in page
    assert '<p class="kern-body lead" lang="de">Alles zur Ausbildung.</p>' in page
    german = client.get(url).content.decode()
    assert 'lang="de">Infotag Pflege' not in german


def test_account_mails_speak_the_language_of_the_page(client, django_capture_on_commit_callbacks):
    """allauth renders its mails in the active language: the request's."""
    UserFactory(email="sam@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/konto/password/reset/", {"email": "sam@example.org"})
    assert response.status_code == 302
    [message] = mail.outbox
    assert "Password Reset" in message.subject
    assert re.search(r"/en/konto/password/reset/key/\S+/", message.body)
    assert "Passwort" not in message.subject + message.body
