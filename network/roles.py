"""The roles a person holds in the portal, as the middleware puts them on `request.roles`.

The shape is defined here, at the foundation, so that every app's permissions can read it;
`portal.roles.user_roles` fills it from the network and the working groups.
"""

from dataclasses import dataclass

from network.models import Membership, MembershipRole, SteeringCircleMember


@dataclass(frozen=True)
class PortalRoles:
    """Everything that decides what a person may see and which areas the header offers."""

    is_network_office: bool = False
    memberships: tuple[Membership, ...] = ()
    group_memberships: tuple = ()
    steering: SteeringCircleMember | None = None

    def membership_in(self, institution) -> Membership | None:
        """The person's membership of `institution` (one at most), if it is active."""
        return next((m for m in self.memberships if m.institution_id == institution.pk), None)

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
