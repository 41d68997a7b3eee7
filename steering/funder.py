"""The funder report (issue 21): the indicators a funder such as the ESF Plus programme asks
of counselling, for one period, as rows the CSV and the XLSX export write alike.

Only what counselling records: people counselled and placed in a course, by target group
(the request's situation, which is the closest to an employment status), district and,
for placements, funding programme. Gender, age and education are not collected, so the
report says so instead of inventing them. Every breakdown of people has its small cells
suppressed as on the dashboard (steering.suppression); there is no personal data in it.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from counselling.stats import placement_figures
from steering.periods import Period
from steering.suppression import suppress_rows, suppression_note


@dataclass(frozen=True)
class FunderReport:
    period: dict
    rows: list[list]  # (indicator, breakdown, category, value)
    notes: list[str]


def _breakdown(indicator: str, breakdown: str, rows) -> list[list]:
    """One breakdown of the period's counts (the previous period's column is left out)."""
    current = [(label, now) for label, now, _before in rows]
    return [
        [indicator, breakdown, label, value]
        for label, value in suppress_rows(current, total_label=_("insgesamt"))
    ]


def funder_report_build(*, period: Period) -> FunderReport:
    figures = placement_figures(period=period, previous=period.previous())
    counselled, placed = _("beratene Personen"), _("in einen Kurs vermittelte Personen")
    situation, district = _("Zielgruppe (Situation)"), _("Landkreis")
    not_collected = _("nicht erhoben")
    rows = [
        [counselled, _("insgesamt"), "", figures.counselled.current],
        *_breakdown(counselled, situation, figures.counselled_by_situation),
        *_breakdown(counselled, district, figures.counselled_by_district),
        [placed, _("insgesamt"), "", figures.placed.current],
        *_breakdown(placed, _("Förderprogramm"), figures.by_funding),
        *_breakdown(placed, situation, figures.by_situation),
        *_breakdown(placed, district, figures.by_district),
        [counselled, _("Geschlecht"), "", not_collected],
        [counselled, _("Alter"), "", not_collected],
        [counselled, _("Bildungsstand"), "", not_collected],
    ]
    notes = [
        suppression_note(),
        _(
            "Beratene Personen: Anfragen, die im Zeitraum nach einem Gespräch abgeschlossen "
            "wurden (beraten, in einen Kurs vermittelt, an eine Förderung oder eine andere "
            "Stelle verwiesen); nicht erreichte und zurückgezogene zählen nicht."
        ),
        _(
            "Geschlecht, Alter und Bildungsstand erhebt die Beratung nicht; sie fehlen "
            "deshalb und sind nicht geschätzt."
        ),
    ]
    return FunderReport(period=period.as_dict(), rows=rows, notes=notes)
