"""The relevance benchmark's floors (issue 16), asserted on its own catalogue: the first hit
is relevant for at least 95 % of the judged queries, and no query for which relevant courses
exist finds nothing. Runs the benchmark's loader and searches in the test database; the
side-by-side comparison with the baseline stays in bench/relevance.py."""

import pytest
from django.utils import timezone

from tests.bench.test_relevance_data import CATALOGUE, QUERIES, relevance
from tests.conftest import requires_postgres

pytestmark = [pytest.mark.django_db, requires_postgres]  # the ranking is PostgreSQL's

FIRST_HIT_RELEVANT = 0.95


def test_the_search_meets_the_benchmarks_floors():
    today = timezone.localdate()
    offers = relevance._catalogue_load(CATALOGUE, today)
    outcomes = [
        relevance.Outcome(**relevance._search(query.text, offers, today)) for query in QUERIES
    ]
    figures = relevance.figures(QUERIES, outcomes)
    missed = [
        query.text
        for query, outcome in zip(QUERIES, outcomes, strict=True)
        if query.answerable and not (outcome.keys and query.relevant.get(outcome.keys[0]))
    ]
    assert figures.first_hit >= FIRST_HIT_RELEVANT, missed
    assert figures.zero_answerable == 0.0, [
        q.text for q, o in zip(QUERIES, outcomes, strict=True) if q.answerable and not o.total
    ]
