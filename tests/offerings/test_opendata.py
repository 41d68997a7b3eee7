"""Open data: the API's OpenAPI description, read by the official OpenAPI 3.1 schema and a
JSON Schema validator (jsonschema-rs), the API's answers checked against it by schemathesis
through the WSGI application, the data licence in every answer, and entity tags."""

import datetime
import json
from decimal import Decimal

import feedparser
import jsonschema_rs
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    positive_data_acceptance,
)
from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR

from offerings.models import FundingProgramme, OfferStatus, StartKind, TargetGroup
from offerings.places import PLACES_ATTRIBUTION
from offerings.search import offer_search_refresh
from tests.offerings.factories import OfferDateFactory, OfferFactory, VenueFactory

pytestmark = pytest.mark.django_db

SITE = "https://beweqo.test"
LICENCE_URL = "https://www.govdata.de/dl-de/by-2-0"
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"


@pytest.fixture
def offers(institution, other_institution):
    """Published courses of two providers, with and without venue, price or time of day,
    and a draft, which the API must not show."""
    venue = VenueFactory(institution=institution)
    excel = OfferFactory(
        institution=institution, title="Excel für Einsteiger", price=Decimal("120"), dates=[]
    )
    excel.funding_programmes.set(FundingProgramme.objects.all()[:1])
    excel.target_groups.set(TargetGroup.objects.all()[:2])
    OfferDateFactory(offer=excel, venue=venue, hours_total=40, time_of_day="evening")
    OfferDateFactory(offer=excel, start_kind=StartKind.ROLLING, start=None, end=None)
    OfferFactory(institution=other_institution, title="Bewerbungstraining", price=None)
    OfferFactory(institution=institution, title="Excel Entwurf", status=OfferStatus.DRAFT)
    return excel


def get_json(client, url: str, **headers):
    response = client.get(url, headers=headers)
    return response, (json.loads(response.content) if response.content else None)


# --- the description ---------------------------------------------------------------------


def test_description_is_valid_openapi_3_1(client, offers):
    response, description = get_json(client, reverse("offerings:api_openapi"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    assert response["Access-Control-Allow-Origin"] == "*"
    # The official schema of OpenAPI 3.1 documents, then each data schema in it as JSON
    # Schema 2020-12, which that schema leaves unchecked.
    errors = [error.message for error in OPENAPI_31_VALIDATOR.iter_errors(description)]
    assert errors == []
    for schema in description["components"]["schemas"].values():
        jsonschema_rs.meta.validate({"$schema": DRAFT_2020_12, **schema})
    assert description["info"]["license"] == {
        "name": "Datenlizenz Deutschland – Namensnennung – Version 2.0",
        "url": LICENCE_URL,
    }
    assert description["servers"] == [{"url": SITE}]


def test_description_names_every_parameter_the_api_accepts(client, offers):
    _response, description = get_json(client, reverse("offerings:api_openapi"))
    [operation] = description["paths"]["/kurse/api/angebote/"].values()
    parameters = {p["name"]: p for p in operation["parameters"]}

    # Each documented value is accepted, and the provider's slug (data, not code) is listed.
    assert offers.institution.slug in parameters["anbieter"]["schema"]["enum"]
    for name, parameter in parameters.items():
        schema = parameter["schema"]
        values = schema.get("enum") or schema.get("items", {}).get("enum") or []
        for value in values:
            response = client.get(reverse("offerings:api_offers"), {name: value})
            assert response.status_code == 200, (name, value, response.content[:300])


@pytest.fixture
def api_schema(offers):
    """The description as the running application serves it, through its WSGI entry point.
    The test's transaction must outlive each request, as Django's test client arranges it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(
            reverse("offerings:api_openapi"), get_wsgi_application()
        )
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def run_generated(api_schema, mode, *, excluded=(), examples: int = 25) -> set[int]:
    """Send generated queries to the running application and check every answer against
    the description (status, content type, headers, schema, no server error)."""
    operation = api_schema["/kurse/api/angebote/"]["GET"]
    seen = set()

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(mode))
    def check(case):
        # A place the catalogue does not know is refused (400), which no schema can say:
        # with "ort", a 400 is no fault as long as it matches the description.
        place = isinstance(case.query, dict) and case.query.get("ort")
        skip = [*excluded, positive_data_acceptance] if place else list(excluded)
        # The WSGI test client asks for gzip but does not unpack it, as an HTTP client would.
        response = case.call_and_validate(
            headers={"Accept-Encoding": "identity"}, excluded_checks=skip
        )
        seen.add(response.status_code)

    check()
    return seen


def test_api_answers_match_the_description(api_schema):
    """Queries that fit the description are answered with results that fit it."""
    assert 200 in run_generated(api_schema, GenerationMode.POSITIVE)


def test_api_answers_queries_outside_the_description_as_it_says(api_schema):
    """Queries that do not fit (wrong types, values out of range, unknown values) get a
    documented answer, never a server error. The API is lenient where the catalogue page is
    (a checkbox takes any value as "on"), so a 200 to such a query is no fault."""
    seen = run_generated(api_schema, GenerationMode.NEGATIVE, excluded=[negative_data_rejection])
    assert 400 in seen


# --- licence and entity tags --------------------------------------------------------------


def test_api_states_the_data_licence_and_the_geonames_credit(client, offers):
    response, data = get_json(client, reverse("offerings:api_offers"))

    assert response.status_code == 200
    assert f'<{LICENCE_URL}>; rel="license"' in response["Link"]
    assert f'<{SITE}/kurse/api/openapi.json>; rel="service-desc"' in response["Link"]
    licence = data["license"]
    assert licence["id"] == "dl-de/by-2-0"
    assert licence["url"] == LICENCE_URL
    assert licence["attribution"] == f"BeWeQO – Weiterbildungskatalog, {SITE}/daten/"
    [geonames] = licence["third_party"]
    assert geonames["attribution"] == PLACES_ATTRIBUTION
    assert "dates[].venue.latitude" in geonames["fields"]
    # The draft stays out; a price on request stays unknown, not free.
    titles = {r["title"]: r for r in data["results"]}
    assert set(titles) == {"Excel für Einsteiger", "Bewerbungstraining"}
    assert titles["Bewerbungstraining"]["price"] is None


def test_the_feed_states_the_licence(client, offers):
    feed = feedparser.parse(client.get(reverse("offerings:catalogue_feed")).content)

    assert "Datenlizenz Deutschland – Namensnennung – Version 2.0" in feed.feed.rights
    assert LICENCE_URL in feed.feed.rights
    assert "GeoNames" in feed.feed.rights


def test_an_unchanged_answer_is_not_sent_again(client, offers):
    url = reverse("offerings:api_offers") + "?sortierung=price"
    first, data = get_json(client, url)
    etag = first["ETag"]
    assert etag.startswith('W/"')

    again, body = get_json(client, url, if_none_match=etag)
    assert again.status_code == 304
    assert body is None
    assert again["ETag"] == etag
    assert again["Cache-Control"] == "public, max-age=300"
    assert LICENCE_URL in again["Link"]

    # Another search is another answer; a changed course changes the tag.
    assert client.get(url + "&kostenlos=true", headers={"if_none_match": etag}).status_code == 200
    offers.title = "Excel für Fortgeschrittene"
    offers.save()
    offer_search_refresh([offers])
    changed, data = get_json(client, url, if_none_match=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Excel für Fortgeschrittene" in {r["title"] for r in data["results"]}


def test_the_tag_survives_compression(client, offers):
    """GZip makes a strong tag weak; the client sends back what it got and gets a 304."""
    url = reverse("offerings:api_offers")
    compressed = client.get(url, headers={"accept_encoding": "gzip"})
    assert compressed["Content-Encoding"] == "gzip"

    answer = client.get(
        url, headers={"accept_encoding": "gzip", "if_none_match": compressed["ETag"]}
    )
    assert answer.status_code == 304


def test_the_description_has_a_tag_too(client, offers):
    url = reverse("offerings:api_openapi")
    etag = client.get(url)["ETag"]

    assert client.get(url, headers={"if_none_match": etag}).status_code == 304


def test_generated_at_alone_does_not_change_the_tag(client, offers, monkeypatch):
    url = reverse("offerings:api_offers")
    first, data = get_json(client, url)
    later = timezone.now() + datetime.timedelta(hours=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    second, data_later = get_json(client, url)

    assert data_later["generated_at"] != data["generated_at"]
    assert second["ETag"] == first["ETag"]
