"""Who sees the demand board (issue 21): the working groups "Unternehmen" and "Arbeitsuchende
und Rückkehrende" see it anonymised, the network office with contacts behind its second
factor; members of the other working groups, editors and counsellors get a 403, anonymous
visitors the login page."""

import pytest
from django.urls import reverse

from counselling.services import joint_measure_create
from tests.access import with_second_factor
from tests.factories import CompanyNeedFactory, WorkingGroupMemberFactory, seeded_group

pytestmark = pytest.mark.django_db

BOARD_GROUPS = ["unternehmen", "arbeitsuchende-und-rueckkehrende"]
OTHER_GROUPS = ["beschaeftigte", "aussendarstellung"]


@pytest.fixture
def needs():
    return [CompanyNeedFactory() for _ in range(3)]


@pytest.fixture
def measure(needs, network_office):
    return joint_measure_create(
        topic=needs[0].topic,
        district="ostalbkreis",
        period="2027-Q2",
        title="Verbund Metall",
        note="",
        providers=[],
        user=network_office,
    )


def _member(slug: str):
    return WorkingGroupMemberFactory(group=seeded_group(slug)).person


@pytest.mark.parametrize("slug", BOARD_GROUPS)
def test_both_working_groups_see_the_board_without_contacts(slug, client_for):
    open_need = CompanyNeedFactory(company_name="Geheim Fräserei GmbH", email="chef@geheim.de")
    response = client_for(_member(slug)).get(reverse("counselling:board"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Metall" in page  # the group is listed
    assert open_need.company_name not in page
    assert open_need.email not in page


@pytest.mark.parametrize("slug", BOARD_GROUPS)
def test_both_working_groups_open_a_joint_measure_without_contacts(slug, measure, client_for):
    response = client_for(_member(slug)).get(
        reverse("counselling:joint_measure", args=[measure.pk])
    )
    assert response.status_code == 200
    for need in measure.needs.all():
        assert need.company_name not in response.content.decode()


@pytest.mark.parametrize("slug", OTHER_GROUPS)
def test_other_working_groups_are_refused(slug, measure, client_for):
    client = client_for(_member(slug))
    assert client.get(reverse("counselling:board")).status_code == 403
    assert client.get(reverse("counselling:joint_measure", args=[measure.pk])).status_code == 403


def test_the_office_sees_contacts_only_with_its_second_factor(client_for, network_office):
    need = CompanyNeedFactory(company_name="Kontakt Dreherei KG")
    without = client_for(network_office).get(reverse("counselling:board"))
    assert without.status_code == 302
    assert need.company_name not in without.content.decode()
    with_factor = client_for(with_second_factor(network_office)).get(reverse("counselling:board"))
    assert with_factor.status_code == 200
    assert need.company_name in with_factor.content.decode()


def test_editors_and_anonymous_visitors_are_refused(client_for, member, needs):
    assert client_for(member).get(reverse("counselling:board")).status_code == 403
    anonymous = client_for(None).get(reverse("counselling:board"))
    assert anonymous.status_code == 302
    assert anonymous.url.startswith("/konto/login/")


@pytest.mark.parametrize(
    ("slug", "linked"), [*((s, True) for s in BOARD_GROUPS), *((s, False) for s in OTHER_GROUPS)]
)
def test_my_area_links_the_board_for_the_groups_that_see_it(slug, linked, client_for):
    page = client_for(_member(slug)).get(reverse("portal:my_area")).content.decode()
    assert (reverse("counselling:board") in page) is linked
