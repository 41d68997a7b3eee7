"""German full-text search across the minutes a person may read."""

import pytest
from django.db import connection

from tests.factories import MinutesFactory
from workgroups.selectors import minutes_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(group, other_group, steering_body):
    return {
        "own": MinutesFactory(
            meeting__group=group,
            meeting__title="Qualifizierungsverbund Metall",
            text="Die Betriebe wünschen sich gemeinsame Schulungen zur Schweißtechnik.",
            decisions=["Der Verbundmanager lädt zu einem Bedarfsworkshop ein."],
        ),
        "other": MinutesFactory(
            meeting__group=other_group,
            text="Bildungszeit: Beschäftigte wünschen mehr Schulungen am Abend.",
        ),
        "steering": MinutesFactory(
            meeting__group=steering_body, text="Haushalt und Schulungen im Steuerkreis."
        ),
        "draft": MinutesFactory(
            meeting__group=group, status="draft", text="Geheime Schulungen im Entwurf."
        ),
    }


def titles(client, query: str) -> str:
    return client.get("/arbeitsgruppen/suche/", {"q": query}).content.decode()


def found(roles_user, query):
    from portal.roles import user_roles

    return {m.pk for m in minutes_search(roles=user_roles(roles_user), text=query)}


def test_a_member_finds_only_published_minutes_of_their_group(corpus, group_member):
    assert found(group_member, "Schulungen") == {corpus["own"].pk}


def test_the_steering_circle_and_the_office_find_all_published(
    corpus, steering_member, network_office
):
    published = {corpus["own"].pk, corpus["other"].pk, corpus["steering"].pk}
    assert found(steering_member, "Schulungen") == published
    assert found(network_office, "Schulungen") == published


def test_decisions_are_searched_too(corpus, group_member):
    assert found(group_member, "Bedarfsworkshop") == {corpus["own"].pk}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="German stemming needs PostgreSQL")
def test_german_word_forms_match(corpus, group_member, client_for):
    # "Schulung" (singular) finds "Schulungen"; "Betrieb" finds "Betriebe".
    assert found(group_member, "Schulung") == {corpus["own"].pk}
    assert found(group_member, "Betrieb -Haushalt") == {corpus["own"].pk}
    page = titles(client_for(group_member), "Schweißtechnik")
    assert "<mark>Schweißtechnik</mark>" in page
    assert "1 Protokoll gefunden." in page


def test_the_page_escapes_what_it_shows(group, group_member, client_for):
    MinutesFactory(meeting__group=group, text="Schulungsplan <script>alert(1)</script>")
    page = titles(client_for(group_member), "Schulungsplan")
    assert "<script>alert(1)" not in page


def test_empty_and_hostile_queries(corpus, group_member, client_for):
    client = client_for(group_member)
    assert client.get("/arbeitsgruppen/suche/").status_code == 200
    assert found(group_member, "   ") == set()
    for query in ['"', "-", "!!!", "a & | ! :*", "x" * 500]:
        assert client.get("/arbeitsgruppen/suche/", {"q": query}).status_code == 200
    # A NUL is refused at the door (common.middleware, tests/common/test_bad_text.py).
    assert client.get("/arbeitsgruppen/suche/", {"q": "\x00Schulung"}).status_code == 400
