"""Load benchmark of the portal under gunicorn, as docker-compose runs it (issue 19).

Starts gunicorn the way the web service does (`gunicorn beweqo.wsgi:application` with the
project's gunicorn.conf.py, so the same number of workers for this machine's cores) on a
loopback port, against the large benchmark catalogue in PostgreSQL (seed_large, filled on
the first run as bench/catalogue.py does), and drives it with wrk (Debian package `wrk`):

1. req/s and p99 latency of /healthz, a static file, /kurse/, a filtered search, a course
   page, the Atom feed of a search and the JSON API, each also as a ratio to /healthz; the
   pages take turns in short slices over several rounds, so a busy moment of the machine
   weighs on all of them alike (req/s over all slices; p99 as the median of the slices');
2. many connections (default 200 for 60 s) on a rotating mix of 20 searches and course
   pages: errors, p50, p99, req/s;
with the load average before the run and during phase 2. Responses are asked for with
`Accept-Encoding: gzip`, as browsers do. Nothing depends on a page cache; when one answers,
the header line printed at the start says so (Cache-Control of /kurse/).

Only loopback addresses; every wrk run is bounded; gunicorn is stopped at the end.

Usage (creates and fills the database on the first run, which takes a few minutes):
    createdb -h 127.0.0.1 -U postgres beweqo_bench_load
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/beweqo_bench_load \
        REDIS_URL=redis://127.0.0.1:6379/4 .venv/bin/python bench/load.py
A quick try: --duration 2 --rounds 1 --mix-duration 10. The catalogue five times larger:
--offers 100000 (refills the database, which takes several minutes; use a database of its
own to keep both). --workers N sets WEB_CONCURRENCY, as a deployment would.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request
from pathlib import Path

from _server import ENVIRONMENT, ROOT, catalogue_prepare, free_port, gunicorn_start, gunicorn_stop

sys.path.insert(0, str(ROOT))

# Searches of the mix: none of them has words the page would turn into filters (those answer
# with a redirect to the understood URL, which wrk would not follow).
MIX_SEARCHES = [
    "/kurse/?q=Schwei%C3%9Fen",
    "/kurse/?q=Excel",
    "/kurse/?q=Pflege",
    "/kurse/?q=Deutsch+B1",
    "/kurse/?kostenlos=on",
    "/kurse/?foerderung=bildungsgutschein",
    "/kurse/?ort=Aalen&umkreis=25",
    "/kurse/?q=Excel&kostenlos=on&tageszeit=evening",
    "/kurse/?landkreis=heidenheim&beginn=three_months",
    "/kurse/?seite=5",
]
COURSE_PAGES = 10
# A wrk script that prints its figures as one JSON line; `paths` (empty: the URL's own path)
# are asked for in turn, each thread starting elsewhere in the list.
WRK_SCRIPT = """
local paths = {%(paths)s}
local counter = 0
local created = 0
wrk.headers["Accept-Encoding"] = "gzip"

function setup(thread)
  thread:set("offset", created * 7)
  created = created + 1
end

function init(args)
  counter = tonumber(offset) or 0
end

function request()
  if #paths == 0 then
    return wrk.format()
  end
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %%d, "duration_us": %%d, "bytes": %%d, "connect": %%d, "read": %%d,'
    .. ' "write": %%d, "status": %%d, "timeout": %%d, "p50_us": %%d, "p99_us": %%d,'
    .. ' "max_us": %%d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def load_average() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def pages() -> dict[str, str]:
    """The pages of phase 1, and the course pages of the mix, from this database."""
    from django.templatetags.static import static

    from offerings.models import Offer

    ids = list(Offer.objects.in_catalogue().order_by("pk").values_list("pk", flat=True))
    chosen = ids[:: max(1, len(ids) // COURSE_PAGES)][:COURSE_PAGES]  # spread over the catalogue
    offers = Offer.objects.in_bulk(chosen)
    course_pages = [offers[pk].get_absolute_url() for pk in chosen]
    return {
        "/healthz": "/healthz",
        "static file": static("css/portal.css"),
        "/kurse/": "/kurse/",
        "filtered search": "/kurse/?q=Excel&kostenlos=on",
        "course page": course_pages[0],
        "feed": "/kurse/feed/?q=Schwei%C3%9Fen",
        "API": "/kurse/api/angebote/?q=Excel",
        "_course_pages": course_pages,
    }


def wrk(
    base: str,
    paths: list[str],
    *,
    seconds: float,
    connections: int,
    threads: int,
    scripts: Path,
) -> dict:
    """One bounded wrk run over `paths` (in turn); its figures."""
    script = scripts / f"wrk-{abs(hash(tuple(paths)))}.lua"
    if not script.exists():
        quoted = ", ".join(json.dumps(path) for path in paths)
        script.write_text(WRK_SCRIPT % {"paths": quoted}, encoding="utf-8")
    command = [
        shutil.which("wrk") or "wrk",
        f"--threads={min(threads, connections)}",
        f"--connections={connections}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=30s",  # gunicorn's own limit: anything slower is a failed request
        f"--script={script}",
        base + paths[0],
    ]
    finished = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=True
    )
    for line in finished.stdout.splitlines():
        if line.startswith("BENCH "):
            return json.loads(line[len("BENCH ") :])
    raise RuntimeError(f"wrk printed no figures:\n{finished.stdout}\n{finished.stderr}")


def check_answers(base: str, paths: list[str]) -> None:
    """Every URL answers 200 by itself (no redirect, no error), before any load."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    for path in paths:
        try:
            with opener.open(base + path, timeout=60) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 200:
            raise SystemExit(f"{path} answers {status}, not 200: choose another URL.")


def errors(figures: dict) -> int:
    return sum(figures[k] for k in ("connect", "read", "write", "status", "timeout"))


def phase_one(base: str, named: dict[str, str], args, scripts: Path) -> None:
    slices: dict[str, list[dict]] = {name: [] for name in named}
    for _round in range(args.rounds):
        for name, path in named.items():
            slices[name].append(
                wrk(
                    base,
                    [path],
                    seconds=args.duration,
                    connections=args.connections,
                    threads=args.threads,
                    scripts=scripts,
                )
            )
    rates = {
        name: sum(s["requests"] for s in runs) / (sum(s["duration_us"] for s in runs) / 1e6)
        for name, runs in slices.items()
    }
    print(
        f"\n1. Each page by itself: {args.connections} connections, {args.rounds} rounds of"
        f" {args.duration:g} s per page, taking turns"
    )
    print(f"   {'':18s} {'req/s':>8s} {'p99 ms':>8s} {'÷ /healthz':>11s} {'errors':>7s}  URL")
    for name, runs in slices.items():
        p99 = statistics.median(s["p99_us"] for s in runs) / 1000
        failed = sum(errors(s) for s in runs)
        print(
            f"   {name:18s} {rates[name]:8.1f} {p99:8.1f} {rates[name] / rates['/healthz']:11.3f}"
            f" {failed:7d}  {named[name]}"
        )


def phase_two(base: str, mix: list[str], args, scripts: Path) -> None:
    samples: list[float] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(5):
            samples.append(os.getloadavg()[0])

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        figures = wrk(
            base,
            mix,
            seconds=args.mix_duration,
            connections=args.mix_connections,
            threads=args.threads,
            scripts=scripts,
        )
    finally:
        stop.set()
        sampler.join()
    rate = figures["requests"] / (figures["duration_us"] / 1e6)
    print(
        f"\n2. {args.mix_connections} connections for {args.mix_duration:g} s on a rotating mix"
        f" of {len(mix)} searches and course pages:"
    )
    print(
        f"   {figures['requests']} requests, {rate:.1f} req/s;"
        f" p50 {figures['p50_us'] / 1000:.0f} ms, p99 {figures['p99_us'] / 1000:.0f} ms,"
        f" max {figures['max_us'] / 1000:.0f} ms"
    )
    print(
        f"   errors: {errors(figures)} (connect {figures['connect']}, read {figures['read']},"
        f" write {figures['write']}, HTTP status ≥ 400 {figures['status']},"
        f" timeout {figures['timeout']})"
    )
    print(
        f"   load average (1 min) during the mix: {' '.join(f'{v:.2f}' for v in samples)}"
        f" (at its end 1/5/15 min: {load_average()})"
    )


def children(pid: int) -> list[int]:
    """The processes `pid` started (gunicorn's workers), from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == str(pid):
            found.append(int(stat.parent.name))
    return found


def resident_mb(pid: int) -> float:
    """A process's resident memory in MB (0 when it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    lines = status.splitlines()
    kilobytes = next((line.split()[1] for line in lines if line.startswith("VmRSS")), 0)
    return int(kilobytes) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=5, help="seconds per page and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8, help="phase 1")
    parser.add_argument("--mix-duration", type=float, default=60)
    parser.add_argument("--mix-connections", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads")
    parser.add_argument("--workers", type=int, help="WEB_CONCURRENCY (default: gunicorn.conf.py)")
    parser.add_argument("--offers", type=int, default=20_000, help="100000: five times larger")
    parser.add_argument("--skip-seed", action="store_true")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (see the module docstring).")
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    if not (1 <= args.duration <= 600 and 1 <= args.mix_duration <= 600):
        sys.exit("Durations are between 1 and 600 seconds.")
    os.environ.update(ENVIRONMENT)
    import django

    django.setup()
    from offerings.models import Offer

    catalogue_prepare(args.offers, args.skip_seed)
    named = pages()
    course_pages = named.pop("_course_pages")
    mix = [page for pair in zip(MIX_SEARCHES, course_pages, strict=False) for page in pair]
    print(f"Catalogue: {Offer.objects.in_catalogue().count()} offers in the catalogue.")
    from django.db import connections

    connections.close_all()  # this process asks the database nothing more
    print(f"Load average before (1/5/15 min): {load_average()}; {os.cpu_count()} CPUs.")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="beweqo-load-") as scratch:
        scripts = Path(scratch)
        server = gunicorn_start(port, workers=args.workers, log=scripts / "access.log")
        try:
            workers = len(children(server.pid))
            with urllib.request.urlopen(base + "/kurse/", timeout=60) as response:
                cache_control = response.headers.get("Cache-Control", "–")
            print(
                f"gunicorn on {base}: {workers} workers (gunicorn.conf.py"
                f"{', WEB_CONCURRENCY' if args.workers else ''});"
                f" /kurse/ answers with Cache-Control: {cache_control}"
            )
            check_answers(base, [*named.values(), *mix])
            # Warm up every worker: its catalogue index, templates and connections.
            wrk(base, [*named.values(), *mix], seconds=3, connections=8, threads=2, scripts=scripts)
            phase_one(base, named, args, scripts)
            phase_two(base, mix, args, scripts)
            memory = [resident_mb(pid) for pid in children(server.pid)]
            print(
                f"\nMemory of the {len(memory)} workers after the run: "
                + ", ".join(f"{mb:.0f}" for mb in memory)
                + f" MB resident (master {resident_mb(server.pid):.0f} MB)."
            )
        finally:
            gunicorn_stop(server)
    print(f"\nLoad average after (1/5/15 min): {load_average()}.")
    print(
        "Goals (issue 19, 2 cores): /kurse/ ÷ /healthz ≥ 0.5; 200 connections with 0 errors and"
        " p99 < 500 ms."
    )


if __name__ == "__main__":
    main()
