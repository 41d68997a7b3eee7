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

An institution's counselling services are kept in its back office, by the back office's
rule (offerings.permissions.get_backoffice_for: its admins and editors and the network
office; its counsellors a 403, strangers a 404); approving them is the office's.

Joint measures' invitations are answered in the provider's back office: the rule of
offerings.permissions (its editors and admins; strangers a 404, counsellors a 403), and a
measure the institution is not invited to is a 404 as well. The network office may look
but not quote for a provider (403 on writing).
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from common.permissions import Access, check_access
from counselling.models import CounsellingRequest, CounsellingService, JointMeasure
from network.models import Institution, MembershipRole
from network.roles import PortalRoles
from offerings.permissions import EDITING_ROLES, get_backoffice_for

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


def get_service_backoffice_for(request, slug: str, *, write: bool = False) -> Access[Institution]:
    """The institution `slug` for keeping its counselling services."""
    return get_backoffice_for(request, slug, write=write)


def get_service_for(
    request, slug: str, pk: int, *, write: bool = False
) -> Access[CounsellingService]:
    """A counselling service of the institution `slug`; a service of another institution is
    not found under this one (404)."""
    backoffice = get_service_backoffice_for(request, slug, write=write)
    service = get_object_or_404(
        CounsellingService.objects.select_related("institution"), institution=backoffice.obj, pk=pk
    )
    return Access(service, backoffice.can_write)


def get_invitations_for(request, slug: str, *, write: bool = False) -> Access[Institution]:
    """The institution `slug` for its invitations to joint measures; writing (quoting) is
    for its own editors and admins."""
    institution = get_backoffice_for(request, slug).obj
    membership = request.roles.membership_in(institution)
    can_write = membership is not None and membership.role in EDITING_ROLES
    if write and not can_write:
        raise PermissionDenied
    return Access(institution, can_write)


def get_invitation_for(
    request, slug: str, pk: int, *, write: bool = False
) -> Access[tuple[Institution, JointMeasure]]:
    """The joint measure `pk` as institution `slug` is invited to it: a 404 when it is not."""
    institution = get_invitations_for(request, slug, write=write)
    measure = get_object_or_404(
        JointMeasure.objects.select_related("topic", "offer"),
        pk=pk,
        invited=institution.obj,
    )
    return Access((institution.obj, measure), institution.can_write)
