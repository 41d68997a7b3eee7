"""The network office's admin: lists, filters and search work for every model."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from network.models import InstitutionKind
from tests.factories import InstitutionFactory, MembershipFactory, SteeringCircleMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def office_client(client_for, network_office):
    TOTP.activate(network_office, generate_totp_secret())
    return client_for(network_office)


@pytest.mark.parametrize(
    "path",
    [
        "/verwaltung/",
        "/verwaltung/network/institution/",
        "/verwaltung/network/institution/?kind__exact=university&district__exact=heidenheim",
        "/verwaltung/network/institution/?q=Heidenheim",
        "/verwaltung/network/institution/add/",
        "/verwaltung/network/user/",
        "/verwaltung/network/user/?q=person&is_network_office__exact=1",
        "/verwaltung/network/membership/?role__exact=admin",
        "/verwaltung/network/steeringcirclemember/",
        "/verwaltung/network/accessibilityfeedback/",
        "/verwaltung/workgroups/workinggroup/",
        "/verwaltung/workgroups/workinggroupmember/",
    ],
)
def test_admin_pages_open_for_the_network_office(office_client, path):
    InstitutionFactory(
        kind=InstitutionKind.UNIVERSITY, district="heidenheim", name="DHBW Heidenheim"
    )
    MembershipFactory()
    SteeringCircleMemberFactory()
    assert office_client.get(path).status_code == 200


def test_admin_search_finds_institutions(office_client):
    InstitutionFactory(name="IHK Ostwürttemberg", slug="ihk")
    InstitutionFactory(name="Volkshochschule Ellwangen", slug="vhs-ellwangen")
    content = office_client.get("/verwaltung/network/institution/?q=IHK").content.decode()
    assert "IHK Ostwürttemberg" in content
    assert "Volkshochschule Ellwangen" not in content


@pytest.mark.parametrize("role_fixture", ["owner", "member", "outsider"])
def test_institution_staff_do_not_reach_the_admin(request, client_for, role_fixture):
    user = request.getfixturevalue(role_fixture)
    response = client_for(user).get("/verwaltung/network/institution/")
    assert response.status_code == 302
    assert "/verwaltung/login/" in response.url
