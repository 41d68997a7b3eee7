"""Who may do what with institutions (the shape: common.permissions).

An institution is read by its members and managed (profile, team) by its admins and the
network office; strangers get a 404, members who are not admins a 403 when they ask to
manage it. The network office's own pages are behind `require_network_office`.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from common.permissions import Access, check_access
from network.models import Institution, Membership, MembershipRole


def require_network_office(request) -> None:
    """The network office's own pages: approvals, escalations, data protection."""
    if not request.roles.is_network_office:
        raise PermissionDenied


def _may_manage(request, membership: Membership | None) -> bool:
    return request.roles.is_network_office or (
        membership is not None and membership.role == MembershipRole.ADMIN
    )


def get_institution_for(request, slug: str, *, write: bool = False) -> Access[Institution]:
    """The active institution `slug` as its members see it; writing is managing it."""
    institution = get_object_or_404(Institution.objects.active(), slug=slug)
    membership = request.roles.membership_in(institution)
    return check_access(
        institution,
        can_read=request.roles.is_network_office or membership is not None,
        can_write=_may_manage(request, membership),
        write=write,
    )


def get_membership_for(request, slug: str, pk: int, *, write: bool = False) -> Access[Membership]:
    """A colleague's membership, as the institution's team page shows it."""
    institution = get_institution_for(request, slug, write=write)
    membership = get_object_or_404(
        Membership.objects.select_related("institution", "user"), institution=institution.obj, pk=pk
    )
    return Access(membership, institution.can_write)


def can_manage_institution(request, institution: Institution) -> bool:
    """Whether the request's user may edit the profile of `institution` (a link on its page)."""
    return _may_manage(request, request.roles.membership_in(institution))
