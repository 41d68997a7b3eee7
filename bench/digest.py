"""Benchmark of the course-alert digest on the large benchmark catalogue (PostgreSQL, Redis).

Creates 10,000 confirmed alerts (addresses at digest-bench.invalid, removed at the end),
marks some offers as newly published and some dates as new, then has ONE Celery worker
(a separate process; `-P solo` by default, `--processes N` for a prefork pool of N as
docker-compose's worker runs) build every weekly digest and deliver it to an SMTP sink
(aiosmtpd, in a process of its own, as a mail server would be). Prints, for issue 7's
targets:
1. the time from queueing the beat task until the sink holds every digest (target ≤ 60 s);
2. SQL queries per digest for 100 and for 1,000 alerts (must not grow with the number);
3. peak memory (max RSS) of the worker and of this process.
It also prints the load average during the run and the CPU time of the worker and of the
sink: on a machine shared with other work, the wall time of step 1 says as much about the
neighbours.

It uses its own database, so that it never touches data someone else is filling; the first
run migrates and fills it (load_places, seed_large: a few minutes):
    .venv/bin/python bench/digest.py [--alerts 10000]
Other databases: DATABASE_URL=postgres://… ; broker: BENCH_REDIS_URL (default Redis db 13).
"""

import argparse
import multiprocessing
import os
import random
import resource
import secrets
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from _server import ROOT, free_port

sys.path.insert(0, str(ROOT))

MARKER = "digest-bench.invalid"
DATABASE_URL = os.environ.get(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/beweqo_bench_digests"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")

# Searches people save: filters alone, text alone, both. Each alert takes one of them
# with a random extra filter, so there are some hundred distinct saved searches.
SEARCHES = [
    "",
    "q=Excel",
    "q=Pflege",
    "q=Schweißen",
    "q=Deutsch",
    "q=Buchhaltung",
    "q=Staplerschein",
    "kostenlos=on",
    "foerderung=bildungsgutschein",
    "zielgruppe=arbeitsuchende",
    "landkreis=heidenheim",
    "landkreis=ostalbkreis&beginn=three_months",
    "lernform=praesenz",
    "dauer=long&zeitmodell=full_time",
    "ort=Aalen&umkreis=25",
    "ort=89518&umkreis=10",
    "tageszeit=evening",
    "q=Excel&kostenlos=on",
]
EXTRAS = ["", "kostenlos=on", "tageszeit=evening", "landkreis=ostalbkreis", "zeitmodell=part_time"]


def _environment(smtp_port: int) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "beweqo.settings",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SITE_URL": "https://portal.beweqo.example",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "SMTP_STARTTLS": "false",
        "LOG_LEVEL": "WARNING",
    }


class CountingSink:
    """An SMTP server that counts what it accepts and keeps nothing."""

    def __init__(self, count):
        self.count = count

    async def handle_DATA(self, server, session, envelope):
        with self.count.get_lock():
            self.count.value += 1
        return "250 OK"


def _sink_main(port: int, count, cpu, ready, stop) -> None:
    """The SMTP sink's process: it must not take its CPU from the process that polls,
    and its cost is reported apart from the worker's (`cpu`, seconds)."""
    from aiosmtpd.controller import Controller

    controller = Controller(CountingSink(count), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu.value = usage.ru_utime + usage.ru_stime


class SinkProcess:
    def __init__(self, port: int):
        context = multiprocessing.get_context("spawn")
        self.count = context.Value("q", 0)
        self.cpu = context.Value("d", 0.0)
        self._ready, self._stop = context.Event(), context.Event()
        self.process = context.Process(
            target=_sink_main,
            args=(port, self.count, self.cpu, self._ready, self._stop),
            daemon=True,
        )

    def start(self) -> None:
        self.process.start()
        if not self._ready.wait(timeout=30):
            raise RuntimeError("the SMTP sink did not start")

    @property
    def received(self) -> int:
        return self.count.value

    def stop(self) -> float:
        """Stop the sink; returns its CPU time in seconds."""
        self._stop.set()
        self.process.join(timeout=30)
        return self.cpu.value


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a running process and its running children (a prefork
    worker's pool), from /proc (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return float("nan")
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(_cpu_seconds(int(child)) for child in children)


def ensure_database() -> None:
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[-1]
    server = DATABASE_URL.rsplit("/", 1)[0].replace("postgres://", "postgresql://", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare() -> None:
    from django.core.management import call_command

    from offerings.models import Offer

    call_command("migrate", verbosity=0)
    if Offer.objects.count() < 20_000:
        print("Filling the benchmark catalogue (load_places, seed_large) …", flush=True)
        call_command("load_places", verbosity=0)
        call_command("seed_large", "--force", verbosity=0)


def cleanup() -> None:
    from offerings.models import CourseAlert
    from outbox.models import DigestClaim, OutboxMessage

    ids = list(CourseAlert.objects.filter(email__endswith=MARKER).values_list("pk", flat=True))
    DigestClaim.objects.filter(recipient__in=[f"course-alert:{pk}" for pk in ids]).delete()
    OutboxMessage.objects.filter(recipient__endswith=MARKER).delete()
    CourseAlert.objects.filter(pk__in=ids).delete()


def create_alerts(count: int) -> list[int]:
    from django.db.models import Max
    from django.http import QueryDict
    from django.utils import timezone

    from offerings.alerts.services import CONSENT_VERSION, alert_query_normalize
    from offerings.models import CourseAlert, Offer, OfferDate

    rng = random.Random(7)  # noqa: S311  (reproducible test data, not secrets)
    now = timezone.now()
    since = now - timedelta(days=7)
    # What is "new" this week: some offers published, some dates added.
    offer_ids = list(Offer.objects.in_catalogue().values_list("pk", flat=True))
    fresh = rng.sample(offer_ids, min(400, len(offer_ids)))
    Offer.objects.filter(pk__in=fresh).update(published_at=now - timedelta(days=1))
    last_date = OfferDate.objects.aggregate(m=Max("pk"))["m"] or 0
    queries = {}
    for search in SEARCHES:
        for extra in EXTRAS:
            raw = "&".join(part for part in (search, extra) if part)
            queries[raw] = alert_query_normalize(QueryDict(raw))
    choices = list(queries.values())
    CourseAlert.objects.bulk_create(
        [
            CourseAlert(
                email=f"person{n}@{MARKER}",
                query=rng.choice(choices),
                token=secrets.token_urlsafe(32),
                consent_version=CONSENT_VERSION,
                created_at=since - timedelta(days=1),
                confirmed_at=since,
                last_digest_at=since,
                last_date_id=last_date - 3000,
            )
            for n in range(count)
        ],
        batch_size=2000,
    )
    print(f"   {len(set(choices))} distinct saved searches over {count} alerts")
    return list(CourseAlert.objects.filter(email__endswith=MARKER).values_list("pk", flat=True))


def queries_per_digest(alert_ids: list[int], since, last_date_id: int) -> None:
    """Builds digests inside a transaction that is rolled back: nothing is sent or kept."""
    from django.db import connection, transaction
    from django.utils import timezone

    from offerings.alerts.services import course_alert_digests_send
    from offerings.models import CourseAlert

    class Rollback(Exception):
        pass

    executed = [0]

    def counter(execute, sql, params, many, context):
        executed[0] += 1
        return execute(sql, params, many, context)

    print("\n2. SQL queries per digest (built, then rolled back):")
    for size in (100, 1000):
        # A later week, so that the real run's claims do not interfere.
        now = timezone.now() + timedelta(weeks=5)
        executed[0] = 0
        try:
            with transaction.atomic():
                # As before the real run: a week's news for every alert (rolled back too).
                CourseAlert.objects.filter(pk__in=alert_ids).update(
                    last_digest_at=since, last_date_id=last_date_id
                )
                with connection.execute_wrapper(counter):
                    run = course_alert_digests_send(
                        frequency="weekly", now=now, alert_ids=alert_ids[:size]
                    )
                raise Rollback
        except Rollback:
            pass
        per = executed[0] / max(run.alerts, 1)
        print(
            f"   {size:5d} alerts: {executed[0]} queries, {per:.1f} per alert"
            f" ({run.sent} digests, {run.nothing_new} without news)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--alerts", type=int, default=10_000)
    parser.add_argument("--queries-only", action="store_true", help="skip the delivery run")
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="the worker's pool: 1 runs it solo (the strict case), N > 1 as a prefork pool "
        "of N processes (docker-compose's worker takes one per core)",
    )
    args = parser.parse_args()

    port = free_port()
    env = _environment(port)
    os.environ.update(env)
    ensure_database()

    import django

    django.setup()
    prepare()
    cleanup()

    from beweqo.celery import app
    from offerings.alerts.tasks import course_alert_digests_send_task

    print(f"Creating {args.alerts} confirmed alerts …", flush=True)
    alert_ids = create_alerts(args.alerts)
    from offerings.models import CourseAlert as _Alert

    watermark = _Alert.objects.filter(pk=alert_ids[0]).values_list(
        "last_digest_at", "last_date_id"
    )[0]
    if args.queries_only:
        queries_per_digest(alert_ids, *watermark)
        cleanup()
        return
    app.control.purge()

    sink = SinkProcess(port)
    sink.start()
    sink_cpu = None
    worker = subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "beweqo", "worker"),
            *(("-P", "solo", "-c", "1") if args.processes <= 1 else ("-c", str(args.processes))),
            *("-l", "warning", "--without-gossip", "--without-mingle", "--without-heartbeat"),
        ],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    try:
        time.sleep(3)  # the worker connects to the broker
        from django.utils import timezone

        from offerings.models import CourseAlert
        from outbox.models import DigestClaim

        started_at = timezone.now()
        own_before = resource.getrusage(resource.RUSAGE_SELF)
        worker_before = _cpu_seconds(worker.pid)
        start = time.perf_counter()
        course_alert_digests_send_task.delay("weekly")
        expected, built_after = None, 0.0
        last_count, last_change = 0, time.perf_counter()
        while True:
            # Cheap polling: this process shares the machine's cores with the worker.
            time.sleep(0.5)
            if expected is None:
                done = CourseAlert.objects.filter(
                    email__endswith=MARKER, last_digest_at__gt=started_at
                ).count()
                if done == len(alert_ids):
                    from outbox.models import OutboxMessage

                    built_after = time.perf_counter() - start

                    expected = OutboxMessage.objects.filter(recipient__endswith=MARKER).count()
            if expected is not None and sink.received >= expected:
                break
            # The one worker builds every digest before it delivers the first: progress is
            # the claims at first, then the mails.
            progress = sink.received + DigestClaim.objects.filter(kind="course_alert").count()
            if progress != last_count:
                last_count, last_change = progress, time.perf_counter()
            elif time.perf_counter() - last_change > 120:
                print("   stalled: no progress for two minutes")
                break
        elapsed = time.perf_counter() - start
        worker_cpu = _cpu_seconds(worker.pid) - worker_before
        pool = "solo" if args.processes <= 1 else f"a pool of {args.processes} processes"
        print(
            f"\n1. {args.alerts} alerts: {expected} digests built and delivered in {elapsed:.1f} s"
            f" by one worker, {pool} ({sink.received} mails at the sink; target ≤ 60 s)"
        )
        own_after = resource.getrusage(resource.RUSAGE_SELF)
        own_cpu = (own_after.ru_utime - own_before.ru_utime) + (
            own_after.ru_stime - own_before.ru_stime
        )
        if expected is not None:
            print(
                f"   building took {built_after:.1f} s (one task), delivering the"
                f" {expected} mails {elapsed - built_after:.1f} s (tasks of a hundred)"
            )
        print(f"   CPU time of the worker for the run: {worker_cpu:.1f} s")
        print(f"   CPU time of this process meanwhile (polling): {own_cpu:.1f} s")
        load = os.getloadavg()[0]
        print(f"   (load average during the run: {load:.1f} on {os.cpu_count()} cores)")
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:  # still inside a task (acks_late): stop it hard
            worker.kill()
            worker.wait()
        sink_cpu = sink.stop()

    print(f"   CPU time of the SMTP sink (own process, start-up included): {sink_cpu:.1f} s")
    queries_per_digest(alert_ids, *watermark)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    children = usage.ru_utime + usage.ru_stime - sink_cpu
    print(f"   worker CPU time, start-up included: {children:.1f} s")
    child = usage.ru_maxrss / 1024
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n3. Peak memory (max RSS): worker {child:.0f} MiB, this process {own:.0f} MiB")
    cleanup()


if __name__ == "__main__":
    main()
