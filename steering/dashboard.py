"""The steering circle's dashboard: the network's figures for a period, compared with the
period before (issue 8), composed from the apps' figures (steering.sections) and cached.

Everything is counted in the database by the app that owns the data (its `stats.py`); the
result is plain data, the one source of the page, its charts, the CSV and the XLSX export.
It is cached per period and language in two parts: the offers (the slowest part) under the
catalogue's version (raised on every write to offers and dates, offerings.stats), the rest
under a fingerprint of the other tables (one query of the apps' change markers: counts and
latest timestamps): any write, whichever code path made it, gives a new key; a ten-minute
lifetime is the safety net for updates that touch no timestamp.
"""

import datetime
import hashlib
import uuid
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import get_language

from common.periods import counting
from counselling.stats import change_markers as counselling_markers
from offerings.stats import catalogue_version
from offerings.stats import change_markers as offerings_markers
from steering.periods import Period
from steering.sections import section_offers, sections_other
from workgroups.stats import change_markers as workgroups_markers

CACHE_SECONDS = 10 * 60


def _document(period: Period, now: datetime.datetime, sections: list[dict], **extra) -> dict:
    return {
        "period": period.as_dict(),
        "previous": period.previous().as_dict(),
        "generated_at": date_format(timezone.localtime(now), "SHORT_DATETIME_FORMAT"),
        "refreshing": False,
        "pending": False,
        "sections": sections,
        **extra,
    }


def dashboard_build(*, period: Period, now: datetime.datetime | None = None) -> dict:
    """All figures of `period` and the one before, as plain data (uncached)."""
    now = now or timezone.now()
    previous = period.previous()
    with counting():
        offers = section_offers(period, previous, today=timezone.localdate(now))
        others = sections_other(period, previous, now)
    return _document(period, now, [offers, *others])


def data_fingerprint() -> str:
    """The change markers of every app whose figures the dashboard shows besides the offers,
    evaluated in one query: any insert, delete or ordinary update changes the result."""
    markers = [*offerings_markers(), *counselling_markers(), *workgroups_markers()]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(markers))
        row = cursor.fetchone()
    return hashlib.sha256(repr(row).encode()).hexdigest()[:20]


# Where the latest figures of a period stay while newer ones are counted.
STALE_SECONDS = 24 * 3600
# Raised when the shape of the cached data changes, so old entries are not read.
FORMAT = "v4"


def _keys(period: Period, today: datetime.date) -> dict[str, tuple[str, str]]:
    """(current key, latest key) of both parts of a period's dashboard."""
    base = f"dashboard:{FORMAT}:{get_language()}:{period.start}:{period.end}"
    return {
        "offers": (f"{base}:{today}:offers:{catalogue_version()}", f"{base}:offers:latest"),
        "rest": (f"{base}:{today}:rest:{data_fingerprint()}", f"{base}:rest:latest"),
    }


def _build_part(name: str, period: Period, now: datetime.datetime):
    previous = period.previous()
    with counting():
        if name == "offers":
            return [section_offers(period, previous, today=timezone.localdate(now))]
        return sections_other(period, previous, now)


def _part_new(name: str, period: Period, now: datetime.datetime) -> dict:
    # `id` names this counting: the page's rendered charts are cached under it.
    return {"sections": _build_part(name, period, now), "built_at": now, "id": uuid.uuid4().hex}


def _parts_new(names: list[str], period: Period, now: datetime.datetime) -> dict[str, dict]:
    """Count the parts `names`. When both are due, the offers (the slower part) are counted
    in a second thread on its own database connection while this one counts the rest, so
    a first visit waits for the slower part rather than for both. Only outside a
    transaction, since another connection does not see its uncommitted rows (the tests
    run in one), and only on PostgreSQL."""
    if (
        "offers" not in names
        or len(names) < 2
        or connection.in_atomic_block
        or connection.vendor != "postgresql"
    ):
        return {name: _part_new(name, period, now) for name in names}
    language, zone = get_language(), timezone.get_current_timezone()

    def offers() -> dict:
        try:
            with translation.override(language), timezone.override(zone):
                return _part_new("offers", period, now)
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(offers)
        parts = {name: _part_new(name, period, now) for name in names if name != "offers"}
        parts["offers"] = future.result()
    return parts


def dashboard_refresh(*, period: Period, now: datetime.datetime | None = None) -> list[str]:
    """Count the parts of `period` whose data changed and keep them; returns their names.

    Run by the task that a page queues when it shows older figures, and by beat for the
    presets, so that people rarely wait for the counting.
    """
    now = now or timezone.now()
    keys = _keys(period, timezone.localdate(now))
    found = cache.get_many([current for current, _latest in keys.values()])
    built = []
    for name, (current, latest) in keys.items():
        if current in found:
            continue
        part = _part_new(name, period, now)
        cache.set_many({current: part}, CACHE_SECONDS)
        cache.set(latest, part, STALE_SECONDS)
        built.append(name)
    return built


def dashboard_get(
    *, period: Period, now: datetime.datetime | None = None, wait: bool = True
) -> dict:
    """The dashboard of `period`, from the cache when nothing changed since it was built.

    Two parts, each cached under a version: the offers (the slowest part) under the
    catalogue's token, so that a new counselling request does not recount the catalogue;
    the rest under the fingerprint. "Today" is part of both keys: snapshot figures and
    overdue items move with the date. When a part's data changed and a worker runs the
    tasks, the latest figures are shown (marked as being refreshed) while a task counts
    anew; with tasks inline (embedded default, tests) it is counted at once. A part
    nobody has counted yet is counted now, both parts at the same time (`_parts_new`);
    with wait=False it is not: the document then has no sections and `pending` is true, so
    the page can show at once and fetch the figures in a second request (issue 19).
    """
    from steering.tasks import dashboard_refresh_task

    now = now or timezone.now()
    keys = _keys(period, timezone.localdate(now))
    found = cache.get_many([key for pair in keys.values() for key in pair])
    in_background = not settings.CELERY_TASK_ALWAYS_EAGER
    parts, refreshing = {}, False
    for name, (current, latest) in keys.items():
        part = found.get(current)
        if part is None and in_background and latest in found:
            part = found[latest]
            refreshing = True
            if cache.add(f"{current}:queued", "1", timeout=5 * 60):
                dashboard_refresh_task.delay(
                    start=period.start.isoformat(),
                    end=period.end.isoformat(),
                    language=get_language(),
                )
        parts[name] = part
    missing = [name for name, part in parts.items() if part is None]
    if missing and not wait:
        document = _document(period, now, [])
        document["pending"] = True
        return document
    for name, part in _parts_new(missing, period, now).items():
        current, latest = keys[name]
        cache.set(current, part, CACHE_SECONDS)
        cache.set(latest, part, STALE_SECONDS)
        parts[name] = part
    sections, built, used = [], [], []
    for part in parts.values():
        sections.extend(part["sections"])
        built.append(part["built_at"])
        used.append(part["id"])
    document = _document(period, min(built), sections)
    document["refreshing"] = refreshing
    # Names these very figures: the page caches its rendered charts and tables under it.
    document["version"] = hashlib.sha256("|".join(used).encode()).hexdigest()[:24]
    return document
