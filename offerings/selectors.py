"""Reads of the catalogue: the public search with its facets, and a single offer."""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property

import numpy as np
from django.core.paginator import Page, Paginator
from django.db.models import F, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from offerings.filters import DATE_PARAMETERS, PLACE_PARAMETERS, RADIUS_CHOICES, CatalogueFilter
from offerings.index import (
    OFFER_PARAMETERS,
    TAXONOMY_FACETS,
    VALUE_FACETS,
    CatalogueIndex,
    catalogue_index,
)
from offerings.models import FundingProgramme, Offer, OfferDate
from offerings.search import (
    Correction,
    ParsedQuery,
    offer_text_matches,
    parse,
    spelling_suggestion,
)

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Fewer results than this with a place: the page offers the wider radii with their counts.
FEW_RESULTS = 5


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class RadiusOption:
    """A wider radius around the place and how many courses it would give."""

    radius: str  # the value of "umkreis"
    count: int


@dataclass(frozen=True)
class PartialNote:
    """What the page says above partial matches (offerings.search: fewer than three offers in
    the catalogue contain every word of the search)."""

    complete: int  # offers shown that contain every word
    found: tuple[str, ...]  # when all the others contain the same words: those words
    missing: tuple[str, ...]  # … and the ones they lack


@dataclass(frozen=True)
class WayOut:
    """A change to a search that found nothing, and how many courses the changed search finds
    (the "never a dead end" offers under an empty result)."""

    # SPELLING, WORD (drop one word), TEXT (drop the text), FILTER (drop one filter), FILTERS
    kind: str
    count: int
    query: str  # the changed search's query string, without page
    label: str = ""  # FILTER: the filter's name; SPELLING: the suggested text; WORD: the word
    value: str = ""  # FILTER: what was chosen in it ("" for a checkbox)


SPELLING, WORD, TEXT, FILTER, FILTERS = "spelling", "word", "text", "filter", "filters"
# Parameters a visitor can drop one at a time, in the order of the form; dropping "ort" drops
# its radius and "nur_vor_ort" too.
_DROPPABLE = (
    "ort",
    "nur_vor_ort",
    "kostenlos",
    "preis_bis",
    "foerderung",
    "beginn",
    "lernform",
    "zielgruppe",
    "landkreis",
    "zeitmodell",
    "tageszeit",
    "dauer",
    "thema",
    "niveau",
    "abschluss",
    "sprache",
    "rollstuhl",
    "leichte_sprache",
    "anbieter",
)


# Filters that are on or off, each with one count.
ON_OFF_FACETS = ("kostenlos", "rollstuhl", "leichte_sprache")


@dataclass
class CatalogueResult:
    filterset: CatalogueFilter
    page: Page
    total: int
    query: str
    corrections: list[Correction] = field(default_factory=list)
    suggestion: str = ""
    # Typed words that were not searched, by reason (offerings.search.parse: "short",
    # "common", "many").
    ignored: dict[str, list[str]] = field(default_factory=dict)
    partial: PartialNote | None = None
    facets: dict[str, list[FacetOption]] = field(default_factory=dict)
    # With a place and few results: wider radii that give more, with their counts.
    wider_radii: list[RadiusOption] = field(default_factory=list)
    # With no result: the changed searches that find courses, with their counts.
    ways_out: list[WayOut] = field(default_factory=list)
    # Changes whenever what a course card shows may have changed (the data, or the day).
    cache_version: str = ""
    # The search form (values, errors, counts) as a function of the parameters: a cache key.
    form_key: str = ""


def _open_dates_prefetch(today) -> Prefetch:
    return Prefetch(
        "dates",
        queryset=OfferDate.objects.filter(OfferDate.open_q(today))
        .select_related("venue")
        .order_by(F("start").asc(nulls_last=True), "pk"),
        to_attr="open_dates",
    )


def catalogue_offers():
    return Offer.objects.published().select_related("institution", "delivery_form")


def offers_published_between(*, start: datetime, end: datetime) -> QuerySet[Offer]:
    """Catalogue offers first published after `start` up to `end`, newest first (the
    steering circle's weekly summary)."""
    return (
        catalogue_offers()
        .filter(published_at__gt=start, published_at__lte=end)
        .order_by("-published_at", "pk")
    )


def catalogue_search(
    params: QueryDict,
    *,
    page_size: int = PAGE_SIZE,
    today=None,
    with_facets: bool = True,
    cards: bool = False,
    feed: bool = False,
    partial: bool = True,
) -> CatalogueResult:
    """Everything the catalogue page shows for the query string `params`.

    Filters, facet counts and ordering come from the in-memory index (offerings.index); the
    database is asked for the free text (once per text and index) and for the offers of the
    page. Feeds and the API pass with_facets=False: they show no filter counts. With
    cards=True the page's offers carry only what a course card shows, and their dates are left
    to `offer_cards_prefetch` (most cards come from the fragment cache and need none); with
    feed=True only what an entry of the Atom feed shows (offerings.formats.catalogue_feed). With
    partial=False every word must occur (feeds and the API, like alerts: what they announce
    matches the whole search); the page shows partial matches when too few offers contain
    every word, and each of those offers carries `missing_terms`.
    """
    today = today or timezone.localdate()
    search = _search(params, today, partial=partial)
    index, parsed, text = search.index, search.parsed, search.text
    ids = search.ordered_ids()
    paginator = Paginator(ids, min(page_size, MAX_PAGE_SIZE))
    page = paginator.get_page(_page_number(params.get("seite")))
    page.object_list = _offers_in_order(
        page.object_list.tolist(),
        today,
        fields=_CARD_FIELDS if cards else _FEED_FIELDS if feed else None,
    )
    if text.partial:
        _mark_missing_terms(page.object_list, index, parsed, text)
    if text.exact is not None:
        _mark_synonym_terms(page.object_list, index, parsed, text)
    result = CatalogueResult(
        filterset=search.filterset,
        page=page,
        total=paginator.count,
        query=parsed.text,
        corrections=text.fixes,
        ignored=_ignored_by_reason(parsed),
        partial=_partial_note(search) if text.partial else None,
        # The counts depend on the filters and the text only, not on the page or the order;
        # the catalogue's first page and popular searches are asked for again and again.
        facets=index.remembered(
            _facets_key(search.filterset, parsed, partial), search.selection.facets
        )
        if with_facets
        else {},
        cache_version=f"{index.version}-{today.isoformat()}",
        form_key=_form_key(params, f"{index.version}-{today.isoformat()}"),
    )
    if with_facets and search.filterset.place is not None and result.total < FEW_RESULTS:
        result.wider_radii = search.selection.wider_radii(result.total)
    if result.total == 0:
        result.suggestion = spelling_suggestion(parsed, text.fixes)
        if with_facets:
            result.ways_out = _ways_out(params, search, result, today)
    return result


def _ways_out(params: QueryDict, search: "_Search", result: CatalogueResult, today) -> list[WayOut]:
    """What would find courses where this search found none: the spelling suggestion (as its
    link does, without the filters: the search already tried the corrections with them),
    each word left out on its own (with the filters: when enough courses in the catalogue
    have every word, no partial matches were added), the text left out, each active filter
    left out on its own, and, with more than one filter and a text, all filters left out.
    Only changes that find something are offered."""
    ways: list[WayOut] = []
    if result.suggestion:
        changed = QueryDict(mutable=True)
        changed["q"] = result.suggestion
        count = len(_search(changed, today, partial=True).hits)
        if count:
            ways.append(WayOut(SPELLING, count, changed.urlencode(), label=result.suggestion))
    parsed = search.parsed
    if len(parsed.terms) > 1:
        for term in parsed.terms:
            changed = params.copy()
            changed["q"] = _text_without(parsed, term)
            changed.pop("seite", None)
            count = len(_search(changed, today, partial=True).hits)
            if count:
                ways.append(WayOut(WORD, count, changed.urlencode(), label=parsed.as_typed(term)))
    selection, fields = search.selection, search.filterset.form.fields
    data = search.filterset.form.cleaned_data
    active = [p for p in _DROPPABLE if _is_active(data.get(p))]
    if search.filterset.place is None:
        active = [p for p in active if p != "nur_vor_ort"]  # it only applies beside a place
    for parameter in active:
        count = int(np.count_nonzero(selection.offers_without(parameter)))
        if count:
            gone = PLACE_PARAMETERS if parameter == "ort" else (parameter,)
            ways.append(
                WayOut(
                    FILTER,
                    count,
                    _without(params, *gone),
                    label=str(fields[parameter].label),
                    value=_chosen_label(search, result, parameter),
                )
            )
    if active and search.text.mask is not None:
        count = int(np.count_nonzero(selection.offers_without("q")))
        if count:
            ways.append(WayOut(TEXT, count, _without(params, "q"), label=parsed.text))
    if len(active) > 1 and search.text.mask is not None:
        count = int(np.count_nonzero(search.text.mask))
        if count:
            ways.append(WayOut(FILTERS, count, _without(params, *_DROPPABLE, *PLACE_PARAMETERS)))
    return ways


def _text_without(parsed: ParsedQuery, term: str) -> str:
    """The search text without one word or phrase, the rest as typed."""
    kept = [parsed.as_typed(w) for w in parsed.words if w != term]
    kept += [f'"{p}"' for p in parsed.phrases if p != term]
    return " ".join(kept + [f"-{w}" for w in parsed.excluded])


def _without(params: QueryDict, *names: str) -> str:
    changed = params.copy()
    for name in (*names, "seite"):
        changed.pop(name, None)
    return changed.urlencode()


def _chosen_label(search: "_Search", result: CatalogueResult, parameter: str) -> str:
    """What was chosen in a filter, as the form shows it: its options' labels, the place
    with its radius, the price limit; '' for a checkbox (its label says it all)."""
    value = search.filterset.form.cleaned_data.get(parameter)
    if isinstance(value, bool):
        return ""
    if parameter == "ort":
        place = str(search.filterset.form["ort"].value())
        radius = search.selection.radius_km
        return (
            _("%(place)s, %(radius)d km Umkreis") % {"place": place, "radius": radius}
            if radius
            else place
        )
    if parameter == "preis_bis":
        return _("%(price)s €") % {"price": value}
    labels = [o.label for o in result.facets.get(parameter, []) if o.selected]
    return ", ".join(labels) if labels else str(value)


def catalogue_offer_ids(params: QueryDict, *, today=None) -> list[int]:
    """Ids of the offers in the catalogue that match `params`, in the order asked for.

    For matching many saved searches at once (alert digests): no facets, no offers loaded,
    and every word must occur (an alert announces courses that match the whole search).
    """
    return _search(params, today or timezone.localdate(), partial=False).ordered_ids().tolist()


@dataclass
class _Search:
    index: CatalogueIndex
    filterset: CatalogueFilter
    parsed: ParsedQuery
    text: "TextMatch"
    selection: "Selection"

    @cached_property
    def hits(self) -> np.ndarray:
        """Positions of the matching offers in the index."""
        return np.flatnonzero(self.selection.offers())

    def ordered_ids(self) -> np.ndarray:
        sort = self.filterset.form.cleaned_data.get("sortierung") or (
            "relevance" if not self.parsed.is_empty else "start"
        )
        return self.index.ordered(self.hits, sort, self.text.rank)


def _search(params: QueryDict, today, *, partial: bool) -> _Search:
    """The parameters checked and matched against the index, for the page and for alerts."""
    index = catalogue_index(today)
    filterset = CatalogueFilter(params, queryset=Offer.objects.none(), today=today)
    # Always bound (an empty query string is valid), so the form can report errors.
    filterset.validate()
    parsed = parse(params.get("q", ""))
    text = _text_search(index, parsed, partial=partial)
    return _Search(index, filterset, parsed, text, Selection(index, filterset, text.mask))


# What a course card shows (offer_card.html); loading only that keeps a page of twenty cards
# and their hundred dates cheap to build.
_CARD_FIELDS = (
    "title",
    "summary",
    "price",
    "last_reviewed_on",
    "language",  # the lang of a card in another language (Offer.text_lang)
    "institution__name",
    "delivery_form__name",
    "delivery_form__name_en",  # the card names the delivery form in the page's language
    "delivery_form__course_mode",
)
# What an entry of the Atom feed shows (offerings.formats.catalogue_feed): no dates, no long
# texts, so the feed's fifty entries cost one short query.
_FEED_FIELDS = (
    "title",
    "summary",
    "created_at",
    "published_at",
    "updated_at",
    "institution__name",
    "institution__slug",
    "delivery_form__name",
)
_CARD_DATE_FIELDS = (
    "offer_id",
    "start_kind",
    "start",
    "end",
    "schedule",
    "time_of_day",
    "hours_total",
    "venue__city",
)


def _offers_in_order(ids: list[int], today, *, fields: tuple[str, ...] | None) -> list[Offer]:
    """The offers `ids` in the order of `ids`: only `fields` (what a card or a feed entry
    shows), or (None) everything the API shows. An offer deleted since the index was built is
    left out."""
    offers = Offer.objects.filter(pk__in=ids).select_related("institution", "delivery_form")
    if fields is not None:
        offers = offers.only(*fields)
    else:
        offers = offers.defer("search_vector", "search_text").prefetch_related(
            _open_dates_prefetch(today), "funding_programmes"
        )
    found = offers.in_bulk()
    return [found[pk] for pk in ids if pk in found]


def offer_cards_prefetch(offers: list[Offer], *, today=None) -> None:
    """Load the open dates and funding programmes that the cards of `offers` show."""
    if not offers:  # every card came from the fragment cache
        return
    today = today or timezone.localdate()
    dates = (
        OfferDate.objects.filter(OfferDate.open_q(today))
        .select_related("venue")
        .only(*_CARD_DATE_FIELDS)
        .order_by(F("start").asc(nulls_last=True), "pk")
    )
    prefetch_related_objects(
        offers,
        Prefetch("dates", queryset=dates, to_attr="open_dates"),
        Prefetch(
            "funding_programmes", queryset=FundingProgramme.objects.only("name", "short_name")
        ),
    )


def _form_key(params: QueryDict, version: str) -> str:
    """Everything the search form shows depends on: the raw parameters (invalid ones are
    shown back with their message) except page and order, the catalogue version, the
    language."""
    shown = sorted(
        (name, value)
        for name, values in params.lists()
        if name not in {"seite", "sortierung"}
        for value in values
    )
    digest = hashlib.sha256(repr(shown).encode()).hexdigest()
    return f"{version}-{get_language()}-{digest}"


def _facets_key(filterset: CatalogueFilter, parsed: ParsedQuery, partial: bool) -> tuple:
    data = filterset.form.cleaned_data
    chosen = tuple(
        (name, repr(data[name]))
        for name in (*OFFER_PARAMETERS, *DATE_PARAMETERS, "umkreis", "nur_vor_ort")
        if _is_active(data.get(name))
    )
    place = filterset.place.pk if filterset.place is not None else None
    return ("facets", get_language(), parsed, partial, place, chosen)  # labels are translated


def _page_number(raw: str | None) -> int:
    """Page numbers below 1 or unreadable ones mean the first page, not the last."""
    try:
        return max(int(raw or 1), 1)
    except ValueError:
        return 1


@dataclass(frozen=True)
class TextMatch:
    mask: np.ndarray | None  # offers that match the text; None when no text was given
    rank: np.ndarray | None
    fixes: list[Correction]
    matched: np.ndarray | None = None  # per offer: a bit per term it contains
    partial: bool = False  # partial matches are included (offerings.search)
    terms: tuple[str, ...] = ()
    exact: np.ndarray | None = None  # per offer: a bit per term found without a synonym


def _text_search(index: CatalogueIndex, parsed: ParsedQuery, *, partial: bool) -> TextMatch:
    if parsed.is_empty:
        return TextMatch(None, None, [])

    def compute() -> TextMatch:
        found = offer_text_matches(
            parsed,
            queryset=Offer.objects.published(),
            shown=lambda ids: len(index.positions(ids)),
            partial=partial,
        )
        positions = index.positions(found.ids)
        mask = np.zeros(index.size, dtype=bool)
        mask[positions] = True
        rank = np.zeros(index.size, dtype=np.float64)
        matched = np.zeros(index.size, dtype=np.int32)
        exact = np.zeros(index.size, dtype=np.int32) if found.exact is not None else None
        if len(positions):
            by_id = {pk: i for i, pk in enumerate(found.ids)}
            rows = [by_id[int(offer_id)] for offer_id in index.offer_ids[positions]]
            rank[positions] = [found.ranks[row] for row in rows]
            matched[positions] = [found.matched[row] for row in rows]
            if exact is not None:
                exact[positions] = [found.exact[row] for row in rows]
        return TextMatch(mask, rank, found.fixes, matched, found.partial, found.terms, exact)

    return index.remembered(("text", parsed, partial), compute)


def _ignored_by_reason(parsed: ParsedQuery) -> dict[str, list[str]]:
    ignored: dict[str, list[str]] = {}
    for word, reason in parsed.ignored:
        ignored.setdefault(reason, []).append(word)
    return ignored


def _every_term(text: TextMatch) -> int:
    return (1 << len(text.terms)) - 1


def _mark_missing_terms(offers: list[Offer], index, parsed: ParsedQuery, text: TextMatch) -> None:
    """Give each offer of a page of partial matches the words it does not contain."""
    positions = index.positions([offer.pk for offer in offers])
    ids, matched = index.offer_ids[positions].tolist(), text.matched[positions].tolist()
    bits = dict(zip(ids, matched, strict=True))
    for offer in offers:
        has = bits.get(offer.pk, _every_term(text))
        offer.missing_terms = [
            parsed.as_typed(term) for i, term in enumerate(text.terms) if not has >> i & 1
        ]


def _mark_synonym_terms(offers: list[Offer], index, parsed: ParsedQuery, text: TextMatch) -> None:
    """Give each offer of the page the typed words it contains only through a synonym of the
    office's thesaurus (offerings.synonyms), so that its card can say why it was found."""
    positions = index.positions([offer.pk for offer in offers])
    ids = index.offer_ids[positions].tolist()
    only = (text.matched[positions] & ~text.exact[positions]).tolist()
    bits = dict(zip(ids, only, strict=True))
    for offer in offers:
        has = bits.get(offer.pk, 0)
        offer.synonym_terms = [
            parsed.as_typed(term) for i, term in enumerate(text.terms) if has >> i & 1
        ]


def _partial_note(search: _Search) -> PartialNote | None:
    """How the shown offers relate to the words: how many contain all, and which words the
    others contain when they all contain the same. None when every shown offer has them all
    (the filters left only those) or nothing is shown."""
    text, parsed = search.text, search.parsed
    bits = text.matched[search.hits]
    every = _every_term(text)
    complete = int(np.count_nonzero(bits == every))
    others = np.unique(bits[bits != every]).tolist()
    if not others:
        return None
    found: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    if len(others) == 1:
        terms = [parsed.as_typed(term) for term in text.terms]
        found = tuple(t for i, t in enumerate(terms) if others[0] >> i & 1)
        missing = tuple(t for i, t in enumerate(terms) if not others[0] >> i & 1)
    return PartialNote(complete=complete, found=found, missing=missing)


# --- filters and facets over the index ----------------------------------------------------


def _is_active(value) -> bool:
    return not (value is None or value is False or value == "" or value == [])


class Selection:
    """The active filters of one search as masks over the index, and the counts per option.

    An offer matches when it meets every offer-level filter and has one open date that meets
    every date-level filter. An option's count is the number of offers that would match with
    that option chosen and the other groups' filters unchanged.
    """

    def __init__(self, index: CatalogueIndex, filterset: CatalogueFilter, text: np.ndarray | None):
        self.index = index
        self.filterset = filterset
        data = filterset.form.cleaned_data
        self.offer_masks = {
            name: index.offer_condition(name, data[name])
            for name in OFFER_PARAMETERS
            if _is_active(data.get(name))
        }
        if text is not None:
            self.offer_masks["q"] = text
        self.date_masks = {
            name: index.date_condition(name, data[name])
            for name in DATE_PARAMETERS
            if _is_active(data.get(name))
        }
        self.radius_km = int(data["umkreis"]) if data.get("umkreis") else None
        self.on_site_only = bool(data.get("nur_vor_ort"))
        if filterset.place is not None:
            self.date_masks["ort"] = index.place_condition(
                filterset.place, self.radius_km, on_site_only=self.on_site_only
            )

    @staticmethod
    def _all(masks: dict[str, np.ndarray], size: int, leave_out: str) -> np.ndarray:
        result = np.ones(size, dtype=bool)
        for name, mask in masks.items():
            if name != leave_out:
                result &= mask
        return result

    def offers_except(self, parameter: str = "") -> np.ndarray:
        return self._all(self.offer_masks, self.index.size, parameter)

    def dates_except(self, parameter: str = "") -> np.ndarray:
        return self._all(self.date_masks, len(self.index.d_offer), parameter)

    def offers(self) -> np.ndarray:
        dates = self.dates_except() & self.offers_except()[self.index.d_offer]
        return self.index.offers_with_dates(dates)

    def offers_without(self, parameter: str) -> np.ndarray:
        """The offers that would match with the filter `parameter` left out ("ort": the
        place with its radius; "nur_vor_ort": beside the place, every course again)."""
        if parameter == "nur_vor_ort":
            return self.offers_at_place(self.radius_km, on_site_only=False)
        dates = self.dates_except(parameter) & self.offers_except(parameter)[self.index.d_offer]
        return self.index.offers_with_dates(dates)

    def offers_at_place(self, radius_km: int | None, *, on_site_only: bool) -> np.ndarray:
        """The offers that would match with the place filter set so, the others unchanged."""
        index = self.index
        place = index.place_condition(self.filterset.place, radius_km, on_site_only=on_site_only)
        dates = self.dates_except("ort") & place & self.offers_except()[index.d_offer]
        return index.offers_with_dates(dates)

    def wider_radii(self, total: int) -> list[RadiusOption]:
        """The radius choices beyond the current one, each only if it gives more courses
        than the last one offered (10 km and 25 km with the same 12 courses: 10 km only)."""
        options = []
        for value, _label in RADIUS_CHOICES:
            if int(value) <= (self.radius_km or 0):
                continue
            offers = self.offers_at_place(int(value), on_site_only=self.on_site_only)
            count = int(np.count_nonzero(offers))
            if count > total:
                options.append(RadiusOption(value, count))
                total = count
        return options

    def facets(self) -> dict[str, list[FacetOption]]:
        index = self.index
        fields = self.filterset.form.fields
        facets: dict[str, list[FacetOption]] = {}
        with_date = index.offers_with_dates(self.dates_except())
        for parameter in (*TAXONOMY_FACETS, *VALUE_FACETS, *ON_OFF_FACETS):
            pool = self.offers_except(parameter) & with_date
            selected = _selected(self.filterset, parameter)
            if parameter in ON_OFF_FACETS:
                condition = index.offer_condition(parameter, True)
                count = int(np.count_nonzero(pool & condition))
                label = str(fields[parameter].label)
                facets[parameter] = [FacetOption("on", label, count, "on" in selected)]
                continue
            if parameter in TAXONOMY_FACETS:
                taxonomy = index.taxonomies[parameter]
                counts = index.term_counts(parameter, pool)
                options = zip(taxonomy.slugs, taxonomy.display_labels(), strict=True)
            else:
                choices = VALUE_FACETS[parameter][1]
                codes = index.codes[parameter][pool]
                counts = np.bincount(codes[codes >= 0], minlength=len(choices)).tolist()
                options = choices.choices
            facets[parameter] = [
                FacetOption(str(value), str(label), count, str(value) in selected)
                for (value, label), count in zip(options, counts, strict=True)
            ]
        # Leaving out the courses open from anywhere only matters beside a place.
        if self.filterset.place is not None:
            on_site = self.offers_at_place(self.radius_km, on_site_only=True)
        else:
            on_site = self.offers()
        facets["nur_vor_ort"] = [
            FacetOption(
                "on",
                str(fields["nur_vor_ort"].label),
                int(np.count_nonzero(on_site)),
                self.on_site_only,
            )
        ]
        # Providers with matching offers only: a list of two hundred names helps nobody.
        pool = self.offers_except("anbieter") & with_date
        counts = np.bincount(index.institution[pool], minlength=len(index.providers)).tolist()
        chosen = _selected(self.filterset, "anbieter")
        facets["anbieter"] = [
            FacetOption(slug, name, count, slug in chosen)
            for (slug, name), count in zip(index.providers, counts, strict=True)
            if count or slug in chosen
        ]
        offers = self.offers_except()
        for parameter in DATE_PARAMETERS:
            selected = _selected(self.filterset, parameter)
            options = [(v, label) for v, label in fields[parameter].choices if v != ""]
            values = [value for value, _label in options]
            if set(self.date_masks) <= {parameter}:
                # The common case: no other date-level filter, so a table answers it.
                counts = index.date_option_counts(parameter, values, offers)
            else:
                dates = self.dates_except(parameter) & offers[index.d_offer]
                counts = [
                    index.count_offers(dates & index.date_option(parameter, value))
                    for value in values
                ]
            facets[parameter] = [
                FacetOption(str(value), str(label), count, str(value) in selected)
                for (value, label), count in zip(options, counts, strict=True)
            ]
        return facets


def _selected(filterset, parameter) -> set[str]:
    value = filterset.form.cleaned_data.get(parameter)
    if value is None or value == "":
        return set()
    if isinstance(value, str):
        return {value}
    if isinstance(value, bool):
        return {"on"} if value else set()
    return set(value)


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


@dataclass(frozen=True)
class CourseFundingFacts:
    """What the funding check needs to know of one published course."""

    pk: int
    title: str
    url: str
    hours: int | None  # lessons of the next open date that states them; None: unknown
    price: Decimal | None  # None: unknown ("Preis auf Anfrage"), never 0
    funding_slugs: frozenset[str]
    azav_measure_number: str


def course_funding_facts(raw_pk: str | None, *, today=None) -> CourseFundingFacts | None:
    """The funding facts of a published course named by a query parameter; None for
    anything else (not a number, a draft, an archived or unknown course)."""
    if not raw_pk or not raw_pk.isascii() or not raw_pk.isdigit() or len(raw_pk) > 12:
        return None
    today = today or timezone.localdate()
    offer = (
        Offer.objects.published()
        .prefetch_related("funding_programmes", _open_dates_prefetch(today))
        .filter(pk=int(raw_pk))
        .first()
    )
    if offer is None:
        return None
    hours = next((d.hours_total for d in offer.open_dates if d.hours_total), None)
    return CourseFundingFacts(
        pk=offer.pk,
        title=offer.title,
        url=offer.get_absolute_url(),
        hours=hours,
        price=offer.price,
        funding_slugs=frozenset(p.slug for p in offer.funding_programmes.all()),
        azav_measure_number=offer.azav_measure_number,
    )


PICKER_LIMIT = 10


def offer_list_for_picker(*, query: str, limit: int = PICKER_LIMIT) -> list[Offer]:
    """Published courses for a picker outside the catalogue (counselling's placements): each
    word of `query` in the title or the provider's name, or the course's number; the first
    `limit` by title. An empty query finds nothing."""
    words = query.split()[:8]
    if not words:
        return []
    offers = Offer.objects.published().select_related("institution")
    if len(words) == 1 and words[0].isdigit() and len(words[0]) < 12:
        by_number = list(offers.filter(pk=int(words[0])))
        if by_number:
            return by_number
    for word in words:
        offers = offers.filter(Q(title__icontains=word) | Q(institution__name__icontains=word))
    return list(offers.order_by("title", "pk")[:limit])
