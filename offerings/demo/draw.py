"""How demo offers are drawn from the course templates: providers and variants in turns,
then length, price, funding, status and dates from a seeded random generator, so the same
offers come out for the same seed and day. `seed_large` draws its benchmark catalogue here too.

Pure Python: nothing here touches the database (the package's __init__ writes the offers).
"""

import datetime
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from offerings.demo.courses import (
    DISTANCE,
    ONLINE,
    SELF,
    CourseTemplate,
    VenueRow,
    course_templates,
)
from offerings.models import OfferStatus, Schedule, StartKind, TimeOfDay

DEMO_SEED = 20260401
DEMO_OFFER_COUNT = 400
DEMO_PREFIX = "demo-"

ONLINE_FORMS = {ONLINE, SELF, DISTANCE}
MORNING, AFTERNOON, EVENING, WEEKEND, FLEXIBLE = (
    TimeOfDay.MORNING,
    TimeOfDay.AFTERNOON,
    TimeOfDay.EVENING,
    TimeOfDay.WEEKEND,
    TimeOfDay.FLEXIBLE,
)
FULL, PART = Schedule.FULL_TIME, Schedule.PART_TIME
# Funding-programme slugs the draw treats specially (offerings/migrations/0002_seed_taxonomies.py)
BGS, F82, QG, AFBG = (
    "bildungsgutschein",
    "foerderung-beschaeftigter",
    "qualifizierungsgeld",
    "aufstiegs-bafoeg",
)
BZG, ESF, SBB = "bildungszeit-bw", "esf-fachkurse-bw", "weiterbildungsstipendium"


@dataclass
class DateSpec:
    """One date of a demo offer, with the venue named by its index in the provider's list."""

    values: dict[str, Any]
    venue: int | None


@dataclass
class OfferSpec:
    """Everything about one demo offer that does not need the database."""

    provider: str
    external_id: str
    values: dict[str, Any]
    delivery_form: str
    topics: list[str]
    target_groups: list[str]
    funding: list[str]
    dates: list[DateSpec] = field(default_factory=list)


def _variant_title(title: str, variant: str) -> str:
    if not variant:
        return title
    if variant.startswith(("–", "(")):
        return f"{title} {variant}"
    return f"{title} {variant}" if variant[0].islower() else f"{title} – {variant}"


def _variant_overrides(template: CourseTemplate, variant: str) -> dict[str, Any]:
    """What a title variant promises about the course ("(Abendkurs)" runs in the evening,
    "kompakt" in full days that Bildungszeit recognises), so title and data agree."""
    low = variant.lower()
    if "online" in low:
        return {"form": ONLINE}
    if "abendkurs" in low:
        return {"time": EVENING, "schedule": PART}
    if "wochenend" in low:
        return {"time": WEEKEND, "schedule": PART}
    if "kompakt" in low:
        return {"time": MORNING, "schedule": FULL, "funding_extra": (BZG,)}
    if "teilzeit" in low or "berufsbegleitend" in low:
        return {"time": EVENING, "schedule": PART}
    if "vollzeit" in low:
        return {"time": MORNING, "schedule": FULL}
    return {}


def course_text(*, template: CourseTemplate, variant: str, provider_name: str) -> dict[str, str]:
    """Title, summary, description and keywords of one offer made from a template.

    Shared with `seed_large`, so the benchmark catalogue searches like real data does.
    """
    title = _variant_title(template.title, variant)
    parts = [template.summary]
    if template.contents:
        parts.append(
            "Inhalte:\n" + "\n".join(f"- {c.strip()}" for c in template.contents.split(";"))
        )
    parts.append(
        f"{provider_name} führt den Kurs mit erfahrenen Dozentinnen und Dozenten aus der Praxis "
        "durch. Vor der Anmeldung beraten wir Sie gern persönlich, ob der Kurs zu Ihren Zielen "
        "passt."
    )
    if template.requirements:
        parts.append("Voraussetzungen: " + template.requirements)
    return {
        "title": title[:200],
        "summary": template.summary[:400],
        "description": "\n\n".join(parts),
        "keywords": template.keywords,
        "easy_language_summary": template.easy_summary,
    }


def _round_price(value: float) -> Decimal:
    if value < 100:
        return Decimal(int(value)) if value < 20 else Decimal(int(value // 5 * 5) - 1)
    step = 10 if value < 1000 else 100
    return Decimal(int(value // step * step))


def _weekday(day: datetime.date, *, weekend: bool) -> datetime.date:
    """Move a start to a day courses start on: Saturday for weekend courses, else a
    working day."""
    if weekend:
        return day + datetime.timedelta(days=(5 - day.weekday()) % 7)
    if day.weekday() >= 5:
        return day + datetime.timedelta(days=7 - day.weekday())
    return day


HOURS_PER_WEEK = {MORNING: 18, AFTERNOON: 12, EVENING: 6, WEEKEND: 10, FLEXIBLE: 5}


def _duration_days(hours: int, *, schedule: str, time_of_day: str) -> int:
    per_day = 8 if schedule == FULL else 4
    if hours <= per_day:
        return 0
    per_week = 38 if schedule == FULL else HOURS_PER_WEEK[time_of_day]
    if hours <= per_day * 2 and schedule == FULL:
        return 1
    weeks = math.ceil(hours / per_week)
    return max(1, weeks * 7 - 3)


def _measure_number(rng: random.Random) -> str:
    return f"{rng.choice(['962', '963', '965'])}/{rng.randint(100, 999)}/{rng.choice([24, 25, 26])}"


def _date_specs(
    *,
    rng: random.Random,
    template: CourseTemplate,
    form: str,
    schedule: str,
    time_of_day: str,
    hours: int,
    venue_count: int,
    past_only: bool,
    today: datetime.date,
    external_id: str,
    count: int | None = None,
) -> list[DateSpec]:
    if count is None:
        count = rng.choices([1, 2, 3, 4], weights=[40, 30, 20, 10])[0]
    weights = list(template.starts)
    if form in (SELF, DISTANCE):
        weights = [15, 85, 0]
    dates = []
    for _ in range(count):
        kind = (
            StartKind.FIXED
            if past_only
            else rng.choices([StartKind.FIXED, StartKind.ROLLING, StartKind.ON_DEMAND], weights)[0]
        )
        hours_total = hours
        seats = rng.randint(*template.seats) if template.seats[1] else None
        values: dict[str, Any] = {
            "start_kind": kind,
            "start": None,
            "end": None,
            "schedule": schedule,
            "time_of_day": time_of_day,
            "hours_total": hours_total,
            "seats": seats,
            "registration_deadline": None,
            "notes": "",
        }
        if kind == StartKind.FIXED:
            offset = rng.randint(-330, -30) if past_only else rng.randint(-45, 360)
            start = _weekday(
                today + datetime.timedelta(days=offset), weekend=time_of_day == WEEKEND
            )
            values["start"] = start
            values["end"] = start + datetime.timedelta(
                days=_duration_days(hours, schedule=schedule, time_of_day=time_of_day)
            )
            if rng.random() < 0.7:
                values["registration_deadline"] = start - datetime.timedelta(
                    days=rng.choice([3, 7, 14, 21])
                )
            if rng.random() < 0.15:
                values["notes"] = rng.choice(
                    [
                        "Infoabend zwei Wochen vor Beginn.",
                        "Nur noch wenige Plätze frei.",
                        "Findet ab sechs Anmeldungen statt.",
                        "Unterricht nicht in den Schulferien.",
                    ]
                )
        elif kind == StartKind.ROLLING:
            if rng.random() < 0.5:
                values["start"] = today - datetime.timedelta(days=rng.randint(30, 400))
            values["notes"] = rng.choice(
                [
                    "Einstieg jederzeit nach einem Beratungsgespräch.",
                    "Einstieg jeden Montag möglich.",
                    "Laufender Einstieg, Dauer je nach Vorkenntnissen.",
                ]
            )
        else:
            values["notes"] = rng.choice(
                [
                    "Termin nach Vereinbarung, auch als Firmenschulung bei Ihnen vor Ort.",
                    "Wir planen den Termin, sobald sich eine Gruppe gefunden hat.",
                    "Auf Anfrage für Gruppen ab fünf Personen.",
                ]
            )
        venue = None
        if form not in ONLINE_FORMS and venue_count:
            venue = rng.randrange(venue_count)
        dates.append(DateSpec(values=values, venue=venue))
    # Stable order, and each date gets a stable key: demo-0001-1, -2 …
    dates.sort(key=lambda d: (d.values["start"] or datetime.date.max, d.values["start_kind"]))
    for index, date in enumerate(dates, start=1):
        date.values["external_id"] = f"{external_id}-{index}"
    return dates


def _pairs(template: CourseTemplate) -> list[tuple[str, str]]:
    return [(p, v) for v in template.variants for p in template.providers]


def demo_offer_specs(
    *,
    today: datetime.date,
    provider_names: dict[str, str],
    venues: dict[str, list[VenueRow]],
    seed: int = DEMO_SEED,
    count: int = DEMO_OFFER_COUNT,
) -> list[OfferSpec]:
    """The demo offers as plain data, the same for the same seed, day and data files.

    Templates take turns (round robin) so that every course type appears before any appears
    twice; within a template the provider/variant pairs are shuffled once, so the same title
    shows up at several providers as it does in real catalogues.
    """
    rng = random.Random(seed)  # noqa: S311 -- reproducible demo data, not a secret
    queues = []
    for template in course_templates():
        pairs = [(p, v) for p, v in _pairs(template) if p in provider_names]
        rng.shuffle(pairs)
        if pairs:
            queues.append((template, pairs))
    picks: list[tuple[CourseTemplate, str, str]] = []
    while len(picks) < count and any(pairs for _, pairs in queues):
        for template, pairs in queues:
            if pairs and len(picks) < count:
                provider, variant = pairs.pop()
                picks.append((template, provider, variant))

    specs = []
    for number, (template, provider, variant) in enumerate(picks, start=1):
        specs.append(
            offer_spec_draw(
                rng=rng,
                template=template,
                provider=provider,
                provider_name=provider_names[provider],
                variant=variant,
                external_id=f"{DEMO_PREFIX}{number:04d}",
                venues=venues.get(provider, []),
                today=today,
            )
        )
    return specs


def offer_spec_draw(
    *,
    rng: random.Random,
    template: CourseTemplate,
    provider: str,
    provider_name: str,
    variant: str,
    external_id: str,
    venues: list[VenueRow],
    today: datetime.date,
    date_count: int | None = None,
) -> OfferSpec:
    """One offer drawn from a template; `seed_large` passes its own venues and date count."""
    overrides = _variant_overrides(template, variant)
    form = overrides.get("form") or rng.choice(template.forms)
    schedule = overrides.get("schedule", template.schedule)
    time_of_day = overrides.get("time") or rng.choice(template.times)
    if form in (SELF, DISTANCE):
        time_of_day, schedule = FLEXIBLE, PART
    hours = rng.randint(*template.hours)
    hours = max(1, round(hours / 4) * 4) if hours > 8 else hours

    funding = list(rng.choice(template.funding))
    funding += [f for f in overrides.get("funding_extra", ()) if f not in funding]
    if BZG in funding and (schedule != FULL and time_of_day != WEEKEND and hours < 24):
        # Bildungszeit needs full days of at least six hours.
        funding.remove(BZG)

    low, high = template.price
    price = Decimal(0)
    if high and rng.random() >= template.free_share:
        price = _round_price(rng.uniform(low, high))
    if not price:
        # Grants towards fees need a fee; Bildungszeit (paid release) does not.
        funding = [f for f in funding if f not in (ESF, AFBG, SBB)]
    price_notes = template.price_notes
    if price and not price_notes:
        price_notes = rng.choice(
            [
                "",
                "Inklusive Lernmaterial.",
                "Ratenzahlung möglich.",
                "Zuzüglich Prüfungsgebühr.",
                "Ermäßigung für Schüler:innen, Studierende und Arbeitsuchende.",
            ]
        )
    elif not price and not price_notes:
        price_notes = rng.choice(
            [
                "Kostenfrei.",
                "Gefördert durch den Landkreis, für Sie kostenfrei.",
                "Keine Kursgebühr.",
            ]
        )
    needs_azav = {BGS, F82, QG} & set(funding)
    measure = _measure_number(rng) if needs_azav and rng.random() < 0.9 else ""

    status = rng.choices(
        [OfferStatus.PUBLISHED, OfferStatus.DRAFT, OfferStatus.ARCHIVED], [86, 7, 7]
    )[0]
    past_only = status == OfferStatus.ARCHIVED or rng.random() < 0.06
    reviewed = today - datetime.timedelta(days=int(rng.triangular(0, 365, 60)))
    created = timezone.make_aware(
        datetime.datetime.combine(
            reviewed - datetime.timedelta(days=rng.randint(0, 400)), datetime.time(9, 0)
        ),
        datetime.UTC,
    )
    published_at = None if status == OfferStatus.DRAFT else created + datetime.timedelta(hours=2)

    online = form in ONLINE_FORMS
    wheelchair = False
    accessibility = ""
    if online:
        accessibility = rng.choice(
            [
                "",
                "Die Lernplattform ist mit Bildschirmlesern nutzbar.",
                "Untertitel für alle Videos.",
            ]
        )

    text = course_text(template=template, variant=variant, provider_name=provider_name)
    topics = list(template.topics)
    targets = list(template.targets)
    if len(targets) > 2 and rng.random() < 0.3:
        targets = rng.sample(targets, len(targets) - 1)
    dates = _date_specs(
        rng=rng,
        template=template,
        form=form,
        schedule=schedule,
        time_of_day=time_of_day,
        hours=hours,
        venue_count=len(venues),
        past_only=past_only,
        today=today,
        external_id=external_id,
        count=date_count,
    )
    used_venues = {d.venue for d in dates if d.venue is not None}
    if used_venues:
        wheelchair = all(venues[i][3] for i in used_venues)
        accessibility = " ".join(dict.fromkeys(venues[i][4] for i in used_venues if venues[i][4]))

    values = {
        **text,
        "level": template.level,
        "entry_requirements": template.requirements,
        "certificate": template.certificate,
        "certificate_name": template.certificate_name,
        "language": template.language,
        "price": price,
        "price_notes": price_notes,
        "azav_measure_number": measure,
        "wheelchair_accessible": wheelchair,
        "accessibility_notes": accessibility[:2000],
        "contact_name": "",
        "contact_email": f"weiterbildung.{provider}@example.org",
        "contact_phone": "",
        "url": f"https://example.org/{provider}/kurse/{external_id}/",
        "status": status,
        "last_reviewed_on": reviewed,
        "published_at": published_at,
        "created_at": created,
    }
    return OfferSpec(
        provider=provider,
        external_id=external_id,
        values=values,
        delivery_form=form,
        topics=topics,
        target_groups=targets,
        funding=funding,
        dates=dates,
    )
