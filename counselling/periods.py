"""Periods of company needs: quarters, stored as "2027-Q1"."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _


def period_choices(today: datetime.date | None = None) -> list[tuple[str, str]]:
    """The next four quarters, starting with the one after this."""
    today = today or timezone.localdate()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    choices = []
    for _i in range(4):
        quarter += 1
        if quarter > 4:
            year, quarter = year + 1, 1
        choices.append(
            (f"{year}-Q{quarter}", _("%(q)s. Quartal %(y)s") % {"q": quarter, "y": year})
        )
    return choices


def period_label(value: str) -> str:
    try:
        year, quarter = value.split("-Q")
        return _("%(q)s. Quartal %(y)s") % {"q": int(quarter), "y": int(year)}
    except ValueError:
        return value
