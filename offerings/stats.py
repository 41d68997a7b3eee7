"""The catalogue's figures for the steering circle (steering.sections): offers with dates in
a period, their breakdowns and stale providers; the use of the catalogue (searches) and the
course alerts. Each function takes a period and the one before it and returns plain data.

The offers, the largest tables, are counted in one SQL statement that reads dates and offers
once (`_offers_rows`); on PostgreSQL the index `offer_dashboard_cover` (migration 0009)
answers its read of the offers; count inside common.periods.counting (JIT compiler off), as
steering.dashboard does. Snapshot figures ("heute") say how things stand now: the portal
keeps no history of an offer's status. Offers count in a period when they are published now
and have a date that runs in it.
"""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from common.periods import (
    BERLIN,
    Compared,
    ComparedRow,
    DayRange,
    both,
    month_of,
    window,
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

TOP_TERMS = 15
STALE_PROVIDERS = 25


def catalogue_version() -> str:
    """Changes on every write to offers and dates (the catalogue index's token): figures of
    the offers counted under one version are still right."""
    return cache.get(TOKEN_KEY) or "-"


# --- offers -----------------------------------------------------------------------------


def _dates_in(period: DayRange) -> Q:
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


def offers_active(period: DayRange) -> QuerySet[Offer]:
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
def _offers_rows(period: DayRange, previous: DayRange, *, today: datetime.date) -> dict:
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


def _offers_rows_portable(period: DayRange, previous: DayRange, *, today: datetime.date) -> dict:
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
    in_catalogue = Offer.objects.published().reviewed(today).filter(pk__in=open_offers).count()
    cur, prev = counts["current"], counts["previous"]
    totals = [None]
    for key in ("active", "free", "funded", "free_or_funded"):
        totals += [cur[key], prev[key]]
    found: dict[str, list] = {"totals": [(*totals, in_catalogue)]}
    months = (
        Offer.objects.filter(window("published_at", period, previous), status=OfferStatus.PUBLISHED)
        .annotate(month=TruncMonth("published_at", tzinfo=BERLIN))
        .values("month")
        .annotate(**both("published_at", period))
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


def _district_rows(found: list) -> list[ComparedRow]:
    counts = {district: (current, previous) for district, current, previous, *_ in found}
    labels = [*District.choices, (None, _("ohne Ort (online)"))]
    return [(str(label), *counts.get(value, (0, 0))) for value, label in labels]


@dataclass(frozen=True)
class OfferFigures:
    """The catalogue in a period and the one before. Offers with dates in several districts
    count in each; "stale" offers were not reviewed for six months or have no open date."""

    in_catalogue: int  # published offers with a date open today
    active: Compared  # published offers with a date running in the period
    free: Compared
    funded: Compared
    free_or_funded: Compared
    new: Compared  # newly published
    new_per_month: list[tuple[datetime.date, int]]  # the period's months with new offers
    by_target_group: list[ComparedRow]
    by_district: list[ComparedRow]  # every district, then offers without a venue
    by_delivery_form: list[ComparedRow]
    by_funding: list[ComparedRow]
    stale_providers: list[ComparedRow]  # (provider, stale offers, published offers) today


def offer_figures(*, period: DayRange, previous: DayRange, today: datetime.date) -> OfferFigures:
    """The figures of the offers part, from one query (`_offers_rows`)."""
    found = _offers_rows(period, previous, today=today)
    _name, *totals = found["totals"][0]
    names = ("active", "free", "funded", "free_or_funded")
    counts = {name: Compared(totals[2 * i], totals[2 * i + 1]) for i, name in enumerate(names)}
    months = found.get("new", [])

    def rows(kind: str) -> list[ComparedRow]:
        return [(name, current, previous) for name, current, previous, *_ in found.get(kind, [])]

    return OfferFigures(
        in_catalogue=totals[8],
        **counts,
        new=Compared(sum(row[1] for row in months), sum(row[2] for row in months)),
        new_per_month=[(datetime.date.fromisoformat(month), n) for month, n, *_rest in months if n],
        by_target_group=rows("target"),
        by_district=_district_rows(found.get("district", [])),
        by_delivery_form=rows("delivery"),
        by_funding=rows("funding"),
        stale_providers=rows("stale"),
    )


# --- the use of the catalogue -------------------------------------------------------------


@dataclass(frozen=True)
class SearchFigures:
    """The catalogue's searches (counted per day and text, offerings.searchlog)."""

    searches: Compared
    without_result: Compared
    per_month: list[tuple[datetime.date, int, int]]  # (month, searches, without result)
    top_terms: list[tuple[str, int, int]]  # (text, searches, without result), most first
    unmet_terms: list[tuple[str, int, int]]  # (text, without result, searches), most first


def search_figures(*, period: DayRange, previous: DayRange) -> SearchFigures:
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
    first_month = period.start.replace(day=1)
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
    return SearchFigures(
        searches=Compared(totals["current"], totals["previous"]),
        without_result=Compared(totals["empty_current"], totals["empty_previous"]),
        per_month=[
            (month_of(m["month"]), m["current"], m["empty_current"])
            for m in months
            if m["month"] >= first_month
        ],
        top_terms=list(top),
        unmet_terms=list(unmet),
    )


@dataclass(frozen=True)
class AlertFigures:
    """Confirmed course alerts (unsubscribed ones are deleted and no longer count)."""

    active: Compared  # confirmed by the end of the period
    people: Compared  # their distinct addresses
    new: Compared  # confirmed in the period
    new_per_month: list[tuple[datetime.date, int]]


def alert_figures(*, period: DayRange, previous: DayRange) -> AlertFigures:
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
    return AlertFigures(
        active=Compared(totals["active"], totals["active_before"]),
        people=Compared(totals["people"], totals["people_before"]),
        new=Compared(totals["new"], totals["new_before"]),
        new_per_month=[(month_of(month), n) for month, n in per_month],
    )


def change_markers() -> list[str]:
    """SQL expressions whose values change with any insert, delete or ordinary update of the
    searches and the alerts (the offers follow `catalogue_version`): the steering circle's
    dashboard evaluates every app's markers in one statement to see whether its cached
    figures still hold."""
    quote = connection.ops.quote_name
    alerts, searches = quote(CourseAlert._meta.db_table), quote(SearchDay._meta.db_table)
    return [
        f"(SELECT count(*) FROM {alerts})",  # noqa: S608 (identifiers only)
        f"(SELECT max({quote('confirmed_at')}) FROM {alerts})",  # noqa: S608
        f"(SELECT count(*) FROM {searches})",  # noqa: S608
        f"(SELECT sum({quote('searches')}) FROM {searches})",  # noqa: S608
    ]
