"""Who may see and do what with counselling requests, needs and joint measures. Views ask
these helpers, never decide themselves.

A request is for the counsellors of the institution it is routed to; counsellors of other
institutions get a 404 (they must not learn it exists). The network office may read any
request (it handles escalations) and hand it over, but the conversation itself (claim,
status, notes) is the counsellors': the office gets a 403 there. The demand board is for
the working group "Unternehmen" and the network office; only the office sees contacts.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from counselling.models import CounsellingRequest
from network.models import MembershipRole
from network.roles import PortalRoles

DEMAND_BOARD_GROUP = "unternehmen"


def counselling_institution_ids(roles: PortalRoles) -> list[int]:
    """The institutions whose requests `roles` works as a counsellor."""
    return [m.institution_id for m in roles.memberships if m.role == MembershipRole.COUNSELLOR]


def can_see_queue(roles: PortalRoles) -> bool:
    return roles.is_counsellor or roles.is_network_office


READ, WORK, HAND_OVER = "read", "work", "hand_over"


def get_request_for(
    roles: PortalRoles, reference: str, *, action: str = READ
) -> CounsellingRequest:
    """The request `reference` for its counsellors (404 for everyone else but the office).

    WORK (claim, status, notes) is for the counsellors only; READ and HAND_OVER also for
    the office.
    """
    request = get_object_or_404(
        CounsellingRequest.objects.select_related("institution", "service", "claimed_by"),
        reference=reference,
    )
    is_counsellor = (
        request.institution_id is not None
        and request.institution_id in counselling_institution_ids(roles)
    )
    if is_counsellor:
        return request
    if roles.is_network_office:
        if action == WORK:
            raise PermissionDenied
        return request
    raise Http404


def require_queue(roles: PortalRoles) -> None:
    if not can_see_queue(roles):
        raise PermissionDenied


def require_network_office(roles: PortalRoles) -> None:
    if not roles.is_network_office:
        raise PermissionDenied


def can_see_demand_board(roles: PortalRoles) -> bool:
    return roles.is_network_office or any(
        m.group.slug == DEMAND_BOARD_GROUP for m in roles.group_memberships
    )


def require_demand_board(roles: PortalRoles) -> None:
    if not can_see_demand_board(roles):
        raise PermissionDenied
