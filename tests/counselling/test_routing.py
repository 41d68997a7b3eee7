"""Routing rules: district, situation and language decide; the topic's kind and the
priority break ties; with no fitting service the network office routes by hand."""

import pytest

from counselling.services import request_route
from tests.factories import CounsellingServiceFactory, InstitutionFactory

pytestmark = pytest.mark.django_db


def route(**kwargs):
    params = {
        "district": "ostalbkreis",
        "situation": "employed",
        "language": "de",
        "topic": "continuing_education",
    } | kwargs
    return request_route(**params)


def test_district_situation_and_language_decide(service, other_service):
    assert route().service == service
    assert route(district="heidenheim").service == other_service
    assert route().rule == "exact"


def test_language_is_preferred_within_the_district(service):
    arabic = CounsellingServiceFactory(districts=["ostalbkreis"], languages=["de", "ar"])
    assert route(language="ar").service == arabic
    assert route(language="tr").service == service


def test_a_missing_language_falls_back_to_the_district(service, other_service):
    result = route(language="ar")
    assert (result.service, result.rule) == (service, "any_language")


def test_a_district_without_service_falls_back_to_the_situation(service):
    result = route(district="heidenheim")
    assert (result.service, result.rule) == (service, "any_district")


def test_situation_must_fit(service):
    company = CounsellingServiceFactory(
        kind="company", situations=["company"], districts=["heidenheim"]
    )
    assert route(situation="company").service == company


def test_topic_kind_breaks_the_tie_before_priority(service):
    recognition = CounsellingServiceFactory(kind="recognition", priority=500)
    assert route(topic="recognition").service == recognition
    assert route(topic="continuing_education").service == service


def test_priority_breaks_remaining_ties(service):
    first = CounsellingServiceFactory(priority=10)
    assert route().service == first


def test_inactive_services_and_institutions_are_skipped(service):
    service.is_active = False
    service.save()
    CounsellingServiceFactory(institution=InstitutionFactory(is_active=False))
    assert route().service is None
    assert route().rule == "none"
