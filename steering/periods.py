"""The dashboard's periods: the presets (this month, last quarter, …) and free periods, each
compared with the period before it (a calendar unit with the unit before, a free period
with as many days just before)."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy

from common.periods import DayRange, shift_months

PRESETS = {
    "monat": gettext_lazy("dieser Monat"),
    "vormonat": gettext_lazy("letzter Monat"),
    "quartal": gettext_lazy("dieses Quartal"),
    "vorquartal": gettext_lazy("letztes Quartal"),
    "jahr": gettext_lazy("dieses Jahr"),
    "vorjahr": gettext_lazy("letztes Jahr"),
    "frei": gettext_lazy("eigener Zeitraum"),
}
DEFAULT_PRESET = "monat"


@dataclass(frozen=True)
class Period(DayRange):
    """Whole Berlin days from `start` to `end`, both included, as the dashboard shows them."""

    preset: str = "frei"
    months: int = 0  # a calendar unit of this many months; 0 for free periods

    def previous(self) -> "Period":
        """The calendar unit before (month, quarter, year), or as many days just before."""
        if self.months:
            start = shift_months(self.start, -self.months)
            return Period(start, self.start - datetime.timedelta(days=1), "frei", self.months)
        end = self.start - datetime.timedelta(days=1)
        return Period(end - datetime.timedelta(days=self.days - 1), end)

    @property
    def label(self) -> str:
        return f"{date_format(self.start, 'SHORT_DATE_FORMAT')} – " + date_format(
            self.end, "SHORT_DATE_FORMAT"
        )

    def as_dict(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "label": self.label,
            "preset": self.preset,
        }


def period_for_preset(preset: str, *, today: datetime.date | None = None) -> Period:
    today = today or timezone.localdate()
    month = today.replace(day=1)
    quarter = datetime.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    year = datetime.date(today.year, 1, 1)
    starts = {
        "monat": (month, 1),
        "vormonat": (shift_months(month, -1), 1),
        "quartal": (quarter, 3),
        "vorquartal": (shift_months(quarter, -3), 3),
        "jahr": (year, 12),
        "vorjahr": (datetime.date(today.year - 1, 1, 1), 12),
    }
    start, months = starts.get(preset, starts[DEFAULT_PRESET])
    end = shift_months(start, months) - datetime.timedelta(days=1)
    return Period(start, end, preset if preset in starts else DEFAULT_PRESET, months)
