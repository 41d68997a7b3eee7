"""Filters of the members directory."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from network.models import District, Institution, InstitutionKind


class InstitutionDirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name enthält"), method="filter_text", max_length=100)
    kind = django_filters.ChoiceFilter(
        label=_("Art der Einrichtung"), choices=InstitutionKind.choices, empty_label=_("alle")
    )
    district = django_filters.ChoiceFilter(
        label=_("Landkreis"), choices=District.choices, empty_label=_("alle")
    )

    class Meta:
        model = Institution
        fields = ["q", "kind", "district"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(short_name__icontains=value) | Q(city__icontains=value)
        )
