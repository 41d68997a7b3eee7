"""An in-memory index of the catalogue, so that a search with facets takes milliseconds.

Counting, for each of some sixty filter options, the offers it would give together with the
other active filters is many aggregate queries over the open dates; on the large catalogue
(20,000 offers, 100,000 dates) they took seconds in PostgreSQL. Held as column arrays
(numpy), the same counts take well under a millisecond each.

The index holds the offers in the catalogue (published, active provider, at least one open
date) and their open dates, as of one day. Each process builds it on first use and rebuilds
it when the data changes: every write to an offer, a date, a venue, a provider or a taxonomy
replaces a token in the shared cache once the transaction commits (offerings.signals and
`catalogue_index_invalidate`), and a new day makes a new index because past dates drop out.
Only the free-text part of a search asks the database (offerings.search); its answer is kept
per text for the lifetime of the index.

The filters' meaning is the one documented in offerings.filters; the FilterSet's own
queryset answers the same question through the ORM, and the tests hold both to the same
results.
"""

import logging
import math
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.translation import get_language

from network.models import District
from offerings.filters import DURATION_RANGES, month_bounds
from offerings.models import (
    OPEN_FROM_ANYWHERE,
    CertificateKind,
    DeliveryForm,
    FundingProgramme,
    Language,
    Level,
    Offer,
    OfferDate,
    OfferStatus,
    Schedule,
    StartKind,
    TargetGroup,
    TimeOfDay,
    Topic,
    review_cutoff,
)
from offerings.places import EARTH_RADIUS_KM, bounding_box

logger = logging.getLogger(__name__)

TOKEN_KEY = "offerings:catalogue-index-token"
TEXT_CACHE_SIZE = 256
NO_START = np.iinfo(np.int32).max  # sorts offers without a fixed start last

# Query parameter → (offer field, choices) for the single-valued offer attributes.
VALUE_FACETS = {
    "niveau": ("level", Level),
    "abschluss": ("certificate", CertificateKind),
    "sprache": ("language", Language),
}
# Query parameter → (many-to-many or foreign key, taxonomy model).
TAXONOMY_FACETS = {
    "foerderung": ("funding_programmes", FundingProgramme),
    "zielgruppe": ("target_groups", TargetGroup),
    "thema": ("topics", Topic),
    "lernform": ("delivery_form", DeliveryForm),
}
OFFER_PARAMETERS = (
    *TAXONOMY_FACETS,
    *VALUE_FACETS,
    "kostenlos",
    "rollstuhl",
    "leichte_sprache",
    "preis_bis",
    "anbieter",
)


@dataclass(frozen=True)
class Taxonomy:
    """The active terms of one taxonomy, and which offer carries which (offers × terms, 1/0)."""

    slugs: tuple[str, ...]
    labels: tuple[str, ...]  # German names
    matrix: np.ndarray
    # English names (the German one where a term has none), for English pages.
    labels_en: tuple[str, ...] = ()

    def display_labels(self) -> tuple[str, ...]:
        """The terms' names in the active language (offerings.models.Term.display_name)."""
        if self.labels_en and (get_language() or "").startswith("en"):
            return self.labels_en
        return self.labels

    def columns(self, slugs) -> list[int]:
        wanted = set(slugs)
        return [i for i, slug in enumerate(self.slugs) if slug in wanted]


@dataclass
class CatalogueIndex:
    token: str
    # The token and this process's count of its own changes: what cached fragments of pages
    # are keyed on (a change made here shows before its commit has replaced the token).
    version: str
    today: date
    built_in_ms: float
    # One entry per offer, ordered by id.
    offer_ids: np.ndarray
    price: np.ndarray
    wheelchair: np.ndarray
    easy_language: np.ndarray  # has "Kurz erklärt in Leichter Sprache"
    open_from_anywhere: np.ndarray  # online, self-paced, distance (models.OPEN_FROM_ANYWHERE)
    codes: dict[str, np.ndarray]  # VALUE_FACETS parameter → index into its choices
    taxonomies: dict[str, Taxonomy]
    institution: np.ndarray  # index into providers
    providers: tuple[tuple[str, str], ...]  # (slug, name)
    title_rank: np.ndarray
    newest: np.ndarray  # microseconds since the epoch of publication (or creation)
    next_start: np.ndarray  # ordinal day of the next fixed start, NO_START when none
    orders: dict[str, np.ndarray]  # sort → positions of all offers in that order
    # One entry per open date, grouped by offer.
    d_offer: np.ndarray  # position of the date's offer
    d_first: np.ndarray  # per offer: where its dates begin
    has_dates: np.ndarray  # per offer
    d_start: np.ndarray  # ordinal day, -1 without a fixed start
    d_rolling: np.ndarray
    d_schedule: np.ndarray
    d_time: np.ndarray
    d_hours: np.ndarray  # -1 when unknown
    d_district: np.ndarray  # index into District.values, -1 when none
    d_municipality: np.ndarray  # municipality id, -1 when none
    d_latitude: np.ndarray
    d_longitude: np.ndarray
    _text: OrderedDict = field(default_factory=OrderedDict, repr=False)
    _option_matrices: dict = field(default_factory=dict, repr=False)

    @property
    def size(self) -> int:
        return len(self.offer_ids)

    def positions(self, ids) -> np.ndarray:
        """Positions of the offers `ids` that are in the index (others are dropped)."""
        ids = np.asarray(ids, dtype=np.int64)
        if not len(ids) or not self.size:
            return np.empty(0, dtype=np.int64)
        found = np.searchsorted(self.offer_ids, ids).clip(0, self.size - 1)
        return found[self.offer_ids[found] == ids]

    def offers_with_dates(self, date_mask: np.ndarray) -> np.ndarray:
        """Offers that have at least one date in `date_mask`."""
        if not len(date_mask):
            return np.zeros(self.size, dtype=bool)
        # The dates are grouped by offer, so one pass over each group answers it.
        return np.logical_or.reduceat(date_mask, self.d_first) & self.has_dates

    def count_offers(self, date_mask: np.ndarray) -> int:
        """How many offers have a date in `date_mask`."""
        # The dates are sorted by offer, so each new offer is a change in the sequence.
        offers = self.d_offer[date_mask]
        return int(np.count_nonzero(offers[1:] != offers[:-1])) + 1 if len(offers) else 0

    def date_option_counts(self, parameter: str, values, offers: np.ndarray) -> list[int]:
        """Per value of a date-level filter: how many of `offers` have an open date with it.

        Only right when no other date-level filter is active (the filters must hold for one
        and the same date); then it is one matrix product over a table made once per index.
        """
        key = (parameter, tuple(values))
        matrix = self._option_matrices.get(key)
        if matrix is None:
            matrix = np.zeros((self.size, len(values)), dtype=np.float32)
            for column, value in enumerate(values):
                matrix[:, column] = self.offers_with_dates(self.date_option(parameter, value))
            self._option_matrices[key] = matrix
        counts = offers.astype(np.float32) @ matrix
        return [round(c) for c in counts.tolist()]

    # --- conditions -----------------------------------------------------------------

    def offer_condition(self, parameter: str, value) -> np.ndarray:
        """Offers meeting one offer-level filter, as a boolean mask over offers."""
        if parameter == "kostenlos":
            return self.price == 0
        if parameter == "rollstuhl":
            return self.wheelchair.copy()
        if parameter == "leichte_sprache":
            return self.easy_language.copy()
        if parameter == "preis_bis":
            return self.price <= float(value)
        if parameter == "anbieter":
            slugs = [slug for slug, _name in self.providers]
            if value not in slugs:
                return np.zeros(self.size, dtype=bool)
            return self.institution == slugs.index(value)
        if parameter in TAXONOMY_FACETS:
            taxonomy = self.taxonomies[parameter]
            return taxonomy.matrix[:, taxonomy.columns(value)].any(axis=1)
        choices = list(VALUE_FACETS[parameter][1].values)
        wanted = [choices.index(v) for v in value if v in choices]
        return np.isin(self.codes[parameter], wanted)

    def term_counts(self, parameter: str, pool: np.ndarray) -> list[int]:
        """Per term of a taxonomy: how many offers in `pool` carry it."""
        counts = pool.astype(np.float32) @ self.taxonomies[parameter].matrix
        return [round(c) for c in counts.tolist()]

    def date_option(self, parameter: str, value: str) -> np.ndarray:
        """Open dates meeting one value of a date-level filter (offerings.filters)."""
        if parameter == "beginn":
            today = self.today.toordinal()
            if value == "rolling":
                return self.d_rolling.copy()
            if value == "this_month":
                last = month_bounds(self.today, 0)[1].toordinal()
                return (self.d_start >= today) & (self.d_start <= last)
            if value == "next_month":
                first, last = (day.toordinal() for day in month_bounds(self.today, 1))
                return (self.d_start >= first) & (self.d_start <= last)
            if value == "three_months":
                return (self.d_start >= today) & (
                    self.d_start <= (self.today + timedelta(days=92)).toordinal()
                )
            return np.ones(len(self.d_offer), dtype=bool)
        if parameter == "landkreis":
            return self.d_district == _code(District.values, value)
        if parameter == "zeitmodell":
            return self.d_schedule == _code(Schedule.values, value)
        if parameter == "tageszeit":
            return self.d_time == _code(TimeOfDay.values, value)
        low, high = DURATION_RANGES[value]
        condition = self.d_hours >= low
        return condition & (self.d_hours <= high) if high is not None else condition

    def date_condition(self, parameter: str, values) -> np.ndarray:
        """Open dates meeting any of `values` of a date-level filter."""
        values = [values] if isinstance(values, str) else values
        result = np.zeros(len(self.d_offer), dtype=bool)
        for value in values:
            result |= self.date_option(parameter, value)
        return result

    def place_condition(
        self, place, radius_km: int | None, *, on_site_only: bool = False
    ) -> np.ndarray:
        """Dates at the place or within the radius around it, and the dates of courses open
        from anywhere unless `on_site_only` (offerings.filters.place_q)."""
        result = self.venue_condition(place, radius_km)
        if not on_site_only:
            result |= self.open_from_anywhere[self.d_offer]
        return result

    def venue_condition(self, place, radius_km: int | None) -> np.ndarray:
        """Dates whose venue is at the place, or within the radius around it."""
        if not radius_km:
            return self.d_municipality == place.pk
        south, west, north, east = bounding_box(place.latitude, place.longitude, radius_km)
        result = (
            (self.d_latitude >= south)
            & (self.d_latitude <= north)
            & (self.d_longitude >= west)
            & (self.d_longitude <= east)
        )
        inside = np.flatnonzero(result)
        latitude, longitude = (
            np.radians(self.d_latitude[inside]),
            np.radians(self.d_longitude[inside]),
        )
        half_lat = (latitude - math.radians(place.latitude)) / 2
        half_lon = (longitude - math.radians(place.longitude)) / 2
        a = np.sin(half_lat) ** 2 + np.cos(latitude) * math.cos(math.radians(place.latitude)) * (
            np.sin(half_lon) ** 2
        )
        distance = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))
        result[inside[distance > radius_km]] = False
        return result

    # --- ordering -------------------------------------------------------------------

    def ordered(self, hits: np.ndarray, sort: str, rank: np.ndarray | None) -> np.ndarray:
        """The ids of the offers at positions `hits`, in the order a visitor asked for."""
        if sort == "relevance" and rank is not None:
            order = np.lexsort((self.title_rank[hits], -rank[hits]))
            return self.offer_ids[hits[order]]
        # The other orders do not depend on the search: sorted once, then filtered.
        everything = self.orders.get(sort, self.orders["start"])
        wanted = np.zeros(self.size, dtype=bool)
        wanted[hits] = True
        return self.offer_ids[everything[wanted[everything]]]

    # --- results kept per index ---------------------------------------------------

    def remembered(self, key, compute):
        """`compute()` once per key and index: the free-text part of a search, and the facet
        counts of a combination of filters (a few hundred of the latest, per process)."""
        with _lock:
            if key in self._text:
                self._text.move_to_end(key)
                return self._text[key]
        value = compute()
        with _lock:
            self._text[key] = value
            while len(self._text) > TEXT_CACHE_SIZE:
                self._text.popitem(last=False)
        return value


def _code(values, value) -> int:
    values = list(values)
    return values.index(value) if value in values else -2


# --- building -------------------------------------------------------------------------

_lock = threading.Lock()
_indexes: dict[date, CatalogueIndex] = {}
_rebuilding: set[date] = set()
_generation = [0]  # raised by every change made in this process


def _current_token() -> str:
    try:
        token = cache.get(TOKEN_KEY)
        if token is None:
            token = uuid.uuid4().hex
            # add(): of two processes starting at once, both end up with the first token.
            cache.add(TOKEN_KEY, token, timeout=None)
            token = cache.get(TOKEN_KEY) or token
        return token
    except Exception:  # the cache is down: rebuild at most once a minute
        logger.warning("Cache unavailable; the catalogue index is rebuilt every minute.")
        return "no-cache-" + timezone.now().strftime("%Y%m%d%H%M")


def catalogue_index(today: date | None = None) -> CatalogueIndex:
    """The index of the catalogue as of `today`, built or rebuilt when the data changed.

    When another process changed the data, the previous index keeps answering while a
    thread builds the new one (about a second on the large catalogue), so that no visitor
    waits for it; the process that made the change builds it at once (see
    `catalogue_index_invalidate`), so that an editor sees the change.
    """
    today = today or timezone.localdate()
    token = _current_token()
    index = _indexes.get(today)
    if index is not None and index.token == token:
        return index
    if index is not None and settings.CATALOGUE_INDEX_REBUILD_IN_BACKGROUND:
        _rebuild_in_background(token, today)
        return index
    with _lock:
        index = _indexes.get(today)
        if index is None or index.token != token:
            index = _build(token, today)
            _keep(today, index)
    return index


def _keep(today: date, index: CatalogueIndex) -> None:
    if today not in _indexes and len(_indexes) >= 2:  # today's and, in tests, one other day
        _indexes.clear()
    _indexes[today] = index


def _rebuild_in_background(token: str, today: date) -> None:
    with _lock:
        if today in _rebuilding:
            return
        _rebuilding.add(today)
        generation = _generation[0]

    def rebuild() -> None:
        try:
            index = _build(token, today)
            with _lock:
                # Dropped if this process changed data meanwhile: it builds afresh anyway.
                if _generation[0] == generation:
                    _keep(today, index)
        except Exception:
            logger.exception("Rebuilding the catalogue index failed; the old one stays.")
        finally:
            with _lock:
                _rebuilding.discard(today)
            connection.close()

    threading.Thread(target=rebuild, name="catalogue-index", daemon=True).start()


def _set_new_token() -> None:
    try:
        cache.set(TOKEN_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        logger.warning("Cache unavailable; the catalogue index catches up within a minute.")


def catalogue_index_invalidate() -> None:
    """Make every process rebuild its index once the current transaction commits.

    Set on commit, so that no process builds a new index from data that is not yet visible
    and keeps it under the new token.
    """
    transaction.on_commit(_set_new_token)
    # This process must not serve its old index in the same transaction either.
    with _lock:
        _generation[0] += 1
        _indexes.clear()


def catalogue_index_clear() -> None:
    """Forget this process's indexes (tests, whose rollbacks change data without commits)."""
    with _lock:
        _generation[0] += 1
        _indexes.clear()


def _lookup(values) -> dict:
    return {value: i for i, value in enumerate(values)}


def _build(token: str, today: date) -> CatalogueIndex:
    started = timezone.now()
    # The offers of Offer.objects.in_catalogue, for the tables of their dates and terms.
    published = {
        "offer__status": OfferStatus.PUBLISHED,
        "offer__institution__is_active": True,
        "offer__last_reviewed_on__gt": review_cutoff(today),
    }
    offers = list(
        Offer.objects.in_catalogue(today)
        .annotate(
            newest=Coalesce("published_at", "created_at"),
            title_rank=Window(RowNumber(), order_by=[F("title").asc(), F("pk").asc()]),
            has_easy_language=ExpressionWrapper(
                ~Q(easy_language_summary=""), output_field=BooleanField()
            ),
        )
        .order_by("pk")
        .values_list(
            "pk",
            "price",
            "wheelchair_accessible",
            "level",
            "certificate",
            "language",
            "delivery_form_id",
            "institution__slug",
            "institution__name",
            "newest",
            "title_rank",
            "delivery_form__course_mode",
            "has_easy_language",
        )
    )
    count = len(offers)
    columns = list(zip(*offers, strict=True)) if offers else [()] * 13
    offer_ids = np.array(columns[0], dtype=np.int64)
    position = {offer_id: i for i, offer_id in enumerate(columns[0])}
    providers = sorted(set(zip(columns[7], columns[8], strict=True)), key=lambda p: p[1].casefold())
    provider_position = _lookup(slug for slug, _name in providers)

    def codes(column: int, values) -> np.ndarray:
        lookup = _lookup(values)
        return np.array([lookup.get(v, -1) for v in columns[column]], dtype=np.int16)

    # An unknown price is NaN: it is neither free nor below any limit, and sorts last.
    price = np.array([np.nan if p is None else float(p) for p in columns[1]], dtype=np.float64)
    newest = np.array([int(t.timestamp() * 1e6) for t in columns[9]], dtype=np.int64)
    title_rank = np.array(columns[10], dtype=np.int32)
    taxonomies = {
        parameter: _taxonomy(model, relation, position, columns[6], published)
        for parameter, (relation, model) in TAXONOMY_FACETS.items()
    }

    dates = [
        row
        for row in OfferDate.objects.filter(OfferDate.open_q(today), **published)
        .order_by("offer_id", "pk")
        .values_list(
            "offer_id",
            "start",
            "start_kind",
            "schedule",
            "time_of_day",
            "hours_total",
            "venue_id",
            "venue__district",
            "venue__municipality_id",
            "venue__latitude",
            "venue__longitude",
            "offer__institution__district",
        )
        # An offer that changed between the two reads: leave its dates out.
        if row[0] in position
    ]
    d = list(zip(*dates, strict=True)) if dates else [()] * 12
    d_offer = np.array([position[offer_id] for offer_id in d[0]], dtype=np.int32)
    d_start = np.array([day.toordinal() if day else -1 for day in d[1]], dtype=np.int32)
    next_start = np.full(count, NO_START, dtype=np.int32)
    fixed = d_start >= 0
    np.minimum.at(next_start, d_offer[fixed], d_start[fixed])
    schedule, time_of_day, district = (
        _lookup(Schedule.values),
        _lookup(TimeOfDay.values),
        _lookup(District.values),
    )
    rolling = {StartKind.ROLLING, StartKind.ON_DEMAND}
    index = CatalogueIndex(
        token=token,
        version=f"{token}.{_generation[0]}",
        today=today,
        built_in_ms=0.0,
        offer_ids=offer_ids,
        price=price,
        wheelchair=np.array(columns[2], dtype=bool),
        easy_language=np.array(columns[12], dtype=bool),
        open_from_anywhere=np.array([m in OPEN_FROM_ANYWHERE for m in columns[11]], dtype=bool),
        codes={
            "niveau": codes(3, Level.values),
            "abschluss": codes(4, CertificateKind.values),
            "sprache": codes(5, Language.values),
        },
        taxonomies=taxonomies,
        institution=np.array([provider_position[slug] for slug in columns[7]], dtype=np.int32),
        providers=tuple(providers),
        title_rank=title_rank,
        newest=newest,
        next_start=next_start,
        orders={
            "start": np.lexsort((title_rank, next_start)),
            "price": np.lexsort((title_rank, price)),
            "newest": np.lexsort((-offer_ids, -newest)),
        },
        d_offer=d_offer,
        d_first=np.searchsorted(d_offer, np.arange(count)).clip(0, max(len(d_offer) - 1, 0)),
        has_dates=np.bincount(d_offer, minlength=count)[:count] > 0,
        d_start=d_start,
        d_rolling=np.array([kind in rolling for kind in d[2]], dtype=bool),
        d_schedule=np.array([schedule.get(v, -2) for v in d[3]], dtype=np.int8),
        d_time=np.array([time_of_day.get(v, -2) for v in d[4]], dtype=np.int8),
        d_hours=np.array([-1 if h is None else h for h in d[5]], dtype=np.int32),
        # A date is in its venue's district; a date without venue in its provider's.
        d_district=np.array(
            [
                district.get(venue_district if venue else provider_district, -1)
                for venue, venue_district, provider_district in zip(d[6], d[7], d[11], strict=True)
            ],
            dtype=np.int8,
        ),
        d_municipality=np.array([m or -1 for m in d[8]], dtype=np.int64),
        d_latitude=np.array([np.nan if v is None else v for v in d[9]], dtype=np.float64),
        d_longitude=np.array([np.nan if v is None else v for v in d[10]], dtype=np.float64),
    )
    index.built_in_ms = (timezone.now() - started).total_seconds() * 1000
    logger.info("Catalogue index: %s offers built in %.0f ms.", count, index.built_in_ms)
    return index


def _taxonomy(model, relation, position, delivery_forms, published) -> Taxonomy:
    terms = list(model.objects.filter(is_active=True).values_list("pk", "slug", "name", "name_en"))
    column = {pk: i for i, (pk, *_names) in enumerate(terms)}
    # float32, so that counting per term is one matrix product (pool @ matrix).
    matrix = np.zeros((len(position), len(terms)), dtype=np.float32)
    if relation == "delivery_form":
        pairs = zip(position, delivery_forms, strict=True)
    else:
        through = getattr(Offer, relation).through
        pairs = through.objects.filter(**published).values_list(
            "offer_id", f"{model._meta.model_name}_id"
        )
    rows, cols = [], []
    for offer_id, term_id in pairs:
        if term_id in column and offer_id in position:
            rows.append(position[offer_id])
            cols.append(column[term_id])
    matrix[rows, cols] = 1
    return Taxonomy(
        slugs=tuple(slug for _pk, slug, _name, _name_en in terms),
        labels=tuple(name for _pk, _slug, name, _name_en in terms),
        matrix=matrix,
        labels_en=tuple(name_en or name for _pk, _slug, name, name_en in terms),
    )
