"""Fixtures for the whole suite, above all the cast for every object that has an owner:
owner (admin of the institution), member (editor there), outsider (admin elsewhere) and
anonymous (no login)."""

import pytest
from django.core.cache import cache
from django.test import Client

from network.models import MembershipRole
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory
from tests.services import SERVICES


def pytest_report_header(config):
    lines = [
        f"database: {'PostgreSQL' if SERVICES.database_url else 'SQLite'}",
        f"redis: {SERVICES.redis_url or 'not available'}",
        f"chromium: {SERVICES.chromium or 'not installed'}",
    ]
    return lines + [f"NOTICE: {notice}" for notice in SERVICES.notices]


def pytest_terminal_summary(terminalreporter):
    for notice in SERVICES.notices:
        terminalreporter.write_line(f"NOTICE: {notice}", yellow=True)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and cached figures must not leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def institution(db):
    return InstitutionFactory(name="Volkshochschule Aalen", slug="vhs-aalen")


@pytest.fixture
def other_institution(db):
    return InstitutionFactory(name="Bildungszentrum Heidenheim", slug="bz-heidenheim",
                              district="heidenheim", city="Heidenheim an der Brenz")


@pytest.fixture
def owner(institution):
    return MembershipFactory(institution=institution, role=MembershipRole.ADMIN).user


@pytest.fixture
def member(institution):
    return MembershipFactory(institution=institution, role=MembershipRole.EDITOR).user


@pytest.fixture
def outsider(other_institution):
    return MembershipFactory(institution=other_institution, role=MembershipRole.ADMIN).user


@pytest.fixture
def network_office(db):
    return UserFactory(email="office@beweqo.test", is_network_office=True)


def _client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def client_for():
    """`client_for(user)` gives a test client logged in as `user` (None: anonymous)."""
    return _client_for


requires_redis = pytest.mark.skipif(not SERVICES.redis_url, reason="Redis is not reachable")
requires_postgres = pytest.mark.skipif(
    not SERVICES.database_url, reason="PostgreSQL is not reachable"
)
