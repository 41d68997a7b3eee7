"""Reads of the catalogue: the public search with its facets, and a single offer."""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.utils import timezone

from offerings.filters import (
    DATE_PARAMETERS,
    PLACE_PARAMETERS,
    CatalogueFilter,
    date_option_q,
)
from offerings.models import Offer, OfferDate
from offerings.search import Correction, parse, search_offers, spelling_suggestion

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class CatalogueResult:
    filterset: CatalogueFilter
    page: Page
    total: int
    query: str
    corrections: list[Correction] = field(default_factory=list)
    suggestion: str = ""
    facets: dict[str, list[FacetOption]] = field(default_factory=dict)


def _open_dates_prefetch(today) -> Prefetch:
    return Prefetch(
        "dates",
        queryset=OfferDate.objects.filter(OfferDate.open_q(today))
        .select_related("venue")
        .order_by(F("start").asc(nulls_last=True), "pk"),
        to_attr="open_dates",
    )


def catalogue_offers() -> QuerySet[Offer]:
    return Offer.objects.published().select_related("institution", "delivery_form")


def _sorted(queryset: QuerySet[Offer], sort: str, searching: bool, today) -> QuerySet[Offer]:
    next_start = OfferDate.objects.filter(
        OfferDate.open_q(today), offer=OuterRef("pk"), start__isnull=False
    )
    if sort == "price":
        return queryset.order_by("price", "title", "pk")
    if sort == "newest":
        return queryset.order_by(Coalesce("published_at", "created_at").desc(), "-pk")
    if sort == "relevance" and searching and queryset.query.annotations.get("rank") is not None:
        return queryset.order_by("-rank", "title", "pk")
    soonest = Subquery(next_start.order_by("start").values("start")[:1])
    return queryset.annotate(next_start=soonest).order_by(
        F("next_start").asc(nulls_last=True), "title", "pk"
    )


def catalogue_search(
    params: QueryDict, *, page_size: int = PAGE_SIZE, today=None, with_facets: bool = True
) -> CatalogueResult:
    """Everything the catalogue page shows for the query string `params`.

    Feeds and the API pass with_facets=False: they show no filter counts.
    """
    today = today or timezone.localdate()
    parsed = parse(params.get("q", ""))
    base, fixes = search_offers(catalogue_offers(), parsed)
    # Always bound (an empty query string is valid), so the form can report errors.
    filterset = CatalogueFilter(params, queryset=base, today=today)
    queryset = filterset.qs
    sort = filterset.form.cleaned_data.get("sortierung") or (
        "relevance" if not parsed.is_empty else "start"
    )
    ordered = _sorted(queryset, sort, not parsed.is_empty, today).prefetch_related(
        _open_dates_prefetch(today), "funding_programmes"
    )
    paginator = Paginator(ordered, min(page_size, MAX_PAGE_SIZE))
    page = paginator.get_page(_page_number(params.get("seite")))
    total = paginator.count
    result = CatalogueResult(
        filterset=filterset,
        page=page,
        total=total,
        query=parsed.text,
        corrections=fixes,
        facets=catalogue_facets(filterset, base) if with_facets else {},
    )
    if total == 0:
        result.suggestion = spelling_suggestion(parsed, fixes)
    return result


def _page_number(raw: str | None) -> int:
    """Page numbers below 1 or unreadable ones mean the first page, not the last."""
    try:
        return max(int(raw or 1), 1)
    except ValueError:
        return 1


# --- facets ------------------------------------------------------------------------------

_VALUE_FACETS = {
    # parameter: offer field to group by
    "niveau": "level",
    "abschluss": "certificate",
    "sprache": "language",
}
_RELATION_FACETS = {
    "foerderung": "funding_programmes__slug",
    "zielgruppe": "target_groups__slug",
    "thema": "topics__slug",
    "lernform": "delivery_form__slug",
}


def _without(filterset: CatalogueFilter, base: QuerySet[Offer], parameter: str) -> QuerySet[Offer]:
    """Offers matching every active offer-level filter except `parameter`.

    Date-level filters are left out here: they are applied through `date_q`.
    """
    data = filterset.form.cleaned_data
    queryset = base
    for name, flt in filterset.filters.items():
        if name == parameter or name in DATE_PARAMETERS or name in PLACE_PARAMETERS:
            continue
        value = data.get(name)
        if value is None or value == "" or (isinstance(value, list | tuple) and not value):
            continue
        if hasattr(value, "model") and not value:  # an empty queryset from a multiple choice
            continue
        queryset = flt.filter(queryset, value)
    return queryset


def _selected(filterset, parameter) -> set[str]:
    value = filterset.form.cleaned_data.get(parameter)
    if value is None or value == "":
        return set()
    if isinstance(value, str):
        return {value}
    if isinstance(value, bool):
        return {"on"} if value else set()
    return {getattr(v, "slug", v) for v in value}


def catalogue_facets(
    filterset: CatalogueFilter, base: QuerySet[Offer]
) -> dict[str, list[FacetOption]]:
    """For each filter option: how many offers it would give with the other active filters.

    One query per filter group, whatever the number of options or results.
    """
    facets: dict[str, list[FacetOption]] = {}
    form_fields = filterset.form.fields
    for parameter in [
        *_RELATION_FACETS,
        *_VALUE_FACETS,
        *DATE_PARAMETERS,
        "kostenlos",
        "rollstuhl",
    ]:
        queryset = _without(filterset, base, parameter)
        selected = _selected(filterset, parameter)
        if parameter in DATE_PARAMETERS:
            date_condition = filterset.date_q(exclude=parameter)
            choices = list(form_fields[parameter].choices)
            choices = [(v, label) for v, label in choices if v != ""]
            # One pass over the matching dates counts distinct offers per option; an
            # EXISTS per offer and option was orders of magnitude slower on a large catalogue.
            dates = OfferDate.objects.filter(
                date_condition, offer__in=queryset.order_by().values("pk")
            )
            aggregates = {
                f"o{i}": Count(
                    "offer", distinct=True, filter=date_option_q(parameter, value, filterset.today)
                )
                for i, (value, _label) in enumerate(choices)
            }
            counts = dates.aggregate(**aggregates) if aggregates else {}
            facets[parameter] = [
                FacetOption(str(value), str(label), counts.get(f"o{i}", 0), str(value) in selected)
                for i, (value, label) in enumerate(choices)
            ]
            continue
        # Counted over the open dates of the matching offers, like the date facets above.
        open_dates = OfferDate.objects.filter(
            filterset.date_q(), offer__in=queryset.order_by().values("pk")
        )
        if parameter in ("kostenlos", "rollstuhl"):
            condition = (
                Q(offer__price=0)
                if parameter == "kostenlos"
                else Q(offer__wheelchair_accessible=True)
            )
            count = open_dates.aggregate(n=Count("offer", distinct=True, filter=condition))["n"]
            facets[parameter] = [
                FacetOption("on", str(form_fields[parameter].label), count, "on" in selected)
            ]
            continue
        group_by = "offer__" + (_RELATION_FACETS.get(parameter) or _VALUE_FACETS[parameter])
        rows = open_dates.order_by().values(group_by).annotate(n=Count("offer", distinct=True))
        counts = {row[group_by]: row["n"] for row in rows}
        field = form_fields[parameter]
        if hasattr(field, "queryset"):
            options = [(obj.slug, obj.name) for obj in field.queryset]
        else:
            options = [(v, label) for v, label in field.choices if v != ""]
        facets[parameter] = [
            FacetOption(str(value), str(label), counts.get(value, 0), str(value) in selected)
            for value, label in options
        ]
    return facets


def offer_get_public(*, pk: int, today=None) -> Offer:
    """A published offer with its open dates. An offer whose dates have all passed keeps its
    page (links to it live on), which then says that no date is open."""
    today = today or timezone.localdate()
    return get_object_or_404(
        Offer.objects.published()
        .select_related("institution", "delivery_form")
        .prefetch_related(
            "topics",
            "target_groups",
            "funding_programmes",
            _open_dates_prefetch(today),
        ),
        pk=pk,
    )
