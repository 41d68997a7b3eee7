"""Who may work in an institution's back office. Views ask these helpers.

Editors and admins of the institution and the network office may; strangers get a 404
(they must not learn what exists), the institution's counsellors a 403.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from network.models import Membership, MembershipRole
from network.permissions import get_institution_for_user, is_network_office
from offerings.models import Offer, OfferDate

EDITING_ROLES = (MembershipRole.ADMIN, MembershipRole.EDITOR)


def get_backoffice_institution(user, slug: str):
    institution = get_institution_for_user(user, slug)
    if is_network_office(user):
        return institution
    if not Membership.objects.filter(
        user=user, institution=institution, role__in=EDITING_ROLES
    ).exists():
        raise PermissionDenied
    return institution


def get_offer_for_user(user, slug: str, pk: int) -> Offer:
    institution = get_backoffice_institution(user, slug)
    return get_object_or_404(
        Offer.objects.select_related("institution", "delivery_form"), institution=institution, pk=pk
    )


def get_date_for_user(user, slug: str, pk: int, date_pk: int) -> OfferDate:
    offer = get_offer_for_user(user, slug, pk)
    return get_object_or_404(OfferDate.objects.select_related("offer"), offer=offer, pk=date_pk)


def can_approve(user) -> bool:
    return is_network_office(user)
