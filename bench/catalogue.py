"""Benchmark of the course catalogue on the large benchmark catalogue (PostgreSQL).

Prints, for issue 3's speed targets:
0. the time to build the in-memory catalogue index (offerings.index);
1. server time of 25 representative searches, measured in-process (p50 / p95 / max), for the
   first request of each search (text result and course cards not yet cached) and repeated;
2. the number of SQL queries of a catalogue page for 1 and for 20 results;
3. throughput of the catalogue page under gunicorn, against a trivial Django view
   (/healthz) on the same server in the same run, and their ratio;
4. the bytes a browser transfers for the first load of the catalogue page, assets included.

Usage (creates and fills the database on the first run, which takes about a minute):
    createdb -h 127.0.0.1 -U postgres beweqo_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/beweqo_bench .venv/bin/python bench/catalogue.py
"""

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "beweqo.settings",
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "false",
    "SITE_URL": "http://127.0.0.1",
    "LOG_LEVEL": "WARNING",
}

SEARCHES = [
    "",
    "q=Schweißen",
    "q=Excel",
    "q=Exel",
    "q=Schweißkurs",
    "q=Pflege",
    "q=Deutsch+B1",
    'q="Industriemeister+Metall"',
    "q=Buchhaltung+-DATEV",
    "kostenlos=on",
    "foerderung=bildungsgutschein",
    "zielgruppe=arbeitsuchende&lernform=praesenz",
    "landkreis=heidenheim&beginn=three_months",
    "ort=Aalen&umkreis=25",
    "ort=89518&umkreis=10&kostenlos=on",
    "q=Staplerschein&ort=Ellwangen&umkreis=50",
    "q=Excel&kostenlos=on&tageszeit=evening",
    "dauer=long&zeitmodell=full_time&foerderung=aufstiegs-bafoeg",
    "seite=25",
    "q=Kurs&sortierung=price&seite=10",
    # Issue 16: spelling variants, short words, partial matches.
    "q=Fraesen",
    "q=KI",
    "q=cnc+fräsen+abends",
    "q=Umschulung+Teilzeit",
    "q=Computer+Grundkurs",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def prepare(skip_seed: bool) -> int:
    from django.core.management import call_command

    from offerings.models import Offer

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)
    if not skip_seed and Offer.objects.count() < 20_000:
        print("Filling the benchmark catalogue (seed_large) …", flush=True)
        call_command("load_places", verbosity=0)
        call_command("seed_large", "--force", verbosity=0)
    return Offer.objects.in_catalogue().count()


def server_times(runs: int) -> None:
    from django.core.cache import caches
    from django.test import Client

    from offerings.index import catalogue_index, catalogue_index_clear

    catalogue_index_clear()
    caches["fragments"].clear()
    start = time.perf_counter()
    index = catalogue_index()
    print(
        f"\n0. Catalogue index: {index.size} offers, {len(index.d_offer)} open dates,"
        f" built in {(time.perf_counter() - start) * 1000:.0f} ms"
        " (once per process and change of data)."
    )
    client = Client()
    cold: dict[str, float] = {}
    for query in SEARCHES:  # first request of each search: no cached text result or cards
        start = time.perf_counter()
        assert client.get("/kurse/?" + query).status_code == 200, query
        cold[query] = (time.perf_counter() - start) * 1000
    timings: dict[str, list[float]] = {q: [] for q in SEARCHES}
    for _ in range(runs):
        for query in SEARCHES:
            start = time.perf_counter()
            client.get("/kurse/?" + query)
            timings[query].append((time.perf_counter() - start) * 1000)
    everything = [t for values in timings.values() for t in values]
    print(f"\n1. Server time of {len(SEARCHES)} searches × {runs} runs (ms, in-process):")
    print("    first   then (median)")
    for query, values in timings.items():
        print(f"   {cold[query]:6.1f}  {statistics.median(values):6.1f}  /kurse/?{query}")
    first = list(cold.values())
    print(
        f"   first request of each search: p50 {percentile(first, 0.5):.1f} ms,"
        f" p95 {percentile(first, 0.95):.1f} ms, max {max(first):.1f} ms"
    )
    print(
        f"   repeated: p50 {percentile(everything, 0.5):.1f} ms,"
        f" p95 {percentile(everything, 0.95):.1f} ms,"
        f" max {max(everything):.1f} ms   (target: p95 ≤ 30 ms)"
    )


def query_counts() -> None:
    from django.db import connection
    from django.http import QueryDict
    from django.test.utils import CaptureQueriesContext

    from offerings.selectors import catalogue_search

    print("\n2. SQL queries of a catalogue page:")
    for query in ["q=Kurs&ort=Aalen&umkreis=50&foerderung=bildungsgutschein", ""]:
        counts = []
        for size in (1, 20):
            with CaptureQueriesContext(connection) as captured:
                result = catalogue_search(QueryDict(query), page_size=size)
                list(result.page.object_list)
            counts.append(len(captured))
        print(f"   page size 1: {counts[0]}, page size 20: {counts[1]}   (?{query})")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load(url: str, requests: int, concurrency: int) -> float:
    """Requests per second for `requests` GETs of `url` from `concurrency` threads."""
    remaining = iter(range(requests))
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if next(remaining, None) is None:
                    return
            with urllib.request.urlopen(url, timeout=30) as response:
                response.read()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return requests / (time.perf_counter() - start)


def throughput_and_weight(requests: int) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "beweqo.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ | ENVIRONMENT,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        page = base + "/kurse/?q=Excel&kostenlos=on"
        load(page, 20, 2)
        load(base + "/healthz", 20, 2)
        page_rate = load(page, requests, 4)
        trivial_rate = load(base + "/healthz", requests, 4)
        print(
            f"\n3. Throughput under gunicorn (2 workers, 4 concurrent clients,"
            f" {requests} requests):"
        )
        print(f"   catalogue page: {page_rate:7.1f} req/s")
        print(f"   trivial view:   {trivial_rate:7.1f} req/s")
        print(
            f"   ratio: the catalogue page serves {page_rate / trivial_rate:.2f}× the trivial view"
        )
        page_weight(base + "/kurse/")
    finally:
        server.terminate()
        server.wait(timeout=10)


def page_weight(url: str) -> None:
    """Bytes on the wire for a first visit, measured by Chromium itself."""
    from playwright.sync_api import sync_playwright

    sizes: dict[str, int] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 390, "height": 844})

        def finished(request):
            sizes[request.url] = (
                request.sizes()["responseBodySize"] + request.sizes()["responseHeadersSize"]
            )

        page.on("requestfinished", finished)
        page.goto(url, wait_until="networkidle")
        browser.close()
    total = sum(sizes.values())
    print("\n4. First load of /kurse/ on a phone, as transferred (compressed):")
    for resource, size in sorted(sizes.items(), key=lambda item: -item[1]):
        print(f"   {size / 1024:7.1f} KB  {resource.split('/', 3)[-1][:90]}")
    print(f"   total {total / 1024:.1f} KB   (target: ≤ 150 KB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--skip-seed", action="store_true")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (see the module docstring).")
    os.environ.update(ENVIRONMENT)
    import django

    django.setup()
    in_catalogue = prepare(args.skip_seed)
    print(f"Catalogue: {in_catalogue} offers in the catalogue.")
    server_times(args.runs)
    query_counts()
    throughput_and_weight(args.requests)


if __name__ == "__main__":
    main()
