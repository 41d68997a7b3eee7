"""Who may work in an institution's back office: offers, their dates and imports (the
events calendar asks the same rule). The shape: common.permissions.

The back office is for the institution's editors and admins and the network office;
strangers get a 404 (they must not learn what exists), the institution's other members
(counsellors) a 403. It has no read-only level: who may open it may change what is in it.
Approving a new provider's first publication is the office's own page
(network.permissions.require_network_office).
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from common.permissions import Access
from network.models import Institution, MembershipRole
from network.permissions import get_institution_for
from offerings.models import ImportJob, Offer, OfferDate

EDITING_ROLES = (MembershipRole.ADMIN, MembershipRole.EDITOR)


def get_backoffice_for(request, slug: str, *, write: bool = False) -> Access[Institution]:
    """The institution `slug` for its back office. `write` asks nothing more here, as there
    is nothing read-only in the back office."""
    institution = get_institution_for(request, slug).obj  # a 404 for strangers
    membership = request.roles.membership_in(institution)
    if not (
        request.roles.is_network_office
        or (membership is not None and membership.role in EDITING_ROLES)
    ):
        raise PermissionDenied
    return Access(institution, can_write=True)


def get_offer_for(request, slug: str, pk: int, *, write: bool = False) -> Access[Offer]:
    backoffice = get_backoffice_for(request, slug, write=write)
    offer = get_object_or_404(
        Offer.objects.select_related("institution", "delivery_form"),
        institution=backoffice.obj,
        pk=pk,
    )
    return Access(offer, backoffice.can_write)


def get_date_for(
    request, slug: str, pk: int, date_pk: int, *, write: bool = False
) -> Access[OfferDate]:
    offer = get_offer_for(request, slug, pk, write=write)
    offer_date = get_object_or_404(
        OfferDate.objects.select_related("offer"), offer=offer.obj, pk=date_pk
    )
    return Access(offer_date, offer.can_write)


def get_import_job_for(request, slug: str, pk: int, *, write: bool = False) -> Access[ImportJob]:
    backoffice = get_backoffice_for(request, slug, write=write)
    # The report is read a page at a time (offerings.imports.report), never as a whole.
    job = get_object_or_404(
        ImportJob.objects.defer("content", "report"), institution=backoffice.obj, pk=pk
    )
    return Access(job, backoffice.can_write)
