"""Fixtures for the whole suite, above all the cast for every object that has an owner:
owner (admin of the institution), member (editor there), outsider (admin elsewhere) and
anonymous (no login)."""

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import Client
from django.utils import translation
from pytest_django.plugin import blocking_manager_key

from network.models import MembershipRole
from offerings.index import catalogue_index_clear
from offerings.places import places_forget
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory
from tests.seeds import seed_from_migrations
from tests.services import SERVICES


def pytest_collection_modifyitems(config, items):
    """Transactional tests flush the database afterwards, which would also remove what data
    migrations seed (taxonomies, working groups). Serialized rollback restores it."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            # Prepended: pytest-django reads the closest django_db marker.
            item.add_marker(
                pytest.mark.django_db(**marker.kwargs | {"serialized_rollback": True}),
                append=False,
            )


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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A test on a live server (or any transactional one) ends with a flush of every table,
    seeds included, and pytest may order plain database tests after it (it groups tests by
    their session fixtures, such as the browser's): seed again once the flush is done."""
    result = yield
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    flushed = (marker and marker.kwargs.get("transaction")) or (
        "live_server" in fixtures or "transactional_db" in fixtures
    )
    # After the last test the session's teardown has dropped the test database: nothing to
    # do. A next test marked transactional restores the serialized data itself (see
    # pytest_collection_modifyitems above); seeding first would clash with it.
    next_marker = nextitem.get_closest_marker("django_db") if nextitem else None
    restores_itself = bool(next_marker and next_marker.kwargs.get("transaction"))
    if flushed and nextitem is not None and not restores_itself:
        with item.config.stash[blocking_manager_key].unblock():
            seed_from_migrations()
    return result


@pytest.fixture(autouse=True)
def _seeded_after_flush(request):
    """Transactional tests start after another one's flush, and serialized rollback does not
    always restore what the data migrations seed (not after a live-server test, seen with
    pytest-django 4.14 on Django 6.1): seed it again."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        seed_from_migrations()


@pytest.fixture(autouse=True)
def _german_to_begin_with():
    """Each test starts in German, as a request without a prefix does: a request to an
    English page leaves English active in the thread (LocaleMiddleware activates, nothing
    deactivates), and reverse() would hand the next test /en/ addresses."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and cached figures must not leak from one test into the next.

    The catalogue's index, its places and its card fragments are kept per process; a test's
    rollback changes data without the commit that would tell them, so they are emptied too.
    """
    _forget_everything()
    yield
    _forget_everything()


def _forget_everything() -> None:
    _cache_clear_own()
    caches["fragments"].clear()
    catalogue_index_clear()
    places_forget()


def _cache_clear_own() -> None:
    """Empty this run's part of the cache. RedisCache.clear() would empty the whole Redis
    database, and with it the keys of another test run on the same machine."""
    backend = caches["default"]  # `cache` is a proxy: isinstance() needs the backend itself
    if not isinstance(backend, RedisCache):
        backend.clear()
        return
    client = backend._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def institution(db):
    return InstitutionFactory(name="Volkshochschule Aalen", slug="vhs-aalen")


@pytest.fixture
def other_institution(db):
    return InstitutionFactory(
        name="Bildungszentrum Heidenheim",
        slug="bz-heidenheim",
        district="heidenheim",
        city="Heidenheim an der Brenz",
    )


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


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """`load_demo` run once for a whole module, outside the per-test transactions.

    Loading takes seconds, so modules that only read the demo data share one load; a test
    that changes data still runs in its own transaction, which is rolled back.
    """
    from io import StringIO

    from django.core.management import call_command
    from django.test import override_settings

    out = StringIO()
    with django_db_blocker.unblock(), override_settings(DEBUG=True):
        call_command("load_demo", stdout=out)
    yield out.getvalue()
    with django_db_blocker.unblock():
        _remove_demo_data()


def _remove_demo_data() -> None:
    from counselling.models import CompanyNeed, CounsellingRequest, CounsellingService, JointMeasure
    from network.models import Institution, SteeringCircleMember, User
    from news.models import NewsletterIssue, NewsPost, NewsTag
    from offerings.models import Offer, SearchDay, SearchTerm
    from workgroups.models import ActionItem, Measure, Meeting, WorkingGroupMember

    NewsletterIssue.objects.all().delete()
    NewsPost.objects.all().delete()
    NewsTag.objects.all().delete()
    CompanyNeed.objects.all().delete()
    JointMeasure.objects.all().delete()
    CounsellingRequest.objects.all().delete()
    CounsellingService.objects.all().delete()
    ActionItem.objects.all().delete()
    Measure.objects.all().delete()
    Meeting.objects.all().delete()
    Offer.objects.all().delete()
    SearchTerm.objects.all().delete()
    SearchDay.objects.all().delete()
    SteeringCircleMember.objects.all().delete()
    WorkingGroupMember.objects.all().delete()
    Institution.objects.all().delete()
    User.objects.all().delete()
