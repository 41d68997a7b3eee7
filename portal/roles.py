"""Who someone is in the portal: the network office, staff of member institutions, members
of working groups and of the steering circle, read in three queries per request."""

from network.roles import NO_ROLES, PortalRoles
from network.selectors import memberships_of_user, steering_membership_of
from workgroups.selectors import group_memberships_for_person


def user_roles(user) -> PortalRoles:
    """The roles of `user`, in three queries; an anonymous user has none."""
    if not getattr(user, "is_authenticated", False):
        return NO_ROLES
    return PortalRoles(
        is_network_office=user.is_network_office,
        memberships=tuple(memberships_of_user(user=user)),
        group_memberships=tuple(group_memberships_for_person(user)),
        steering=steering_membership_of(person=user),
    )
