"""The bodies' figures for the steering circle's dashboard (steering.sections): meetings
held and minutes published in a period against the period before, open and overdue action
items and measures by status. Snapshot figures ("heute") say how things stand now: the
portal keeps no history of action items or measures."""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from common.periods import Compared, DayRange, both, window
from workgroups.models import (
    OPEN_ACTION_STATUSES,
    ActionItem,
    Measure,
    MeasureStatus,
    Meeting,
    Minutes,
    MinutesStatus,
    WorkingGroup,
)


@dataclass(frozen=True)
class BodyFigures:
    meetings: Compared  # held (ended by now)
    minutes: Compared  # published
    actions_open: int  # today
    actions_overdue: int  # today
    # (body, meetings held, minutes published in the period, open and overdue action items
    # today), every body in its order
    per_body: list[tuple[str, int, int, int, int]]
    measures_by_status: list[tuple[str, int]]  # every status, today


def _count(queryset, group_field: str) -> Subquery:
    """The number of rows of `queryset` per body, for an annotation of WorkingGroup."""
    return Subquery(queryset.order_by().values(group_field).annotate(n=Count("pk")).values("n"))


def body_figures(*, period: DayRange, previous: DayRange, now: datetime.datetime) -> BodyFigures:
    today = timezone.localdate(now)
    held = Q(ends_at__lte=now)
    meetings = Meeting.objects.filter(held, window("starts_at", period, previous)).aggregate(
        **both("starts_at", period)
    )
    minutes = Minutes.objects.filter(
        window("published_at", period, previous), status=MinutesStatus.PUBLISHED
    ).aggregate(**both("published_at", period))
    items = ActionItem.objects.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_ACTION_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=OPEN_ACTION_STATUSES, due_date__lt=today)),
    )
    per_body = WorkingGroup.objects.annotate(
        held=_count(
            Meeting.objects.filter(
                group=OuterRef("pk"),
                starts_at__gte=period.start_at,
                starts_at__lt=period.end_at,
                ends_at__lte=now,
            ),
            "group",
        ),
        published=_count(
            Minutes.objects.filter(
                meeting__group=OuterRef("pk"),
                status=MinutesStatus.PUBLISHED,
                published_at__gte=period.start_at,
                published_at__lt=period.end_at,
            ),
            "meeting__group",
        ),
        open=_count(
            ActionItem.objects.filter(group=OuterRef("pk"), status__in=OPEN_ACTION_STATUSES),
            "group",
        ),
        overdue=_count(
            ActionItem.objects.filter(
                group=OuterRef("pk"), status__in=OPEN_ACTION_STATUSES, due_date__lt=today
            ),
            "group",
        ),
    ).values_list("name", "held", "published", "open", "overdue")
    measures = Measure.objects.values("status").annotate(n=Count("pk"))
    measure_counts = {row["status"]: row["n"] for row in measures}
    return BodyFigures(
        meetings=Compared(meetings["current"], meetings["previous"]),
        minutes=Compared(minutes["current"], minutes["previous"]),
        actions_open=items["open"],
        actions_overdue=items["overdue"],
        per_body=[(name, *(n or 0 for n in counts)) for name, *counts in per_body],
        measures_by_status=[
            (str(label), measure_counts.get(value, 0)) for value, label in MeasureStatus.choices
        ],
    )


def change_markers() -> list[str]:
    """SQL expressions whose values change with any insert, delete or ordinary update of
    the tables behind these figures: the steering circle's dashboard evaluates every app's
    markers in one statement to see whether its cached figures still hold."""
    quote = connection.ops.quote_name
    markers = []
    for model in (Meeting, Minutes, ActionItem, Measure):
        table = quote(model._meta.db_table)
        markers.append(f"(SELECT count(*) FROM {table})")  # noqa: S608 (identifiers only)
        markers.append(f"(SELECT max({quote('updated_at')}) FROM {table})")  # noqa: S608
    return markers
