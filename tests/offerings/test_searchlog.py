"""The catalogue's search log: what counts as a search, counting in Redis, and the flush
into SearchDay without lost or double counts; with no Redis, straight into the database."""

import datetime

import pytest
from django.conf import settings
from django.core.cache import caches
from django.utils import timezone

from offerings.models import SearchDay
from offerings.searchlog import (
    DAY_PREFIX,
    FLUSHING_PREFIX,
    search_log_flush,
    search_log_record,
    search_text_normalise,
)
from offerings.tasks import search_log_flush_task
from tests.conftest import requires_redis
from tests.offerings.factories import OfferFactory

CATALOGUE = "/kurse/"


@pytest.fixture(autouse=True)
def _no_leftover_search_days(db):
    """`load_demo` (run once per module elsewhere) leaves its search days in the test
    database; these tests count their own (deleted inside the test's transaction)."""
    SearchDay.objects.all().delete()


def counts() -> dict[str, tuple[int, int]]:
    return {
        row.text: (row.searches, row.without_result)
        for row in SearchDay.objects.filter(day=timezone.localdate())
    }


def redis_client():
    backend = caches["default"]
    return backend._cache.get_client(write=True)


@pytest.fixture
def excel(db):
    return OfferFactory(title="Excel für Einsteiger", keywords="Excel, Tabellen")


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("  Excel   KURS\t ", "excel kurs"),
        ("Schweißen\nMIG/MAG", "schweißen mig/mag"),
        ("", ""),
        ("a" * 300, "a" * 100),
        ("x" * 99 + " y", "x" * 99),
    ],
)
def test_search_texts_are_normalised(raw, normalised):
    assert search_text_normalise(raw) == normalised


@requires_redis
def test_a_search_is_counted_in_redis_and_flushed_into_the_database(client, excel):
    client.get(CATALOGUE, {"q": "  EXCEL "})
    client.get(CATALOGUE, {"q": "Gabelstapler"})  # nothing found
    client.get(CATALOGUE, {"q": "gabelstapler"})
    assert SearchDay.objects.count() == 0  # nothing written per search
    assert search_log_flush() == 3
    assert counts() == {"excel": (1, 0), "gabelstapler": (2, 2)}
    # Nothing left to move: a second run adds nothing.
    assert search_log_flush() == 0
    assert counts() == {"excel": (1, 0), "gabelstapler": (2, 2)}


@requires_redis
def test_later_searches_add_to_the_day(client, excel):
    client.get(CATALOGUE, {"q": "Excel"})
    search_log_flush()
    client.get(CATALOGUE, {"q": "excel"})
    client.get(CATALOGUE, {"q": "Excel", "landkreis": "heidenheim"})  # nothing found there
    search_log_flush()
    assert counts() == {"excel": (3, 1)}


@requires_redis
def test_filters_alone_count_under_an_empty_text_and_browsing_does_not_count(client, excel):
    client.get(CATALOGUE)  # the bare catalogue: browsing
    client.get(CATALOGUE, {"sortierung": "price"})  # order only: browsing
    client.get(CATALOGUE, {"landkreis": "heidenheim"})
    client.get(CATALOGUE, {"landkreis": "ostalbkreis"})
    search_log_flush()
    assert counts() == {"": (2, 1)}


@requires_redis
def test_paging_sorting_and_htmx_history_do_not_count_again(client, excel):
    first = f"http://testserver{CATALOGUE}?q=Excel"
    client.get(CATALOGUE, {"q": "Excel"})
    client.get(CATALOGUE, {"q": "Excel", "seite": "2"})
    client.get(CATALOGUE, {"q": "Excel", "sortierung": "start"}, headers={"Referer": first})
    client.get(
        CATALOGUE,
        {"q": "Excel", "sortierung": "price"},
        headers={"HX-Request": "true", "HX-Current-URL": first + "&sortierung=start"},
    )
    client.get(
        CATALOGUE,
        {"q": "Excel"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    # A new search from the results page counts, with or without htmx.
    client.get(CATALOGUE, {"q": "Word"}, headers={"Referer": first})
    client.get(
        CATALOGUE,
        {"q": "Excel", "landkreis": "heidenheim"},
        headers={"HX-Request": "true", "HX-Current-URL": first},
    )
    search_log_flush()
    assert counts() == {"excel": (2, 1), "word": (1, 1)}


@requires_redis
def test_a_crashed_flush_is_taken_up_once_by_the_next(excel):
    today = timezone.localdate()
    search_log_record(text="Excel", found=1)
    search_log_record(text="Excel", found=0)
    backend = caches["default"]
    client = redis_client()
    # A flush renamed the day's hash and died before its commit.
    client.rename(
        backend.make_and_validate_key(f"{DAY_PREFIX}{today.isoformat()}"),
        backend.make_and_validate_key(f"{FLUSHING_PREFIX}{today.isoformat()}|dead"),
    )
    search_log_record(text="Excel", found=1)  # meanwhile: a new hash for the day
    assert search_log_flush() == 3
    assert search_log_flush() == 0
    assert counts() == {"excel": (3, 1)}


@requires_redis
def test_two_flushes_at_once_do_not_both_run(excel):
    from django.core.cache import cache

    search_log_record(text="Excel", found=1)
    cache.add("searchlog:flush-lock", "1", timeout=60)  # another flush is running
    assert search_log_flush() == 0
    cache.delete("searchlog:flush-lock")
    assert search_log_flush() == 1


@requires_redis
def test_days_are_berlin_days(excel):
    late = datetime.date(2026, 10, 31)
    search_log_record(text="Excel", found=1, day=late)
    search_log_record(text="Excel", found=1)
    search_log_flush()
    assert SearchDay.objects.get(day=late).searches == 1
    assert SearchDay.objects.get(day=timezone.localdate()).searches == 1


@requires_redis
def test_nothing_about_the_visitor_is_kept(client, excel):
    client.get(
        CATALOGUE,
        {"q": "Excel"},
        REMOTE_ADDR="203.0.113.7",
        headers={"User-Agent": "Geheim/1.0"},
    )
    stored = {
        key.decode(): redis_client().hgetall(key)
        for key in redis_client().scan_iter(
            match=f"{settings.CACHES['default']['KEY_PREFIX']}:*searchlog*"
        )
    }
    assert "203.0.113.7" not in repr(stored)
    assert "Geheim" not in repr(stored)
    search_log_flush()
    row = SearchDay.objects.get()
    assert (row.text, row.searches) == ("excel", 1)


@requires_redis
def test_the_beat_task_flushes(excel):
    search_log_record(text="Excel", found=1)
    assert search_log_flush_task.delay().get() == 1
    assert settings.CELERY_BEAT_SCHEDULE["search-log-flush"]["task"] == "offerings.search_log_flush"


def test_without_redis_searches_go_straight_to_the_database(client, excel, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    client.get(CATALOGUE, {"q": "Excel"})
    client.get(CATALOGUE, {"q": "Excel"})
    client.get(CATALOGUE, {"q": "nichtvorhanden"})
    assert counts() == {"excel": (2, 0), "nichtvorhanden": (1, 1)}
    assert search_log_flush() == 0


def test_a_broken_cache_does_not_break_the_search(client, excel, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        },
    }
    from offerings import searchlog

    searchlog.search_log_record(text="Excel", found=1)  # logged, not raised
    assert SearchDay.objects.count() == 0


@requires_redis
def test_crawlers_do_not_count(client, excel):
    client.get(
        CATALOGUE, {"q": "Excel"}, headers={"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1)"}
    )
    client.get(
        CATALOGUE, {"q": "Excel"}, headers={"User-Agent": "Mozilla/5.0 (X11; Linux) Firefox/140.0"}
    )
    search_log_flush()
    assert counts() == {"excel": (1, 0)}
