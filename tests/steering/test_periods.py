"""The dashboard's periods: presets are calendar units compared with the unit before, free
periods with as many days just before, and every period runs from Berlin midnight to
Berlin midnight."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from steering.periods import Period, period_for_preset

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
UTC = datetime.UTC
OCTOBER = Period(datetime.date(2026, 10, 1), datetime.date(2026, 10, 31), "frei", 1)


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def d(month: int, day: int) -> datetime.date:
    return datetime.date(2026, month, day)


@pytest.mark.parametrize(
    ("preset", "today", "start", "end", "previous"),
    [
        ("monat", d(3, 31), d(3, 1), d(3, 31), (d(2, 1), d(2, 28))),
        ("vormonat", d(1, 15), datetime.date(2025, 12, 1), datetime.date(2025, 12, 31), None),
        ("quartal", d(5, 2), d(4, 1), d(6, 30), (d(1, 1), d(3, 31))),
        ("vorquartal", d(2, 10), datetime.date(2025, 10, 1), datetime.date(2025, 12, 31), None),
        ("jahr", d(11, 23), d(1, 1), d(12, 31), (datetime.date(2025, 1, 1), None)),
        ("vorjahr", d(11, 23), datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), None),
    ],
)
def test_presets_are_calendar_units_compared_with_the_unit_before(
    preset, today, start, end, previous
):
    period = period_for_preset(preset, today=today)
    assert (period.start, period.end) == (start, end)
    if previous:
        before = period.previous()
        assert before.start == previous[0]
        assert before.end == (previous[1] or datetime.date(2025, 12, 31))
    assert period.previous().end == start - datetime.timedelta(days=1)


def test_a_free_period_is_compared_with_as_many_days_just_before():
    period = Period(d(10, 1), d(10, 31))
    assert (period.previous().start, period.previous().end) == (d(8, 31), d(9, 30))


def test_period_bounds_are_berlin_midnights():
    assert OCTOBER.start_at == utc(2026, 9, 30, 22)  # summer time
    assert OCTOBER.end_at == utc(2026, 10, 31, 23)  # winter time
    assert timezone.localtime(OCTOBER.end_at, BERLIN).date() == d(11, 1)
