"""Periods of whole days in Berlin and the helpers that count a period against the one
before: the unit in which the apps' `stats.py` count their figures for the steering circle
(steering.periods adds the dashboard's presets and labels)."""

import datetime
import zoneinfo
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")

# (label, count in the period, count in the period before): a row of a breakdown.
ComparedRow = tuple[str, int, int]


class Compared(NamedTuple):
    """A figure in a period and in the period before (None where there is nothing to say,
    e.g. an average of no rows)."""

    current: int | float | None
    previous: int | float | None


def shift_months(day: datetime.date, months: int) -> datetime.date:
    """The first of the month `months` after (or before) `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class DayRange:
    """Whole Berlin days from `start` to `end`, both included."""

    start: datetime.date
    end: datetime.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def start_at(self) -> datetime.datetime:
        return datetime.datetime.combine(self.start, datetime.time(), tzinfo=BERLIN)

    @property
    def end_at(self) -> datetime.datetime:
        """The first moment after the period (exclusive bound)."""
        next_day = self.end + datetime.timedelta(days=1)
        return datetime.datetime.combine(next_day, datetime.time(), tzinfo=BERLIN)

    def month_starts(self) -> list[datetime.date]:
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = shift_months(month, 1)
        return months


def month_of(value: datetime.date | datetime.datetime) -> datetime.date:
    """The month of a TruncMonth value as a date: an aware datetime (a truncated timestamp)
    is read in Berlin, a date (a truncated date column) is taken as it is."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value, BERLIN).date()
    return value


def window(field: str, period: DayRange, previous: DayRange) -> Q:
    """Rows of either period (the previous one comes just before the current one)."""
    return Q(**{f"{field}__gte": previous.start_at, f"{field}__lt": period.end_at})


def both(field: str, period: DayRange) -> dict:
    """`current` and `previous` counts of rows in `window`, split at the start of `period`."""
    return {
        "current": Count("pk", filter=Q(**{f"{field}__gte": period.start_at})),
        "previous": Count("pk", filter=Q(**{f"{field}__lt": period.start_at})),
    }


def choice_rows(rows, choices, key: str) -> list[ComparedRow]:
    """Rows for every choice (also those without data), labelled, in the choices' order."""
    counts = {row[key]: (row["current"], row["previous"]) for row in rows}
    return [(str(label), *counts.get(value, (0, 0))) for value, label in choices]


@contextmanager
def counting():
    """Counting without PostgreSQL's JIT compiler: the offers query's estimates
    (offerings.stats) pass its threshold, and compiling took 200 ms of a 400 ms query
    (bench/dashboard.py) whose rows take milliseconds to aggregate. One transaction, so the
    setting ends with it."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield
