"""Who may see and do what with counselling requests, needs and joint measures. The
shape: common.permissions.

A request is for the counsellors of the institution it is routed to; counsellors of other
institutions get a 404 (they must not learn it exists). The network office may read any
request (it handles escalations) and hand it over, but the conversation itself (claim,
status, notes) is the counsellors': that is writing, and the office gets a 403 there. The
demand board is for the working groups "Unternehmen" and "Arbeitsuchende und Rückkehrende"
(company needs and people's course wishes side by side, issue 21) and the network office;
only the office sees contacts, behind its second factor (the views carry @personal_data).
The office's own pages ask network.permissions.require_network_office.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from common.permissions import Access, check_access
from counselling.models import CounsellingRequest
from network.models import MembershipRole
from network.roles import PortalRoles

# The working groups (slugs) that see the demand board, anonymised.
DEMAND_BOARD_GROUPS = frozenset({"unternehmen", "arbeitsuchende-und-rueckkehrende"})


def counselling_institution_ids(roles: PortalRoles) -> list[int]:
    """The institutions whose requests `roles` works as a counsellor."""
    return [m.institution_id for m in roles.memberships if m.role == MembershipRole.COUNSELLOR]


def get_request_for(request, reference: str, *, write: bool = False) -> Access[CounsellingRequest]:
    """The counselling request `reference`; writing is working on it as its counsellor.
    Handing it over is for every reader (the office hands over escalations)."""
    counselling_request = get_object_or_404(
        CounsellingRequest.objects.select_related("institution", "service", "claimed_by"),
        reference=reference,
    )
    is_counsellor = (
        counselling_request.institution_id is not None
        and counselling_request.institution_id in counselling_institution_ids(request.roles)
    )
    return check_access(
        counselling_request,
        can_read=is_counsellor or request.roles.is_network_office,
        can_write=is_counsellor,
        write=write,
    )


def can_see_queue(request) -> bool:
    return request.roles.is_counsellor or request.roles.is_network_office


def require_queue(request) -> None:
    if not can_see_queue(request):
        raise PermissionDenied


def is_demand_board_group(slug: str) -> bool:
    return slug in DEMAND_BOARD_GROUPS


def can_see_demand_board(request) -> bool:
    return request.roles.is_network_office or any(
        is_demand_board_group(m.group.slug) for m in request.roles.group_memberships
    )


def require_demand_board(request) -> None:
    if not can_see_demand_board(request):
        raise PermissionDenied
