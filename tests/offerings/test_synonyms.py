"""The network office's thesaurus (offerings.synonyms): a word also finds its synonyms,
ranked below the word itself; the office edits it in the admin, and an edit applies to the
next search."""

import importlib

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.exceptions import ValidationError
from django.http import QueryDict

from offerings.models import SynonymGroup, SynonymKind
from offerings.search import parse, vocabulary_lookup
from offerings.selectors import catalogue_search
from offerings.synonyms import synonyms_for
from tests.conftest import requires_postgres
from tests.offerings.factories import OfferFactory

pytestmark = pytest.mark.django_db

# On SQLite a word also finds the longer words it is part of ("Stapler" in "Gabelstapler",
# "Meister" in "Industriemeister"; offerings/README.md), as itself rather than as a synonym:
# these tests of what only a synonym finds, and of its rank, need PostgreSQL's stemming.
SUBSTRINGS = requires_postgres
SEEDED = importlib.import_module("offerings.migrations.0016_search_synonyms").SYNONYMS


def titles(text: str) -> list[str]:
    params = QueryDict(mutable=True)
    params["q"] = text
    return [offer.title for offer in catalogue_search(params).page.object_list]


@pytest.fixture
def thesaurus(db):
    """The groups of these tests only (the seeded ones are set aside in the transaction)."""
    SynonymGroup.objects.all().delete()
    return {
        "forklift": SynonymGroup.objects.create(
            terms="Stapler, Gabelstapler, Flurförderzeug, forklift"
        ),
        "ai": SynonymGroup.objects.create(terms="KI, Künstliche Intelligenz"),
        "master": SynonymGroup.objects.create(
            terms="Meister, Industriemeister", kind=SynonymKind.NARROWER
        ),
    }


@pytest.fixture
def courses(thesaurus):
    return {
        "stapler": OfferFactory(title="Stapler fahren", summary="Ein Tag auf dem Hof."),
        "gabel": OfferFactory(title="Gabelstapler-Schein", summary="Zwei Tage Praxis."),
        "flur": OfferFactory(title="Lagerlogistik", summary="Mit Flurförderzeug-Schein."),
        "ai": OfferFactory(title="Künstliche Intelligenz im Büro", summary="Texte und Bilder."),
        "master": OfferFactory(title="Meister im Handwerk", summary="Der Weg zur Prüfung."),
        "industry": OfferFactory(title="Industriemeister Metall", summary="Berufsbegleitend."),
        "other": OfferFactory(title="Excel für Einsteiger", summary="Tabellen."),
    }


@SUBSTRINGS
def test_a_word_finds_the_courses_of_its_synonyms_its_own_first(courses):
    found = titles("Stapler")
    assert found[0] == "Stapler fahren"
    assert set(found) == {"Stapler fahren", "Gabelstapler-Schein", "Lagerlogistik"}


@SUBSTRINGS
def test_the_word_typed_ranks_above_a_synonym_in_the_same_place(courses):
    """Both titles name the thing; the one in the visitor's words comes first, whichever
    of the group's words is typed."""
    assert titles("Gabelstapler")[:2] == ["Gabelstapler-Schein", "Stapler fahren"]
    assert titles("Stapler")[:2] == ["Stapler fahren", "Gabelstapler-Schein"]


def test_spelled_out_umlauts_find_the_group(courses):
    assert set(titles("Flurfoerderzeug")) == set(titles("Flurförderzeug"))


def test_an_acronym_finds_the_phrase_it_stands_for(courses):
    assert titles("KI") == ["Künstliche Intelligenz im Büro"]


@SUBSTRINGS
def test_a_narrower_group_leads_from_the_broader_word_only(courses):
    assert set(titles("Meister")) == {"Meister im Handwerk", "Industriemeister Metall"}
    assert titles("Meister")[0] == "Meister im Handwerk"
    assert titles("Industriemeister") == ["Industriemeister Metall"]


def test_a_word_of_the_thesaurus_is_not_taken_for_a_typo(courses):
    """No course says "forklift": it is a synonym, not a misspelt "Stapler"."""
    assert vocabulary_lookup(parse("forklift")).fixes == []
    assert set(titles("forklift")) == {"Stapler fahren", "Gabelstapler-Schein", "Lagerlogistik"}


def test_synonyms_count_as_the_word_in_partial_matches(courses):
    """No course has "Stapler" and "Praxis"; the one with "Praxis" and a synonym of
    "Stapler" has the most words."""
    params = QueryDict("q=Stapler+Praxis")
    result = catalogue_search(params)
    assert result.page.object_list[0].title == "Gabelstapler-Schein"


@SUBSTRINGS
def test_inactive_groups_do_not_apply(courses, thesaurus):
    thesaurus["forklift"].is_active = False
    thesaurus["forklift"].save()
    assert titles("Stapler") == ["Stapler fahren"]


def test_synonyms_for_gives_each_term_the_others_of_its_groups(thesaurus):
    assert synonyms_for(["stapler", "excel"]) == {
        "stapler": ("Gabelstapler", "Flurförderzeug", "forklift")
    }
    assert synonyms_for(["industriemeister"]) == {}


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ("", "mindestens zwei"),
        ("Stapler", "mindestens zwei"),
        ("Excel, excel, EXCEL", "mindestens zwei"),
        ("Excel, " + "x" * 61, "zu lang"),
        ("Excel, --", "kein suchbares Wort"),
        ("Gabelstapler, Hubwagen", "steht schon in der Gruppe"),
    ],
)
def test_the_admin_rejects_groups_that_cannot_work(thesaurus, terms, message):
    with pytest.raises(ValidationError) as raised:
        SynonymGroup(terms=terms).full_clean()
    assert message in str(raised.value)


def test_one_way_groups_may_share_words(thesaurus):
    SynonymGroup(terms="Stapler, Teleskopstapler", kind=SynonymKind.NARROWER).full_clean()


def test_terms_are_tidied_on_save_checks(thesaurus):
    group = SynonymGroup(terms="Excel ;\n  Tabellen   kalkulation,excel")
    group.full_clean()
    assert group.terms == "Excel, Tabellen kalkulation"


def test_the_seeded_thesaurus_is_valid_and_large_enough():
    groups = SynonymGroup.objects.filter(terms__in=[terms for _k, terms, _n in SEEDED])
    assert groups.count() == len(SEEDED) >= 40
    for group in groups:
        group.full_clean()


@SUBSTRINGS
def test_the_seeded_thesaurus_helps_the_issues_searches():
    """Issue 16: "Deutschkurs" misses "Berufssprachkurs Deutsch B2"; "Meister" put a
    leadership seminar first."""
    OfferFactory(title="Berufssprachkurs Deutsch B2", keywords="Deutsch, B2, Beruf")
    OfferFactory(title="Deutschkurs A1", keywords="Deutsch, A1")
    OfferFactory(title="Führen als Meister", keywords="Führung, Meister")
    OfferFactory(
        title="Meisterkurs Elektrotechnik",
        summary="Vorbereitung auf die Meisterprüfung.",
        keywords="Meister, Meisterkurs, Meisterprüfung, Elektromeister",
    )
    assert set(titles("Deutschkurs")) == {"Berufssprachkurs Deutsch B2", "Deutschkurs A1"}
    assert titles("Deutschkurs")[0] == "Deutschkurs A1"
    assert titles("Meister")[0] == "Meisterkurs Elektrotechnik"


# --- the admin ----------------------------------------------------------------------------


@pytest.fixture
def office_client(client_for, network_office):
    TOTP.activate(network_office, generate_totp_secret())
    return client_for(network_office)


ADMIN = "/verwaltung/offerings/synonymgroup/"


def test_the_office_edits_a_group_and_the_next_search_uses_it(courses, thesaurus, office_client):
    OfferFactory(title="Hubwagen-Führerschein", summary="Elektrische Hubwagen sicher fahren.")
    assert "Hubwagen-Führerschein" not in titles("Stapler")
    visitor = office_client  # any client sees the catalogue; the office's is at hand
    assert "Hubwagen-Führerschein" not in visitor.get("/kurse/?q=Stapler").content.decode()

    group = thesaurus["forklift"]
    response = office_client.post(
        f"{ADMIN}{group.pk}/change/",
        {"terms": f"{group.terms}, Hubwagen", "kind": "equivalent", "note": "", "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    assert "Hubwagen-Führerschein" in visitor.get("/kurse/?q=Stapler").content.decode()


def test_the_admin_says_what_is_wrong_in_german(thesaurus, office_client):
    response = office_client.post(
        f"{ADMIN}add/", {"terms": "Gabelstapler, Hubwagen", "kind": "equivalent", "is_active": "on"}
    )
    assert response.status_code == 200
    assert "„Gabelstapler“ steht schon in der Gruppe" in response.content.decode()
    assert SynonymGroup.objects.count() == len(thesaurus)


@pytest.mark.parametrize("path", [ADMIN, f"{ADMIN}add/", f"{ADMIN}?q=Stapler&kind=narrower"])
def test_the_office_opens_the_thesaurus(thesaurus, office_client, path):
    assert office_client.get(path).status_code == 200


@pytest.mark.parametrize("role_fixture", ["owner", "member", "outsider"])
def test_provider_staff_do_not_reach_the_thesaurus(request, client_for, role_fixture, thesaurus):
    client = client_for(request.getfixturevalue(role_fixture))
    response = client.post(f"{ADMIN}add/", {"terms": "Yoga, Pilates", "kind": "equivalent"})
    assert response.status_code == 302
    assert "/verwaltung/login/" in response.url
    assert not SynonymGroup.objects.filter(terms__contains="Yoga").exists()


@SUBSTRINGS
def test_a_card_says_when_a_course_was_found_through_a_synonym(courses, client):
    page = client.get("/kurse/", {"q": "Stapler"}).content.decode()
    cards = {
        title: page[page.index(title) : page.index("</article>", page.index(title))]
        for title in ("Stapler fahren", "Gabelstapler-Schein", "Lagerlogistik")
    }
    note = "Gefunden über einen verwandten Begriff zu „Stapler“"
    assert note not in cards["Stapler fahren"]
    assert note in cards["Gabelstapler-Schein"]
    assert note in cards["Lagerlogistik"]
