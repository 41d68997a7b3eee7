"""The public members directory and the institution pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from network.models import District, InstitutionKind
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory_data(db):
    return {
        "vhs": InstitutionFactory(name="Volkshochschule Aalen", slug="vhs-aalen"),
        "agentur": InstitutionFactory(
            name="Agentur für Arbeit Aalen",
            slug="agentur-aalen",
            kind=InstitutionKind.EMPLOYMENT_AGENCY,
        ),
        "dhbw": InstitutionFactory(
            name="DHBW Heidenheim",
            slug="dhbw-heidenheim",
            kind=InstitutionKind.UNIVERSITY,
            district=District.HEIDENHEIM,
            city="Heidenheim an der Brenz",
        ),
        "company": InstitutionFactory(
            name="Muster Maschinenbau GmbH",
            slug="muster-maschinenbau",
            kind=InstitutionKind.COMPANY,
            is_network_member=False,
        ),
        "gone": InstitutionFactory(name="Ehemaliger Träger", slug="ehemalig", is_active=False),
    }


def names(response) -> list[str]:
    return [i.name for i in response.context["page"].object_list]


def test_directory_lists_active_members_only(client, directory_data):
    response = client.get("/mitglieder/")
    assert response.status_code == 200
    assert names(response) == [
        "Agentur für Arbeit Aalen",
        "DHBW Heidenheim",
        "Volkshochschule Aalen",
    ]
    content = response.content.decode()
    assert "Muster Maschinenbau" not in content
    assert "Ehemaliger Träger" not in content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?kind=university", ["DHBW Heidenheim"]),
        ("?district=ostalbkreis", ["Agentur für Arbeit Aalen", "Volkshochschule Aalen"]),
        ("?district=heidenheim&kind=university", ["DHBW Heidenheim"]),
        ("?district=heidenheim&kind=employment_agency", []),
        ("?q=aalen", ["Agentur für Arbeit Aalen", "Volkshochschule Aalen"]),
        ("?q=Brenz", ["DHBW Heidenheim"]),
    ],
)
def test_directory_filters(client, directory_data, query, expected):
    response = client.get("/mitglieder/" + query)
    assert response.status_code == 200
    assert names(response) == expected


def test_empty_result_says_so(client, directory_data):
    response = client.get("/mitglieder/?q=gibtesnicht")
    assert response.status_code == 200
    assert names(response) == []
    assert "Keine" in response.content.decode() or "keine" in response.content.decode()


def test_unknown_filter_value_is_explained_not_a_500(client, directory_data):
    response = client.get("/mitglieder/?kind=raumstation&district=mars")
    assert response.status_code == 200
    assert response.context["filter"].errors.keys() == {"kind", "district"}
    assert 'aria-invalid="true"' in response.content.decode()
    # The invalid filters are ignored rather than emptying the list.
    assert len(names(response)) == 3


@pytest.mark.parametrize(
    "query",
    [
        "?q=" + "a" * 10_000,
        "?q=%00",
        "?q=%ZZ%",
        "?seite=-1",
        "?seite=99999999999999999999",
        "?seite=abc",
        "?kind[]=university",
        "?q=' OR 1=1 --",
        "?q=%E2%80%AE&kind=&district=",
        "?district=heidenheim&district=ostalbkreis",
    ],
)
def test_garbage_query_strings_never_break_the_page(client, directory_data, query):
    response = client.get("/mitglieder/" + query)
    assert response.status_code in {200, 400}


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.dictionaries(
        st.sampled_from(["q", "kind", "district", "seite", "x"]),
        st.text(max_size=300),
        max_size=4,
    )
)
def test_generated_query_strings_never_give_a_500(client, directory_data, params):
    response = client.get("/mitglieder/", params)
    assert response.status_code in {200, 400}


def test_directory_query_count_does_not_grow_with_results(client, db):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/mitglieder/").status_code == 200
        return len(queries)

    InstitutionFactory()
    one = count_queries()
    InstitutionFactory.create_batch(20)
    assert count_queries() == one


def test_htmx_request_gets_only_the_results(client, directory_data):
    response = client.get("/mitglieder/?kind=university", headers={"HX-Request": "true"})
    content = response.content.decode()
    assert "DHBW Heidenheim" in content
    assert "<html" not in content


def test_directory_paginates(client, db):
    InstitutionFactory.create_batch(30)
    first = client.get("/mitglieder/")
    second = client.get("/mitglieder/?seite=2")
    assert len(first.context["page"].object_list) == 24
    assert len(second.context["page"].object_list) == 6
    assert 'rel="next"' in first.content.decode()


def test_institution_page_shows_profile(client, directory_data):
    response = client.get("/mitglieder/dhbw-heidenheim/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "DHBW Heidenheim" in content
    assert "Hochschule" in content
    assert "Landkreis Heidenheim" in content


@pytest.mark.parametrize("slug", ["ehemalig", "muster-maschinenbau", "gibt-es-nicht"])
def test_inactive_non_member_and_unknown_institutions_are_404(client, directory_data, slug):
    assert client.get(f"/mitglieder/{slug}/").status_code == 404


def test_friendly_404_page(client, db):
    response = client.get("/diese-seite-gibt-es-nicht/")
    assert response.status_code == 404
    assert "Startseite" in response.content.decode()
