"""Who may do what with institutions. Views ask these helpers, never decide themselves."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from network.models import Institution, Membership, MembershipRole


def is_network_office(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_network_office)


def get_institution_for_user(user, slug: str, *, manage: bool = False) -> Institution:
    """The institution `slug` as seen from its back office.

    Strangers get a 404 (they must not learn what exists); members without the admin role
    get a 403 when they ask to manage it; the network office may do everything.
    """
    institution = get_object_or_404(Institution.objects.active(), slug=slug)
    if is_network_office(user):
        return institution
    membership = Membership.objects.filter(user=user, institution=institution).first()
    if membership is None:
        raise Http404
    if manage and membership.role != MembershipRole.ADMIN:
        raise PermissionDenied
    return institution


def can_manage_institution(user, institution: Institution) -> bool:
    """Whether `user` may edit the profile of `institution` (its admins and the office)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        is_network_office(user)
        or Membership.objects.filter(
            user=user, institution=institution, role=MembershipRole.ADMIN
        ).exists()
    )
