"""The catalogue's search log: how often each search text was asked per day, and how often
it found nothing, without anything about the person who searched.

A search costs one Redis round trip (a pipeline of HINCRBY into one hash per Berlin day);
the beat task `offerings.search_log_flush` adds the counts to `SearchDay` every ten
minutes. With no Redis (the embedded default: a per-process memory cache and no beat) each
search is added to `SearchDay` at once instead, so the figures are still there.

What counts as one search:
- a catalogue request with a search text or at least one filter (the bare catalogue page is
  browsing, not searching);
- on its first page only: paging through the results is the same search;
- not from crawlers (a User-Agent naming a bot, crawler or spider), which follow every
  filter link and would drown the searches of people;
- not when the page that led here (htmx's `HX-Current-URL`, else the `Referer`, which the
  portal's same-origin referrer policy sends within the site) showed the same search with
  other page or order: sorting and paging do not count again. htmx restoring a page from its
  history does not count either. A reload counts again; telling it apart would need state
  per visitor, which the log deliberately does not keep.

Flushing is rename-then-read: the day's hash is renamed to a name of its own (atomic), so
searches arriving meanwhile start a fresh hash and nothing is lost; the renamed hash is read,
added to `SearchDay` with one upsert (`searches = searches + new`) in a transaction, and
deleted after the commit. A flush that dies before its commit leaves the renamed hash behind
and the next run adds it; only a crash between the commit and the DEL (one Redis call)
could count a batch twice. A lock in the cache keeps two flushes from running at once.
"""

import datetime
import logging
import re
import uuid
from collections import defaultdict
from urllib.parse import parse_qsl, urlsplit

import redis
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection, transaction
from django.utils import timezone

from offerings.models import SearchDay

logger = logging.getLogger(__name__)

TEXT_MAX = 100
# Parameters that do not change what is searched for.
NOT_THE_SEARCH = {"seite", "sortierung"}
DAY_PREFIX = "searchlog:day:"
FLUSHING_PREFIX = "searchlog:flushing:"
LOCK_KEY = "searchlog:flush-lock"
# A day's hash that no flush reached (beat stopped) is dropped after this long.
KEEP_SECONDS = 35 * 24 * 3600
SEARCHES, EMPTY = "s|", "n|"

_spaces = re.compile(r"\s+")
_BOTS = re.compile(r"bot|crawl|spider|slurp|preview|headless", re.IGNORECASE)


def search_text_normalise(text: str) -> str:
    """Lowercased, runs of whitespace as one space, at most 100 characters."""
    return _spaces.sub(" ", (text or "").lower()).strip()[:TEXT_MAX].strip()


def _search_params(pairs) -> tuple:
    """The parameters that make a search what it is, in a comparable form."""
    return tuple(
        sorted(
            (name, value.strip())
            for name, value in pairs
            if name not in NOT_THE_SEARCH and value.strip()
        )
    )


def _asked_page(request) -> int:
    """The page asked for (a page beyond the last shows the last, still not a new search)."""
    try:
        return int(request.GET.get("seite") or 1)
    except ValueError:
        return 1


def _previous_url(request) -> str:
    return request.headers.get("HX-Current-URL") or request.headers.get("Referer") or ""


def is_new_search(request, *, page_number: int) -> bool:
    """Whether this catalogue request is a search of its own (see the module docstring)."""
    params = _search_params(request.GET.items())
    if not params or page_number > 1 or _asked_page(request) > 1:
        return False
    if _BOTS.search(request.headers.get("User-Agent", "")):
        return False  # crawlers follow every filter link: no demand of a person
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.history_restore_request:
        return False
    previous = urlsplit(_previous_url(request))
    same_page = previous.path == request.path and previous.netloc in ("", request.get_host())
    return not (
        same_page and _search_params(parse_qsl(previous.query, keep_blank_values=True)) == params
    )


def _redis():
    backend = caches["default"]
    return backend if isinstance(backend, RedisCache) else None


def search_log_record(*, text: str, found: int, day: datetime.date | None = None) -> None:
    """Count one search for `text` (normalised here) that found `found` offers.

    Never lets the log break the search: a cache error is logged and the search forgotten.
    """
    day = day or timezone.localdate()
    text = search_text_normalise(text)
    backend = _redis()
    try:
        if backend is None:
            demo_upsert({(day, text): (1, 0 if found else 1)})
            return
        key = backend.make_and_validate_key(f"{DAY_PREFIX}{day.isoformat()}")
        client = backend._cache.get_client(key, write=True)
        pipe = client.pipeline(transaction=False)
        pipe.hincrby(key, SEARCHES + text, 1)
        if not found:
            pipe.hincrby(key, EMPTY + text, 1)
        pipe.expire(key, KEEP_SECONDS)
        pipe.execute()
    except Exception:
        logger.warning("Search log unavailable; one search not counted.", exc_info=True)


def search_log_record_request(request, *, text: str, found: int, page_number: int) -> None:
    """The catalogue view's one call: count the request if it is a search of its own."""
    if is_new_search(request, page_number=page_number):
        search_log_record(text=text, found=found)


def demo_upsert(counts: dict[tuple[datetime.date, str], tuple[int, int]]) -> None:
    """Add `counts` ((day, text) -> (searches, without result)) to SearchDay in one
    statement; PostgreSQL and SQLite share the ON CONFLICT syntax."""
    if not counts:
        return
    table = connection.ops.quote_name(SearchDay._meta.db_table)
    rows = [(day, text, s, n) for (day, text), (s, n) in counts.items()]
    placeholders = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
    sql = (
        f"INSERT INTO {table} (day, text, searches, without_result) VALUES {placeholders} "  # noqa: S608 (no user input in the SQL text)
        f"ON CONFLICT (day, text) DO UPDATE SET "
        f"searches = {table}.searches + excluded.searches, "
        f"without_result = {table}.without_result + excluded.without_result"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])


def _parse(day_iso: str, fields: dict) -> dict[tuple[datetime.date, str], tuple[int, int]]:
    day = datetime.date.fromisoformat(day_iso)
    counts: dict[tuple[datetime.date, str], list[int]] = defaultdict(lambda: [0, 0])
    for field, value in fields.items():
        field = field.decode() if isinstance(field, bytes) else field
        kind, text = field[:2], field[2:]
        counts[(day, text)][0 if kind == SEARCHES else 1] += int(value)
    return {key: (s, n) for key, (s, n) in counts.items()}


def search_log_flush() -> int:
    """Move the counted searches from Redis into SearchDay; returns how many searches.

    Idempotent and safe to run at any time (see the module docstring). Without Redis there
    is nothing to move: searches went to the database directly.
    """
    backend = _redis()
    if backend is None:
        return 0
    if not cache.add(LOCK_KEY, "1", timeout=15 * 60):
        logger.info("Search log: another flush is running.")
        return 0
    try:
        client = backend._cache.get_client(write=True)
        day_prefix = backend.make_and_validate_key(DAY_PREFIX)
        flushing_prefix = backend.make_and_validate_key(FLUSHING_PREFIX)
        batches = []  # (renamed key, day)
        for key in client.scan_iter(match=f"{flushing_prefix}*", count=500):
            key = key.decode()
            batches.append((key, key[len(flushing_prefix) :].split("|", 1)[0]))
        for key in client.scan_iter(match=f"{day_prefix}*", count=500):
            key = key.decode()
            day_iso = key[len(day_prefix) :]
            target = f"{flushing_prefix}{day_iso}|{uuid.uuid4().hex}"
            try:
                client.rename(key, target)
            except redis.ResponseError:  # gone meanwhile (another flush, or expired)
                continue
            batches.append((target, day_iso))
        total = 0
        for key, day_iso in batches:
            fields = client.hgetall(key)
            counts = _parse(day_iso, fields)
            with transaction.atomic():
                demo_upsert(counts)
            client.delete(key)
            total += sum(s for s, _n in counts.values())
        if total:
            logger.info("Search log: %s searches added.", total)
        return total
    finally:
        cache.delete(LOCK_KEY)
