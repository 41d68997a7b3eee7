"""The dashboard's sections, composed from the figures each app counts in its `stats.py`
(offerings, counselling, workgroups): what the steering circle sees of them, with titles,
labels, tables and which chart draws them.

A section is plain data (dicts, lists, numbers, strings), the one source of the page, its
charts, the CSV and the XLSX export, so they always agree: a key, a title, key figures
(`kpis`: the period's value and the previous period's, None where there is none) and
figures (`figures`: a table of rows with the columns' names). Snapshot figures ("heute")
say how things stand now and have no previous value.
"""

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from common.periods import Compared, DayRange
from counselling.stats import need_figures, placement_figures, request_figures
from offerings.stats import alert_figures, offer_figures, search_figures
from steering.suppression import suppress_rows, suppression_note
from workgroups.stats import body_figures

# --- building blocks ------------------------------------------------------------------------


def _kpi(key: str, label: str, current, previous=None, *, unit: str = "") -> dict:
    return {"key": key, "label": label, "current": current, "previous": previous, "unit": unit}


def _compared(key: str, label: str, figure: Compared, *, unit: str = "") -> dict:
    return _kpi(key, label, figure.current, figure.previous, unit=unit)


def _figure(
    key: str, title: str, columns: list[str], rows: list, *, chart: str = "bars", note=""
) -> dict:
    return {
        "key": key,
        "title": title,
        "columns": columns,
        "rows": [list(row) for row in rows],
        "chart": chart,
        "note": note,
    }


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _shares(part: Compared, whole: Compared) -> Compared:
    return Compared(_share(part.current, whole.current), _share(part.previous, whole.previous))


def _month_label(month: datetime.date) -> str:
    return date_format(month, "YEAR_MONTH_FORMAT")


def _per_month(period: DayRange, rows, *, width: int = 1) -> list[list]:
    """Rows of (month, value, …) with every month of the period, those without data as
    zeros."""
    found = {month: values for month, *values in rows}
    return [
        [_month_label(month), *found.get(month, [0] * width)] for month in period.month_starts()
    ]


def _compared_columns(name: str) -> list[str]:
    return [name, _("Zeitraum"), _("Vorzeitraum")]


# --- offers -------------------------------------------------------------------------------


def section_offers(period: DayRange, previous: DayRange, *, today: datetime.date) -> dict:
    figures = offer_figures(period=period, previous=previous, today=today)
    active = figures.active
    return {
        "key": "angebote",
        "title": _("Angebote"),
        "kpis": [
            _kpi("catalogue", _("Angebote im Katalog (heute)"), figures.in_catalogue),
            _compared("active", _("Angebote mit Terminen im Zeitraum"), active),
            _compared("new", _("neu veröffentlichte Angebote"), figures.new),
            *(
                _compared(f"{key}_share", label, _shares(getattr(figures, key), active), unit="%")
                for key, label in (
                    ("free", _("Anteil kostenlos")),
                    ("funded", _("Anteil mit Förderung")),
                    ("free_or_funded", _("Anteil kostenlos oder gefördert")),
                )
            ),
        ],
        "figures": [
            _figure(
                "offers_new_per_month",
                _("Neu veröffentlichte Angebote je Monat"),
                [_("Monat"), _("Angebote")],
                _per_month(period, figures.new_per_month),
                chart="columns",
            ),
            _figure(
                "offers_by_target_group",
                _("Angebote nach Zielgruppe"),
                _compared_columns(_("Zielgruppe")),
                figures.by_target_group,
            ),
            _figure(
                "offers_by_district",
                _("Angebote nach Landkreis des Kursorts"),
                _compared_columns(_("Landkreis")),
                figures.by_district,
                note=_("Ein Angebot mit Terminen in mehreren Landkreisen zählt in jedem."),
            ),
            _figure(
                "offers_by_delivery_form",
                _("Angebote nach Lernform"),
                _compared_columns(_("Lernform")),
                figures.by_delivery_form,
            ),
            _figure(
                "offers_free_funded",
                _("Kostenlose und geförderte Angebote"),
                _compared_columns(_("Art")),
                [
                    [_("kostenlos"), *figures.free],
                    [_("mit Förderung"), *figures.funded],
                    [_("kostenlos oder gefördert"), *figures.free_or_funded],
                    [_("alle aktiven Angebote"), *active],
                ],
            ),
            _figure(
                "offers_by_funding",
                _("Angebote nach Förderprogramm"),
                _compared_columns(_("Förderprogramm")),
                figures.by_funding,
            ),
            _figure(
                "stale_providers",
                _("Anbieter mit veralteten Angeboten (heute)"),
                [_("Anbieter"), _("veraltete Angebote"), _("veröffentlichte Angebote")],
                figures.stale_providers,
                chart="",
                note=_(
                    "Veraltet: seit über sechs Monaten nicht geprüft oder ohne kommenden Termin."
                ),
            ),
        ],
    }


# --- catalogue use ------------------------------------------------------------------------


def section_searches(period: DayRange, previous: DayRange) -> dict:
    figures = search_figures(period=period, previous=previous)
    return {
        "key": "suche",
        "title": _("Nutzung des Kurskatalogs"),
        "kpis": [
            _compared("searches", _("Suchen"), figures.searches),
            _compared("searches_empty", _("Suchen ohne Ergebnis"), figures.without_result),
            _compared(
                "searches_empty_share",
                _("Anteil ohne Ergebnis"),
                _shares(figures.without_result, figures.searches),
                unit="%",
            ),
        ],
        "figures": [
            _figure(
                "searches_per_month",
                _("Suchen je Monat"),
                [_("Monat"), _("Suchen"), _("ohne Ergebnis")],
                _per_month(period, figures.per_month, width=2),
                chart="columns",
            ),
            _figure(
                "top_terms",
                _("Häufigste Suchbegriffe"),
                [_("Suchbegriff"), _("Suchen"), _("ohne Ergebnis")],
                figures.top_terms,
            ),
            _figure(
                "terms_without_result",
                _("Suchbegriffe ohne Ergebnis (ungedeckter Bedarf)"),
                [_("Suchbegriff"), _("Suchen ohne Ergebnis"), _("Suchen")],
                figures.unmet_terms,
            ),
        ],
    }


def section_alerts(period: DayRange, previous: DayRange) -> dict:
    figures = alert_figures(period=period, previous=previous)
    return {
        "key": "suchauftraege",
        "title": _("Suchaufträge (E-Mail zu neuen Kursen)"),
        "kpis": [
            _compared(
                "alerts_active",
                _("bestätigte Suchaufträge am Ende des Zeitraums"),
                figures.active,
            ),
            _compared(
                "alerts_people", _("Abonnentinnen und Abonnenten (Adressen)"), figures.people
            ),
            _compared("alerts_new", _("neu bestätigte Suchaufträge"), figures.new),
        ],
        "figures": [
            _figure(
                "alerts_new_per_month",
                _("Neu bestätigte Suchaufträge je Monat"),
                [_("Monat"), _("Suchaufträge")],
                _per_month(period, figures.new_per_month),
                chart="columns",
                note=_("Abbestellte Suchaufträge werden gelöscht und zählen nicht mehr mit."),
            )
        ],
    }


# --- counselling and company needs ---------------------------------------------------------


def section_counselling(period: DayRange, previous: DayRange) -> dict:
    figures = request_figures(period=period, previous=previous)
    return {
        "key": "beratung",
        "title": _("Beratung"),
        "kpis": [
            _compared("requests", _("Beratungsanfragen"), figures.requests),
            _compared("requests_closed", _("abgeschlossene Anfragen"), figures.closed),
            _compared(
                "first_contact_days",
                _("Tage bis zum ersten Kontakt (Mittel)"),
                figures.first_contact_days,
                unit=_("Tage"),
            ),
        ],
        "figures": [
            _figure(
                "requests_per_month",
                _("Beratungsanfragen je Monat"),
                [_("Monat"), _("Anfragen")],
                _per_month(period, figures.per_month),
                chart="columns",
            ),
            _figure(
                "requests_by_situation",
                _("Anfragen nach Situation"),
                _compared_columns(_("Situation")),
                figures.by_situation,
            ),
            _figure(
                "requests_by_district",
                _("Anfragen nach Landkreis"),
                _compared_columns(_("Landkreis")),
                figures.by_district,
            ),
            _figure(
                "first_contact",
                _("Zeit bis zum ersten Kontakt"),
                [_("Zeit"), _("Anfragen")],
                figures.first_contact,
                note=_(
                    "Erster Kontakt: Eine Beraterin oder ein Berater übernimmt die Anfrage "
                    "oder ändert ihren Status. Gezählt werden die Anfragen des Zeitraums."
                ),
            ),
            _figure(
                "outcomes",
                _("Ergebnisse abgeschlossener Anfragen"),
                _compared_columns(_("Ergebnis")),
                figures.outcomes,
            ),
        ],
    }


def section_placements(period: DayRange, previous: DayRange) -> dict:
    """People counselled and placed in courses, for the funders (issue 21). Counts of
    people: every breakdown has its small cells suppressed (steering.suppression) before
    it reaches the page, the charts or an export, so they all show the same."""
    figures = placement_figures(period=period, previous=previous)
    total = _("insgesamt")
    note = suppression_note() + " " + _("Gezählt nach dem Tag des Abschlusses der Anfrage.")

    def table(key: str, title: str, column: str, rows) -> dict:
        return _figure(
            key,
            title,
            _compared_columns(column),
            suppress_rows(rows, total_label=total),
            chart="",
            note=note,
        )

    return {
        "key": "vermittlungen",
        "title": _("Vermittlungen in Kurse"),
        "kpis": [
            _compared("counselled", _("beratene Personen (abgeschlossen)"), figures.counselled),
            _compared("placed", _("in einen Kurs vermittelt"), figures.placed),
        ],
        "figures": [
            table(
                "placements_by_funding",
                _("Vermittlungen nach Förderprogramm"),
                _("Förderung"),
                figures.by_funding,
            ),
            table(
                "placements_by_situation",
                _("Vermittlungen nach Zielgruppe (Situation der Anfrage)"),
                _("Zielgruppe"),
                figures.by_situation,
            ),
            table(
                "placements_by_district",
                _("Vermittlungen nach Landkreis"),
                _("Landkreis"),
                figures.by_district,
            ),
        ],
    }


def section_needs(period: DayRange, previous: DayRange) -> dict:
    figures = need_figures(period=period, previous=previous)
    return {
        "key": "bedarfe",
        "title": _("Weiterbildungsbedarfe von Unternehmen"),
        "kpis": [
            _compared("needs", _("gemeldete Bedarfe"), figures.needs),
            _compared("needs_pooled", _("davon in einer Verbundmaßnahme"), figures.pooled),
            _kpi("needs_open", _("offene Bedarfe (heute)"), figures.open_now),
            _compared("joint_new", _("neue Verbundmaßnahmen"), figures.joint_new),
            _compared("joint_met", _("Verbundmaßnahmen mit festem Kurs"), figures.joint_met),
        ],
        "figures": [
            _figure(
                "needs_by_topic",
                _("Bedarfe nach Thema"),
                _compared_columns(_("Thema")),
                figures.by_topic,
            ),
            _figure(
                "needs_by_district",
                _("Bedarfe nach Landkreis"),
                _compared_columns(_("Landkreis")),
                figures.by_district,
            ),
        ],
    }


# --- working groups ---------------------------------------------------------------------


def section_workgroups(period: DayRange, previous: DayRange, *, now: datetime.datetime) -> dict:
    figures = body_figures(period=period, previous=previous, now=now)
    return {
        "key": "gremien",
        "title": _("Arbeitsgruppen und Steuerkreis"),
        "kpis": [
            _compared("meetings", _("Sitzungen abgehalten"), figures.meetings),
            _compared("minutes", _("Protokolle veröffentlicht"), figures.minutes),
            _kpi("actions_open", _("offene Aufgaben (heute)"), figures.actions_open),
            _kpi("actions_overdue", _("überfällige Aufgaben (heute)"), figures.actions_overdue),
        ],
        "figures": [
            _figure(
                "bodies",
                _("Gremien im Zeitraum"),
                [
                    _("Gremium"),
                    _("Sitzungen"),
                    _("Protokolle"),
                    _("offene Aufgaben (heute)"),
                    _("überfällig (heute)"),
                ],
                figures.per_body,
                chart="",
            ),
            _figure(
                "measures_by_status",
                _("Maßnahmen nach Stand (heute)"),
                [_("Stand"), _("Maßnahmen")],
                figures.measures_by_status,
            ),
        ],
    }


def sections_other(period: DayRange, previous: DayRange, now: datetime.datetime) -> list[dict]:
    """Every section but the offers (those are counted and cached apart)."""
    return [
        section_searches(period, previous),
        section_alerts(period, previous),
        section_counselling(period, previous),
        section_placements(period, previous),
        section_needs(period, previous),
        section_workgroups(period, previous, now=now),
    ]
