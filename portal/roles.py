"""Who someone is in the portal: the network office, staff of member institutions, members
of working groups and of the steering circle, read in three queries per request."""

from network.models import Membership, SteeringCircleMember
from network.roles import NO_ROLES, PortalRoles
from workgroups.selectors import group_memberships_for_person


def user_roles(user) -> PortalRoles:
    """The roles of `user`, in three queries; an anonymous user has none."""
    if not getattr(user, "is_authenticated", False):
        return NO_ROLES
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
