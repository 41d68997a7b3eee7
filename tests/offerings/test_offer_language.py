"""A course held in another language than German marks its title and texts with that
language (WCAG 3.1.2), on the catalogue's cards and on the course page, so that a screen
reader reads "Business English" in English rather than with German sounds."""

import re

import pytest
from django.urls import reverse

from offerings.models import Language
from tests.offerings.factories import OfferFactory

pytestmark = pytest.mark.django_db


def lang_of(html: str, text: str) -> list[str]:
    """The lang attribute of each element in the body whose content starts with `text`, ""
    for none (the document's <title> is left out: it takes the page's language)."""
    pattern = re.compile(r"<(\w+)([^>]*)>\s*" + re.escape(text))
    return [
        (found.group(1) if (found := re.search(r'\blang="([^"]*)"', attrs)) else "")
        for tag, attrs in pattern.findall(html)
        if tag != "title"
    ]


def test_an_english_course_is_marked_english_on_its_card_and_page(client):
    english = OfferFactory(
        title="Business English for the Office",
        summary="Emails, phone calls and meetings in English.",
        description="We practise the language of everyday office work.",
        language=Language.ENGLISH,
    )
    OfferFactory(title="Excel für Einsteiger", summary="Tabellen und Formeln.")

    catalogue = client.get(reverse("offerings:catalogue")).content.decode()
    assert lang_of(catalogue, "Business English for the Office") == ["en"]
    assert lang_of(catalogue, "Emails, phone calls") == ["en"]
    assert lang_of(catalogue, "Excel für Einsteiger") == [""]
    assert lang_of(catalogue, "Tabellen und Formeln.") == [""]

    page = client.get(english.get_absolute_url()).content.decode()
    assert lang_of(page, "Business English for the Office") == ["en"]
    assert lang_of(page, "Emails, phone calls") == ["en"]
    assert lang_of(page, "We practise the language") == [""]  # the <p> inside the marked div
    assert '<div class="offer-text" lang="en">' in page


@pytest.mark.parametrize("language", [Language.GERMAN, Language.OTHER])
def test_german_or_an_unnamed_language_adds_no_lang(client, language):
    offer = OfferFactory(title="Deutsch im Beruf", language=language)
    page = client.get(offer.get_absolute_url()).content.decode()
    assert lang_of(page, "Deutsch im Beruf") == [""]
