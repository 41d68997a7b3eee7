"""Filters of the public events calendar (list, month, archive and iCalendar feed share
them, so a filtered calendar can be subscribed to with the same query string)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelMultipleChoiceField

from events.models import Event, EventKind
from network.models import District
from offerings.models import TargetGroup


class TermMultipleChoiceField(ModelMultipleChoiceField):
    """Target groups by their names in the page's language."""

    def label_from_instance(self, obj) -> str:
        return obj.display_name


class TermMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = TermMultipleChoiceField


class EventFilter(django_filters.FilterSet):
    zielgruppe = TermMultipleChoiceFilter(
        label=_("Zielgruppe"),
        field_name="target_groups__slug",
        to_field_name="slug",
        queryset=TargetGroup.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        distinct=True,
    )
    landkreis = django_filters.MultipleChoiceFilter(
        label=_("Landkreis"),
        choices=[(value, label) for value, label in District.choices] + [("online", _("online"))],
        method="filter_district",
        widget=forms.CheckboxSelectMultiple,
    )
    art = django_filters.MultipleChoiceFilter(
        label=_("Art der Veranstaltung"),
        field_name="kind",
        choices=EventKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    kostenlos = django_filters.BooleanFilter(
        label=_("nur kostenlose Veranstaltungen"),
        method="filter_free",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Event
        fields: list[str] = []

    def filter_district(self, queryset, name, values):
        """Events in any chosen district; "online" stands for events one can join online."""
        condition = Q()
        districts = [value for value in values if value != "online"]
        if districts:
            condition |= Q(district__in=districts)
        if "online" in values:
            condition |= ~Q(online_url="")
        return queryset.filter(condition) if values else queryset

    def filter_free(self, queryset, name, value):
        return queryset.filter(price=0) if value else queryset


def event_filter_apply(params, queryset):
    """The filter bound to `params` and the filtered events; invalid parameters are
    reported on the form and left out (the page says so), never a server error."""
    filterset = EventFilter(params, queryset=queryset)
    if filterset.is_valid():
        return filterset, filterset.qs
    valid = {name: value for name, value in filterset.form.cleaned_data.items() if value}
    events = queryset
    for name, value in valid.items():
        events = filterset.filters[name].filter(events, value)
    return filterset, events
