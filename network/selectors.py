"""Reads of the network app: institutions for the public."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from network.models import Institution, Membership


def institution_list_for_directory() -> QuerySet[Institution]:
    return Institution.objects.members().order_by("name")


def institution_get_public(*, slug: str) -> Institution:
    return get_object_or_404(Institution.objects.members(), slug=slug)


def institution_is_new_provider(*, institution: Institution) -> bool:
    """An institution is new until it has published an offer or an event once; the first
    publication of a new one waits for the network office. Read from the database, as
    something may have been published since `institution` was loaded."""
    return Institution.objects.new_providers().filter(pk=institution.pk).exists()


def institution_people(*, institution: Institution) -> QuerySet[Membership]:
    return institution.memberships.select_related("user").order_by("role", "user__name")


_LOGO_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
}


def logo_content_type(name: str) -> str:
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    return _LOGO_TYPES.get(suffix, "application/octet-stream")


def steering_institutions() -> list[Institution]:
    """The institutions represented in the steering circle, each once, by name."""
    return list(
        Institution.objects.filter(steering_members__isnull=False).distinct().order_by("name")
    )
