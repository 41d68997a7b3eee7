"""The catalogue's filters. Offer-level filters narrow the offers; date-level filters (start,
place, schedule, time of day, duration, district) must all hold for one and the same open
date, so they are collected into a single EXISTS subquery."""

import calendar
import math
from datetime import date, timedelta
from urllib.parse import urlencode

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt
from django.db.models.lookups import LessThanOrEqual
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.models import District
from offerings.models import (
    OPEN_FROM_ANYWHERE,
    CertificateKind,
    Language,
    Level,
    Offer,
    OfferDate,
    Schedule,
    StartKind,
    TimeOfDay,
    review_cutoff,
)
from offerings.places import EARTH_RADIUS_KM, PlaceFound, bounding_box, place_find

START_CHOICES = [
    ("this_month", _("in diesem Monat")),
    ("next_month", _("im nächsten Monat")),
    ("three_months", _("in den nächsten 3 Monaten")),
    ("rolling", _("laufender Einstieg oder auf Anfrage")),
]
DURATION_CHOICES = [
    ("day", _("bis 8 Stunden")),
    ("short", _("9 bis 40 Stunden")),
    ("medium", _("41 bis 160 Stunden")),
    ("long", _("161 bis 800 Stunden")),
    ("very_long", _("mehr als 800 Stunden")),
]
DURATION_RANGES = {
    "day": (0, 8),
    "short": (9, 40),
    "medium": (41, 160),
    "long": (161, 800),
    "very_long": (801, None),
}
RADIUS_CHOICES = [("5", "5 km"), ("10", "10 km"), ("25", "25 km"), ("50", "50 km")]
SORT_CHOICES = [
    ("relevance", _("Relevanz")),
    ("start", _("nächster Beginn")),
    ("price", _("Preis")),
    ("newest", _("neueste zuerst")),
]

# Parameters that apply to a date rather than to the offer (place: "ort" with "umkreis", and
# "nur_vor_ort" to leave out the courses open from anywhere).
DATE_PARAMETERS = ("beginn", "landkreis", "zeitmodell", "tageszeit", "dauer")
PLACE_PARAMETERS = ("ort", "umkreis", "nur_vor_ort")


def month_bounds(today: date, offset: int) -> tuple[date, date]:
    year, month = today.year + (today.month - 1 + offset) // 12, (today.month - 1 + offset) % 12 + 1
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def start_q(value: str, today: date) -> Q:
    if value == "rolling":
        return Q(start_kind__in=[StartKind.ROLLING, StartKind.ON_DEMAND])
    if value == "this_month":
        return Q(start__gte=today, start__lte=month_bounds(today, 0)[1])
    if value == "next_month":
        first, last = month_bounds(today, 1)
        return Q(start__gte=first, start__lte=last)
    if value == "three_months":
        return Q(start__gte=today, start__lte=today + timedelta(days=92))
    return Q()


def duration_q(value: str) -> Q:
    low, high = DURATION_RANGES[value]
    condition = Q(hours_total__gte=low)
    return condition & Q(hours_total__lte=high) if high is not None else condition


def district_q(values: list[str]) -> Q:
    """A date is in a district through its venue; dates without venue (online) count for
    the provider's district."""
    return Q(venue__district__in=values) | Q(
        venue__isnull=True, offer__institution__district__in=values
    )


def date_option_q(parameter: str, value: str, today: date) -> Q:
    """The condition on a date for one value of the date-level `parameter`."""
    if parameter == "beginn":
        return start_q(value, today)
    if parameter == "landkreis":
        return district_q([value])
    if parameter == "zeitmodell":
        return Q(schedule=value)
    if parameter == "tageszeit":
        return Q(time_of_day=value)
    return duration_q(value)


def _distance_km(latitude: float, longitude: float):
    """The great-circle distance from a point to a date's venue, in SQL (haversine)."""
    venue_latitude = Radians(F("venue__latitude"))
    half_lat = Radians(F("venue__latitude") - latitude) / 2
    half_lon = Radians(F("venue__longitude") - longitude) / 2
    a = Power(Sin(half_lat), 2) + Cos(venue_latitude) * math.cos(math.radians(latitude)) * Power(
        Sin(half_lon), 2
    )
    return 2 * EARTH_RADIUS_KM * ASin(Sqrt(a))


def _index_choices(parameter: str):
    """Choices of a taxonomy or provider filter: the terms and providers the catalogue has.

    Read from the catalogue index (offerings.index), so checking and showing them costs no
    query; imported late because the index builds on this module's definitions.
    """

    def choices():
        from offerings.index import catalogue_index

        index = catalogue_index()
        if parameter == "anbieter":
            return list(index.providers)
        taxonomy = index.taxonomies[parameter]
        return list(zip(taxonomy.slugs, taxonomy.display_labels(), strict=True))

    return choices


class TaxonomyFilter(django_filters.MultipleChoiceFilter):
    """Offers with any of the chosen terms, given by slug (?foerderung=a&foerderung=b)."""

    def __init__(self, parameter: str, *args, **kwargs):
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(*args, choices=_index_choices(parameter), **kwargs)


class CatalogueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Suchbegriff"), method="filter_nothing", max_length=200)
    ort = django_filters.CharFilter(
        label=_("Ort oder Postleitzahl"), method="filter_nothing", max_length=100
    )
    umkreis = django_filters.ChoiceFilter(
        label=_("Umkreis"),
        choices=RADIUS_CHOICES,
        method="filter_nothing",
        empty_label=_("nur im Ort"),
    )
    nur_vor_ort = django_filters.BooleanFilter(
        label=_("nur Kurse vor Ort"), method="filter_nothing", widget=forms.CheckboxInput
    )
    kostenlos = django_filters.BooleanFilter(
        label=_("nur kostenlose Angebote"), method="filter_free", widget=forms.CheckboxInput
    )
    preis_bis = django_filters.NumberFilter(
        label=_("Preis höchstens (Euro)"),
        field_name="price",
        lookup_expr="lte",
        min_value=0,
        max_value=100000,
    )
    foerderung = TaxonomyFilter(
        "foerderung", label=_("Förderung"), field_name="funding_programmes__slug"
    )
    zielgruppe = TaxonomyFilter(
        "zielgruppe", label=_("Zielgruppe"), field_name="target_groups__slug"
    )
    thema = TaxonomyFilter("thema", label=_("Thema"), field_name="topics__slug")
    lernform = TaxonomyFilter("lernform", label=_("Lernform"), field_name="delivery_form__slug")
    landkreis = django_filters.MultipleChoiceFilter(
        label=_("Landkreis"),
        choices=District.choices,
        method="filter_nothing",
        widget=forms.CheckboxSelectMultiple,
    )
    beginn = django_filters.ChoiceFilter(
        label=_("Beginn"), choices=START_CHOICES, method="filter_nothing", empty_label=_("egal")
    )
    zeitmodell = django_filters.ChoiceFilter(
        label=_("Vollzeit oder Teilzeit"),
        choices=Schedule.choices,
        method="filter_nothing",
        empty_label=_("egal"),
    )
    tageszeit = django_filters.MultipleChoiceFilter(
        label=_("Tageszeit"),
        choices=TimeOfDay.choices,
        method="filter_nothing",
        widget=forms.CheckboxSelectMultiple,
    )
    dauer = django_filters.ChoiceFilter(
        label=_("Dauer"), choices=DURATION_CHOICES, method="filter_nothing", empty_label=_("egal")
    )
    niveau = django_filters.MultipleChoiceFilter(
        label=_("Niveau"),
        field_name="level",
        choices=Level.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    abschluss = django_filters.MultipleChoiceFilter(
        label=_("Abschluss"),
        field_name="certificate",
        choices=CertificateKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    sprache = django_filters.MultipleChoiceFilter(
        label=_("Kurssprache"),
        field_name="language",
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    rollstuhl = django_filters.BooleanFilter(
        label=_("rollstuhlgerecht"),
        field_name="wheelchair_accessible",
        method="filter_true",
        widget=forms.CheckboxInput,
    )
    leichte_sprache = django_filters.BooleanFilter(
        label=_("mit Erklärung in Leichter Sprache"),
        method="filter_easy_language",
        widget=forms.CheckboxInput,
    )
    anbieter = django_filters.ChoiceFilter(
        label=_("Anbieter"),
        field_name="institution__slug",
        choices=_index_choices("anbieter"),
        empty_label=_("alle"),
    )
    sortierung = django_filters.ChoiceFilter(
        label=_("Sortierung"), choices=SORT_CHOICES, method="filter_nothing", empty_label=None
    )

    class Meta:
        model = Offer
        fields: list[str] = []

    def __init__(self, data=None, *args, today: date | None = None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.today = today or timezone.localdate()
        self.place = None
        # How the place was found ("Gmünd", "Aalne"), or the close names when it was not.
        self.place_found = PlaceFound(None)

    # Parameters that the selector applies itself (search, dates, sorting).
    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_free(self, queryset, name, value):
        return queryset.filter(price=0) if value else queryset

    def filter_true(self, queryset, name, value):
        return queryset.filter(**{name: True}) if value else queryset

    def filter_easy_language(self, queryset, name, value):
        return queryset.exclude(easy_language_summary="") if value else queryset

    def clean_place(self):
        """The municipality for `ort`, or None; sets a form error when it is unknown.

        Partial names and typos of the region's places are forgiven (`places.place_find`);
        an unknown place is named in the error with the closest names, if any.
        """
        text = (self.form.cleaned_data.get("ort") or "").strip()
        if not text:
            return None
        self.place_found = place_find(text)
        if self.place_found.municipality is None:
            suggestions = [str(m) for m in self.place_found.suggestions]
            message = _(
                "Diesen Ort kennen wir nicht. Versuchen Sie eine Postleitzahl "
                "oder einen Ort in der Region."
            )
            if suggestions:
                message = _("Diesen Ort kennen wir nicht. Meinten Sie %(names)s?") % {
                    "names": _(" oder ").join(suggestions)
                }
            self.form.add_error("ort", message)
        return self.place_found.municipality

    def date_q(self, *, exclude: str = "") -> Q:
        """The conditions one open date must meet, leaving out the parameter `exclude`.

        A parameter with several values (landkreis, tageszeit) matches any of them.
        """
        data = self.form.cleaned_data
        condition = OfferDate.open_q(self.today)
        for parameter in DATE_PARAMETERS:
            value = data.get(parameter)
            if parameter == exclude or not value:
                continue
            values = [value] if isinstance(value, str) else value
            any_value = Q()
            for one in values:
                any_value |= date_option_q(parameter, one, self.today)
            condition &= any_value
        if exclude != "ort" and self.place is not None:
            condition &= self.place_q()
        return condition

    def place_q(self) -> Q:
        """Dates at the place or within the radius around it (as the crow flies), and the
        dates of courses open from anywhere (online, self-paced, distance) unless
        "nur_vor_ort" leaves them out: those are open to people at the place too."""
        data = self.form.cleaned_data
        condition = self.venue_q(int(data["umkreis"]) if data.get("umkreis") else None)
        if data.get("nur_vor_ort"):
            return condition
        return condition | Q(offer__delivery_form__course_mode__in=OPEN_FROM_ANYWHERE)

    def venue_q(self, km: int | None) -> Q:
        """Dates whose venue is at the place, or within `km` around it."""
        if not km:
            return Q(venue__municipality=self.place)
        south, west, north, east = bounding_box(self.place.latitude, self.place.longitude, km)
        # The box uses the index; the distance then cuts its corners off.
        return Q(
            venue__latitude__gte=south,
            venue__latitude__lte=north,
            venue__longitude__gte=west,
            venue__longitude__lte=east,
        ) & Q(LessThanOrEqual(_distance_km(self.place.latitude, self.place.longitude), km))

    def validate(self) -> bool:
        """Check the parameters and look up the place, without filtering any queryset.

        The catalogue applies the filters through its index (offerings.index); `qs` remains
        the same filters in the ORM.
        """
        valid = self.is_valid()
        self.place = self.clean_place()
        return valid

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        self.place = self.clean_place()
        # The catalogue's rule (Offer.objects.in_catalogue): reviewed, with an open date.
        return queryset.filter(
            Exists(OfferDate.objects.filter(self.date_q(), offer=OuterRef("pk"))),
            last_reviewed_on__gt=review_cutoff(self.today),
        )


# "Zurück zur Kurssuche" on a course page: the search it was opened from travels along as a
# parameter; this long is more than any real search.
BACK_QUERY_MAX = 2000


def catalogue_back_query(raw: str) -> str:
    """The catalogue search a course page was opened from (its `zurueck` parameter), as a
    query string for the way back: only the catalogue's own parameters with a value, so
    the link can lead nowhere but to the catalogue; anything else is dropped."""
    if not raw or len(raw) > BACK_QUERY_MAX:
        return ""
    params = QueryDict(raw)
    known = set(CatalogueFilter.base_filters) | {"seite"}
    kept = [(name, value) for name in params if name in known for value in params.getlist(name)]
    return urlencode([(name, value) for name, value in kept if value])
