"""Benchmark of the steering circle's dashboard on the large benchmark catalogue (issue 8).

On the catalogue of `seed_large` (20,000 offers, 100,000 dates) plus a year of generated
activity (counselling requests with their first contacts, company needs and joint measures,
course alerts, search days, meetings, minutes, action items, measures; added once with
bulk_create, recognised by their markers on later runs), it prints the server time of the
dashboard page for the year and for a month, measured in-process (p50 / p95 / max):
- cold: nothing cached (the dashboard's cache entries deleted before each run): the first
  visit to a period;
- warm: from the cache;
- data changed: the data changed since the figures were counted (a search counted, the
  catalogue's token replaced before each run); the page shows the latest figures and queues
  their recount for a worker (run here after each measurement, outside the timing);
- with a worker (REDIS_URL set), a first visit is two requests (issue 19): the page, shown
  at once without figures, and the request its htmx makes for them, which counts them; and
  the same visit without JavaScript (the link that waits, `warten=1`);
with the SQL queries of each, against a baseline in the same run (/healthz and the legal
notice page, same client and middleware), also as a multiple of /healthz's p50, which
makes runs on a busy machine comparable. Queries are those of the page's own database
connection: on a first visit the offers part (one statement, offerings.stats) is counted
on a second connection in a thread at the same time. Target: ≤ 300 ms.

Run without other load where possible: the figures scale with the machine's load (the
load average is printed at the start and the end).

Usage (the database must hold the large catalogue: `manage.py seed_large`, see
bench/catalogue.py):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/beweqo_bench \
        REDIS_URL=redis://127.0.0.1:6379/11 .venv/bin/python bench/dashboard.py
Without REDIS_URL the cache is the process's memory, as in the embedded default.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
import uuid

from _server import ENVIRONMENT, ROOT

sys.path.insert(0, str(ROOT))

MARKER = "BQ-Y"  # reference prefix of the generated counselling requests
SEED = 8
SEARCH_TEXTS = [
    "excel",
    "schweißen",
    "staplerschein",
    "pflege",
    "deutsch b1",
    "buchhaltung",
    "datev",
    "sap",
    "python",
    "cnc",
    "industriemeister",
    "erste hilfe",
    "englisch",
    "führung",
    "projektmanagement",
    "lager",
    "elektrofachkraft",
    "bildungsgutschein",
    "teilzeit",
    "online",
    "kita",
    "hausmeister",
    "lkw führerschein",
    "ki",
    "social media",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def activity_create(now: datetime.datetime) -> str:
    """A year of the network's activity, once (bulk_create; idempotent by its markers)."""
    from django.db import transaction

    from counselling.models import (
        CompanyNeed,
        CounsellingRequest,
        EventKind,
        JointMeasure,
        Outcome,
        RequestEvent,
        Situation,
    )
    from network.models import District, Institution
    from offerings.models import CourseAlert, SearchDay, Topic
    from workgroups.models import ActionItem, Measure, MeasureStatus, Meeting, Minutes, WorkingGroup

    if CounsellingRequest.objects.filter(reference__startswith=MARKER).exists():
        return "activity already there"
    rng = random.Random(SEED)  # noqa: S311 (reproducible data, not secrets)
    year = datetime.timedelta(days=365)

    def moment() -> datetime.datetime:
        return now - year * rng.random()

    institutions = list(Institution.objects.values_list("pk", flat=True)[:50])
    topics = list(Topic.objects.all())
    districts = [District.OSTALBKREIS, District.HEIDENHEIM, District.OUTSIDE]
    with transaction.atomic():
        requests = []
        for i in range(3000):
            created = moment()
            closed = created + datetime.timedelta(days=rng.randint(3, 60))
            is_closed = closed < now and rng.random() < 0.8
            requests.append(
                CounsellingRequest(
                    reference=f"{MARKER}{i:06d}",
                    submission_key=uuid.UUID(int=SEED * 10**9 + i),
                    district=rng.choice(districts),
                    situation=rng.choice(Situation.values),
                    topic="continuing_education",
                    institution_id=rng.choice(institutions),
                    created_at=created,
                    last_activity_at=created,
                    status="closed" if is_closed else "new",
                    closed_at=closed if is_closed else None,
                    outcome=rng.choice(Outcome.values) if is_closed else "",
                )
            )
        requests = CounsellingRequest.objects.bulk_create(requests)
        RequestEvent.objects.bulk_create(
            [
                event
                for r in requests
                for event in (
                    RequestEvent(request=r, kind=EventKind.ROUTED, created_at=r.created_at),
                    RequestEvent(
                        request=r,
                        kind=EventKind.CLAIMED,
                        created_at=r.created_at + datetime.timedelta(hours=rng.randint(1, 240)),
                    ),
                )
            ]
        )
        measures = JointMeasure.objects.bulk_create(
            [
                JointMeasure(
                    title=f"Verbundkurs {i}",
                    topic=rng.choice(topics),
                    district=rng.choice(districts),
                    period="2026-Q4",
                    created_at=(created := moment()),
                    met_at=created + datetime.timedelta(days=30) if i % 2 else None,
                    status="met" if i % 2 else "inviting",
                )
                for i in range(40)
            ]
        )
        CompanyNeed.objects.bulk_create(
            [
                CompanyNeed(
                    reference=f"BD-B{i:05d}",
                    submission_key=uuid.UUID(int=SEED * 10**10 + i),
                    topic=rng.choice(topics),
                    participants=rng.randint(1, 12),
                    period="2026-Q4",
                    format="onsite",
                    district=rng.choice(districts),
                    size_band="lt50",
                    sector="industry",
                    created_at=moment(),
                    joint_measure=rng.choice(measures) if i % 3 == 0 else None,
                )
                for i in range(600)
            ]
        )
        CourseAlert.objects.bulk_create(
            [
                CourseAlert(
                    email=f"abo{i % 3500}@beispiel.de",
                    query="q=" + rng.choice(SEARCH_TEXTS),
                    token=f"bench-{SEED}-{i}",
                    consent_version="1",
                    created_at=(created := moment()),
                    confirmed_at=created + datetime.timedelta(minutes=5) if i % 5 else None,
                )
                for i in range(5000)
            ]
        )
        days = [(now - datetime.timedelta(days=n)).date() for n in range(366)]
        SearchDay.objects.bulk_create(
            [
                SearchDay(
                    day=day,
                    text=text if n % 7 else f"{text} {n}",
                    searches=(searches := rng.randint(1, 80)),
                    without_result=rng.randint(0, searches // 4),
                )
                for day in days
                for n, text in enumerate([*SEARCH_TEXTS * 8, ""])
            ],
            ignore_conflicts=True,
            batch_size=5000,
        )
        groups = list(WorkingGroup.objects.all())
        meetings = Meeting.objects.bulk_create(
            [
                Meeting(
                    group=group,
                    title=f"Sitzung {i}",
                    starts_at=(start := now - datetime.timedelta(days=15 * i + 1)),
                    ends_at=start + datetime.timedelta(hours=2),
                )
                for group in groups
                for i in range(24)
            ]
        )
        Minutes.objects.bulk_create(
            [
                Minutes(
                    meeting=m,
                    status="published",
                    text="Protokoll",
                    published_at=m.ends_at + datetime.timedelta(days=3),
                )
                for m in meetings[::2]
            ]
        )
        ActionItem.objects.bulk_create(
            [
                ActionItem(
                    group=rng.choice(groups),
                    title=f"Aufgabe {i}",
                    due_date=(now + datetime.timedelta(days=rng.randint(-120, 60))).date(),
                    status=rng.choice(["open", "in_progress", "done", "done"]),
                )
                for i in range(1000)
            ]
        )
        Measure.objects.bulk_create(
            [
                Measure(
                    group=rng.choice(groups),
                    title=f"Maßnahme {i}",
                    goal="Mehr Weiterbildung in kleinen Betrieben.",
                    status=rng.choice(MeasureStatus.values),
                )
                for i in range(60)
            ]
        )
    return "a year of activity created"


def steering_person():
    from network.models import Institution, SteeringCircleMember, User

    user, _created = User.objects.get_or_create(email="bench-steering@beweqo.test")
    if not hasattr(user, "steering_membership"):
        SteeringCircleMember.objects.create(person=user, institution=Institution.objects.first())
    return user


def cache_forget_dashboard() -> None:
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{backend.make_key('dashboard:')}*"))
        if keys:
            client.delete(*keys)
    else:
        backend.clear()


def measure(
    client, path: str, runs: int, *, cold: bool, headers: dict | None = None, expect: str = ""
) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries = [], 0
    for _ in range(runs):
        if cold:
            cache_forget_dashboard()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path, headers=headers or {})
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        assert not expect or expect in response.content.decode(), (path, expect)
        queries = len(captured.captured_queries)
    return times, queries


def measure_first_visit(client, path: str, runs: int) -> tuple[list[float], int, list[float], int]:
    """A first visit as a browser with JavaScript makes it (issue 19): the page, shown at once
    without figures, then the request for its figures (htmx, the same URL), which counts them.
    Returns the times and queries of both."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pages, figures, queries, page_queries = [], [], 0, 0
    for _ in range(runs):
        cache_forget_dashboard()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            pages.append((time.perf_counter() - started) * 1000)
        page_queries = len(captured.captured_queries)
        assert "werden gerade gezählt" in response.content.decode(), path
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path, headers={"HX-Request": "true"})
            figures.append((time.perf_counter() - started) * 1000)
        assert 'id="dashboard-figures"' in response.content.decode(), path
        queries = len(captured.captured_queries)
    return pages, page_queries, figures, queries


# The recounts the pages ask for: kept here instead of the broker (no worker runs).
QUEUED: list[dict] = []


def measure_after_change(client, path: str, runs: int) -> tuple[list[float], int]:
    """A change to the data before each run (a search counted, the catalogue's token
    replaced): the page shows the latest figures and queues their recount, which this
    function then runs outside the timing, as a worker would."""
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import F
    from django.test.utils import CaptureQueriesContext

    from offerings.index import TOKEN_KEY
    from offerings.models import SearchDay
    from steering.tasks import dashboard_refresh_task

    queued = QUEUED
    row = SearchDay.objects.order_by("-day").first()
    times, queries = [], 0
    for _ in range(runs):
        SearchDay.objects.filter(pk=row.pk).update(searches=F("searches") + 1)
        cache.set(TOKEN_KEY, uuid.uuid4().hex, timeout=None)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        assert "neu berechnet" in response.content.decode()
        queries = len(captured.captured_queries)
        for kwargs in queued:
            dashboard_refresh_task(**kwargs)
        queued.clear()
    return times, queries


# p50 of /healthz in this run: every figure is also given as a multiple of it, so runs on a
# busy machine (two cores shared with other work) can be compared with quieter ones.
BASELINE: list[float] = []


def report(label: str, times: list[float], queries: int) -> float:
    p50 = statistics.median(times)
    ratio = f"   {p50 / BASELINE[0]:6.1f}x healthz" if BASELINE else ""
    print(
        f"   {label:34s} p50 {p50:7.1f} ms"
        f"   p95 {percentile(times, 0.95):7.1f} ms   max {max(times):7.1f} ms"
        f"   {queries:3d} queries{ratio}"
    )
    return p50


def load_average() -> str:
    try:
        return " / ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--cold-runs", type=int, default=8)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to the benchmark database (see the module docstring).")
    os.environ.update(ENVIRONMENT)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from django.utils import timezone

    from offerings.models import Offer

    # Pages render from the static finders: no collectstatic needed for a benchmark.
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    print(f"Catalogue: {Offer.objects.count()} offers.", activity_create(timezone.now()) + ".")
    with connection.cursor() as cursor:  # fresh bulk data has no planner statistics yet
        cursor.execute("ANALYZE")
    print(f"Cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}")
    from steering.tasks import dashboard_refresh_task

    dashboard_refresh_task.delay = lambda **kwargs: QUEUED.append(kwargs)
    client = Client()
    client.force_login(steering_person())
    year = "/netzwerk/kennzahlen/?zeitraum=jahr"
    month = "/netzwerk/kennzahlen/?zeitraum=monat"
    # A free period (not a calendar unit): 100 days up to yesterday, against the 100 before.
    today = timezone.localdate()
    custom = (
        "/netzwerk/kennzahlen/?zeitraum=frei"
        f"&von={today - datetime.timedelta(days=100)}&bis={today - datetime.timedelta(days=1)}"
    )
    for path in (
        "/healthz",
        "/impressum/",
        year,
        month,
        custom,
    ):  # warm up templates and connections
        client.get(path)
    print(f"\nServer time, in-process, {args.runs} warm and {args.cold_runs} cold runs each")
    print(f"(load average 1/5/15 min at the start: {load_average()}, {os.cpu_count()} CPUs):")
    BASELINE.append(
        report("baseline /healthz", *measure(client, "/healthz", args.runs, cold=False))
    )
    report("baseline page /impressum/", *measure(client, "/impressum/", args.runs, cold=False))
    for label, path in (("year", year), ("month", month), ("100 days", custom)):
        if settings.CELERY_TASK_ALWAYS_EAGER:  # no worker: the page counts inline
            report(
                f"dashboard {label}, cold (no cache)",
                *measure(client, path, args.cold_runs, cold=True),
            )
        else:
            pages, page_queries, figures, queries = measure_first_visit(
                client, path, args.cold_runs
            )
            report(f"dashboard {label}, cold: page at once", pages, page_queries)
            report(f"dashboard {label}, cold: figures (htmx)", figures, queries)
            report(
                f"dashboard {label}, cold, no JS (warten)",
                *measure(client, f"{path}&warten=1", args.cold_runs, cold=True, expect="figures"),
            )
        report(f"dashboard {label}, warm (cached)", *measure(client, path, args.runs, cold=False))
        if not settings.CELERY_TASK_ALWAYS_EAGER:  # without Redis no worker: counted inline
            report(
                f"dashboard {label}, data changed",
                *measure_after_change(client, path, args.cold_runs),
            )
    client.get(year)  # the month's cold runs emptied the cache: count the year again
    for kwargs in QUEUED:
        dashboard_refresh_task(**kwargs)
    QUEUED.clear()
    report(
        "print view year, warm",
        *measure(client, year.replace("/?", "/druck/?"), args.runs, cold=False),
    )
    report(
        "XLSX export year, warm",
        *measure(
            client, "/netzwerk/kennzahlen/kennzahlen.xlsx?zeitraum=jahr", args.runs, cold=False
        ),
    )
    print(f"\nLoad average at the end: {load_average()}.")
    print(
        "Target: the dashboard renders in ≤ 300 ms, cold (first visit to a period) and warm,"
        " or shows at once and fills in (issue 19)."
    )


if __name__ == "__main__":
    main()
