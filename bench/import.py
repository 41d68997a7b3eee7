"""Benchmark of the open-Q-cat import (issue 4): a file with 10,000 offers and 30,000 dates,
dry run and commit, then the same file again (which must change nothing).

Prints the time of each step (target: dry run and commit ≤ 60 s) and the peak memory that
the streaming parse allocates for a file of a tenth of the size and for the full file
(tracemalloc): the XML tree never holds more than one SERVICE, so what grows is only the
compact records the plan needs. Uses its own PostgreSQL database and its own institution
(created on the first run, emptied at the end):
    .venv/bin/python bench/import.py [--offers 10000] [--dates-per-offer 3]
Other database: DATABASE_URL=postgres://…
"""

import argparse
import io
import os
import secrets
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
    """A catalogue the way a large provider's generator writes it: offers first, then all
    dates, ISO-8859-15, times with a zone."""
    parts = [
        '<?xml version="1.0" encoding="ISO-8859-15"?>\n<OPENQCAT version="1.1"><HEADER>'
        "<CATALOG><LANGUAGE>deu</LANGUAGE><CATALOG_ID>bench</CATALOG_ID></CATALOG>"
        "<SUPPLIER><SUPPLIER_NAME>Bench</SUPPLIER_NAME></SUPPLIER></HEADER><NEW_CATALOG>"
    ]
    for n in range(offers):
        parts.append(
            f"<SERVICE><PRODUCT_ID>O{n}</PRODUCT_ID><SERVICE_DETAILS>"
            f"<TITLE>Weiterbildung Nr. {n}: Schweißen, Excel &amp; Führung</TITLE>"
            f"<DESCRIPTION_SHORT>Kurs {n} für Fachkräfte in Ostwürttemberg.</DESCRIPTION_SHORT>"
            f"<DESCRIPTION_LONG>{escape('Ausführliche Beschreibung. ' * 20)}</DESCRIPTION_LONG>"
            "<CONTACT><NAME>Eva Muster</NAME><EMAIL>kurse@example.org</EMAIL></CONTACT>"
            "<KEYWORD>Metall</KEYWORD><KEYWORD>Büro</KEYWORD>"
            '<SERVICE_MODULE><EDUCATION type="true"><DEGREE>Zertifikat</DEGREE>'
            "<EXTENDED_INFO><EXECUTION_FORM>Präsenz</EXECUTION_FORM></EXTENDED_INFO>"
            "</EDUCATION></SERVICE_MODULE></SERVICE_DETAILS>"
            "<SERVICE_PRICE_DETAILS><SERVICE_PRICE><PRICE_AMOUNT>"
            f"{100 + n % 900}.00</PRICE_AMOUNT></SERVICE_PRICE></SERVICE_PRICE_DETAILS></SERVICE>"
        )
    for n in range(offers):
        for d in range(dates_per_offer):
            month = 1 + (n + d) % 12
            parts.append(
                f"<SERVICE><PRODUCT_ID>O{n}-{d}</PRODUCT_ID><SERVICE_DETAILS><SERVICE_DATE>"
                f"<START_DATE>2031-{month:02d}-0{1 + d}T09:00:00+01:00</START_DATE>"
                f"<END_DATE>2031-{month:02d}-2{d}T16:00:00+01:00</END_DATE></SERVICE_DATE>"
                f'<SERVICE_MODULE><EDUCATION type="false"><COURSE_ID>O{n}</COURSE_ID>'
                "<MODULE_COURSE><MAX_PARTICIPANTS>12</MAX_PARTICIPANTS>"
                f"<LOCATION><NAME>Schulungszentrum {n % 25}</NAME><STREET>Bahnhofstraße 1</STREET>"
                "<ZIP>73430</ZIP><CITY>Aalen</CITY></LOCATION></MODULE_COURSE>"
                "</EDUCATION></SERVICE_MODULE></SERVICE_DETAILS></SERVICE>"
            )
    parts.append("</NEW_CATALOG></OPENQCAT>\n")
    return "".join(parts).encode("iso-8859-15")


def parse_peak(content: bytes) -> float:
    from offerings.imports.openqcat import openqcat_parse
    from offerings.imports.plan import delivery_form_lookup

    forms = delivery_form_lookup()
    tracemalloc.start()
    openqcat_parse(io.BytesIO(content), delivery_forms=forms)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--offers", type=int, default=10_000)
    parser.add_argument("--dates-per-offer", type=int, default=3)
    args = parser.parse_args()
    environment()
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from network.models import Institution
    from offerings.imports.openqcat import openqcat_parse
    from offerings.imports.plan import delivery_form_lookup, import_apply, import_plan
    from offerings.models import Offer, OfferDate, Venue

    institution, _ = Institution.objects.get_or_create(
        slug=SLUG,
        defaults={
            "name": "Import-Benchmark",
            "kind": "training_provider",
            "district": "ostalbkreis",
            "is_network_member": False,
        },
    )
    Offer.objects.filter(institution=institution).delete()
    Venue.objects.filter(institution=institution).delete()

    content = build_file(args.offers, args.dates_per_offer)
    small = build_file(args.offers // 10, args.dates_per_offer)
    print(
        f"File: {args.offers:,} offers, {args.offers * args.dates_per_offer:,} dates, "
        f"{len(content) / 1e6:.1f} MB"
    )
    print(
        f"Parse peak memory: {parse_peak(small):.1f} MB for a tenth of the file, "
        f"{parse_peak(content):.1f} MB for the whole file ({len(content) / 1e6:.1f} MB)"
    )

    def step(label, commit):
        start = time.perf_counter()
        parsed = openqcat_parse(io.BytesIO(content), delivery_forms=delivery_form_lookup())
        plan = import_plan(institution=institution, parsed=parsed)
        dry = time.perf_counter() - start
        counts = plan.counts()
        if commit:
            import_apply(institution=institution, plan=plan, user=None)
        total = time.perf_counter() - start
        print(f"{label}: dry run {dry:.1f} s, dry run + commit {total:.1f} s; {counts}")
        return total

    first = step("First import", commit=True)
    assert Offer.objects.filter(institution=institution).count() == args.offers
    assert OfferDate.objects.filter(offer__institution=institution).count() == (
        args.offers * args.dates_per_offer
    )
    second = step("Same file again", commit=True)
    print(f"Target ≤ 60 s: {'met' if max(first, second) <= 60 else 'NOT met'}")
    Offer.objects.filter(institution=institution).delete()
    Venue.objects.filter(institution=institution).delete()


if __name__ == "__main__":
    main()
