"""The relevance benchmark's data files (bench/relevance/) and its measures: the catalogue and
the judgments fit together, and the figures it prints are computed right. Runs no search."""

import importlib
import importlib.util
import sys
from pathlib import Path

import pytest

from network.models import District, InstitutionKind
from offerings.models import CertificateKind, Language, Level

BENCH = Path(__file__).resolve().parents[2] / "bench" / "relevance.py"


def _relevance_module():
    """bench/relevance.py is a script, not a package module: load it from its file."""
    spec = importlib.util.spec_from_file_location("bench_relevance", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


relevance = _relevance_module()
CATALOGUE = relevance.catalogue_read()
QUERIES = relevance.queries_read()
OFFERS = {offer["key"]: offer for offer in CATALOGUE["offer"]}
SEEDS = importlib.import_module("offerings.migrations.0002_seed_taxonomies")


def test_the_data_files_fit_together():
    """Every judged offer exists, every query has a known category, no key is used twice."""
    assert relevance.data_problems(CATALOGUE, QUERIES) == []


def test_the_catalogue_and_the_queries_are_large_enough_to_measure():
    assert 250 <= len(CATALOGUE["offer"]) <= 400
    assert len(QUERIES) >= 80
    for category in relevance.CATEGORIES:
        assert sum(category in q.categories for q in QUERIES) >= 2, category
    assert sum(not q.answerable for q in QUERIES) >= 5


def test_the_catalogue_has_what_searches_filter_on():
    """Offers of every delivery form, free ones and ones without a price ("Preis auf
    Anfrage"), rolling and on-demand dates, and venues outside the two districts."""
    forms = {offer.get("form", "praesenz") for offer in OFFERS.values()}
    assert forms == set(relevance.DELIVERY_FORMS)
    prices = [offer.get("price") for offer in OFFERS.values()]
    assert prices.count(0) >= 20
    assert prices.count(None) >= 10
    kinds = {date.get("kind", "fixed") for o in OFFERS.values() for date in o["dates"]}
    assert kinds == set(relevance.START_KINDS)
    towns = {venue.get("place", venue["city"]) for venue in CATALOGUE["venue"]}
    assert {"Ulm", "Nördlingen", "Schwäbisch Hall", "Crailsheim", "Göppingen"} <= towns


def test_taxonomy_slugs_are_those_the_migration_seeds():
    slugs = {
        "topics": {row[0] for row in SEEDS.TOPICS},
        "targets": {row[0] for row in SEEDS.TARGET_GROUPS},
        "funding": {row[0] for row in SEEDS.FUNDING_PROGRAMMES},
    }
    forms = {row[0] for row in SEEDS.DELIVERY_FORMS}
    for key, offer in OFFERS.items():
        for field, known in slugs.items():
            assert set(offer.get(field, [])) <= known, (key, field)
        assert offer.get("form", "praesenz") in forms, key


def test_choices_are_values_of_the_models():
    for key, offer in OFFERS.items():
        assert offer.get("level", "none") in Level.values, key
        assert offer.get("certificate", "attendance") in CertificateKind.values, key
        assert offer.get("language", "de") in Language.values, key
    for provider in CATALOGUE["provider"]:
        assert provider["kind"] in InstitutionKind.values, provider["key"]
        assert provider["district"] in District.values, provider["key"]


def _dates_at(offer, time_of_day):
    return any(relevance.date_schedule(d, offer)[1] == time_of_day for d in offer["dates"])


# The queries that name a filter: their exact answers are every offer with that property,
# so an offer added to the catalogue cannot be forgotten in their judgments.
FILTER_QUERIES = {
    "Bildungsgutschein": lambda o: "bildungsgutschein" in o.get("funding", []),
    "Aufstiegs-BAföG": lambda o: "aufstiegs-bafoeg" in o.get("funding", []),
    "Bildungszeit": lambda o: "bildungszeit-bw" in o.get("funding", []),
    "ESF Fachkurs": lambda o: "esf-fachkurse-bw" in o.get("funding", []),
    "kostenlos": lambda o: o.get("price") == 0,
    "gratis": lambda o: o.get("price") == 0,
    "online": lambda o: o.get("form") in ("online-live", "selbstlernkurs", "fernunterricht"),
    "abends": lambda o: _dates_at(o, "evening"),
    "Wochenende": lambda o: _dates_at(o, "weekend"),
}


@pytest.mark.parametrize("text", FILTER_QUERIES)
def test_a_filter_word_is_answered_exactly_by_every_offer_with_that_property(text):
    query = next(q for q in QUERIES if q.text == text)
    exact = {key for key, grade in query.relevant.items() if grade == 2}
    assert exact == {key for key, offer in OFFERS.items() if FILTER_QUERIES[text](offer)}


def test_data_problems_names_what_is_wrong():
    catalogue = {
        "provider": [{"key": "p", "name": "P"}],
        "venue": [{"key": "v", "provider": "elsewhere", "city": "Aalen"}],
        "offer": [
            {"key": "a", "provider": "p", "title": "A", "summary": "S", "keywords": "k",
             "topics": ["t"], "dates": [{"start": 3, "venue": "v"}]},
            {"key": "a", "provider": "p", "title": "B", "summary": "S", "keywords": "k",
             "topics": ["t"], "dates": [{"kind": "rolling"}], "colour": "blue"},
        ],
    }  # fmt: skip
    queries = [
        relevance.Query(text="Excel", categories=(), relevant={"missing": 2}),
        relevance.Query(text="excel", categories=("spelling",), relevant={"a": 3}),
        relevance.Query(text="Yoga", categories=("nothing",), relevant={"a": 1}),
    ]
    problems = "\n".join(relevance.data_problems(catalogue, queries))
    for expected in [
        "offer key twice: a",
        "venue v: unknown provider elsewhere",
        "venue v is not one of the provider's",
        "unknown field colour",
        "query twice: excel",
        "query 'Excel': no category",
        "query 'Excel': unknown offer missing",
        "unknown category spelling",
        "grade 3 of a is not 1 or 2",
        "query 'Yoga': 'nothing' if and only if no relevant offers",
    ]:
        assert expected in problems


def test_precision_counts_empty_places_as_not_relevant():
    assert relevance.precision_at([2, 0, 1], 5) == pytest.approx(0.4)
    assert relevance.precision_at([], 5) == 0


def test_ndcg_is_one_for_the_best_order_and_less_for_any_other():
    judged = [2, 1, 1]
    assert relevance.ndcg_at([2, 1, 1], judged, 10) == pytest.approx(1.0)
    # DCG of [1, 2] = 1/log2(2) + 3/log2(3); ideal [2, 1, 1] = 3 + 1/log2(3) + 1/log2(4)
    expected = (1 + 3 / 1.584962500721156) / (3 + 1 / 1.584962500721156 + 0.5)
    assert relevance.ndcg_at([1, 2], judged, 10) == pytest.approx(expected)
    assert relevance.ndcg_at([0, 0], judged, 10) == 0


def test_figures_keep_queries_with_and_without_relevant_offers_apart():
    queries = [
        relevance.Query(text="Excel", categories=("plain",), relevant={"x": 2, "y": 1}),
        relevance.Query(text="Pflege", categories=("plain",), relevant={"z": 2}),
        relevance.Query(text="Yoga", categories=("nothing",), relevant={}),
        relevance.Query(text="Tauchkurs", categories=("nothing",), relevant={}),
    ]
    outcomes = [
        relevance.Outcome(total=2, keys=["y", "x"]),
        relevance.Outcome(total=0, keys=[]),
        relevance.Outcome(total=0, keys=[]),
        relevance.Outcome(total=1, keys=["x"]),
    ]
    figures = relevance.figures(queries, outcomes)
    assert figures.answerable == 2
    assert figures.first_hit == pytest.approx(0.5)
    assert figures.precision == pytest.approx((2 / 5 + 0) / 2)
    assert figures.zero_answerable == pytest.approx(0.5)
    assert figures.zero_unanswerable == pytest.approx(0.5)
