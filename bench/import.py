"""Benchmark of the open-Q-cat import (issues 4 and 15): a file with 10,000 offers and 30,000
dates in both shapes (linked SERVICEs and MODULE_COURSEs inside the offer), dry run and
commit, then the same file again (which must change nothing).

Runs the import jobs themselves (`import_job_check`, `import_job_commit`: the file read from
the database, staged in a temporary table, planned and committed a chunk at a time), each in
a fresh child process, and prints:
- the time of each step (target: dry run and commit ≤ 60 s);
- the memory of the dry run and of the commit, for a file of a tenth of the size and for the
  full file, and their ratio (target: about 1, at most 1.3): the peak of Python's traced
  allocations (tracemalloc, in a run of its own because tracing slows the run down) and the
  growth of the process's resident memory (peak RSS during the run minus RSS before it).
Uses its own PostgreSQL database and its own institution (created on the first run, emptied
at the end):
    .venv/bin/python bench/import.py [--offers 10000] [--dates-per-offer 3]
Other database: DATABASE_URL=postgres://…
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/beweqo_bench_import"
)
SLUG = "import-bench"


def environment() -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "beweqo.settings",
            "DEBUG": "false",
            "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SITE_URL": "https://portal.beweqo.example",
            "DATABASE_URL": DATABASE_URL,
            "REDIS_URL": "",
            "LOG_LEVEL": "WARNING",
        }
    )


def ensure_database() -> None:
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[-1]
    server = DATABASE_URL.rsplit("/", 1)[0].replace("postgres://", "postgresql://", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def build_file(offers: int, dates_per_offer: int) -> bytes:
    """A catalogue the way large providers' generators write it, ISO-8859-15, times with a
    zone, in both shapes of dates: even offers have one SERVICE per date, linked through
    COURSE_ID and written after all offers; odd offers carry their dates as MODULE_COURSEs
    in their own SERVICE. Offers name funding, a Kurssystematik code, a contact and a
    price, so that the terms and the report of what is left out are exercised too."""
    parts = [
        '<?xml version="1.0" encoding="ISO-8859-15"?>\n<OPENQCAT version="1.1"><HEADER>'
        "<CATALOG><LANGUAGE>deu</LANGUAGE><CATALOG_ID>bench</CATALOG_ID></CATALOG>"
        "<SUPPLIER><SUPPLIER_NAME>Bench</SUPPLIER_NAME></SUPPLIER></HEADER><NEW_CATALOG>"
    ]

    def course(n: int, d: int) -> str:
        month = 1 + (n + d) % 12
        return (
            "<MODULE_COURSE><MIN_PARTICIPANTS>4</MIN_PARTICIPANTS>"
            "<MAX_PARTICIPANTS>12</MAX_PARTICIPANTS>"
            f"<LOCATION><NAME>Schulungszentrum {n % 25}</NAME><STREET>Bahnhofstraße 1</STREET>"
            "<ZIP>73430</ZIP><CITY>Aalen</CITY><BARRIER_FREE_LOCATION>true</BARRIER_FREE_LOCATION>"
            f'</LOCATION><DURATION type="3"><START_DATE>2031-{month:02d}-0{1 + d}T09:00:00+01:00'
            f"</START_DATE><END_DATE>2031-{month:02d}-2{d}T16:00:00+01:00</END_DATE></DURATION>"
            "<INSTRUCTION_REMARKS>08.30 - 16.00 Uhr</INSTRUCTION_REMARKS>"
            "<FLEXIBLE_START>false</FLEXIBLE_START></MODULE_COURSE>"
        )

    for n in range(offers):
        inside = "".join(course(n, d) for d in range(dates_per_offer)) if n % 2 else ""
        parts.append(
            f"<SERVICE><PRODUCT_ID>O{n}</PRODUCT_ID><SERVICE_DETAILS>"
            f"<TITLE>Weiterbildung Nr. {n}: Schweißen, Excel &amp; Führung</TITLE>"
            f"<DESCRIPTION_SHORT>Kurs {n} für Fachkräfte in Ostwürttemberg.</DESCRIPTION_SHORT>"
            f"<DESCRIPTION_LONG>{escape('Ausführliche Beschreibung. ' * 20)}</DESCRIPTION_LONG>"
            "<CONTACT><FIRST_NAME>Eva</FIRST_NAME><LAST_NAME>Muster</LAST_NAME>"
            "<EMAILS><EMAIL>kurse@example.org</EMAIL></EMAILS></CONTACT>"
            "<KEYWORD>Metall</KEYWORD><KEYWORD>Büro</KEYWORD>"
            "<TERMS_AND_CONDITIONS>Es gelten unsere AGB.</TERMS_AND_CONDITIONS>"
            '<SERVICE_MODULE><EDUCATION type="true"><DEGREE type="0"><DEGREE_TITLE>Zertifikat'
            "</DEGREE_TITLE></DEGREE><EXTENDED_INFO>"
            '<EXECUTION_FORM type="1">Präsenzveranstaltung</EXECUTION_FORM>'
            '<INSTRUCTION_TIME type="1">Vollzeit</INSTRUCTION_TIME>'
            '<FUNDING_TYPES_FEDERAL type="2">Bildungsgutschein</FUNDING_TYPES_FEDERAL>'
            "<TEACHING_LANGUAGES>deu</TEACHING_LANGUAGES>"
            f"<MEASURE_NUMBER>962/{n}/2031</MEASURE_NUMBER></EXTENDED_INFO>{inside}"
            "</EDUCATION></SERVICE_MODULE></SERVICE_DETAILS>"
            "<SERVICE_CLASSIFICATION><REFERENCE_CLASSIFICATION_SYSTEM_NAME>Kurssystematik"
            "</REFERENCE_CLASSIFICATION_SYSTEM_NAME><FEATURE><FNAME>C 2445-20-10</FNAME>"
            "<FVALUE>Metallaktivgasschweißen</FVALUE></FEATURE></SERVICE_CLASSIFICATION>"
            "<SERVICE_PRICE_DETAILS><SERVICE_PRICE><PRICE_AMOUNT>"
            f"{100 + n % 900}.00</PRICE_AMOUNT></SERVICE_PRICE></SERVICE_PRICE_DETAILS></SERVICE>"
        )
    for n in range(0, offers, 2):
        for d in range(dates_per_offer):
            parts.append(
                f"<SERVICE><PRODUCT_ID>O{n}-{d}</PRODUCT_ID><SERVICE_DETAILS>"
                f'<SERVICE_MODULE><EDUCATION type="false"><COURSE_ID>O{n}</COURSE_ID>'
                '<EXTENDED_INFO><INSTRUCTION_TIME type="2">Teilzeit</INSTRUCTION_TIME>'
                f"</EXTENDED_INFO>{course(n, d)}</EDUCATION></SERVICE_MODULE></SERVICE_DETAILS>"
                "</SERVICE>"
            )
    parts.append("</NEW_CATALOG></OPENQCAT>\n")
    return "".join(parts).encode("iso-8859-15")


def rss_mb(field: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def child(step: str, job_id: int, trace: bool) -> None:
    """One step of one job in this (fresh) process; prints its figures as JSON."""
    import django

    django.setup()
    from offerings.imports import jobs
    from offerings.imports.lookups import delivery_form_lookup
    from offerings.models import ImportJob

    delivery_form_lookup()  # connect and warm up before the baseline
    # Reset the peak RSS to the current RSS (Linux ≥ 4.0), so VmHWM is this step's peak.
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")
    before = rss_mb("VmRSS")
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    (jobs.import_job_check if step == "check" else jobs.import_job_commit)(job_id=job_id)
    seconds = time.perf_counter() - start
    traced = tracemalloc.get_traced_memory()[1] / 1e6 if trace else None
    tracemalloc.stop()
    growth = rss_mb("VmHWM") - before
    # Only the counts: loading the whole report here would measure the benchmark itself.
    status, error, counts = ImportJob.objects.values_list("status", "error", "report__counts").get(
        pk=job_id
    )
    print(
        json.dumps(
            {
                "seconds": seconds,
                "traced_mb": traced,
                "rss_growth_mb": growth,
                "status": status,
                "error": error,
                "counts": counts,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--offers", type=int, default=10_000)
    parser.add_argument("--dates-per-offer", type=int, default=3)
    parser.add_argument("--child", choices=["check", "commit"], help=argparse.SUPPRESS)
    parser.add_argument("--job", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    environment()
    if args.child:
        child(args.child, args.job, args.trace)
        return
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)

    from network.models import Institution
    from offerings.models import ImportJob, ImportStatus, Offer, OfferDate, Venue

    institution, _ = Institution.objects.get_or_create(
        slug=SLUG,
        defaults={
            "name": "Import-Benchmark",
            "kind": "training_provider",
            "district": "ostalbkreis",
            "is_network_member": False,
        },
    )

    def empty_offers() -> None:
        Offer.objects.filter(institution=institution).delete()
        Venue.objects.filter(institution=institution).delete()

    def empty() -> None:
        empty_offers()
        ImportJob.objects.filter(institution=institution).delete()

    empty()
    # The files are built here and stored once; each step gets a job that copies the stored
    # file inside the database, so the children never receive the file from this process.
    templates = {}
    for name, offers in (("tenth", args.offers // 10), ("full", args.offers)):
        content = build_file(offers, args.dates_per_offer)
        templates[name] = ImportJob.objects.create(
            institution=institution,
            format="openqcat",
            filename=f"bench-{name}.xml",
            content=content,
            status=ImportStatus.FAILED,
        ).pk
        print(
            f"File ({name}): {offers:,} offers, {offers * args.dates_per_offer:,} dates, "
            f"{len(content) / 1e6:.1f} MB"
        )
        del content

    def run(step: str, name: str, *, trace: bool = False, job_id: int | None = None) -> dict:
        if job_id is None:
            job_id = ImportJob.objects.create(
                institution=institution, format="openqcat", filename=f"bench-{name}.xml"
            ).pk
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE offerings_importjob SET content = "
                    "(SELECT content FROM offerings_importjob WHERE id = %s) WHERE id = %s",
                    [templates[name], job_id],
                )
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.QUEUED if step == "check" else ImportStatus.COMMITTING
        )
        command = [sys.executable, __file__, "--child", step, "--job", str(job_id)]
        result = subprocess.run(
            command + (["--trace"] if trace else []),
            capture_output=True,
            text=True,
            check=True,
            env=os.environ,
        )
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        if figures["error"]:
            raise SystemExit(f"{step} of {name} failed: {figures['error']}")
        figures["job"] = job_id
        return figures

    memory, times = {}, {}
    for name in ("tenth", "full"):
        empty_offers()
        check = run("check", name)
        traced_check = run("check", name, trace=True, job_id=check["job"])
        commit = run("commit", name, job_id=check["job"])
        if name == "full":
            assert Offer.objects.filter(institution=institution).count() == args.offers
            assert OfferDate.objects.filter(offer__institution=institution).count() == (
                args.offers * args.dates_per_offer
            )
            times["First import"] = (check, commit)
            again = run("check", name)
            times["Same file again"] = (again, run("commit", name, job_id=again["job"]))
        empty_offers()
        traced_commit = run("commit", name, trace=True, job_id=run("check", name)["job"])
        memory[name] = {
            "dry run": (traced_check["traced_mb"], check["rss_growth_mb"]),
            "commit": (traced_commit["traced_mb"], commit["rss_growth_mb"]),
        }

    print("Memory, traced peak / RSS growth:")
    for step in ("dry run", "commit"):
        (t_small, r_small), (t_full, r_full) = memory["tenth"][step], memory["full"][step]
        print(
            f"  {step}: a tenth of the file {t_small:.1f} MB / {r_small:.1f} MB, "
            f"the whole file {t_full:.1f} MB / {r_full:.1f} MB; ratio whole/tenth "
            f"{t_full / t_small:.2f} traced, {r_full / max(r_small, 0.1):.2f} RSS"
        )
    slowest = 0.0
    for label, (check, commit) in times.items():
        total = check["seconds"] + commit["seconds"]
        slowest = max(slowest, total)
        print(
            f"{label}: dry run {check['seconds']:.1f} s, commit {commit['seconds']:.1f} s, "
            f"together {total:.1f} s; {commit['counts']}"
        )
    print(f"Target ≤ 60 s: {'met' if slowest <= 60 else 'NOT met'}")
    empty()


if __name__ == "__main__":
    main()
