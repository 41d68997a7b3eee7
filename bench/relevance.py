"""Relevance benchmark of the catalogue search (issue 16): does a search find what a careful
counsellor would call relevant, and does it rank it first?

The data, in bench/relevance/:
- catalogue/*.toml: a fixed, realistic catalogue of the region's providers, their venues in
  real towns (the gazetteer's names and postcodes) and their offers, each with a stable key;
  dates are days from today, so the catalogue stays current;
- queries.toml: queries as people type them, each with its categories and the offers a
  counsellor would call relevant, graded (2: exactly what was asked, 1: useful); a query
  without relevant offers is there to show that no result is the right answer.

Each code version runs in a process of its own (`--worker`) against a fresh PostgreSQL
database of its own: it migrates it, loads the gazetteer (`places_load`, the installed
GeoNames data) and the catalogue through its own models, builds its own search data
(`offer_search_refresh`), and runs every query through `catalogue_search` with the query
string the page gets for ?q=…. Each version loading its own database is deliberate: the
search data (tsvectors, the vocabulary, whatever a new version adds) is part of what is
measured, and a database loaded by one version would hand the other its search data or a
schema it does not know. The baseline (`--baseline REF`) runs from a temporary git worktree
of REF; both databases and the worktree are removed at the end.

Prints per query the top results of both versions with their grades, then precision at 5,
nDCG at 10, the share of queries whose first hit is relevant and the zero-result rates, for
all queries and per category, side by side with their differences.

Usage (PostgreSQL on 127.0.0.1 as in STACK.md; about ten seconds per version):
    .venv/bin/python bench/relevance.py [--baseline REF | --no-baseline] [--top 5] [--summary]
Other server: RELEVANCE_DATABASE_SERVER=postgres://user@host:5432
"""

import argparse
import datetime
import json
import math
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "relevance"
# The last commit before issue 16's round: the code the new search is measured against.
BASELINE = "fe6702f"
SERVER = os.environ.get("RELEVANCE_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
DEPTH = 10  # results kept per query: what nDCG at 10 needs

# What a query tests; a query may test several things ("staplerschein aalne").
CATEGORIES = {
    "plain": "one plain word",
    "typo": "typing errors",
    "umlaut": "umlauts and ß spelt out, or the other way round",
    "compound": "compounds",
    "words": "several words",
    "acronym": "acronyms and short words",
    "place": "place names",
    "funding": "funding programmes",
    "price": "price words",
    "delivery": "delivery forms",
    "time": "times and schedules",
    "level": "levels",
    "english": "English words",
    "nothing": "nothing relevant exists",
}
GRADES = (1, 2)
DELIVERY_FORMS = ("praesenz", "online-live", "selbstlernkurs", "blended-learning", "fernunterricht")
SCHEDULES = ("full_time", "part_time")
TIMES = ("morning", "afternoon", "evening", "weekend", "flexible")
START_KINDS = ("fixed", "rolling", "on_demand")


# --- the data ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    text: str
    categories: tuple[str, ...]
    relevant: dict[str, int]  # offer key → grade
    note: str = ""

    @property
    def answerable(self) -> bool:
        return bool(self.relevant)


DATA_KINDS = ("provider", "venue", "offer")
OFFER_FIELDS = {
    "key",
    "provider",
    "title",
    "summary",
    "description",
    "keywords",
    "topics",
    "targets",
    "funding",
    "form",
    "price",
    "price_notes",
    "level",
    "certificate",
    "certificate_name",
    "language",
    "requirements",
    "hours",
    "schedule",
    "time",
    "days",
    "dates",
}
DATE_FIELDS = {"kind", "start", "venue", "hours", "schedule", "time", "days"}


def catalogue_read() -> dict[str, list[dict[str, Any]]]:
    """Providers, venues and offers from every file of catalogue/, in the files' order."""
    catalogue: dict[str, list[dict[str, Any]]] = {"provider": [], "venue": [], "offer": []}
    for path in sorted((DATA / "catalogue").glob("*.toml")):
        with path.open("rb") as file:
            for kind, rows in tomllib.load(file).items():
                catalogue.setdefault(kind, []).extend(rows)
    return catalogue


def queries_read() -> list[Query]:
    with (DATA / "queries.toml").open("rb") as file:
        rows = tomllib.load(file)["query"]
    return [
        Query(
            text=row["text"],
            categories=tuple(row.get("categories", ())),
            relevant=dict(row.get("relevant", {})),
            note=row.get("note", ""),
        )
        for row in rows
    ]


def data_problems(catalogue: dict[str, list[dict[str, Any]]], queries: list[Query]) -> list[str]:
    """What is wrong with the data files, as sentences; nothing when all is well.

    Taxonomy slugs are checked against migration 0002 by the tests, gazetteer places by the
    loader (both need the project's code; this needs nothing but the files).
    """
    problems = [f"unknown part [[{kind}]]" for kind in catalogue if kind not in DATA_KINDS]
    for kind in DATA_KINDS:
        keys = [row.get("key") for row in catalogue[kind]]
        problems += [f"{kind} without key: {row}" for row in catalogue[kind] if not row.get("key")]
        problems += [f"{kind} key twice: {key}" for key in _twice(keys)]
    providers = {row["key"] for row in catalogue["provider"]}
    venues = {row["key"]: row["provider"] for row in catalogue["venue"]}
    for venue in catalogue["venue"]:
        if venue.get("provider") not in providers:
            problems.append(f"venue {venue['key']}: unknown provider {venue.get('provider')}")
    for offer in catalogue["offer"]:
        problems += [f"offer {offer.get('key')}: {p}" for p in _offer_problems(offer, venues)]
    offers = {row.get("key") for row in catalogue["offer"]}
    problems += [f"query twice: {text}" for text in _twice([q.text.casefold() for q in queries])]
    for query in queries:
        if not query.categories:
            problems.append(f"query {query.text!r}: no category")
        problems += [
            f"query {query.text!r}: unknown category {c}"
            for c in query.categories
            if c not in CATEGORIES
        ]
        if ("nothing" in query.categories) == query.answerable:
            problems.append(f"query {query.text!r}: 'nothing' if and only if no relevant offers")
        for key, grade in query.relevant.items():
            if key not in offers:
                problems.append(f"query {query.text!r}: unknown offer {key}")
            if grade not in GRADES:
                problems.append(f"query {query.text!r}: grade {grade} of {key} is not 1 or 2")
    return problems


def _offer_problems(offer: dict[str, Any], venues: dict[str, str]) -> Iterator[str]:
    yield from (f"unknown field {name}" for name in sorted(set(offer) - OFFER_FIELDS))
    for name in ("provider", "title", "summary", "keywords", "topics", "dates"):
        if not offer.get(name):
            yield f"{name} missing"
    if offer.get("form", "praesenz") not in DELIVERY_FORMS:
        yield f"unknown delivery form {offer['form']}"
    for date in offer.get("dates", ()):
        yield from (f"unknown date field {name}" for name in sorted(set(date) - DATE_FIELDS))
        kind = date.get("kind", "fixed")
        if kind not in START_KINDS:
            yield f"unknown start kind {kind}"
        if kind == "fixed" and not isinstance(date.get("start"), int):
            yield "a fixed date needs start (days from today)"
        if isinstance(date.get("start"), int) and date["start"] < 1:
            yield "a date must start after today, or the offer may drop out of the catalogue"
        venue = date.get("venue")
        if venue is not None and venues.get(venue) != offer.get("provider"):
            yield f"venue {venue} is not one of the provider's"
        on_site = offer.get("form", "praesenz") in ("praesenz", "blended-learning")
        if venue is None and on_site and kind == "fixed":
            yield "a course on site needs a venue for each fixed date"
        schedule, time_of_day = date_schedule(date, offer)
        if schedule not in SCHEDULES:
            yield f"unknown schedule {schedule}"
        if time_of_day not in TIMES:
            yield f"unknown time of day {time_of_day}"


def _twice(values: list) -> list:
    return sorted((value for value, count in Counter(values).items() if count > 1), key=str)


# --- the measures --------------------------------------------------------------------------


def precision_at(grades: list[int], k: int) -> float:
    """Share of the first k places taken by relevant offers (an empty place counts as not
    relevant, as trec_eval does)."""
    return sum(1 for grade in grades[:k] if grade > 0) / k


def dcg_at(grades: list[int], k: int) -> float:
    """Discounted cumulative gain with the gain 2^grade − 1: one offer that is exactly what
    was asked (3) outweighs two merely useful ones (1 each)."""
    return sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades[:k]))


def ndcg_at(grades: list[int], judged: list[int], k: int) -> float:
    """DCG of the results against the best possible order of the judged offers."""
    ideal = dcg_at(sorted(judged, reverse=True), k)
    return dcg_at(grades, k) / ideal if ideal else 0.0


@dataclass(frozen=True)
class Outcome:
    """What one code version answered to one query."""

    total: int
    keys: list[str]  # the first DEPTH results, by offer key
    suggestion: str = ""


@dataclass(frozen=True)
class Figures:
    queries: int
    answerable: int
    precision: float | None  # mean precision at 5 over the answerable queries
    ndcg: float | None  # mean nDCG at 10 over the answerable queries
    first_hit: float | None  # share of answerable queries whose first result is relevant
    zero_answerable: float | None  # share of answerable queries without any result
    zero_unanswerable: float | None  # share of the others without any result (1.0 is right)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def figures(queries: list[Query], outcomes: list[Outcome]) -> Figures:
    answerable = [(q, o) for q, o in zip(queries, outcomes, strict=True) if q.answerable]
    others = [o for q, o in zip(queries, outcomes, strict=True) if not q.answerable]
    grades = [
        ([q.relevant.get(key, 0) for key in o.keys], list(q.relevant.values()))
        for q, o in answerable
    ]
    return Figures(
        queries=len(queries),
        answerable=len(answerable),
        precision=_mean([precision_at(found, 5) for found, _ in grades]),
        ndcg=_mean([ndcg_at(found, judged, 10) for found, judged in grades]),
        first_hit=_mean([1.0 if found and found[0] > 0 else 0.0 for found, _ in grades]),
        zero_answerable=_mean([1.0 if o.total == 0 else 0.0 for _, o in answerable]),
        zero_unanswerable=_mean([1.0 if o.total == 0 else 0.0 for o in others]),
    )


# --- one code version: load the catalogue and search (runs in a process of its own) ---------


def worker(job_path: Path, result_path: Path) -> None:
    """Migrate, load and search with the code in job["code"]; write the outcomes as JSON."""
    job = json.loads(job_path.read_text(encoding="utf-8"))
    sys.path.insert(0, job["code"])
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "beweqo.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "localhost,testserver",
            "SECURE_SSL_REDIRECT": "false",
            "SITE_URL": "http://localhost",
            "LOG_LEVEL": "WARNING",
            # The process's memory as cache and Celery inline: nothing shared with others.
            "REDIS_URL": "",
        }
    )
    import django
    from django.conf import settings

    django.setup()
    # Answer every search from the catalogue as loaded, never from an index still building.
    settings.CATALOGUE_INDEX_REBUILD_IN_BACKGROUND = False
    import offerings

    if not Path(offerings.__file__).is_relative_to(job["code"]):
        sys.exit(f"offerings was imported from {offerings.__file__}, not from {job['code']}")

    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    today = datetime.date.fromisoformat(job["today"])
    offers = _catalogue_load(job["catalogue"], today)
    loaded = time.perf_counter()
    outcomes = [_search(text, offers, today) for text in job["queries"]]
    result_path.write_text(
        json.dumps(
            {
                "load_seconds": loaded - started,
                "search_seconds": time.perf_counter() - loaded,
                "outcomes": outcomes,
            }
        ),
        encoding="utf-8",
    )


def _search(text: str, offers: dict[int, str], today: datetime.date) -> dict[str, Any]:
    """The first DEPTH results for ?q=text, as the catalogue page shows them: words that name
    a place or a filter become that filter first (the page redirects to that URL, issue 16),
    so the benchmark measures what people get. A code version without query understanding
    (the baseline before issue 16) searches the text as it is, as its page did."""
    from django.http import QueryDict
    from django.utils.http import urlencode

    from offerings.selectors import catalogue_search

    params = QueryDict(urlencode({"q": text}))
    try:
        from offerings.understanding import understanding_apply
    except ImportError:
        pass
    else:
        params, _understood = understanding_apply(params)
    result = catalogue_search(params, page_size=DEPTH, today=today)
    return {
        "total": result.total,
        "keys": [offers[offer.pk] for offer in result.page.object_list],
        "suggestion": getattr(result, "suggestion", "") or "",
    }


def _catalogue_load(catalogue: dict[str, list[dict[str, Any]]], today: datetime.date):
    """Write the catalogue through this code version's models; returns offer id → key.

    Uses only what every version since the baseline has (the models' fields, `places_load`,
    `offer_search_refresh`), so that the same loader serves both.
    """
    from django.db import transaction
    from django.utils import timezone

    from network.models import Institution
    from offerings.models import Offer
    from offerings.places import places_load
    from offerings.search import offer_search_refresh

    places_load()
    now = timezone.now()
    with transaction.atomic():
        institutions = {
            row["key"]: Institution.objects.create(
                slug=row["key"],
                name=row["name"],
                kind=row["kind"],
                district=row["district"],
                city=row["city"],
                postcode=row.get("postcode", ""),
            )
            for row in catalogue["provider"]
        }
        venues = {row["key"]: _venue_create(row, institutions) for row in catalogue["venue"]}
        for position, row in enumerate(catalogue["offer"]):
            _offer_create(
                row,
                institution=institutions[row["provider"]],
                venues=venues,
                published_at=now - datetime.timedelta(days=1 + position % 150),
                today=today,
            )
    offer_search_refresh(Offer.objects.all())
    return dict(Offer.objects.values_list("pk", "external_id"))


def _venue_create(row: dict[str, Any], institutions: dict):
    from offerings.models import Municipality, Venue

    place = row.get("place", row["city"])
    # By name and postcode: a gazetteer of all Germany has several places of one name (Lorch).
    municipality = Municipality.objects.filter(name=place, postcodes__code=row["postcode"]).first()
    if municipality is None:
        sys.exit(f"venue {row['key']}: {row['postcode']} {place} is not in the gazetteer")
    return Venue.objects.create(
        institution=institutions[row["provider"]],
        name=row["name"],
        street=row.get("street", ""),
        postcode=row["postcode"],
        city=row["city"],
        municipality=municipality,
        district=municipality.district,
        latitude=municipality.latitude,
        longitude=municipality.longitude,
        wheelchair_accessible=row.get("wheelchair_accessible", False),
    )


def _offer_create(row: dict[str, Any], *, institution, venues: dict, published_at, today) -> None:
    from offerings.models import (
        DeliveryForm,
        FundingProgramme,
        Offer,
        OfferDate,
        TargetGroup,
        Topic,
    )

    price, price_notes = row.get("price"), row.get("price_notes", "")
    if price is None and not Offer._meta.get_field("price").null:
        # Before issue 15 an unknown price could not be stored; providers wrote it in the notes.
        price, price_notes = 0, price_notes or "Preis auf Anfrage"
    description = row.get("description", "")
    if row.get("requirements"):
        description += f"\n\nVoraussetzungen: {row['requirements']}"
    offer = Offer.objects.create(
        institution=institution,
        external_id=row["key"],
        title=row["title"],
        summary=row["summary"],
        description=description.strip(),
        keywords=row["keywords"],
        level=row.get("level", "none"),
        entry_requirements=row.get("requirements", ""),
        certificate=row.get("certificate", "attendance"),
        certificate_name=row.get("certificate_name", ""),
        language=row.get("language", "de"),
        delivery_form=DeliveryForm.objects.get(slug=row.get("form", "praesenz")),
        price=price,
        price_notes=price_notes,
        status="published",
        published_at=published_at,
        last_reviewed_on=today,
    )
    offer.topics.set(_slugs(Topic, row["topics"]))
    offer.target_groups.set(_slugs(TargetGroup, row.get("targets", [])))
    offer.funding_programmes.set(_slugs(FundingProgramme, row.get("funding", [])))
    for number, date in enumerate(row["dates"], start=1):
        values = _date_values(date, row, today)
        venue = venues[date["venue"]] if date.get("venue") else None
        OfferDate.objects.create(
            offer=offer, venue=venue, external_id=f"{row['key']}-{number}", **values
        )


def _slugs(model, slugs: list[str]) -> list:
    terms = model.objects.in_bulk(slugs, field_name="slug")
    missing = set(slugs) - set(terms)
    if missing:
        sys.exit(f"{model.__name__}: unknown slugs {sorted(missing)}")
    return list(terms.values())


def date_schedule(date: dict[str, Any], offer: dict[str, Any]) -> tuple[str, str]:
    """A date's schedule and time of day: its own, else the offer's, else part time in the
    evening (full-time courses in the morning)."""
    schedule = date.get("schedule", offer.get("schedule", "part_time"))
    default_time = "morning" if schedule == "full_time" else "evening"
    return schedule, date.get("time", offer.get("time", default_time))


def _date_values(date: dict[str, Any], offer: dict[str, Any], today) -> dict[str, Any]:
    """A date's fields: its own values, else the offer's; the end from the hours."""
    schedule, time_of_day = date_schedule(date, offer)
    hours = date.get("hours", offer.get("hours"))
    kind = date.get("kind", "fixed")
    start = today + datetime.timedelta(days=date["start"]) if "start" in date else None
    days = date.get("days", offer.get("days"))
    if days is None:  # about 35 lessons a week full time, 6 part time
        weeks = math.ceil((hours or 0) / (35 if schedule == "full_time" else 6))
        days = max(0, weeks * 7 - 3)
    return {
        "start_kind": kind,
        "start": start,
        "end": start + datetime.timedelta(days=days) if start else None,
        "schedule": schedule,
        "time_of_day": time_of_day,
        "hours_total": hours,
    }


# --- the run: databases, worktree, report ---------------------------------------------------


@contextmanager
def database(name: str) -> Iterator[str]:
    """A fresh database for one code version, dropped afterwards whatever happens."""
    import psycopg

    server = SERVER.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{SERVER}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _git(*args: str) -> str:
    git = shutil.which("git") or "git"
    return subprocess.run(
        [git, "-C", str(ROOT), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


@contextmanager
def worktree(ref: str) -> Iterator[Path]:
    """REF checked out in a temporary worktree, removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix="beweqo-relevance-")) / "code"
    _git("worktree", "add", "--detach", str(path), ref)
    try:
        yield path
    finally:
        _git("worktree", "remove", "--force", str(path))
        shutil.rmtree(path.parent, ignore_errors=True)


def run_version(
    code: Path, database_name: str, catalogue: dict, queries: list[Query], today: datetime.date
) -> dict[str, Any]:
    """Load and search with the code in `code`, in a child process and a fresh database."""
    with tempfile.TemporaryDirectory(prefix="beweqo-relevance-") as scratch:
        job, result = Path(scratch) / "job.json", Path(scratch) / "result.json"
        job.write_text(
            json.dumps(
                {
                    "code": str(code),
                    "today": today.isoformat(),
                    "catalogue": catalogue,
                    "queries": [q.text for q in queries],
                }
            ),
            encoding="utf-8",
        )
        with database(database_name) as url:
            subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--worker", str(job), str(result)],
                cwd=code,
                env=os.environ | {"DATABASE_URL": url},
                check=True,
            )
        data = json.loads(result.read_text(encoding="utf-8"))
    data["outcomes"] = [Outcome(**o) for o in data["outcomes"]]
    return data


@dataclass(frozen=True)
class Column:
    name: str
    outcomes: list[Outcome]


def _percent(value: float | None) -> str:
    return "   –  " if value is None else f"{value * 100:5.1f}%"


def _number(value: float | None) -> str:
    return "  –  " if value is None else f"{value:5.3f}"


def _title(key: str, titles: dict[str, str], width: int) -> str:
    title = titles.get(key, key)
    return title if len(title) <= width else title[: width - 1] + "…"


def report_queries(
    queries: list[Query], columns: list[Column], titles: dict[str, str], top: int
) -> None:
    width = 56 if len(columns) > 1 else 90
    for number, query in enumerate(queries):
        judged = sorted(query.relevant.values(), reverse=True)
        print(
            f"\n{number + 1:3d}. {query.text!r}  [{', '.join(query.categories)}]"
            f"  relevant: {len(judged)} ({judged.count(2)} exact)"
            + (f"  – {query.note}" if query.note else "")
        )
        cells = []
        for column in columns:
            outcome = column.outcomes[number]
            grades = [query.relevant.get(key, 0) for key in outcome.keys]
            head = f"{column.name}: {outcome.total} found"
            if query.answerable:
                head += (
                    f", P@5 {precision_at(grades, 5):.2f}"
                    f", nDCG@10 {ndcg_at(grades, judged, 10):.2f}"
                )
            if outcome.suggestion:
                head += f", suggests {outcome.suggestion!r}"
            lines = [head]
            for rank, (key, grade) in enumerate(zip(outcome.keys[:top], grades, strict=False)):
                mark = str(grade) if grade else "·"
                lines.append(f"{rank + 1}. {mark} {_title(key, titles, width - 5)}")
            cells.append(lines)
        for row in range(max(len(lines) for lines in cells)):
            print(
                "     "
                + "  ".join(
                    (lines[row] if row < len(lines) else "").ljust(width) for lines in cells
                ).rstrip()
            )


MEASURES = (
    ("precision at 5", "precision", _number),
    ("nDCG at 10", "ndcg", _number),
    ("first hit relevant", "first_hit", _percent),
    ("no result, though relevant exist", "zero_answerable", _percent),
    ("no result where nothing is relevant", "zero_unanswerable", _percent),
)


def _change(new: float | None, old: float | None, formatter) -> str:
    if new is None or old is None:
        return ""
    difference = new - old
    if formatter is _percent:
        return f"{difference * 100:+6.1f} pt"
    return f"{difference:+6.3f}"


def report_summary(queries: list[Query], columns: list[Column]) -> None:
    names = [c.name for c in columns]
    overall = [figures(queries, c.outcomes) for c in columns]
    answerable = overall[0].answerable
    print(
        f"\nSummary over {len(queries)} queries"
        f" ({answerable} with relevant offers, {len(queries) - answerable} without)"
    )
    change = "   change" if len(names) > 1 else ""
    print(f"   {'':38}" + "".join(f"{name:>12}" for name in names) + change)
    for label, attribute, formatter in MEASURES:
        values = [getattr(f, attribute) for f in overall]
        line = f"   {label:38}" + "".join(f"{formatter(v):>12}" for v in values)
        if len(values) > 1:
            line += f"   {_change(values[-1], values[0], formatter)}"
        print(line)
    best = _mean([min(len(q.relevant), 5) / 5 for q in queries if q.answerable])
    print(f"   (the best precision at 5 these judgments allow: {_number(best).strip()})")

    print(
        "\nBy category (a query counts in each of its categories; old → new where two columns;"
        "\n'no result' of 'nothing' is the share answered with no result, which is right):"
    )
    print(
        f"   {'category':12} {'n':>3}  {'first hit relevant':>20}  {'precision at 5':>16}"
        f"  {'nDCG at 10':>16}  {'no result':>18}"
    )
    for category in CATEGORIES:
        chosen = [i for i, q in enumerate(queries) if category in q.categories]
        if not chosen:
            continue
        subset = [queries[i] for i in chosen]
        stats = [figures(subset, [c.outcomes[i] for i in chosen]) for c in columns]
        zero = "zero_unanswerable" if category == "nothing" else "zero_answerable"
        print(
            f"   {category:12} {len(chosen):3d}"
            f"  {_pair(stats, 'first_hit', _percent):>20}"
            f"  {_pair(stats, 'precision', _number):>16}"
            f"  {_pair(stats, 'ndcg', _number):>16}"
            f"  {_pair(stats, zero, _percent):>18}"
        )

    if len(columns) > 1:
        _report_changes(queries, columns)


def _pair(stats: list[Figures], attribute: str, formatter) -> str:
    return " → ".join(formatter(getattr(s, attribute)).strip() for s in stats)


def _report_changes(queries: list[Query], columns: list[Column]) -> None:
    """The queries whose nDCG at 10 changed (for those without relevant offers: whether the
    answer is empty, 1 or 0)."""
    old, new = columns[0].outcomes, columns[-1].outcomes
    better, worse = [], []
    for query, before, after in zip(queries, old, new, strict=True):
        if query.answerable:
            judged = list(query.relevant.values())
            scores = [
                ndcg_at([query.relevant.get(k, 0) for k in o.keys], judged, 10)
                for o in (before, after)
            ]
        else:
            scores = [float(o.total == 0) for o in (before, after)]
        if abs(scores[1] - scores[0]) >= 0.005:
            target = better if scores[1] > scores[0] else worse
            target.append(f"   {scores[0]:.2f} → {scores[1]:.2f}  {query.text!r}")
    for label, changed in (("Better", better), ("Worse", worse)):
        print(f"\n{label} in {columns[-1].name} than in {columns[0].name}: {len(changed)} queries")
        if changed:
            print("\n".join(changed))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", default=BASELINE, help=f"git ref (default {BASELINE})")
    parser.add_argument("--no-baseline", action="store_true", help="measure this code only")
    parser.add_argument("--top", type=int, default=5, help="results shown per query")
    parser.add_argument("--summary", action="store_true", help="the figures only, no queries")
    parser.add_argument("--worker", nargs=2, metavar=("JOB", "RESULT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(Path(args.worker[0]), Path(args.worker[1]))
        return

    catalogue, queries = catalogue_read(), queries_read()
    problems = data_problems(catalogue, queries)
    if problems:
        sys.exit("The benchmark's data has problems:\n  " + "\n  ".join(problems))
    today = datetime.date.today()
    titles = {row["key"]: row["title"] for row in catalogue["offer"]}
    print(
        f"Catalogue: {len(catalogue['offer'])} offers of {len(catalogue['provider'])} providers"
        f" at {len(catalogue['venue'])} venues; {len(queries)} queries; dates from {today}."
    )
    name = f"beweqo_relevance_{os.getpid()}"
    versions: list[tuple[str, Any]] = []
    if not args.no_baseline:
        versions.append((f"baseline {args.baseline}", args.baseline))
    versions.append((f"current {_git('rev-parse', '--short', 'HEAD')}", None))

    columns = []
    for label, ref in versions:
        started = time.perf_counter()
        if ref is None:
            data = run_version(ROOT, name, catalogue, queries, today)
        else:
            with worktree(ref) as code:
                data = run_version(code, f"{name}_baseline", catalogue, queries, today)
        print(
            f"{label}: migrated and loaded in {data['load_seconds']:.0f} s,"
            f" {len(queries)} searches in {data['search_seconds']:.1f} s"
            f" ({time.perf_counter() - started:.0f} s in all)."
        )
        columns.append(Column(label.split()[0], data["outcomes"]))

    if not args.summary:
        report_queries(queries, columns, titles, args.top)
    report_summary(queries, columns)


if __name__ == "__main__":
    main()
