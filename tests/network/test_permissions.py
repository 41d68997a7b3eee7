"""What network.permissions answers for the cast: members read an institution, its admins
and the network office manage it, strangers do not learn that it exists."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from network.models import MembershipRole
from network.permissions import get_institution_for
from portal.roles import user_roles
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def request_of(user):
    request = RequestFactory().get("/")
    request.user = user
    request.roles = user_roles(user)
    return request


def test_admins_and_the_office_may_manage_members_only_read(
    institution, owner, member, network_office
):
    counsellor = MembershipFactory(institution=institution, role=MembershipRole.COUNSELLOR).user
    may_write = {
        who: get_institution_for(request_of(user), institution.slug).can_write
        for who, user in [
            ("owner", owner),
            ("member", member),
            ("counsellor", counsellor),
            ("office", network_office),
        ]
    }
    assert may_write == {"owner": True, "member": False, "counsellor": False, "office": True}
    assert get_institution_for(request_of(owner), institution.slug, write=True).obj == institution
    with pytest.raises(PermissionDenied):
        get_institution_for(request_of(member), institution.slug, write=True)


def test_a_stranger_gets_a_404(institution, outsider):
    with pytest.raises(Http404):
        get_institution_for(request_of(outsider), institution.slug)
