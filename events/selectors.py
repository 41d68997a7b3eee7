"""Reads of the events calendar: upcoming and past events for the public calendar, the
month grid, one event, and the organiser's lists. Other apps (the newsletter) ask
`events_upcoming`."""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from events.models import Event, EventApproval, EventRegistration, RegistrationStatus


def _public() -> QuerySet[Event]:
    return Event.objects.public().select_related("institution")


def _with_seats_taken(events: QuerySet[Event]) -> QuerySet[Event]:
    """`seats_taken` on each event, for the cards' "noch N Plätze frei". A subquery, not
    Count(): the audience filter joins target groups later, which would multiply an
    aggregate's rows."""
    taken = (
        EventRegistration.objects.filter(event=OuterRef("pk"), status=RegistrationStatus.CONFIRMED)
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return events.annotate(seats_taken=Coalesce(Subquery(taken), 0))


def events_upcoming(*, limit: int = 10, institution=None) -> list[Event]:
    """Published events that have not started yet, soonest first (home page, an
    institution's page, newsletter); only `institution`'s when given."""
    events = Event.objects.published().filter(starts_at__gte=timezone.now())
    if institution is not None:
        events = events.filter(institution=institution)
    events = _with_seats_taken(events.select_related("institution"))
    return list(events.order_by("starts_at", "pk")[: max(0, limit)])


def event_list_public(*, past: bool = False, now: datetime | None = None) -> QuerySet[Event]:
    """The public calendar: events not over yet (soonest first), or the archive (latest
    first). Cancelled events stay listed, marked, until they are over."""
    now = now or timezone.now()
    events = _with_seats_taken(_public())
    if past:
        return events.past(now).order_by("-starts_at", "-pk")
    return events.upcoming(now).order_by("starts_at", "pk")


def event_get_public(*, pk: int) -> Event:
    return get_object_or_404(_public().prefetch_related("target_groups"), pk=pk)


def event_seat_counts(*, event: Event) -> dict[str, int]:
    counts = dict(
        EventRegistration.objects.filter(event=event)
        .exclude(status=RegistrationStatus.CANCELLED)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    confirmed = counts.get(RegistrationStatus.CONFIRMED, 0)
    return {
        "confirmed": confirmed,
        "waiting": counts.get(RegistrationStatus.WAITING, 0),
        "free": max(0, (event.seats or 0) - confirmed),
    }


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    is_today: bool
    events: list[Event] = field(default_factory=list)


@dataclass
class CalendarMonth:
    first: date
    weeks: list[list[CalendarDay]]
    previous: date
    next: date

    @property
    def has_events(self) -> bool:
        return any(day.events for week in self.weeks for day in week if day.in_month)


def month_parse(value: str | None, *, today: date) -> date | None:
    """ "2026-11" → 1 Nov 2026; None for anything else (the page then says so)."""
    if not value:
        return today.replace(day=1)
    try:
        year, month = (int(part) for part in value.split("-", 1))
        if not 1900 < year < 2200:
            return None
        return date(year, month, 1)
    except ValueError:
        return None


def event_month(*, events: QuerySet[Event], first: date) -> CalendarMonth:
    """A month as weeks of days (Monday first) with the events on each day; an event of
    several days appears on each of its days."""
    tz = timezone.get_current_timezone()
    weeks_raw = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    grid_start, grid_end = weeks_raw[0][0], weeks_raw[-1][-1]
    start = datetime.combine(grid_start, time.min, tzinfo=tz)
    end = datetime.combine(grid_end + timedelta(days=1), time.min, tzinfo=tz)
    in_range = events.filter(starts_at__lt=end, ends_at__gte=start).order_by("starts_at", "pk")
    by_day: dict[date, list[Event]] = {}
    for event in in_range:
        day = max(timezone.localtime(event.starts_at, tz).date(), grid_start)
        last = min(timezone.localtime(event.ends_at, tz).date(), grid_end)
        while day <= last:
            by_day.setdefault(day, []).append(event)
            day += timedelta(days=1)
    today = timezone.localdate()
    weeks = [
        [
            CalendarDay(
                day=day,
                in_month=day.month == first.month,
                is_today=day == today,
                events=by_day.get(day, []),
            )
            for day in week
        ]
        for week in weeks_raw
    ]
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return CalendarMonth(first=first, weeks=weeks, previous=previous, next=following)


# --- back office ------------------------------------------------------------------------


def backoffice_event_rows(*, institution) -> QuerySet[Event]:
    """The institution's events, coming ones first, with their registration counts."""
    active = ~Q(registrations__status=RegistrationStatus.CANCELLED)
    return (
        Event.objects.filter(institution=institution)
        .annotate(
            confirmed=Count(
                "registrations",
                filter=Q(registrations__status=RegistrationStatus.CONFIRMED),
            ),
            waiting=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)
            ),
            active_registrations=Count("registrations", filter=active),
            pending=Exists(EventApproval.objects.filter(event=OuterRef("pk"))),
        )
        .order_by("-ends_at", "-pk")
    )


def event_registrations(*, event: Event) -> QuerySet[EventRegistration]:
    """The organiser's list: confirmed first, then the waiting list in its order, then
    those who cancelled."""
    from django.db.models import Case, IntegerField, Value, When

    order = Case(
        When(status=RegistrationStatus.CONFIRMED, then=Value(0)),
        When(status=RegistrationStatus.WAITING, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        EventRegistration.objects.filter(event=event)
        .annotate(order=order)
        .order_by("order", "created_at", "pk")
    )


def event_approvals_pending() -> QuerySet[EventApproval]:
    return EventApproval.objects.select_related("event__institution", "requested_by")


def events_needing_erasure(*, now: datetime | None = None, days: int = 30) -> QuerySet[Event]:
    """Events over for `days` whose registrations still hold names and addresses."""
    now = now or timezone.now()
    return Event.objects.filter(
        ends_at__lt=now - timedelta(days=days), registrations_erased_at__isnull=True
    ).filter(Exists(EventRegistration.objects.filter(event=OuterRef("pk"))))
