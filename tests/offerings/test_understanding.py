"""Query understanding: words that name a place or a filter become that filter, shown as
chips that take them back; places forgive typos and short names (offerings.understanding,
offerings.places.place_find)."""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offerings.filters import CatalogueFilter
from offerings.models import DeliveryForm, FundingProgramme, Municipality, TimeOfDay
from offerings.places import PlaceHow, place_find, places_load
from offerings.understanding import understand, understanding_apply
from tests.factories import InstitutionFactory
from tests.offerings.factories import OfferDateFactory, OfferFactory, VenueFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(scope="module")
def germany(django_db_setup, django_db_blocker):
    """All of Germany's places (GeoNames, as `load_places` loads them), once for the module:
    false positives like "Essen" or "Buch" only show against the real list."""
    with django_db_blocker.unblock():
        places_load()
    yield
    with django_db_blocker.unblock():
        Municipality.objects.all().delete()


def place(slug: str) -> Municipality:
    return Municipality.objects.get(slug=slug)


def venue_in(institution, municipality: Municipality):
    return VenueFactory(
        institution=institution,
        city=municipality.name,
        postcode=municipality.postcodes.first().code,
        district=municipality.district,
        municipality=municipality,
        latitude=municipality.latitude,
        longitude=municipality.longitude,
    )


@pytest.fixture
def catalogue(germany):
    provider = InstitutionFactory(name="VHS Aalen", slug="vhs-aalen")
    aalen = venue_in(provider, place("aalen"))
    heidenheim = venue_in(provider, place("heidenheim-an-der-brenz"))
    online = DeliveryForm.objects.get(slug="online-live")

    def offer(title, venue, *, price="100", delivery=None, time=TimeOfDay.MORNING, **kwargs):
        made = OfferFactory(
            title=title,
            price=Decimal(price),
            institution=provider,
            dates=[],
            **({"delivery_form": delivery} if delivery else {}),
            **kwargs,
        )
        OfferDateFactory(
            offer=made, venue=venue, start=TODAY + timedelta(days=20), time_of_day=time
        )
        return made

    offers = {
        "forklift_aalen": offer("Staplerschein für Gabelstapler", aalen),
        "forklift_hdh": offer("Staplerschein kompakt", heidenheim),
        "excel_online": offer("Excel Grundkurs", None, price="0", delivery=online),
        "excel_aalen": offer("Excel für Fortgeschrittene", aalen, price="250"),
        "cnc": offer("CNC-Fräsen", aalen, time=TimeOfDay.EVENING),
        "marketing": offer("Online Marketing für Einsteiger", aalen),
        "care": offer("Pflege und Betreuung", heidenheim),
    }
    offers["cnc"].funding_programmes.add(FundingProgramme.objects.get(slug="bildungsgutschein"))
    return offers


def titles(response) -> list[str]:
    return [offer.title for offer in response.context["result"].page.object_list]


# --- the pure function ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "remaining", "params"),
    [
        ("staplerschein aalne", "staplerschein", {"ort": ["Aalen"]}),
        ("Staplerschein Aalen", "Staplerschein", {"ort": ["Aalen"]}),
        ("Deutschkurs 73430", "Deutschkurs", {"ort": ["Aalen"]}),
        ("Schweißen in Heidenheim", "Schweißen", {"ort": ["Heidenheim an der Brenz"]}),
        ("Pflege Gmünd", "Pflege", {"ort": ["Schwäbisch Gmünd"]}),
        ("pflege gmuend", "pflege", {"ort": ["Schwäbisch Gmünd"]}),
        ("Schwäbisch Gmünd Pflege", "Pflege", {"ort": ["Schwäbisch Gmünd"]}),
        ("Kochen in Essen", "Kochen", {"ort": ["Essen"]}),
        ("Excel kostenlos", "Excel", {"kostenlos": ["on"]}),
        ("gratis Bewerbungstraining", "Bewerbungstraining", {"kostenlos": ["on"]}),
        ("gebührenfrei", "", {"kostenlos": ["on"]}),
        ("Bildungsgutschein", "", {"foerderung": ["bildungsgutschein"]}),
        ("Meister Aufstiegs-BAföG", "Meister", {"foerderung": ["aufstiegs-bafoeg"]}),
        ("Bildungszeit Rhetorik", "Rhetorik", {"foerderung": ["bildungszeit-bw"]}),
        ("ESF Schweißen", "Schweißen", {"foerderung": ["esf-fachkurse-bw"]}),
        ("Excel online", "Excel", {"lernform": ["online-live", "selbstlernkurs"]}),
        ("Fernkurs Buchhaltung", "Buchhaltung", {"lernform": ["fernunterricht"]}),
        ("Präsenz Excel", "Excel", {"lernform": ["praesenz"]}),
        ("cnc fräsen abends", "cnc fräsen", {"tageszeit": ["evening"]}),
        ("Umschulung in Teilzeit", "Umschulung", {"zeitmodell": ["part_time"]}),
        ("Vollzeit Pflegehelfer", "Pflegehelfer", {"zeitmodell": ["full_time"]}),
        ("Englisch am Wochenende", "Englisch", {"tageszeit": ["weekend"]}),
        ("Englisch für Anfänger", "Englisch", {"niveau": ["none"]}),
        (
            "Excel online kostenlos Aalen",
            "Excel",
            {"lernform": ["online-live", "selbstlernkurs"], "kostenlos": ["on"], "ort": ["Aalen"]},
        ),
    ],
)
def test_words_that_name_a_filter_become_it(catalogue, text, remaining, params):
    found = understand(text)
    assert found.text == remaining
    assert found.params == params
    # Every value is one the catalogue's filter form accepts.
    canonical, _found = understanding_apply(QueryDict(f"q={text}"))
    filterset = CatalogueFilter(canonical)
    assert filterset.validate(), filterset.form.errors
    assert filterset.place is None or filterset.place.name == params["ort"][0]


@pytest.mark.parametrize(
    "text",
    [
        "Online-Marketing",  # a hyphenated compound is text
        '"Excel online"',  # never inside a quoted phrase
        "Excel -online",  # nor an exclusion
        "Online Marketing",  # a course title of the catalogue
        "Teilzeitausbildung",
        "Kostenlose-Beratung",
        "Grundlagen",
    ],
)
def test_words_of_a_course_name_stay_text(catalogue, text):
    assert understand(text).understood == ()


@pytest.mark.parametrize(
    "word",
    [
        *("Pflege", "Lager", "Bau", "Elektro", "Metall", "Garten", "Buch", "Wald", "Berg"),
        *("Stein", "Essen", "Hof", "neuer", "Schwäbisch"),
    ],
)
def test_nouns_that_are_also_places_are_never_taken_for_one(catalogue, word):
    """Buch, Wald, Berg, Stein, Hof and Essen are places in Germany; without "in" before
    them they are what a job seeker means by them. ("Essen" is a city of 32 postcodes: the
    food wins unless it says "in Essen".)"""
    for text in (word, f"Kurs {word}", f"{word} Weiterbildung"):
        found = understand(text)
        assert "ort" not in found.params, text


def test_an_ambiguous_name_prefers_the_region(catalogue):
    # Not the Heidenheim in Mittelfranken.
    assert understand("Heidenheim").params == {"ort": ["Heidenheim an der Brenz"]}
    assert understand("in Lorch").params == {"ort": ["Lorch"]}
    assert place_find("Lorch").municipality.district == "ostalbkreis"


def test_a_known_word_one_letter_from_a_place_stays_text(catalogue):
    # "Neuler" is a village of the Ostalbkreis; "Neuer" is a word of the catalogue.
    OfferFactory(title="Neuer Start im Beruf")
    assert understand("neuer Start").params == {}
    assert understand("Neuler").params == {"ort": ["Neuler"]}


def test_a_filter_already_set_keeps_the_word_as_text(catalogue):
    assert understand("Teilzeit", {"zeitmodell": "full_time"}).understood == ()
    assert understand("Aalen Excel", {"ort": "Ulm"}).understood == ()
    # Several values are fine where the filter takes several.
    assert understand("abends", {"tageszeit": "morning"}).params == {"tageszeit": ["evening"]}


def test_words_taken_back_stay_text(catalogue):
    assert understand("staplerschein aalne", {"als_text": "aalne"}).understood == ()
    found = understand("staplerschein aalne kostenlos", QueryDict("als_text=aalne"))
    assert found.params == {"kostenlos": ["on"]}
    assert found.text == "staplerschein aalne"


def test_a_filter_value_the_catalogue_no_longer_has_is_not_understood(catalogue):
    FundingProgramme.objects.filter(slug="esf-fachkurse-bw").delete()
    from offerings.index import catalogue_index_clear

    catalogue_index_clear()
    assert understand("ESF Schweißen").understood == ()


# --- the page: redirect, chips, their removal -------------------------------------------


def test_staplerschein_aalne_finds_forklift_courses_near_aalen(client, catalogue):
    response = client.get("/kurse/?q=staplerschein+aalne")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert parse_qs(target.query) == {
        "q": ["staplerschein"],
        "ort": ["Aalen"],
        "verstanden": ["ort:aalne"],
    }
    page = client.get(response["Location"])
    assert titles(page) == ["Staplerschein für Gabelstapler"]
    html = page.content.decode()
    assert "„Aalen“ als Ort verstanden" in html
    # The state goes with the next search of the form.
    assert '<input type="hidden" name="verstanden" value="ort:aalne" form="catalogue-form">' in (
        html
    )


def test_removing_a_chip_puts_the_word_back_as_text_for_good(client, catalogue):
    page = client.get("/kurse/?q=staplerschein&ort=Aalen&verstanden=ort%3Aaalne")
    chip = page.context["understood"][0]
    back = client.get("/kurse/" + chip.remove_href)
    assert back.status_code == 200  # no redirect: the word stays text
    assert back.context["result"].query == "staplerschein aalne"
    assert back.context["filter"].place is None
    assert back.context["understood"] == []
    # Partial matches: both forklift courses, wherever they are.
    assert set(titles(back)) == {"Staplerschein für Gabelstapler", "Staplerschein kompakt"}
    # A new word typed later is still understood; the taken-back one is not.
    typed = QueryDict(chip.remove_href[1:], mutable=True)
    typed["q"] += " kostenlos"
    again = client.get("/kurse/?" + typed.urlencode())
    assert again.status_code == 302
    query = parse_qs(urlsplit(again["Location"]).query)
    assert query["q"] == ["staplerschein aalne"]
    assert query["kostenlos"] == ["on"]
    assert "ort" not in query


@pytest.mark.parametrize(
    ("q", "first", "chip"),
    [
        ("Excel kostenlos", "Excel Grundkurs", "„kostenlos“ als Preis verstanden"),
        ("Excel online", "Excel Grundkurs", "„online“ als Lernform verstanden: Online live"),
        ("Bildungsgutschein", "CNC-Fräsen", "„Bildungsgutschein“ als Förderung verstanden"),
        ("cnc fräsen abends", "CNC-Fräsen", "„abends“ als Tageszeit verstanden"),
        ("Staplerschein in Heidenheim", "Staplerschein kompakt", "„Heidenheim an der Brenz“"),
        ("Pflege Heidenheim", "Pflege und Betreuung", "als Ort verstanden"),
    ],
)
def test_each_understood_kind_shows_its_results_and_chip(client, catalogue, q, first, chip):
    page = client.get("/kurse/", {"q": q}, follow=True)
    assert page.redirect_chain[0][1] == 302
    assert titles(page)[0] == first
    assert chip in page.content.decode()


def test_a_chip_of_a_filter_the_person_dropped_since_is_not_shown(client, catalogue):
    page = client.get("/kurse/?q=Excel&verstanden=kostenlos%3Agratis")
    assert page.context["understood"] == []


def test_htmx_gets_a_full_page_redirect(client, catalogue):
    response = client.get("/kurse/?q=Excel+online", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/kurse/?q=Excel&lernform=online-live")


def test_the_feed_and_the_api_understand_the_same_url(client, catalogue):
    api = client.get("/kurse/api/angebote/?q=Excel+kostenlos")
    assert api.status_code == 200
    assert [offer["title"] for offer in api.json()["results"]] == ["Excel Grundkurs"]
    feed = client.get("/kurse/feed/?q=staplerschein+aalne").content.decode()
    assert "Staplerschein für Gabelstapler" in feed
    assert "Staplerschein kompakt" not in feed


def test_the_search_log_counts_the_words_as_typed(client, catalogue, settings):
    from offerings.models import SearchDay
    from offerings.searchlog import search_log_flush

    client.get("/kurse/?q=Bildungsgutschein", follow=True)
    search_log_flush()
    assert list(SearchDay.objects.values_list("text", flat=True)) == ["bildungsgutschein"]


# --- the place field -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "name", "how"),
    [
        ("Aalne", "Aalen", PlaceHow.TYPO),
        ("Gmünd", "Schwäbisch Gmünd", PlaceHow.PARTIAL),
        ("Gmuend", "Schwäbisch Gmünd", PlaceHow.PARTIAL),
        ("Heidenheim", "Heidenheim an der Brenz", PlaceHow.EXACT),
        ("Heidenhiem", "Heidenheim an der Brenz", PlaceHow.TYPO),
        ("Ellwangen", "Ellwangen (Jagst)", PlaceHow.EXACT),
        ("Oberkochn", "Oberkochen", PlaceHow.TYPO),
    ],
)
def test_the_place_field_forgives_typos_and_short_names(catalogue, typed, name, how):
    found = place_find(typed)
    assert (found.municipality.name, found.how) == (name, how)


def test_an_unknown_place_offers_close_names(client, catalogue):
    page = client.get("/kurse/?ort=Aale")
    html = page.content.decode()
    assert page.context["filter"].place is None
    assert "Meinten Sie Aalen?" in html
    assert '<a class="kern-link" href="?ort=Aalen">Aalen</a>' in html
    nothing = client.get("/kurse/?ort=Atlantis").content.decode()
    assert "Diesen Ort kennen wir nicht." in nothing


def test_a_forgiven_place_says_which_place_it_took(client, catalogue):
    page = client.get("/kurse/?q=Staplerschein&ort=Aalne")
    assert titles(page) == ["Staplerschein für Gabelstapler"]
    assert "Ort „Aalne“: wir zeigen Kurse in Aalen." in page.content.decode()


# --- hostile and generated input -------------------------------------------------------

FILTER_WORDS = [
    *("Aalen", "aalne", "73430", "in", "Heidenheim", "Gmünd", "kostenlos", "online", "ESF"),
    *("Aufstiegs-BAföG", "abends", "Teilzeit", "Vollzeit", "Anfänger", "am", "Wochenende"),
    *('"', "-", "&", "|", "!", "(", ")", ":*", "<->", "\x00", "Essen", "bei"),
]
texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(FILTER_WORDS) | st.text(max_size=12), max_size=30).map(" ".join),
    st.just("online " * 1500),
    st.just("x" * 10_000),
)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=texts)
def test_understanding_never_gives_a_value_the_filter_refuses(catalogue, text):
    params = QueryDict(mutable=True)
    params["q"] = text
    canonical, found = understanding_apply(params)
    if not found.understood:
        return
    assert "\x00" not in text
    assert len(text) <= 200
    filterset = CatalogueFilter(canonical)
    assert filterset.validate(), filterset.form.errors
    # Understanding the remaining words again finds nothing more: no redirect loop.
    _again, more = understanding_apply(canonical)
    assert more.understood == ()


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=texts)
def test_generated_texts_at_the_catalogue_never_fail(client, catalogue, text):
    response = client.get("/kurse/", {"q": text})
    assert response.status_code in {200, 302, 400}
    if response.status_code == 302:
        assert client.get(response["Location"]).status_code == 200
    assert client.get("/kurse/api/angebote/", {"q": text}).status_code in {200, 400}
