"""Reads of the network app: institutions for the public, a person's memberships, the
steering circle."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from network.models import Institution, Membership, SteeringCircleMember


def institution_list_for_directory() -> QuerySet[Institution]:
    return Institution.objects.members().order_by("name")


def institution_get_public(*, slug: str) -> Institution:
    return get_object_or_404(Institution.objects.members(), slug=slug)


def institution_is_new_provider(*, institution: Institution) -> bool:
    """An institution is new until it has published an offer or an event once; the first
    publication of a new one waits for the network office. Read from the database, as
    something may have been published since `institution` was loaded."""
    return Institution.objects.new_providers().filter(pk=institution.pk).exists()


def institution_with_supplier_id(
    *, supplier_id: str, exclude: Institution | None = None
) -> Institution | None:
    """The institution whose open-Q-cat files carry `supplier_id`, if any (but `exclude`):
    the one that stored it, or one without a stored id whose slug it is (the portal's own
    export names an institution so, offerings.exporters)."""
    if not supplier_id:
        return None
    institutions = Institution.objects.filter(
        Q(supplier_id=supplier_id) | Q(supplier_id="", slug=supplier_id)
    )
    if exclude is not None:
        institutions = institutions.exclude(pk=exclude.pk)
    return institutions.first()


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


def memberships_of_user(*, user) -> QuerySet[Membership]:
    """`user`'s memberships in active institutions, by institution name (their roles)."""
    return (
        Membership.objects.filter(user=user, institution__is_active=True)
        .select_related("institution")
        .order_by("institution__name")
    )


def steering_membership_of(*, person) -> SteeringCircleMember | None:
    """`person`'s seat in the steering circle, with the institution it represents."""
    return SteeringCircleMember.objects.filter(person=person).select_related("institution").first()


def steering_members_active() -> QuerySet[SteeringCircleMember]:
    """The steering circle's members whose accounts are active, with their person."""
    return SteeringCircleMember.objects.filter(person__is_active=True).select_related("person")
