"""Benchmark of the course catalogue on the large benchmark catalogue (PostgreSQL).

Prints, for issue 3's speed targets:
0. the time to build the in-memory catalogue index (offerings.index);
1. server time of 30 representative searches, measured in-process (p50 / p95 / max), for the
   first request of each search (text result and course cards not yet cached) and repeated;
   ten of them also as the Atom feed and the JSON API of the search, which count in the p95;
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
import statistics
import sys
import threading
import time
import urllib.request

from _server import ENVIRONMENT, ROOT, catalogue_prepare, free_port, gunicorn_start, gunicorn_stop

sys.path.insert(0, str(ROOT))

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
    # Issue 16: words that name a place or a filter, synonyms, typos in a place.
    "q=staplerschein+aalne",
    "q=Bildungsgutschein",
    "q=kostenlos+online",
    "q=Deutschkurs",
    "q=Meister",
]
# The searches also fetched as the Atom feed and the JSON API (issue 16: in the p95).
FEED_AND_API = [
    "",
    "q=Schweißen",
    "q=Deutsch+B1",
    "kostenlos=on",
    "ort=Aalen&umkreis=25",
    "q=Excel&kostenlos=on&tageszeit=evening",
    "q=Fraesen",
    "q=cnc+fräsen+abends",
    "q=staplerschein+aalne",
    "q=Bildungsgutschein",
]
PAGES = [
    *(f"/kurse/?{query}" for query in SEARCHES),
    *(f"/kurse/feed/?{query}" for query in FEED_AND_API),
    *(f"/kurse/api/angebote/?{query}" for query in FEED_AND_API),
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def prepare(skip_seed: bool) -> int:
    from offerings.models import Offer

    catalogue_prepare(20_000, skip_seed)
    return Offer.objects.in_catalogue().count()


def page_cache_forget() -> None:
    """Drop the shared pages an earlier run (or bench/load.py) stored in this Redis, so that
    the first requests below are first requests."""
    from django.core.cache import caches

    from common.cache import RedisCache
    from common.pagecache import KEY_PREFIX

    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        backend.clear()
        return
    client = backend._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{backend.make_key(KEY_PREFIX)}*"))
    if keys:
        client.delete(*keys)


def server_times(runs: int) -> None:
    from django.core.cache import caches
    from django.test import Client

    from offerings.index import catalogue_index, catalogue_index_clear

    catalogue_index_clear()
    caches["fragments"].clear()
    page_cache_forget()
    start = time.perf_counter()
    index = catalogue_index()
    print(
        f"\n0. Catalogue index: {index.size} offers, {len(index.d_offer)} open dates,"
        f" built in {(time.perf_counter() - start) * 1000:.0f} ms"
        " (once per process and change of data)."
    )
    client = Client()
    cold: dict[str, float] = {}
    for url in PAGES:  # first request of each: no cached text result or cards
        start = time.perf_counter()
        # follow: a search whose words are understood as filters is redirected to its
        # canonical URL, and the visitor waits for both.
        assert client.get(url, follow=True).status_code == 200, url
        cold[url] = (time.perf_counter() - start) * 1000
    timings: dict[str, list[float]] = {url: [] for url in PAGES}
    for _ in range(runs):
        for url in PAGES:
            start = time.perf_counter()
            client.get(url, follow=True)
            timings[url].append((time.perf_counter() - start) * 1000)
    print(
        f"\n1. Server time of {len(SEARCHES)} searches, {len(FEED_AND_API)} of them also as feed"
        f" and API, × {runs} runs (ms, in-process):"
    )
    print("    first   then (median)")
    for url, values in timings.items():
        print(f"   {cold[url]:6.1f}  {statistics.median(values):6.1f}  {url}")
    for kind, prefix in [("pages", "/kurse/?"), ("feeds", "/kurse/feed/"), ("API", "/kurse/api/")]:
        values = [t for url, times in timings.items() if url.startswith(prefix) for t in times]
        print(
            f"   {kind:5}: repeated p50 {percentile(values, 0.5):.1f} ms,"
            f" p95 {percentile(values, 0.95):.1f} ms"
        )
    first = list(cold.values())
    everything = [t for values in timings.values() for t in values]
    print(
        f"   first request of each: p50 {percentile(first, 0.5):.1f} ms,"
        f" p95 {percentile(first, 0.95):.1f} ms, max {max(first):.1f} ms"
    )
    print(
        f"   repeated, all: p50 {percentile(everything, 0.5):.1f} ms,"
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
    server = gunicorn_start(port, workers=2)
    try:
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
        gunicorn_stop(server)


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
