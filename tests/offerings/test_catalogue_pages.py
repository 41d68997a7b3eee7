"""What a visitor sees on the catalogue page and on a course page."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains

from offerings.models import DeliveryForm, FundingProgramme, StartKind, TimeOfDay
from tests.offerings.factories import OfferDateFactory, OfferFactory, VenueFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
CATALOGUE = reverse("offerings:catalogue")


@pytest.fixture
def gutschein():
    return FundingProgramme.objects.get(slug="bildungsgutschein")


def test_each_filter_option_shows_how_many_courses_it_would_give(client, gutschein):
    funded = OfferFactory(title="Schweißen Grundkurs", price=Decimal("900"))
    funded.funding_programmes.add(gutschein)
    OfferFactory(title="Excel für Einsteiger", price=Decimal("0"))

    response = client.get(CATALOGUE)

    assertInHTML(
        '<input type="checkbox" class="kern-form-check__checkbox" name="foerderung"'
        ' value="bildungsgutschein" id="id_foerderung_bildungsgutschein">',
        response.content.decode(),
    )
    assertInHTML(
        '<label class="kern-label" for="id_foerderung_bildungsgutschein">Bildungsgutschein'
        ' <span class="facet-count" id="n-foerderung-bildungsgutschein">(1)</span></label>',
        response.content.decode(),
    )
    # An option nobody offers stays visible, marked as giving nothing.
    assertInHTML(
        '<span class="facet-count facet-count--zero" id="n-foerderung-aufstiegs-bafoeg">(0)</span>',
        response.content.decode(),
    )
    assertInHTML(
        '<span class="facet-count" id="n-kostenlos-on">(1)</span>', response.content.decode()
    )


def test_facet_counts_follow_the_other_active_filters(client, gutschein):
    funded = OfferFactory(title="Schweißen Grundkurs", price=Decimal("900"))
    funded.funding_programmes.add(gutschein)
    OfferFactory(title="Excel für Einsteiger", price=Decimal("0"))

    response = client.get(CATALOGUE, {"kostenlos": "on"})

    assertInHTML(
        '<span class="facet-count facet-count--zero" id="n-foerderung-bildungsgutschein">'
        "(0)</span>",
        response.content.decode(),
    )
    assertContains(response, 'name="kostenlos" value="on" id="id_kostenlos" checked')


def test_no_results_offers_a_spelling_suggestion_and_says_which_filter_to_drop(client):
    OfferFactory(title="Excel für Einsteiger", price=Decimal("250"))

    response = client.get(CATALOGUE, {"q": "Exel", "kostenlos": "on"})

    assertContains(response, "Kein Kurs passt zu dieser Suche.")
    assertContains(response, "0 Kurse gefunden")
    # Each change that finds courses, with its count (tests/offerings/test_no_results.py).
    page = response.content.decode()
    assertInHTML(
        f'<a class="kern-link" href="{CATALOGUE}?q=excel">Meinten Sie „excel“? 1 Kurs</a>', page
    )
    without = "Ohne Filter „nur kostenlose Angebote“: 1 Kurs"
    assertInHTML(f'<a class="kern-link" href="{CATALOGUE}?q=Exel">{without}</a>', page)


def test_no_spelling_suggestion_when_no_word_resembles_the_search(client):
    OfferFactory(title="Excel für Einsteiger")

    response = client.get(CATALOGUE, {"q": "xyzxyz"})

    assertContains(response, "Kein Kurs passt zu dieser Suche.")
    assertNotContains(response, "Meinten Sie")


def test_partial_matches_say_which_words_were_not_found(client):
    OfferFactory(title="CNC-Fräsen Grundkurs")
    OfferFactory(title="CNC-Drehen")

    # "abends" kept as text (otherwise understood as the time of day, test_understanding.py).
    response = client.get(CATALOGUE, {"q": "cnc Fräsen abends", "als_text": "abends"})

    assertContains(response, "1 Kurs gefunden")
    assertContains(
        response, "Keine Kurse mit allen Suchwörtern. Kurse mit „cnc“ und „Fräsen“ (ohne „abends“):"
    )
    assertInHTML(
        '<p class="kern-body kern-body--small offer-card__missing">Nicht enthalten: „abends“</p>',
        response.content.decode(),
    )
    assertNotContains(response, "Kein Kurs passt zu dieser Suche.")


def test_partial_matches_with_different_words_are_marked_on_each_card(client):
    OfferFactory(title="Pflege zu Hause")
    OfferFactory(title="Lager in Teilzeit")
    OfferFactory(title="Büro in Teilzeit")

    response = client.get(CATALOGUE, {"q": "Teilzeit Pflege", "als_text": "Teilzeit"})

    assertContains(response, "3 Kurse gefunden")
    assertContains(
        response,
        "Keine Kurse mit allen Suchwörtern. Kurse mit einem Teil davon, die passendsten zuerst:",
    )
    content = response.content.decode()
    assert content.index("Pflege zu Hause") < content.index("Lager in Teilzeit")
    assertContains(response, "Nicht enthalten: „Teilzeit“", count=1)
    assertContains(response, "Nicht enthalten: „Pflege“", count=2)


def test_words_that_name_a_kind_of_course_are_named_as_missing(client):
    OfferFactory(title="Pflegehelfer Basiskurs", keywords="Pflege")
    OfferFactory(title="Lernen lernen – fit für die Weiterbildung")

    response = client.get(CATALOGUE, {"q": "Weiterbildung Pflege"})

    assertContains(
        response, "Keine Kurse mit allen Suchwörtern. Kurse mit „Pflege“ (ohne „Weiterbildung“):"
    )
    assertNotContains(response, "Lernen lernen")


def test_few_complete_matches_are_named_before_the_partial_ones(client):
    OfferFactory(title="Deutsch B2 im Beruf")
    OfferFactory(title="Deutsch B1")

    response = client.get(CATALOGUE, {"q": "Deutsch B2"})

    assertContains(
        response, "Nur 1 Kurs mit allen Suchwörtern, danach Kurse mit „Deutsch“ (ohne „B2“)."
    )


def test_complete_matches_need_no_note(client):
    for n in range(3):
        OfferFactory(title=f"Deutsch B2 Kurs {n}")
    OfferFactory(title="Deutsch B1")

    response = client.get(CATALOGUE, {"q": "Deutsch B2"})

    assertContains(response, "3 Kurse gefunden")
    assertNotContains(response, "Suchwörtern")
    assertNotContains(response, "Nicht enthalten")


def test_words_that_cannot_be_searched_are_named(client):
    OfferFactory(title="Excel für Einsteiger")

    response = client.get(CATALOGUE, {"q": "x"})

    assertContains(response, "„x“ ist zu kurz für die Suche und wurde nicht berücksichtigt.")
    response = client.get(CATALOGUE, {"q": "Excel für die Praxis C++"})
    assertContains(
        response, "„für“ und „die“ sind zu allgemein für die Suche und wurden nicht berücksichtigt."
    )
    assertContains(response, "„C++“ ist zu kurz für die Suche und wurde nicht berücksichtigt.")


def test_a_short_word_is_searched_not_dropped(client):
    OfferFactory(title="KI im Büro")
    OfferFactory(title="Kita-Leitung")

    response = client.get(CATALOGUE, {"q": "KI"})

    assertContains(response, "1 Kurs gefunden")
    assertContains(response, "KI im Büro")
    assertNotContains(response, "Kita-Leitung")


def test_a_wrong_value_shows_at_its_field(client):
    OfferFactory()

    response = client.get(CATALOGUE, {"preis_bis": "-5"})

    assertContains(response, "kern-form-input--error")
    assertContains(response, '<a class="kern-link" href="#id_preis_bis">')


def test_htmx_gets_the_results_and_the_new_count_for_the_live_region(client):
    OfferFactory(title="Excel für Einsteiger")

    response = client.get(CATALOGUE, {"q": "Excel"}, headers={"HX-Request": "true"})

    content = response.content.decode()
    assert "<html" not in content
    assertContains(response, 'data-hx-swap-oob="innerHTML:#result-count"')
    assertContains(response, "Excel für Einsteiger")


def test_course_page_warns_when_the_data_was_not_reviewed_for_seven_months(client):
    offer = OfferFactory(last_reviewed_on=TODAY - timedelta(days=213))

    response = client.get(offer.get_absolute_url())

    assertContains(response, "Diese Angaben sind älter als sechs Monate.")


def test_course_page_has_no_warning_when_the_data_is_fresh(client):
    offer = OfferFactory(last_reviewed_on=TODAY - timedelta(days=10))

    response = client.get(offer.get_absolute_url())

    reviewed = date_format(offer.last_reviewed_on, "j. F Y")
    assertContains(response, f"Zuletzt vom Anbieter geprüft am {reviewed}.")
    assertNotContains(response, "älter als sechs Monate")


def test_course_page_lists_only_the_dates_one_can_still_join(client):
    offer = OfferFactory(dates=[])
    OfferDateFactory(
        offer=offer,
        start=TODAY - timedelta(days=40),
        end=TODAY - timedelta(days=20),
        venue=VenueFactory(institution=offer.institution, name="Alter Saal"),
    )
    OfferDateFactory(
        offer=offer,
        start=TODAY + timedelta(days=14),
        venue=VenueFactory(institution=offer.institution, name="Neuer Saal"),
    )
    OfferDateFactory(
        offer=offer,
        start_kind=StartKind.ROLLING,
        start=None,
        end=None,
        venue=VenueFactory(institution=offer.institution, name="Lernwerkstatt"),
    )

    response = client.get(offer.get_absolute_url())

    assertContains(response, '<th scope="col" class="kern-table__header">Beginn</th>', html=True)
    assertContains(response, "Neuer Saal")
    assertContains(response, "Lernwerkstatt")
    assertContains(response, "laufender Einstieg")
    assertNotContains(response, "Alter Saal")


def test_course_description_is_shown_as_text_not_markup(client):
    offer = OfferFactory(description="Erste Zeile <script>alert(1)</script>\nZweite Zeile")

    response = client.get(offer.get_absolute_url())

    assertContains(response, "Erste Zeile &lt;script&gt;alert(1)&lt;/script&gt;<br>Zweite Zeile")
    assertNotContains(response, "<script>alert(1)")


def test_the_search_form_shown_from_memory_still_shows_this_search(client, django_db_blocker):
    """The form is kept per parameters and catalogue version: another search, or the same
    search after a change, must not show a remembered form of something else."""
    from tests.offerings.factories import OfferFactory

    OfferFactory(title="Excel kompakt", price=0)
    first = client.get("/kurse/?q=Excel").content.decode()
    assert 'value="Excel"' in first
    other = client.get("/kurse/?q=Word&preis_bis=-5").content.decode()
    assert 'value="Word"' in other
    assert 'value="Excel"' not in other
    assert 'id="id_preis_bis_error"' in other  # its own error
    assert 'id="n-kostenlos-on">(1)' in client.get("/kurse/?seite=2&q=Excel").content.decode()
    OfferFactory(title="Excel gratis", price=0)
    assert 'id="n-kostenlos-on">(2)' in client.get("/kurse/?q=Excel").content.decode()


# --- online courses beside a place, and wider radii ----------------------------------------


@pytest.fixture
def near_aalen(places):
    """A course in Aalen, one in Heidenheim (about 20 km away, the only one in the morning),
    and one online."""
    aalen = VenueFactory(municipality=places["aalen"])
    heidenheim = VenueFactory(
        municipality=places["heidenheim"], latitude=48.6766, longitude=10.1515
    )
    for title, venue, form in [
        ("Staplerschein Aalen", aalen, "praesenz"),
        ("Staplerschein Heidenheim", heidenheim, "praesenz"),
        ("Excel im virtuellen Klassenzimmer", None, "online-live"),
    ]:
        offer = OfferFactory(
            title=title, delivery_form=DeliveryForm.objects.get(slug=form), dates=[]
        )
        OfferDateFactory(
            offer=offer,
            venue=venue,
            start=TODAY + timedelta(days=6),
            time_of_day=TimeOfDay.MORNING if "Heidenheim" in title else TimeOfDay.EVENING,
        )


def card_titles(response) -> list[str]:
    return [offer.title for offer in response.context["result"].page.object_list]


def test_an_online_course_stays_beside_a_place_labelled_and_leaves_with_the_filter(
    client, near_aalen
):
    response = client.get(CATALOGUE, {"ort": "Aalen"})
    assert card_titles(response) == ["Excel im virtuellen Klassenzimmer", "Staplerschein Aalen"]
    html = response.content.decode()
    # Labelled on its card only.
    cards = [card.split("</article>")[0] for card in html.split('id="angebot-')[1:]]
    labelled = [card for card in cards if "Online – von überall" in card]
    assert len(cards) == 2
    assert len(labelled) == 1
    assert "Excel im virtuellen Klassenzimmer" in labelled[0]
    # The filter to leave it out, with what it would leave.
    assertInHTML(
        '<label class="kern-label" for="id_nur_vor_ort">nur Kurse vor Ort'
        ' <span class="facet-count" id="n-nur_vor_ort-on">(1)</span></label>',
        html,
    )

    response = client.get(CATALOGUE, {"ort": "Aalen", "nur_vor_ort": "on"})
    assert card_titles(response) == ["Staplerschein Aalen"]
    assertContains(response, 'id="id_nur_vor_ort" checked')
    # Its chip drops it and keeps the place.
    assertContains(response, 'href="?ort=Aalen"')


def wider_links(response) -> dict[str, str]:
    """The wider-radius offers on the page: link text → href."""
    hint = response.content.decode().split("search-hint--radius", 1)
    if len(hint) == 1:
        return {}
    hint_list = hint[1].split("</ul>")[0]
    links = re.findall(r'<a class="kern-link" href="([^"]+)">([^<]+)</a>', hint_list)
    return {text: href.replace("&amp;", "&") for href, text in links}


def test_few_results_offer_a_wider_radius_with_its_count_keeping_the_other_filters(
    client, near_aalen
):
    response = client.get(
        CATALOGUE, {"q": "Staplerschein", "ort": "Aalen", "nur_vor_ort": "on", "seite": "1"}
    )
    assert response.context["result"].total == 1
    links = wider_links(response)
    assert list(links) == ["im Umkreis von 25 km: 2 Kurse"]
    href = links["im Umkreis von 25 km: 2 Kurse"]
    assert QueryDict(href.lstrip("?")) == QueryDict(
        "q=Staplerschein&ort=Aalen&nur_vor_ort=on&umkreis=25"
    )
    followed = client.get(CATALOGUE + href)
    assert followed.context["result"].total == 2
    assert wider_links(followed) == {}


def test_no_result_near_a_place_offers_the_wider_radius_among_the_hints(client, near_aalen):
    response = client.get(CATALOGUE, {"ort": "Aalen", "tageszeit": "morning"})
    assertContains(response, "Kein Kurs passt zu dieser Suche.")
    assertContains(response, "In einem größeren Umkreis gibt es Kurse:")
    links = wider_links(response)
    assert list(links) == ["im Umkreis von 25 km: 1 Kurs"]
    assert QueryDict(links["im Umkreis von 25 km: 1 Kurs"].lstrip("?")) == QueryDict(
        "ort=Aalen&tageszeit=morning&umkreis=25"
    )


def test_odd_place_values_give_a_normal_page(client, near_aalen):
    for params in [
        {"ort": "Aalen", "nur_vor_ort": "vielleicht"},
        {"ort": "Aalen", "umkreis": "7"},
        {"ort": "Aalen", "umkreis": "-5", "nur_vor_ort": "on"},
        {"nur_vor_ort": "on"},
        {"ort": "\x00", "nur_vor_ort": "on"},
    ]:
        assert client.get(CATALOGUE, params).status_code in (200, 400)


def _back_link(html: str) -> str:
    return re.search(r'<a class="kern-link back-link" href="([^"]*)"', html).group(1)


def test_back_to_the_search_from_a_course_keeps_the_search(client, gutschein):
    offer = OfferFactory(title="Schweißen Grundkurs")
    offer.funding_programmes.add(gutschein)

    results = client.get(CATALOGUE, {"q": "Schweißen", "foerderung": "bildungsgutschein"})
    course_link = re.search(
        r'href="(' + re.escape(offer.get_absolute_url()) + r'\?zurueck=[^"]+)"', results.text
    ).group(1)
    page = client.get(course_link.replace("&amp;", "&"))

    back = QueryDict(_back_link(page.text).replace("&amp;", "&").split("?", 1)[1])
    assert back["q"] == "Schweißen"
    assert back.getlist("foerderung") == ["bildungsgutschein"]
    # Without a search to return to, the link leads to the catalogue as it was.
    assert _back_link(client.get(offer.get_absolute_url()).text) == CATALOGUE


@pytest.mark.parametrize(
    "zurueck",
    ["//evil.example/", "https://evil.example/kurse/", "weiter=https://evil.example", "x" * 3000],
)
def test_back_to_the_search_leads_nowhere_but_the_catalogue(client, zurueck):
    offer = OfferFactory()
    page = client.get(offer.get_absolute_url(), {"zurueck": zurueck})
    assert page.status_code == 200
    assert _back_link(page.text) == CATALOGUE


def test_back_to_the_search_drops_what_the_catalogue_does_not_know(client):
    offer = OfferFactory()
    page = client.get(offer.get_absolute_url(), {"zurueck": "q=Excel&next=//evil&ort="})
    assert _back_link(page.text) == CATALOGUE + "?q=Excel"


def test_htmx_updates_the_filter_buttons_count_and_the_apply_buttons_count(client, gutschein):
    funded = OfferFactory(title="Schweißen Grundkurs")
    funded.funding_programmes.add(gutschein)
    OfferFactory(title="Schweißen Aufbaukurs")

    page = client.get(CATALOGUE, {"q": "Schweißen"}).text
    assert re.search(r'id="filter-count">\s*</span>', page)
    assert re.search(r'id="filter-apply-label">\s*2 Kurse anzeigen\s*<', page)

    query = {"q": "Schweißen", "foerderung": "bildungsgutschein"}
    response = client.get(CATALOGUE, query, headers={"HX-Request": "true"}).text
    apply_label = r'data-hx-swap-oob="innerHTML:#filter-apply-label">\s*1 Kurs anzeigen'
    assert re.search(apply_label, response)
    assert re.search(r'data-hx-swap-oob="innerHTML:#filter-count">\s*\(1\)', response)
    # Without JavaScript the page itself says the same; the panel stays folded.
    page = client.get(CATALOGUE, query).text
    assert re.search(r'id="filter-count">\s*\(1\)', page)
    assert re.search(r'<details id="filter" class="filter-panel js-filter-panel">', page)
