"""The steering circle's dashboard: the network's figures for a period, compared with the
period before (issue 8).

Everything is counted in the database (aggregate/annotate with Count, Sum and filters;
months with TruncMonth in Europe/Berlin); Python only fills months without data with zero
and puts the rows in order. The result is plain data (dicts, lists, numbers, strings), the
one source of the page, its charts, the CSV and the XLSX export, so they always agree.

It is cached per period and language under a version made of the catalogue's token (raised
on every write to offers and dates, offerings.index) and a fingerprint of the other tables
(one query of counts and latest timestamps): any write, whichever code path made it, gives
a new key; a ten-minute lifetime is the safety net for updates that touch no timestamp.

Snapshot figures ("heute") say how things stand now and have no previous value: the
portal keeps no history of an offer's status, of action items or of measures. Offers count
in a period when they are published now and have a date that runs in it.
"""

import datetime
import hashlib
import uuid
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from counselling.models import (
    CompanyNeed,
    CounsellingRequest,
    EventKind,
    JointMeasure,
    Outcome,
    RequestEvent,
    Situation,
)
from network.models import District, Institution
from offerings.index import TOKEN_KEY
from offerings.models import (
    REVIEW_INTERVAL_DAYS,
    CourseAlert,
    FundingProgramme,
    Offer,
    OfferDate,
    OfferStatus,
    SearchDay,
    StartKind,
)
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

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
CACHE_SECONDS = 10 * 60
TOP_TERMS = 15
STALE_PROVIDERS = 25


# --- periods ------------------------------------------------------------------------------


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


def _shift_months(day: datetime.date, months: int) -> datetime.date:
    """The first of the month `months` after (or before) `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Whole Berlin days from `start` to `end`, both included."""

    start: datetime.date
    end: datetime.date
    preset: str = "frei"
    months: int = 0  # a calendar unit of this many months; 0 for free periods

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

    def previous(self) -> "Period":
        """The calendar unit before (month, quarter, year), or as many days just before."""
        if self.months:
            start = _shift_months(self.start, -self.months)
            return Period(start, self.start - datetime.timedelta(days=1), "frei", self.months)
        end = self.start - datetime.timedelta(days=1)
        return Period(end - datetime.timedelta(days=self.days - 1), end)

    def month_starts(self) -> list[datetime.date]:
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = _shift_months(month, 1)
        return months

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
        "vormonat": (_shift_months(month, -1), 1),
        "quartal": (quarter, 3),
        "vorquartal": (_shift_months(quarter, -3), 3),
        "jahr": (year, 12),
        "vorjahr": (datetime.date(today.year - 1, 1, 1), 12),
    }
    start, months = starts.get(preset, starts[DEFAULT_PRESET])
    end = _shift_months(start, months) - datetime.timedelta(days=1)
    return Period(start, end, preset if preset in starts else DEFAULT_PRESET, months)


# --- building blocks ------------------------------------------------------------------------


def _kpi(key: str, label: str, current, previous=None, *, unit: str = "") -> dict:
    return {"key": key, "label": label, "current": current, "previous": previous, "unit": unit}


def _figure(
    key: str, title: str, columns: list[str], rows: list[list], *, chart: str = "bars", note=""
) -> dict:
    return {
        "key": key,
        "title": title,
        "columns": columns,
        "rows": rows,
        "chart": chart,
        "note": note,
    }


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _month_label(month: datetime.date) -> str:
    return date_format(month, "F Y")


def _per_month(period: Period, rows, *, width: int = 1) -> list[list]:
    """Rows of (month, value, …) from the database, with months without data as zeros."""
    found = {}
    for month, *values in rows:
        if isinstance(month, datetime.datetime):
            month = timezone.localtime(month, BERLIN).date()
        found[month] = values
    return [
        [_month_label(month), *found.get(month, [0] * width)] for month in period.month_starts()
    ]


def _window(field: str, period: Period, previous: Period) -> Q:
    """Rows of either period (the previous one comes just before the current one)."""
    return Q(**{f"{field}__gte": previous.start_at, f"{field}__lt": period.end_at})


def _both(field: str, period: Period) -> dict:
    """`current` and `previous` counts split at the start of `period`."""
    return {
        "current": Count("pk", filter=Q(**{f"{field}__gte": period.start_at})),
        "previous": Count("pk", filter=Q(**{f"{field}__lt": period.start_at})),
    }


def _choice_rows(rows, choices, key: str) -> list[list]:
    """Rows for every choice (also those without data), labelled, in the choices' order."""
    counts = {row[key]: (row["current"], row["previous"]) for row in rows}
    return [[str(label), *counts.get(value, (0, 0))] for value, label in choices]


# --- offers -----------------------------------------------------------------------------


def _dates_in(period: Period) -> Q:
    """Dates that run in the period: fixed ones that start or go on in it; rolling and
    on-demand ones that are open in it."""
    start, end = period.start, period.end
    fixed = Q(start__isnull=False, start__lte=end) & (
        Q(end__gte=start) | Q(end__isnull=True, start__gte=start)
    )
    ongoing = (
        Q(start_kind__in=[StartKind.ROLLING, StartKind.ON_DEMAND])
        & (Q(start__isnull=True) | Q(start__lte=end))
        & (Q(end__isnull=True) | Q(end__gte=start))
    )
    return fixed | ongoing


def offers_active(period: Period):
    """Published offers (of active providers) with a date running in `period`."""
    return Offer.objects.filter(
        Q(published_at__isnull=True) | Q(published_at__lt=period.end_at),
        status=OfferStatus.PUBLISHED,
        institution__is_active=True,
        # IN rather than EXISTS: PostgreSQL hashes the dates once instead of probing per offer.
        pk__in=OfferDate.objects.filter(_dates_in(period)).values("offer_id"),
    )


def _term_rows(relation, field: str, period: Period, previous: Period) -> list[list]:
    """Active offers per term, counted on the many-to-many table (or the offers, for a
    foreign key) in one query for both periods; terms without offers are left out."""
    current = offers_active(period).values("pk")
    before = offers_active(previous).values("pk")
    offer = "pk" if relation.model is Offer else "offer_id"
    rows = (
        relation.values(f"{field}__name")
        .annotate(
            current=Count("pk", filter=Q(**{f"{offer}__in": current})),
            previous=Count("pk", filter=Q(**{f"{offer}__in": before})),
        )
        .order_by(f"{field}__position", f"{field}__name")
        .values_list(f"{field}__name", "current", "previous")
    )
    return [list(row) for row in rows if row[1] or row[2]]


def _district_rows(period: Period, previous: Period) -> list[list]:
    counts = {}
    for name, p in (("current", period), ("previous", previous)):
        rows = (
            OfferDate.objects.filter(_dates_in(p), offer__in=offers_active(p).values("pk"))
            .values("venue__district")
            .annotate(n=Count("offer", distinct=True))
            .values_list("venue__district", "n")
        )
        for district, n in rows:
            counts.setdefault(district, {"current": 0, "previous": 0})[name] = n
    labels = [*District.choices, (None, _("ohne Ort (online)"))]
    return [
        [
            str(label),
            counts.get(value, {}).get("current", 0),
            counts.get(value, {}).get("previous", 0),
        ]
        for value, label in labels
    ]


def section_offers(period: Period, previous: Period, *, today: datetime.date) -> dict:
    # IN rather than EXISTS here too: one hash instead of a probe per offer (3x faster).
    funded = Q(pk__in=FundingProgramme.offers.through.objects.values("offer_id"))
    totals = {}
    for name, p in (("current", period), ("previous", previous)):
        totals[name] = offers_active(p).aggregate(
            active=Count("pk"),
            free=Count("pk", filter=Q(price=0)),
            funded=Count("pk", filter=funded),
            free_or_funded=Count("pk", filter=Q(price=0) | funded),
        )
    new = Offer.objects.filter(
        _window("published_at", period, previous), status=OfferStatus.PUBLISHED
    ).aggregate(**_both("published_at", period))
    per_month = (
        Offer.objects.filter(
            published_at__gte=period.start_at,
            published_at__lt=period.end_at,
            status=OfferStatus.PUBLISHED,
        )
        .annotate(month=TruncMonth("published_at", tzinfo=BERLIN))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
        .values_list("month", "n")
    )
    cutoff = today - datetime.timedelta(days=REVIEW_INTERVAL_DAYS)
    with_open_dates = OfferDate.objects.filter(OfferDate.open_q(today)).values("offer_id")
    published = Q(offers__status=OfferStatus.PUBLISHED)
    stale = (
        Institution.objects.filter(is_active=True)
        .annotate(
            published=Count("offers", filter=published),
            stale=Count(
                "offers",
                filter=published
                & (Q(offers__last_reviewed_on__lt=cutoff) | ~Q(offers__in=with_open_dates)),
            ),
        )
        .filter(stale__gt=0)
        .order_by("-stale", "name")
        .values_list("name", "stale", "published")[:STALE_PROVIDERS]
    )
    cur, prev = totals["current"], totals["previous"]
    # Offer.objects.in_catalogue(), with IN instead of EXISTS (one hash of the dates).
    in_catalogue = (
        Offer.objects.published()
        .filter(pk__in=OfferDate.objects.filter(OfferDate.open_q(today)).values("offer_id"))
        .count()
    )
    return {
        "key": "angebote",
        "title": _("Angebote"),
        "kpis": [
            _kpi(
                "catalogue",
                _("Angebote im Katalog (heute)"),
                in_catalogue,
            ),
            _kpi("active", _("Angebote mit Terminen im Zeitraum"), cur["active"], prev["active"]),
            _kpi("new", _("neu veröffentlichte Angebote"), new["current"], new["previous"]),
            _kpi(
                "free_share",
                _("Anteil kostenlos"),
                _share(cur["free"], cur["active"]),
                _share(prev["free"], prev["active"]),
                unit="%",
            ),
            _kpi(
                "funded_share",
                _("Anteil mit Förderung"),
                _share(cur["funded"], cur["active"]),
                _share(prev["funded"], prev["active"]),
                unit="%",
            ),
            _kpi(
                "free_or_funded_share",
                _("Anteil kostenlos oder gefördert"),
                _share(cur["free_or_funded"], cur["active"]),
                _share(prev["free_or_funded"], prev["active"]),
                unit="%",
            ),
        ],
        "figures": [
            _figure(
                "offers_new_per_month",
                _("Neu veröffentlichte Angebote je Monat"),
                [_("Monat"), _("Angebote")],
                _per_month(period, per_month),
                chart="columns",
            ),
            _figure(
                "offers_by_target_group",
                _("Angebote nach Zielgruppe"),
                [_("Zielgruppe"), _("Zeitraum"), _("Vorzeitraum")],
                _term_rows(Offer.target_groups.through.objects, "targetgroup", period, previous),
            ),
            _figure(
                "offers_by_district",
                _("Angebote nach Landkreis des Kursorts"),
                [_("Landkreis"), _("Zeitraum"), _("Vorzeitraum")],
                _district_rows(period, previous),
                note=_("Ein Angebot mit Terminen in mehreren Landkreisen zählt in jedem."),
            ),
            _figure(
                "offers_by_delivery_form",
                _("Angebote nach Lernform"),
                [_("Lernform"), _("Zeitraum"), _("Vorzeitraum")],
                _term_rows(Offer.objects, "delivery_form", period, previous),
            ),
            _figure(
                "offers_free_funded",
                _("Kostenlose und geförderte Angebote"),
                [_("Art"), _("Zeitraum"), _("Vorzeitraum")],
                [
                    [_("kostenlos"), cur["free"], prev["free"]],
                    [_("mit Förderung"), cur["funded"], prev["funded"]],
                    [_("kostenlos oder gefördert"), cur["free_or_funded"], prev["free_or_funded"]],
                    [_("alle aktiven Angebote"), cur["active"], prev["active"]],
                ],
            ),
            _figure(
                "offers_by_funding",
                _("Angebote nach Förderprogramm"),
                [_("Förderprogramm"), _("Zeitraum"), _("Vorzeitraum")],
                _term_rows(
                    Offer.funding_programmes.through.objects, "fundingprogramme", period, previous
                ),
            ),
            _figure(
                "stale_providers",
                _("Anbieter mit veralteten Angeboten (heute)"),
                [_("Anbieter"), _("veraltete Angebote"), _("veröffentlichte Angebote")],
                [list(row) for row in stale],
                chart="",
                note=_(
                    "Veraltet: seit über sechs Monaten nicht geprüft oder ohne kommenden Termin."
                ),
            ),
        ],
    }


# --- catalogue use ------------------------------------------------------------------------


def section_searches(period: Period, previous: Period) -> dict:
    days = SearchDay.objects.filter(day__gte=previous.start, day__lte=period.end)
    in_period = Q(day__gte=period.start)
    totals = days.aggregate(
        current=Sum("searches", filter=in_period, default=0),
        previous=Sum("searches", filter=~in_period, default=0),
        empty_current=Sum("without_result", filter=in_period, default=0),
        empty_previous=Sum("without_result", filter=~in_period, default=0),
    )
    current_days = SearchDay.objects.filter(day__gte=period.start, day__lte=period.end)
    per_month = (
        current_days.annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(n=Sum("searches"), empty=Sum("without_result"))
        .order_by("month")
        .values_list("month", "n", "empty")
    )
    terms = current_days.exclude(text="").values("text")
    top = (
        terms.annotate(n=Sum("searches"), empty=Sum("without_result"))
        .order_by("-n", "text")
        .values_list("text", "n", "empty")[:TOP_TERMS]
    )
    unmet = (
        terms.annotate(empty=Sum("without_result"), n=Sum("searches"))
        .filter(empty__gt=0)
        .order_by("-empty", "text")
        .values_list("text", "empty", "n")[:TOP_TERMS]
    )
    return {
        "key": "suche",
        "title": _("Nutzung des Kurskatalogs"),
        "kpis": [
            _kpi("searches", _("Suchen"), totals["current"], totals["previous"]),
            _kpi(
                "searches_empty",
                _("Suchen ohne Ergebnis"),
                totals["empty_current"],
                totals["empty_previous"],
            ),
            _kpi(
                "searches_empty_share",
                _("Anteil ohne Ergebnis"),
                _share(totals["empty_current"], totals["current"]),
                _share(totals["empty_previous"], totals["previous"]),
                unit="%",
            ),
        ],
        "figures": [
            _figure(
                "searches_per_month",
                _("Suchen je Monat"),
                [_("Monat"), _("Suchen"), _("ohne Ergebnis")],
                _per_month(period, per_month, width=2),
                chart="columns",
            ),
            _figure(
                "top_terms",
                _("Häufigste Suchbegriffe"),
                [_("Suchbegriff"), _("Suchen"), _("ohne Ergebnis")],
                [list(row) for row in top],
            ),
            _figure(
                "terms_without_result",
                _("Suchbegriffe ohne Ergebnis (ungedeckter Bedarf)"),
                [_("Suchbegriff"), _("Suchen ohne Ergebnis"), _("Suchen")],
                [list(row) for row in unmet],
            ),
        ],
    }


def section_alerts(period: Period, previous: Period) -> dict:
    confirmed = CourseAlert.objects.filter(confirmed_at__isnull=False)
    totals = confirmed.aggregate(
        active=Count("pk", filter=Q(confirmed_at__lt=period.end_at)),
        active_before=Count("pk", filter=Q(confirmed_at__lt=previous.end_at)),
        people=Count("email", filter=Q(confirmed_at__lt=period.end_at), distinct=True),
        people_before=Count("email", filter=Q(confirmed_at__lt=previous.end_at), distinct=True),
        new=Count(
            "pk", filter=Q(confirmed_at__gte=period.start_at, confirmed_at__lt=period.end_at)
        ),
        new_before=Count(
            "pk", filter=Q(confirmed_at__gte=previous.start_at, confirmed_at__lt=previous.end_at)
        ),
    )
    per_month = (
        confirmed.filter(confirmed_at__gte=period.start_at, confirmed_at__lt=period.end_at)
        .annotate(month=TruncMonth("confirmed_at", tzinfo=BERLIN))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
        .values_list("month", "n")
    )
    return {
        "key": "suchauftraege",
        "title": _("Suchaufträge (E-Mail zu neuen Kursen)"),
        "kpis": [
            _kpi(
                "alerts_active",
                _("bestätigte Suchaufträge am Ende des Zeitraums"),
                totals["active"],
                totals["active_before"],
            ),
            _kpi(
                "alerts_people",
                _("Abonnentinnen und Abonnenten (Adressen)"),
                totals["people"],
                totals["people_before"],
            ),
            _kpi(
                "alerts_new", _("neu bestätigte Suchaufträge"), totals["new"], totals["new_before"]
            ),
        ],
        "figures": [
            _figure(
                "alerts_new_per_month",
                _("Neu bestätigte Suchaufträge je Monat"),
                [_("Monat"), _("Suchaufträge")],
                _per_month(period, per_month),
                chart="columns",
                note=_("Abbestellte Suchaufträge werden gelöscht und zählen nicht mehr mit."),
            )
        ],
    }


# --- counselling and company needs ---------------------------------------------------------


def _first_contact():
    """When a counsellor first acted on a request: claimed it or changed its status."""
    return Subquery(
        RequestEvent.objects.filter(
            request=OuterRef("pk"), kind__in=[EventKind.CLAIMED, EventKind.STATUS]
        )
        .order_by("created_at")
        .values("created_at")[:1]
    )


def section_counselling(period: Period, previous: Period) -> dict:
    both = CounsellingRequest.objects.filter(_window("created_at", period, previous))
    totals = both.aggregate(**_both("created_at", period))
    by_situation = both.values("situation").annotate(**_both("created_at", period))
    by_district = both.values("district").annotate(**_both("created_at", period))
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
        both.annotate(first_contact=_first_contact())
        .annotate(delay=delay)
        .aggregate(
            avg=Avg("delay", filter=in_period),
            avg_before=Avg("delay", filter=~in_period),
            waiting=Count("pk", filter=in_period & Q(first_contact__isnull=True)),
            **band_counts,
        )
    )
    closed = CounsellingRequest.objects.filter(_window("closed_at", period, previous))
    outcomes = closed.values("outcome").annotate(**_both("closed_at", period))
    closed_totals = closed.aggregate(**_both("closed_at", period))

    def days(value: datetime.timedelta | None) -> float | None:
        return round(value.total_seconds() / 86400, 1) if value is not None else None

    band_rows = [[label, contact[f"band{i}"]] for i, (label, _a, _u) in enumerate(bands)]
    band_rows.append([_("noch kein Kontakt"), contact["waiting"]])
    return {
        "key": "beratung",
        "title": _("Beratung"),
        "kpis": [
            _kpi("requests", _("Beratungsanfragen"), totals["current"], totals["previous"]),
            _kpi(
                "requests_closed",
                _("abgeschlossene Anfragen"),
                closed_totals["current"],
                closed_totals["previous"],
            ),
            _kpi(
                "first_contact_days",
                _("Tage bis zum ersten Kontakt (Mittel)"),
                days(contact["avg"]),
                days(contact["avg_before"]),
                unit=_("Tage"),
            ),
        ],
        "figures": [
            _figure(
                "requests_per_month",
                _("Beratungsanfragen je Monat"),
                [_("Monat"), _("Anfragen")],
                _per_month(period, per_month),
                chart="columns",
            ),
            _figure(
                "requests_by_situation",
                _("Anfragen nach Situation"),
                [_("Situation"), _("Zeitraum"), _("Vorzeitraum")],
                _choice_rows(by_situation, Situation.choices, "situation"),
            ),
            _figure(
                "requests_by_district",
                _("Anfragen nach Landkreis"),
                [_("Landkreis"), _("Zeitraum"), _("Vorzeitraum")],
                _choice_rows(by_district, District.choices, "district"),
            ),
            _figure(
                "first_contact",
                _("Zeit bis zum ersten Kontakt"),
                [_("Zeit"), _("Anfragen")],
                band_rows,
                note=_(
                    "Erster Kontakt: Eine Beraterin oder ein Berater übernimmt die Anfrage "
                    "oder ändert ihren Status. Gezählt werden die Anfragen des Zeitraums."
                ),
            ),
            _figure(
                "outcomes",
                _("Ergebnisse abgeschlossener Anfragen"),
                [_("Ergebnis"), _("Zeitraum"), _("Vorzeitraum")],
                _choice_rows(outcomes, Outcome.choices, "outcome"),
            ),
        ],
    }


def section_needs(period: Period, previous: Period) -> dict:
    both = CompanyNeed.objects.filter(_window("created_at", period, previous))
    totals = both.aggregate(
        **_both("created_at", period),
        pooled=Count("pk", filter=Q(created_at__gte=period.start_at, joint_measure__isnull=False)),
        pooled_before=Count(
            "pk", filter=Q(created_at__lt=period.start_at, joint_measure__isnull=False)
        ),
    )
    open_now = CompanyNeed.objects.filter(met_at__isnull=True, joint_measure__isnull=True).count()
    measures = JointMeasure.objects.aggregate(
        new=Count("pk", filter=Q(created_at__gte=period.start_at, created_at__lt=period.end_at)),
        new_before=Count(
            "pk", filter=Q(created_at__gte=previous.start_at, created_at__lt=previous.end_at)
        ),
        met=Count("pk", filter=Q(met_at__gte=period.start_at, met_at__lt=period.end_at)),
        met_before=Count("pk", filter=Q(met_at__gte=previous.start_at, met_at__lt=previous.end_at)),
    )
    by_topic = (
        both.values("topic__name")
        .annotate(**_both("created_at", period))
        .order_by("-current", "topic__name")
        .values_list("topic__name", "current", "previous")
    )
    by_district = both.values("district").annotate(**_both("created_at", period))
    return {
        "key": "bedarfe",
        "title": _("Weiterbildungsbedarfe von Unternehmen"),
        "kpis": [
            _kpi("needs", _("gemeldete Bedarfe"), totals["current"], totals["previous"]),
            _kpi(
                "needs_pooled",
                _("davon in einer Verbundmaßnahme"),
                totals["pooled"],
                totals["pooled_before"],
            ),
            _kpi("needs_open", _("offene Bedarfe (heute)"), open_now),
            _kpi("joint_new", _("neue Verbundmaßnahmen"), measures["new"], measures["new_before"]),
            _kpi(
                "joint_met",
                _("Verbundmaßnahmen mit festem Kurs"),
                measures["met"],
                measures["met_before"],
            ),
        ],
        "figures": [
            _figure(
                "needs_by_topic",
                _("Bedarfe nach Thema"),
                [_("Thema"), _("Zeitraum"), _("Vorzeitraum")],
                [list(row) for row in by_topic],
            ),
            _figure(
                "needs_by_district",
                _("Bedarfe nach Landkreis"),
                [_("Landkreis"), _("Zeitraum"), _("Vorzeitraum")],
                _choice_rows(by_district, District.choices, "district"),
            ),
        ],
    }


# --- working groups ---------------------------------------------------------------------


def section_workgroups(period: Period, previous: Period, *, now: datetime.datetime) -> dict:
    today = timezone.localdate(now)
    held = Q(ends_at__lte=now)
    meetings = Meeting.objects.filter(held, _window("starts_at", period, previous)).aggregate(
        **_both("starts_at", period)
    )
    minutes = Minutes.objects.filter(
        _window("published_at", period, previous), status=MinutesStatus.PUBLISHED
    ).aggregate(**_both("published_at", period))
    items = ActionItem.objects.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_ACTION_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=OPEN_ACTION_STATUSES, due_date__lt=today)),
    )
    per_body = WorkingGroup.objects.annotate(
        held=Subquery(
            Meeting.objects.filter(
                group=OuterRef("pk"),
                starts_at__gte=period.start_at,
                starts_at__lt=period.end_at,
                ends_at__lte=now,
            )
            .order_by()
            .values("group")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        published=Subquery(
            Minutes.objects.filter(
                meeting__group=OuterRef("pk"),
                status=MinutesStatus.PUBLISHED,
                published_at__gte=period.start_at,
                published_at__lt=period.end_at,
            )
            .order_by()
            .values("meeting__group")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        open=Subquery(
            ActionItem.objects.filter(group=OuterRef("pk"), status__in=OPEN_ACTION_STATUSES)
            .order_by()
            .values("group")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        overdue=Subquery(
            ActionItem.objects.filter(
                group=OuterRef("pk"), status__in=OPEN_ACTION_STATUSES, due_date__lt=today
            )
            .order_by()
            .values("group")
            .annotate(n=Count("pk"))
            .values("n")
        ),
    ).values_list("name", "held", "published", "open", "overdue")
    measures = Measure.objects.values("status").annotate(n=Count("pk"))
    measure_counts = {row["status"]: row["n"] for row in measures}
    return {
        "key": "gremien",
        "title": _("Arbeitsgruppen und Steuerkreis"),
        "kpis": [
            _kpi("meetings", _("Sitzungen abgehalten"), meetings["current"], meetings["previous"]),
            _kpi(
                "minutes", _("Protokolle veröffentlicht"), minutes["current"], minutes["previous"]
            ),
            _kpi("actions_open", _("offene Aufgaben (heute)"), items["open"]),
            _kpi("actions_overdue", _("überfällige Aufgaben (heute)"), items["overdue"]),
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
                [[name, *(n or 0 for n in counts)] for name, *counts in per_body],
                chart="",
            ),
            _figure(
                "measures_by_status",
                _("Maßnahmen nach Stand (heute)"),
                [_("Stand"), _("Maßnahmen")],
                [
                    [str(label), measure_counts.get(value, 0)]
                    for value, label in MeasureStatus.choices
                ],
            ),
        ],
    }


# --- the whole dashboard, cached --------------------------------------------------------------


def _other_sections(period: Period, previous: Period, now: datetime.datetime) -> list[dict]:
    return [
        section_searches(period, previous),
        section_alerts(period, previous),
        section_counselling(period, previous),
        section_needs(period, previous),
        section_workgroups(period, previous, now=now),
    ]


def _document(period: Period, now: datetime.datetime, sections: list[dict], **extra) -> dict:
    return {
        "period": period.as_dict(),
        "previous": period.previous().as_dict(),
        "generated_at": date_format(timezone.localtime(now), "SHORT_DATETIME_FORMAT"),
        "refreshing": False,
        "sections": sections,
        **extra,
    }


def dashboard_build(*, period: Period, now: datetime.datetime | None = None) -> dict:
    """All figures of `period` and the one before, as plain data (uncached)."""
    now = now or timezone.now()
    previous = period.previous()
    offers = section_offers(period, previous, today=timezone.localdate(now))
    return _document(period, now, [offers, *_other_sections(period, previous, now)])


# The tables of every section but the offers (those follow the catalogue's token), with the
# column whose latest value changes when a row does.
FINGERPRINTED = (
    (CounsellingRequest, "last_activity_at"),
    (CompanyNeed, "met_at"),
    (JointMeasure, "met_at"),
    (CourseAlert, "confirmed_at"),
    (SearchDay, "searches"),
    (Meeting, "updated_at"),
    (Minutes, "updated_at"),
    (ActionItem, "updated_at"),
    (Measure, "updated_at"),
)


def data_fingerprint() -> str:
    """Counts and the latest value of a changing column of every table the dashboard reads
    besides the catalogue, in one query: any insert, delete or ordinary update changes it."""
    quote = connection.ops.quote_name
    parts = []
    for model, column in FINGERPRINTED:
        table = quote(model._meta.db_table)
        value = "sum" if column == "searches" else "max"
        parts.append(f"(SELECT count(*) FROM {table})")  # noqa: S608 (identifiers only)
        parts.append(f"(SELECT {value}({quote(column)}) FROM {table})")  # noqa: S608
    needs = quote(CompanyNeed._meta.db_table)
    parts.append(f"(SELECT count(*) FROM {needs} WHERE joint_measure_id IS NOT NULL)")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    return hashlib.sha256(repr(row).encode()).hexdigest()[:20]


# Where the latest figures of a period stay while newer ones are counted.
STALE_SECONDS = 24 * 3600
# Raised when the shape of the cached data changes, so old entries are not read.
FORMAT = "v3"


def _keys(period: Period, today: datetime.date) -> dict[str, tuple[str, str]]:
    """(current key, latest key) of both parts of a period's dashboard."""
    base = f"dashboard:{FORMAT}:{get_language()}:{period.start}:{period.end}"
    token = cache.get(TOKEN_KEY) or "-"
    return {
        "offers": (f"{base}:{today}:offers:{token}", f"{base}:offers:latest"),
        "rest": (f"{base}:{today}:rest:{data_fingerprint()}", f"{base}:rest:latest"),
    }


def _build_part(name: str, period: Period, now: datetime.datetime):
    previous = period.previous()
    if name == "offers":
        return [section_offers(period, previous, today=timezone.localdate(now))]
    return _other_sections(period, previous, now)


def _part_new(name: str, period: Period, now: datetime.datetime) -> dict:
    # `id` names this counting: the page's rendered charts are cached under it.
    return {"sections": _build_part(name, period, now), "built_at": now, "id": uuid.uuid4().hex}


def dashboard_refresh(*, period: Period, now: datetime.datetime | None = None) -> list[str]:
    """Count the parts of `period` whose data changed and keep them; returns their names.

    Run by the task that a page queues when it shows older figures, and by beat for the
    presets, so that people rarely wait for the counting.
    """
    now = now or timezone.now()
    keys = _keys(period, timezone.localdate(now))
    found = cache.get_many([current for current, _latest in keys.values()])
    built = []
    for name, (current, latest) in keys.items():
        if current in found:
            continue
        part = _part_new(name, period, now)
        cache.set_many({current: part}, CACHE_SECONDS)
        cache.set(latest, part, STALE_SECONDS)
        built.append(name)
    return built


def dashboard_get(*, period: Period, now: datetime.datetime | None = None) -> dict:
    """The dashboard of `period`, from the cache when nothing changed since it was built.

    Two parts, each cached under a version: the offers (the slowest part) under the
    catalogue's token, so that a new counselling request does not recount the catalogue;
    the rest under the fingerprint. "Today" is part of both keys: snapshot figures and
    overdue items move with the date. When a part's data changed and a worker runs the
    tasks, the latest figures are shown (marked as being refreshed) while a task counts
    anew; with tasks inline (embedded default, tests) it is counted at once.
    """
    from network.dashboard_tasks import dashboard_refresh_task

    now = now or timezone.now()
    keys = _keys(period, timezone.localdate(now))
    found = cache.get_many([key for pair in keys.values() for key in pair])
    in_background = not settings.CELERY_TASK_ALWAYS_EAGER
    sections, refreshing, built, used = [], False, [], []
    for name, (current, latest) in keys.items():
        part = found.get(current)
        if part is None and in_background and latest in found:
            part = found[latest]
            refreshing = True
            if cache.add(f"{current}:queued", "1", timeout=5 * 60):
                dashboard_refresh_task.delay(
                    start=period.start.isoformat(),
                    end=period.end.isoformat(),
                    language=get_language(),
                )
        if part is None:
            part = _part_new(name, period, now)
            cache.set(current, part, CACHE_SECONDS)
            cache.set(latest, part, STALE_SECONDS)
        sections.extend(part["sections"])
        built.append(part["built_at"])
        used.append(part["id"])
    document = _document(period, min(built), sections)
    document["refreshing"] = refreshing
    # Names these very figures: the page caches its rendered charts and tables under it.
    document["version"] = hashlib.sha256("|".join(used).encode()).hexdigest()[:24]
    return document
