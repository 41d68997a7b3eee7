"""The dashboard's period form: a preset (this month, last quarter, …) or a free range."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from steering.periods import DEFAULT_PRESET, PRESETS, Period, period_for_preset

EARLIEST_YEAR = 2000
# Five years of months still draw readably and stay quick to count.
MAX_DAYS = 5 * 366
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]


class DashboardPeriodForm(forms.Form):
    zeitraum = forms.ChoiceField(
        label=_("Zeitraum"),
        choices=list(PRESETS.items()),
        initial=DEFAULT_PRESET,
    )
    von = forms.DateField(
        label=_("von"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("nur für einen eigenen Zeitraum"),
    )
    bis = forms.DateField(
        label=_("bis"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("nur für einen eigenen Zeitraum"),
    )

    def __init__(self, data=None, *args, **kwargs):
        # The menu always has a value, so it is not marked optional; an address without it
        # (a bookmark, a link with only dates) still means the default or a free period.
        if data is not None and not data.get("zeitraum"):
            data = data.copy()
            data["zeitraum"] = "frei" if data.get("von") or data.get("bis") else DEFAULT_PRESET
        super().__init__(data, *args, **kwargs)

    def _year_ok(self, name: str) -> None:
        value = self.cleaned_data.get(name)
        last = timezone.localdate().year + 1
        if value and not EARLIEST_YEAR <= value.year <= last:
            self.add_error(
                name,
                _("Bitte ein Datum zwischen %(first)s und %(last)s angeben.")
                % {"first": EARLIEST_YEAR, "last": last},
            )

    def clean(self):
        data = super().clean()
        self._year_ok("von")
        self._year_ok("bis")
        if self.errors:
            return data
        start, end = data.get("von"), data.get("bis")
        # A preset wins over dates left in the form from an earlier free period.
        if data.get("zeitraum") in ("", None, "frei") and (
            data.get("zeitraum") == "frei" or start or end
        ):
            if not (start and end):
                raise forms.ValidationError(
                    _("Für einen eigenen Zeitraum bitte Anfang und Ende angeben.")
                )
            if start > end:
                self.add_error("bis", _("Das Ende liegt vor dem Anfang."))
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error("bis", _("Bitte höchstens fünf Jahre auf einmal auswählen."))
        return data

    def period(self, *, today: datetime.date | None = None) -> Period:
        """The chosen period; call after is_valid()."""
        data = self.cleaned_data
        free = data.get("zeitraum") in ("", None, "frei")
        if free and data.get("von") and data.get("bis"):
            return Period(data["von"], data["bis"])
        return period_for_preset(data.get("zeitraum") or DEFAULT_PRESET, today=today)
