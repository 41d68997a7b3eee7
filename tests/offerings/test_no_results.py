"""A search that finds nothing is never a dead end (offerings.selectors.WayOut): the page
offers the changes that find courses, each with its count and a link."""

from urllib.parse import parse_qs

import pytest
from django.http import QueryDict

from common.text import fold
from offerings.selectors import FILTER, FILTERS, SPELLING, TEXT, WORD, catalogue_search
from tests.offerings.factories import OfferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def welding(db):
    """Three welding courses, each with one date in the evening in Aalen (the factory's);
    one is free."""
    for title, price in [("Schweißen MAG", 390), ("Schweißen WIG", 450), ("Schweißen E-Hand", 0)]:
        OfferFactory(title=title, price=price)


def ways(query: str):
    result = catalogue_search(QueryDict(query))
    assert result.total == 0
    return result.ways_out


def test_each_active_filter_is_offered_with_the_count_without_it(welding):
    found = ways("q=Schweißen&tageszeit=morning&kostenlos=on")
    by_label = {(w.label, w.value): w for w in found if w.kind == FILTER}
    # Without the time of day: the free one, in the evening. Without "kostenlos" nothing
    # is found in the morning, so that is not offered.
    assert list(by_label) == [("Tageszeit", "vormittags")]
    assert by_label[("Tageszeit", "vormittags")].count == 1
    assert parse_qs(by_label[("Tageszeit", "vormittags")].query) == {
        "q": ["Schweißen"],
        "kostenlos": ["on"],
    }


def test_dropping_all_filters_is_offered_with_the_text_alone(welding):
    found = ways("q=Schweißen&tageszeit=morning&kostenlos=on")
    everything = [w for w in found if w.kind == FILTERS]
    assert [(w.count, parse_qs(w.query)) for w in everything] == [(3, {"q": ["Schweißen"]})]


def test_a_spelling_suggestion_comes_with_its_count(welding):
    """The search already tried the correction with the filters; the suggestion's link,
    like before, searches it without them."""
    found = ways("q=Schweisen&tageszeit=morning")
    spelling = found[0]
    assert (spelling.kind, fold(spelling.label), spelling.count) == (SPELLING, "schweissen", 3)
    assert parse_qs(spelling.query) == {"q": [spelling.label]}


def test_filters_that_find_nothing_either_are_not_offered(welding):
    found = ways("q=Schweißen&tageszeit=morning&tageszeit=weekend&preis_bis=10&kostenlos=on")
    assert {w.label for w in found if w.kind == FILTER} == {"Tageszeit"}


def test_the_page_shows_the_offers_as_links_with_counts(welding, client):
    page = client.get("/kurse/", {"q": "Schweißen", "tageszeit": "morning"}).content.decode()
    assert "Kein Kurs passt zu dieser Suche." in page
    assert "Ohne Filter Tageszeit „vormittags“: 3 Kurse" in page
    assert 'href="/kurse/?q=Schwei%C3%9Fen"' in page


def test_a_search_with_results_offers_no_way_out(welding):
    assert catalogue_search(QueryDict("q=Schweißen")).ways_out == []


def test_each_word_left_out_is_offered_when_the_others_find_courses(welding):
    """Three paid courses have both words, so no partial matches are added, and none is
    free: without "Zertifikat" the free course is found; without "Schweißen" nothing."""
    for title in ("Schweißen am Abend", "Schweißen kompakt", "Schweißen intensiv"):
        OfferFactory(title=title, summary="Mit Zertifikat.", price=200)
    found = ways("q=Schweißen+Zertifikat&kostenlos=on")
    words = {w.label: w for w in found if w.kind == WORD}
    assert list(words) == ["Zertifikat"]  # without it: the free E-Hand course
    assert words["Zertifikat"].count == 1
    assert parse_qs(words["Zertifikat"].query) == {"q": ["Schweißen"], "kostenlos": ["on"]}


def test_leaving_out_the_text_is_offered_with_the_filters_count(welding):
    OfferFactory(title="Excel am Abend")  # free, in the evening, like the factory's dates
    found = ways("q=Gabelstapler&kostenlos=on")
    text = [w for w in found if w.kind == TEXT]
    assert [(w.label, w.count, parse_qs(w.query)) for w in text] == [
        ("Gabelstapler", 2, {"kostenlos": ["on"]})
    ]
