"""Counselling's figures for the steering circle, without personal data: requests and
company needs in a period against the period before (the dashboard, steering.sections),
and the week's numbers of the weekly summary (steering.summary).

Anonymised requests count too: the figures need only district, situation and dates, which
anonymisation keeps. Snapshot figures ("heute") say how things stand now.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Min, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from common.periods import (
    BERLIN,
    Compared,
    ComparedRow,
    DayRange,
    both,
    choice_rows,
    month_of,
    window,
)
from counselling.models import (
    CompanyNeed,
    CounsellingRequest,
    EventKind,
    JointMeasure,
    Outcome,
    Situation,
    placement_funding_choices,
)
from network.models import District

# --- the dashboard ------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestFigures:
    """Counselling requests received and closed in a period and the one before."""

    requests: Compared  # received
    closed: Compared
    first_contact_days: Compared  # mean days to the first contact (None: no contact yet)
    per_month: list[tuple[datetime.date, int]]  # received, the period's months with any
    by_situation: list[ComparedRow]  # every situation
    by_district: list[ComparedRow]  # every district
    first_contact: list[tuple[str, int]]  # requests of the period by time to first contact
    outcomes: list[ComparedRow]  # closed ones, every outcome


def _first_contact():
    """When a counsellor first acted on a request: claimed it or changed its status.

    An aggregate over the joined events rather than a subquery: Django repeats a subquery
    annotation wherever it is used (here 13 times: every band and average), one probe per
    request each time."""
    return Min(
        "events__created_at", filter=Q(events__kind__in=[EventKind.CLAIMED, EventKind.STATUS])
    )


def _days(value: datetime.timedelta | None) -> float | None:
    return round(value.total_seconds() / 86400, 1) if value is not None else None


def request_figures(*, period: DayRange, previous: DayRange) -> RequestFigures:
    both_periods = CounsellingRequest.objects.filter(window("created_at", period, previous))
    by_situation = both_periods.values("situation").annotate(**both("created_at", period))
    # Every request has a situation: the totals are the sums of its rows.
    totals = {key: sum(row[key] for row in by_situation) for key in ("current", "previous")}
    by_district = both_periods.values("district").annotate(**both("created_at", period))
    per_month = (
        CounsellingRequest.objects.filter(
            created_at__gte=period.start_at, created_at__lt=period.end_at
        )
        .annotate(month=TruncMonth("created_at", tzinfo=BERLIN))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
        .values_list("month", "n")
    )
    delay = ExpressionWrapper(F("first_contact") - F("created_at"), output_field=DurationField())
    day = datetime.timedelta(days=1)
    in_period = Q(created_at__gte=period.start_at)
    # (label, more than, at most): the bands of the time to first contact.
    bands = [
        (_("bis 1 Tag"), None, day),
        (_("2 bis 3 Tage"), day, 3 * day),
        (_("4 bis 7 Tage"), 3 * day, 7 * day),
        (_("länger als 7 Tage"), 7 * day, None),
    ]
    band_counts = {}
    for i, (_label, above, upto) in enumerate(bands):
        condition = in_period & Q(first_contact__isnull=False)
        if above is not None:
            condition &= Q(delay__gt=above)
        if upto is not None:
            condition &= Q(delay__lte=upto)
        band_counts[f"band{i}"] = Count("pk", filter=condition)
    contact = (
        both_periods.annotate(first_contact=_first_contact())
        .annotate(delay=delay)
        .aggregate(
            avg=Avg("delay", filter=in_period),
            avg_before=Avg("delay", filter=~in_period),
            waiting=Count("pk", filter=in_period & Q(first_contact__isnull=True)),
            **band_counts,
        )
    )
    closed = CounsellingRequest.objects.filter(window("closed_at", period, previous))
    outcomes = closed.values("outcome").annotate(**both("closed_at", period))
    # Every closed request is in one outcome row (blank included): the totals are their sums.
    closed_totals = {key: sum(row[key] for row in outcomes) for key in ("current", "previous")}
    band_rows = [(label, contact[f"band{i}"]) for i, (label, _a, _u) in enumerate(bands)]
    band_rows.append((_("noch kein Kontakt"), contact["waiting"]))
    return RequestFigures(
        requests=Compared(totals["current"], totals["previous"]),
        closed=Compared(closed_totals["current"], closed_totals["previous"]),
        first_contact_days=Compared(_days(contact["avg"]), _days(contact["avg_before"])),
        per_month=[(month_of(month), n) for month, n in per_month],
        by_situation=choice_rows(by_situation, Situation.choices, "situation"),
        by_district=choice_rows(by_district, District.choices, "district"),
        first_contact=band_rows,
        outcomes=choice_rows(outcomes, Outcome.choices, "outcome"),
    )


@dataclass(frozen=True)
class NeedFigures:
    """Company needs registered in a period and the one before, and the joint measures."""

    needs: Compared
    pooled: Compared  # of those, in a joint measure
    open_now: int  # neither met nor in a joint measure, today
    joint_new: Compared  # joint measures created
    joint_met: Compared  # joint measures whose course was fixed
    by_topic: list[ComparedRow]  # topics with needs, most in the period first
    by_district: list[ComparedRow]  # every district


def need_figures(*, period: DayRange, previous: DayRange) -> NeedFigures:
    both_periods = CompanyNeed.objects.filter(window("created_at", period, previous))
    # Every need has a district: the totals are the sums of its rows.
    by_district = both_periods.values("district").annotate(
        **both("created_at", period),
        pooled=Count("pk", filter=Q(created_at__gte=period.start_at, joint_measure__isnull=False)),
        pooled_before=Count(
            "pk", filter=Q(created_at__lt=period.start_at, joint_measure__isnull=False)
        ),
    )
    totals = {
        key: sum(row[key] for row in by_district)
        for key in ("current", "previous", "pooled", "pooled_before")
    }
    open_now = (
        CompanyNeed.objects.not_withdrawn()
        .filter(met_at__isnull=True, joint_measure__isnull=True)
        .count()
    )
    measures = JointMeasure.objects.aggregate(
        new=Count("pk", filter=Q(created_at__gte=period.start_at, created_at__lt=period.end_at)),
        new_before=Count(
            "pk", filter=Q(created_at__gte=previous.start_at, created_at__lt=previous.end_at)
        ),
        met=Count("pk", filter=Q(met_at__gte=period.start_at, met_at__lt=period.end_at)),
        met_before=Count("pk", filter=Q(met_at__gte=previous.start_at, met_at__lt=previous.end_at)),
    )
    by_topic = (
        both_periods.values("topic__name")
        .annotate(**both("created_at", period))
        .order_by("-current", "topic__name")
        .values_list("topic__name", "current", "previous")
    )
    return NeedFigures(
        needs=Compared(totals["current"], totals["previous"]),
        pooled=Compared(totals["pooled"], totals["pooled_before"]),
        open_now=open_now,
        joint_new=Compared(measures["new"], measures["new_before"]),
        joint_met=Compared(measures["met"], measures["met_before"]),
        by_topic=list(by_topic),
        by_district=choice_rows(by_district, District.choices, "district"),
    )


# Outcomes after which the person was counselled (a conversation took place): the funders'
# "participants counselled". Not reached and withdrawn requests are not.
COUNSELLED_OUTCOMES = (Outcome.COUNSELLED, Outcome.COURSE, Outcome.FUNDING, Outcome.REFERRED)


@dataclass(frozen=True)
class PlacementFigures:
    """People counselled and placed in a course (issue 21), by the date the request was
    closed, in a period and the one before. No personal data: counts by the request's
    situation (the target group), district and the placement's funding. The rows are raw
    counts: whoever shows them suppresses small cells (steering.suppression). Anonymised
    requests count: anonymising keeps all of these fields."""

    counselled: Compared
    placed: Compared
    by_funding: list[ComparedRow]  # every funding answer, and placements without one
    by_situation: list[ComparedRow]  # placements by target group
    by_district: list[ComparedRow]  # placements by district
    counselled_by_situation: list[ComparedRow]
    counselled_by_district: list[ComparedRow]


def placement_figures(*, period: DayRange, previous: DayRange) -> PlacementFigures:
    closed = CounsellingRequest.objects.filter(
        window("closed_at", period, previous), outcome__in=COUNSELLED_OUTCOMES
    )
    placed = closed.filter(outcome=Outcome.COURSE)

    def rows(queryset, key: str, choices) -> list[ComparedRow]:
        return choice_rows(
            queryset.values(key).annotate(**both("closed_at", period)).order_by(), choices, key
        )

    # Placements closed before they were recorded (and demo rows) have no funding: their own
    # row, so that every placement is in one row and the rows add up to the total.
    funding = [*placement_funding_choices(), ("", _("nicht erfasst"))]
    by_situation = rows(placed, "situation", Situation.choices)
    counselled_by_situation = rows(closed, "situation", Situation.choices)
    return PlacementFigures(
        counselled=Compared(
            sum(r[1] for r in counselled_by_situation), sum(r[2] for r in counselled_by_situation)
        ),
        placed=Compared(sum(r[1] for r in by_situation), sum(r[2] for r in by_situation)),
        by_funding=rows(placed, "placement_funding", funding),
        by_situation=by_situation,
        by_district=rows(placed, "district", District.choices),
        counselled_by_situation=counselled_by_situation,
        counselled_by_district=rows(closed, "district", District.choices),
    )


def change_markers() -> list[str]:
    """SQL expressions whose values change with any insert, delete or ordinary update of
    the tables behind these figures: the steering circle's dashboard evaluates every app's
    markers in one statement to see whether its cached figures still hold."""
    quote = connection.ops.quote_name
    markers = []
    for model, column in (
        (CounsellingRequest, "last_activity_at"),
        (CompanyNeed, "met_at"),
        (JointMeasure, "met_at"),
    ):
        table = quote(model._meta.db_table)
        markers.append(f"(SELECT count(*) FROM {table})")  # noqa: S608 (identifiers only)
        markers.append(f"(SELECT max({quote(column)}) FROM {table})")  # noqa: S608
    needs = quote(CompanyNeed._meta.db_table)
    # A need joining a joint measure changes no timestamp.
    markers.append(f"(SELECT count(*) FROM {needs} WHERE joint_measure_id IS NOT NULL)")  # noqa: S608
    return markers


# --- the weekly summary -------------------------------------------------------------------


def _counts_by(values) -> dict[str, int]:
    """How often each value occurs, by value."""
    return dict(sorted(Counter(values).items()))


def summary_figures(*, start: datetime.datetime, end: datetime.datetime) -> dict:
    """The week's counselling figures for the steering circle's weekly summary.

    `start` is inclusive, `end` exclusive (aware datetimes). The keys are German labels,
    ready to print (steering.summary shows them as they are): loose numbers first, then
    headings with `{label: number}` breakdowns::

        {
            "Beratungsanfragen": 12,                     # received in the period
            "abgeschlossene Beratungsanfragen": 9,       # closed in the period
            "Weiterbildungsbedarfe von Unternehmen": 5,  # needs registered
            "neue Verbundmaßnahmen": 1,                  # joint measures created
            "Verbundmaßnahmen mit Kurs": 0,              # joint measures whose course was fixed
            "Anfragen nach Situation": {"Ich bin beschäftigt": 7, …},
            "Anfragen nach Landkreis": {"Ostalbkreis": 8, …},
            "Bedarfe nach Thema": {"Metall und Elektro": 3, …},
        }

    Breakdowns leave out what did not occur.
    """
    requests = list(
        CounsellingRequest.objects.filter(created_at__gte=start, created_at__lt=end).values_list(
            "situation", "district"
        )
    )
    needs = list(
        CompanyNeed.objects.filter(created_at__gte=start, created_at__lt=end).values_list(
            "topic__name", flat=True
        )
    )
    situations = dict(Situation.choices)
    districts = dict(District.choices)
    return {
        _("Beratungsanfragen"): len(requests),
        _("abgeschlossene Beratungsanfragen"): CounsellingRequest.objects.filter(
            closed_at__gte=start, closed_at__lt=end
        ).count(),
        _("Weiterbildungsbedarfe von Unternehmen"): len(needs),
        _("neue Verbundmaßnahmen"): JointMeasure.objects.filter(
            created_at__gte=start, created_at__lt=end
        ).count(),
        _("Verbundmaßnahmen mit Kurs"): JointMeasure.objects.filter(
            met_at__gte=start, met_at__lt=end
        ).count(),
        _("Anfragen nach Situation"): _counts_by(str(situations.get(s, s)) for s, _d in requests),
        _("Anfragen nach Landkreis"): _counts_by(str(districts.get(d, d)) for _s, d in requests),
        _("Bedarfe nach Thema"): _counts_by(needs),
    }
