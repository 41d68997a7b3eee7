"""Reads of the network app: institutions for the public, and the roles a person holds."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from network.models import Institution, Membership, MembershipRole, SteeringCircleMember


@dataclass(frozen=True)
class PortalRoles:
    """Everything that decides what a person may see and which areas the header offers."""

    is_network_office: bool = False
    memberships: tuple[Membership, ...] = ()
    group_memberships: tuple = ()
    steering: SteeringCircleMember | None = None

    @property
    def is_counsellor(self) -> bool:
        return any(m.role == MembershipRole.COUNSELLOR for m in self.memberships)

    @property
    def is_steering_member(self) -> bool:
        return self.steering is not None

    @property
    def leads_a_group(self) -> bool:
        return any(m.role in {"lead", "deputy"} for m in self.group_memberships)

    @property
    def has_staff_role(self) -> bool:
        """Any role beyond a plain account: these sessions get the strict timeouts."""
        return bool(
            self.is_network_office or self.memberships or self.group_memberships or self.steering
        )

    @property
    def requires_mfa(self) -> bool:
        """The network office and counsellors handle personal data: they need MFA."""
        return self.is_network_office or self.is_counsellor


NO_ROLES = PortalRoles()


def user_roles(user) -> PortalRoles:
    """The roles of `user`, in three queries; an anonymous user has none."""
    if not getattr(user, "is_authenticated", False):
        return NO_ROLES
    # Imported here: workgroups builds on network, not the other way round.
    from workgroups.selectors import group_memberships_for_person

    memberships = tuple(
        Membership.objects.filter(user=user, institution__is_active=True)
        .select_related("institution")
        .order_by("institution__name")
    )
    steering = (
        SteeringCircleMember.objects.filter(person=user).select_related("institution").first()
    )
    return PortalRoles(
        is_network_office=user.is_network_office,
        memberships=memberships,
        group_memberships=tuple(group_memberships_for_person(user)),
        steering=steering,
    )


def institution_list_for_directory() -> QuerySet[Institution]:
    return Institution.objects.members().order_by("name")


def institution_get_public(*, slug: str) -> Institution:
    return get_object_or_404(Institution.objects.members(), slug=slug)


def institution_people(*, institution: Institution) -> QuerySet[Membership]:
    return institution.memberships.select_related("user").order_by("role", "user__name")


def institution_working_groups(*, institution: Institution) -> list:
    """The working groups in which someone represents `institution`, in their usual order."""
    from workgroups.selectors import working_groups_with_institution

    return list(working_groups_with_institution(institution))


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
