"""The steering circle's dashboard: the network's figures for a period, compared with the
period before (issue 8).

Everything is counted in the database (aggregate/annotate with Count, Sum and filters;
months with TruncMonth in Europe/Berlin; the offers, the largest tables, in one SQL
statement that reads dates and offers once, `_offers_rows`); Python only fills months
without data with zero and puts the rows in order. The result is plain data (dicts,
lists, numbers, strings), the one source of the page, its charts, the CSV and the XLSX
export, so they always agree.

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
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from counselling.models import (
    CompanyNeed,
    CounsellingRequest,
    EventKind,
    JointMeasure,
    Outcome,
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
    """Published offers (of active providers) with a date running in `period`: the
    definition the one-pass count below must agree with (tests compare both)."""
    return Offer.objects.filter(
        Q(published_at__isnull=True) | Q(published_at__lt=period.end_at),
        status=OfferStatus.PUBLISHED,
        institution__is_active=True,
        pk__in=OfferDate.objects.filter(_dates_in(period)).values("offer_id"),
    )


def _where(model, condition: Q) -> tuple[str, list]:
    """The SQL of `condition` on `model`'s table (columns qualified by the table's name),
    so the one-pass query below uses exactly the conditions the ORM would."""
    query = model.objects.filter(condition).query
    return query.where.as_sql(query.get_compiler(connection=connection), connection)


# The offers part in one statement: the dates are read once and folded into flags per offer
# and district (runs in the period, in the previous one, open today); every figure is then
# a small aggregate over those flags. PostgreSQL materialises a CTE used more than once, so
# dates and offers are scanned once instead of once per breakdown (issue 8: 2.8 s cold with
# a scan per figure, now about a tenth; bench/dashboard.py). Each branch yields (kind,
# sort, name, current, previous, …); `sort` keeps the database's order (collation) of
# term and provider names.
def _offers_rows(period: Period, previous: Period, *, today: datetime.date) -> dict:
    """Every figure of the offers part from one query, by kind: (name, counts…) rows."""
    if connection.vendor != "postgresql":
        return _offers_rows_portable(period, previous, today=today)
    quote = connection.ops.quote_name
    date_table = quote(OfferDate._meta.db_table)
    open_sql, open_params = _where(OfferDate, OfferDate.open_q(today))
    tables = {
        "date": date_table,
        "venue": quote(OfferDate._meta.get_field("venue").related_model._meta.db_table),
        "offer": quote(Offer._meta.db_table),
        "institution": quote(Institution._meta.db_table),
        "funding": quote(Offer.funding_programmes.through._meta.db_table),
        "funding_term": quote(FundingProgramme._meta.db_table),
        "target": quote(Offer.target_groups.through._meta.db_table),
        "target_term": quote(Offer.target_groups.field.related_model._meta.db_table),
        "delivery_term": quote(Offer.delivery_form.field.related_model._meta.db_table),
    }
    districts = [*District.values, None]
    nulls = ", ".join(["NULL"] * 7)
    # A bit per district of a venue (None: no venue; the last bit: any other value), set per
    # offer when a date there runs in the period (`cur`) or the previous one (`prev`): an
    # offer with dates in several districts counts in each.
    bits = " ".join(f"WHEN %s THEN {1 << i}" for i, value in enumerate(districts) if value)
    # One branch per district over the offers' bits (a join with the dates would be
    # estimated at millions of rows and push the planner into JIT compilation).
    district_branch = (
        "SELECT 'district', {i}, %s, count(*) FILTER (WHERE cur AND cur_bits & {bit} <> 0),"
        " count(*) FILTER (WHERE prev AND prev_bits & {bit} <> 0), {nulls} FROM offers"
    )
    district_branches = "\nUNION ALL\n".join(
        district_branch.format(i=i, bit=1 << i, nulls=nulls) for i in range(len(districts))
    )
    # One (whole-day) interval per date, so that "runs in a period" is one overlap test
    # instead of _dates_in's ORs (10-15 % faster over 100,000 dates): rolling and on-demand dates
    # are open towards a missing start or end; other dates need a start and last one day
    # when they have no end. The same dates as _dates_in (tests compare both).
    sql = f"""
WITH dated AS (
    SELECT offer_id,
           bit_or(CASE WHEN lo <= %s AND hi >= %s THEN bit ELSE 0 END) AS cur,
           bit_or(CASE WHEN lo <= %s AND hi >= %s THEN bit ELSE 0 END) AS prev,
           bool_or(open) AS open
    FROM (
        SELECT {date_table}."offer_id",
               CASE WHEN {date_table}."start_kind" IN (%s, %s)
                    THEN COALESCE({date_table}."start", '-infinity'::date)
                    ELSE {date_table}."start" END AS lo,
               CASE WHEN {date_table}."start_kind" IN (%s, %s)
                    THEN COALESCE({date_table}."end", 'infinity'::date)
                    ELSE COALESCE({date_table}."end", {date_table}."start") END AS hi,
               ({open_sql}) AS open,
               COALESCE(v.bit, {1 << (len(districts) - 1)}) AS bit
        FROM {date_table}
        LEFT JOIN (
            SELECT "id", CASE "district" {bits} ELSE {1 << len(districts)} END AS bit
            FROM {tables["venue"]}
        ) AS v ON v."id" = {date_table}."venue_id"
    ) AS intervals
    GROUP BY 1
), funded AS (
    SELECT DISTINCT offer_id FROM {tables["funding"]}
), offers AS (
    SELECT o."id", o."institution_id", o."delivery_form_id", o."published_at", i."is_active",
           o."price" = 0 AS free, f.offer_id IS NOT NULL AS funded,
           o."last_reviewed_on" < %s AS unreviewed,
           COALESCE(x.open, FALSE) AS open, x.cur AS cur_bits, x.prev AS prev_bits,
           i."is_active" AND COALESCE(x.cur, 0) <> 0
               AND (o."published_at" IS NULL OR o."published_at" < %s) AS cur,
           i."is_active" AND COALESCE(x.prev, 0) <> 0
               AND (o."published_at" IS NULL OR o."published_at" < %s) AS prev
    FROM {tables["offer"]} AS o
    JOIN {tables["institution"]} AS i ON i."id" = o."institution_id"
    LEFT JOIN dated AS x ON x.offer_id = o."id"
    LEFT JOIN funded AS f ON f.offer_id = o."id"
    WHERE o."status" = %s
)
SELECT 'totals', 0, NULL,
       count(*) FILTER (WHERE cur), count(*) FILTER (WHERE prev),
       count(*) FILTER (WHERE cur AND free), count(*) FILTER (WHERE prev AND free),
       count(*) FILTER (WHERE cur AND funded), count(*) FILTER (WHERE prev AND funded),
       count(*) FILTER (WHERE cur AND (free OR funded)),
       count(*) FILTER (WHERE prev AND (free OR funded)),
       count(*) FILTER (WHERE is_active AND open)
FROM offers
UNION ALL
SELECT 'target', row_number() OVER (ORDER BY t."position", t."name"), t."name",
       count(*) FILTER (WHERE o.cur), count(*) FILTER (WHERE o.prev),
       NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM {tables["target"]} AS m JOIN offers AS o ON o."id" = m."offer_id"
JOIN {tables["target_term"]} AS t ON t."id" = m."targetgroup_id"
WHERE o.cur OR o.prev
GROUP BY t."id", t."name", t."position"
UNION ALL
SELECT 'funding', row_number() OVER (ORDER BY t."position", t."name"), t."name",
       count(*) FILTER (WHERE o.cur), count(*) FILTER (WHERE o.prev),
       NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM {tables["funding"]} AS m JOIN offers AS o ON o."id" = m."offer_id"
JOIN {tables["funding_term"]} AS t ON t."id" = m."fundingprogramme_id"
WHERE o.cur OR o.prev
GROUP BY t."id", t."name", t."position"
UNION ALL
SELECT 'delivery', row_number() OVER (ORDER BY t."position", t."name"), t."name",
       count(*) FILTER (WHERE o.cur), count(*) FILTER (WHERE o.prev),
       NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM offers AS o JOIN {tables["delivery_term"]} AS t ON t."id" = o."delivery_form_id"
WHERE o.cur OR o.prev
GROUP BY t."id", t."name", t."position"
UNION ALL
{district_branches}
UNION ALL
(SELECT 'stale', row_number() OVER (ORDER BY count(*) FILTER (WHERE o.unreviewed OR NOT o.open)
                                    DESC, i."name"), i."name",
       count(*) FILTER (WHERE o.unreviewed OR NOT o.open), count(*),
       NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM offers AS o JOIN {tables["institution"]} AS i ON i."id" = o."institution_id"
WHERE o.is_active
GROUP BY i."id", i."name"
HAVING count(*) FILTER (WHERE o.unreviewed OR NOT o.open) > 0
ORDER BY 2 LIMIT %s)
UNION ALL
SELECT 'new', 0, to_char(month, 'YYYY-MM-DD'), current, previous,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM (
    SELECT date_trunc('month', "published_at" AT TIME ZONE %s) AS month,
           count(*) FILTER (WHERE "published_at" >= %s) AS current,
           count(*) FILTER (WHERE "published_at" < %s) AS previous
    FROM offers
    WHERE "published_at" >= %s AND "published_at" < %s
    GROUP BY 1
) AS months
ORDER BY 1, 2
"""  # noqa: S608 (identifiers and ORM-compiled conditions only; values are parameters)
    ongoing = [StartKind.ROLLING, StartKind.ON_DEMAND]
    params = [
        period.end,
        period.start,
        previous.end,
        previous.start,
        *ongoing,
        *ongoing,
        *open_params,
        *[value for value in districts if value],
        today - datetime.timedelta(days=REVIEW_INTERVAL_DAYS),
        period.end_at,
        previous.end_at,
        OfferStatus.PUBLISHED,
        *districts,
        STALE_PROVIDERS,
        BERLIN.key,
        period.start_at,
        period.start_at,
        previous.start_at,
        period.end_at,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found: dict[str, list] = {}
    for kind, _sort, name, *counts in rows:
        found.setdefault(kind, []).append((name, *counts))
    return found


def _offers_rows_portable(period: Period, previous: Period, *, today: datetime.date) -> dict:
    """`_offers_rows` for databases other than PostgreSQL (SQLite, the embedded default of
    `make run`): the same rows from the ORM's definitions, a query per breakdown. Slower,
    which the demo's few hundred offers do not notice."""
    funded = Q(pk__in=FundingProgramme.offers.through.objects.values("offer_id"))
    counts = {}
    for name, p in (("current", period), ("previous", previous)):
        counts[name] = offers_active(p).aggregate(
            active=Count("pk"),
            free=Count("pk", filter=Q(price=0)),
            funded=Count("pk", filter=funded),
            free_or_funded=Count("pk", filter=Q(price=0) | funded),
        )
    open_offers = OfferDate.objects.filter(OfferDate.open_q(today)).values("offer_id")
    in_catalogue = Offer.objects.published().filter(pk__in=open_offers).count()
    cur, prev = counts["current"], counts["previous"]
    totals = [None]
    for key in ("active", "free", "funded", "free_or_funded"):
        totals += [cur[key], prev[key]]
    found: dict[str, list] = {"totals": [(*totals, in_catalogue)]}
    months = (
        Offer.objects.filter(
            _window("published_at", period, previous), status=OfferStatus.PUBLISHED
        )
        .annotate(month=TruncMonth("published_at", tzinfo=BERLIN))
        .values("month")
        .annotate(**_both("published_at", period))
        .order_by("month")
        .values_list("month", "current", "previous")
    )
    found["new"] = [(month.date().isoformat(), *rest) for month, *rest in months]
    current = offers_active(period).values("pk")
    before = offers_active(previous).values("pk")
    for kind, relation, field in (
        ("target", Offer.target_groups.through.objects, "targetgroup"),
        ("funding", Offer.funding_programmes.through.objects, "fundingprogramme"),
        ("delivery", Offer.objects, "delivery_form"),
    ):
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
        found[kind] = [row for row in rows if row[1] or row[2]]
    districts: dict = {}
    for index, p in enumerate((period, previous)):
        rows = (
            OfferDate.objects.filter(_dates_in(p), offer__in=offers_active(p).values("pk"))
            .values("venue__district")
            .annotate(n=Count("offer", distinct=True))
            .values_list("venue__district", "n")
        )
        for district, n in rows:
            districts.setdefault(district or None, [0, 0])[index] += n
    found["district"] = [(district, *n) for district, n in districts.items()]
    cutoff = today - datetime.timedelta(days=REVIEW_INTERVAL_DAYS)
    published = Q(offers__status=OfferStatus.PUBLISHED)
    found["stale"] = list(
        Institution.objects.filter(is_active=True)
        .annotate(
            published=Count("offers", filter=published),
            stale=Count(
                "offers",
                filter=published
                & (Q(offers__last_reviewed_on__lt=cutoff) | ~Q(offers__in=open_offers)),
            ),
        )
        .filter(stale__gt=0)
        .order_by("-stale", "name")
        .values_list("name", "stale", "published")[:STALE_PROVIDERS]
    )
    return found


def _district_rows(found: list) -> list[list]:
    counts = {district: (current, previous) for district, current, previous, *_ in found}
    labels = [*District.choices, (None, _("ohne Ort (online)"))]
    return [[str(label), *counts.get(value, (0, 0))] for value, label in labels]


def section_offers(period: Period, previous: Period, *, today: datetime.date) -> dict:
    found = _offers_rows(period, previous, today=today)
    _name, *totals = found["totals"][0]
    names = ("active", "free", "funded", "free_or_funded")
    cur = {name: totals[2 * i] for i, name in enumerate(names)}
    prev = {name: totals[2 * i + 1] for i, name in enumerate(names)}
    in_catalogue = totals[8]
    months = found.get("new", [])
    new = {
        "current": sum(row[1] for row in months),
        "previous": sum(row[2] for row in months),
    }
    per_month = [(datetime.date.fromisoformat(month), n) for month, n, *_rest in months if n]

    def terms(kind: str) -> list[list]:
        return [[name, current, previous] for name, current, previous, *_ in found.get(kind, [])]

    stale = [[name, n, published] for name, n, published, *_ in found.get("stale", [])]
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
            *(
                _kpi(
                    f"{key}_share",
                    label,
                    _share(cur[key], cur["active"]),
                    _share(prev[key], prev["active"]),
                    unit="%",
                )
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
                _per_month(period, per_month),
                chart="columns",
            ),
            _figure(
                "offers_by_target_group",
                _("Angebote nach Zielgruppe"),
                [_("Zielgruppe"), _("Zeitraum"), _("Vorzeitraum")],
                terms("target"),
            ),
            _figure(
                "offers_by_district",
                _("Angebote nach Landkreis des Kursorts"),
                [_("Landkreis"), _("Zeitraum"), _("Vorzeitraum")],
                _district_rows(found.get("district", [])),
                note=_("Ein Angebot mit Terminen in mehreren Landkreisen zählt in jedem."),
            ),
            _figure(
                "offers_by_delivery_form",
                _("Angebote nach Lernform"),
                [_("Lernform"), _("Zeitraum"), _("Vorzeitraum")],
                terms("delivery"),
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
                terms("funding"),
            ),
            _figure(
                "stale_providers",
                _("Anbieter mit veralteten Angeboten (heute)"),
                [_("Anbieter"), _("veraltete Angebote"), _("veröffentlichte Angebote")],
                stale,
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
    # Per month of both periods in one query; the totals are the sums of the months.
    months = (
        days.annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(
            current=Sum("searches", filter=in_period, default=0),
            previous=Sum("searches", filter=~in_period, default=0),
            empty_current=Sum("without_result", filter=in_period, default=0),
            empty_previous=Sum("without_result", filter=~in_period, default=0),
        )
        .order_by("month")
    )
    totals = {
        key: sum(month[key] for month in months)
        for key in ("current", "previous", "empty_current", "empty_previous")
    }
    per_month = [(m["month"], m["current"], m["empty_current"]) for m in months]
    current_days = SearchDay.objects.filter(day__gte=period.start, day__lte=period.end)
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
    """When a counsellor first acted on a request: claimed it or changed its status.

    An aggregate over the joined events rather than a subquery: Django repeats a subquery
    annotation wherever it is used (here 13 times: every band and average), one probe per
    request each time."""
    return Min(
        "events__created_at", filter=Q(events__kind__in=[EventKind.CLAIMED, EventKind.STATUS])
    )


def section_counselling(period: Period, previous: Period) -> dict:
    both = CounsellingRequest.objects.filter(_window("created_at", period, previous))
    by_situation = both.values("situation").annotate(**_both("created_at", period))
    # Every request has a situation: the totals are the sums of its rows.
    totals = {key: sum(row[key] for row in by_situation) for key in ("current", "previous")}
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
    # Every closed request is in one outcome row (blank included): the totals are their sums.
    closed_totals = {key: sum(row[key] for row in outcomes) for key in ("current", "previous")}

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
    # Every need has a district: the totals are the sums of its rows.
    by_district = both.values("district").annotate(
        **_both("created_at", period),
        pooled=Count("pk", filter=Q(created_at__gte=period.start_at, joint_measure__isnull=False)),
        pooled_before=Count(
            "pk", filter=Q(created_at__lt=period.start_at, joint_measure__isnull=False)
        ),
    )
    totals = {
        key: sum(row[key] for row in by_district)
        for key in ("current", "previous", "pooled", "pooled_before")
    }
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


@contextmanager
def _counting():
    """Counting without PostgreSQL's JIT compiler: the offers query's estimates pass its
    threshold, and compiling took 200 ms of a 400 ms query (bench/dashboard.py) whose
    rows take milliseconds to aggregate. One transaction, so the setting ends with it."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield


def dashboard_build(*, period: Period, now: datetime.datetime | None = None) -> dict:
    """All figures of `period` and the one before, as plain data (uncached)."""
    now = now or timezone.now()
    previous = period.previous()
    with _counting():
        offers = section_offers(period, previous, today=timezone.localdate(now))
        others = _other_sections(period, previous, now)
    return _document(period, now, [offers, *others])


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
    with _counting():
        if name == "offers":
            return [section_offers(period, previous, today=timezone.localdate(now))]
        return _other_sections(period, previous, now)


def _part_new(name: str, period: Period, now: datetime.datetime) -> dict:
    # `id` names this counting: the page's rendered charts are cached under it.
    return {"sections": _build_part(name, period, now), "built_at": now, "id": uuid.uuid4().hex}


def _parts_new(names: list[str], period: Period, now: datetime.datetime) -> dict[str, dict]:
    """Count the parts `names`. When both are due, the offers (the slower part) are counted
    in a second thread on its own database connection while this one counts the rest, so
    a first visit waits for the slower part rather than for both. Only outside a
    transaction, since another connection does not see its uncommitted rows (the tests
    run in one), and only on PostgreSQL."""
    if (
        "offers" not in names
        or len(names) < 2
        or connection.in_atomic_block
        or connection.vendor != "postgresql"
    ):
        return {name: _part_new(name, period, now) for name in names}
    language, zone = get_language(), timezone.get_current_timezone()

    def offers() -> dict:
        try:
            with translation.override(language), timezone.override(zone):
                return _part_new("offers", period, now)
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(offers)
        parts = {name: _part_new(name, period, now) for name in names if name != "offers"}
        parts["offers"] = future.result()
    return parts


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
    anew; with tasks inline (embedded default, tests) it is counted at once. A part
    nobody has counted yet is counted now, both parts at the same time (`_parts_new`).
    """
    from steering.tasks import dashboard_refresh_task

    now = now or timezone.now()
    keys = _keys(period, timezone.localdate(now))
    found = cache.get_many([key for pair in keys.values() for key in pair])
    in_background = not settings.CELERY_TASK_ALWAYS_EAGER
    parts, refreshing = {}, False
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
        parts[name] = part
    missing = [name for name, part in parts.items() if part is None]
    for name, part in _parts_new(missing, period, now).items():
        current, latest = keys[name]
        cache.set(current, part, CACHE_SECONDS)
        cache.set(latest, part, STALE_SECONDS)
        parts[name] = part
    sections, built, used = [], [], []
    for part in parts.values():
        sections.extend(part["sections"])
        built.append(part["built_at"])
        used.append(part["id"])
    document = _document(period, min(built), sections)
    document["refreshing"] = refreshing
    # Names these very figures: the page caches its rendered charts and tables under it.
    document["version"] = hashlib.sha256("|".join(used).encode()).hexdigest()[:24]
    return document
