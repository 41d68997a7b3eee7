"""The access matrix of joint measures' quotes: the network office, a member of the working
group "Unternehmen", an editor of an invited provider, an editor of a provider that is not
invited, a counsellor of the invited provider, and anonymous visitors. Strangers get a 404
(a provider must not learn of measures it is not invited to), roles that may look but not
act a 403, anonymous visitors the login page; a refused request changes nothing. A company
reaches its part with the pair of its status page (tested below and in test_joint_quotes)."""

import pytest
from django.urls import reverse

from counselling.joint.services import joint_quote_choose
from counselling.models import CompanyNeed, JointMeasure, JointQuote
from network.models import MembershipRole
from offerings.models import OfferStatus
from tests.access import LOGIN, OK, assert_access, view_names, with_second_factor
from tests.counselling.joint_helpers import (
    measure_for,
    provider_with_editor,
    quote_for,
    quote_post,
)
from tests.factories import MembershipFactory, WorkingGroupMemberFactory, seeded_group
from tests.offerings.factories import OfferFactory

pytestmark = pytest.mark.django_db

ROLES = ["office", "group_member", "invited", "other_provider", "invited_counsellor", "anonymous"]

BOARD = {
    "office": OK,
    "group_member": OK,
    "invited": 403,
    "other_provider": 403,
    "invited_counsellor": 403,
    "anonymous": LOGIN,
}
OFFICE_ONLY = {**BOARD, "group_member": 403}
PROVIDER_READ = {
    "office": OK,
    "group_member": 404,
    "invited": OK,
    "other_provider": 404,
    "invited_counsellor": 403,
    "anonymous": LOGIN,
}
PROVIDER_WRITE = {**PROVIDER_READ, "office": 403}


@pytest.fixture
def world(office):
    invited, editor = provider_with_editor("Bildungswerk Aalen", "bw-aalen")
    rival, rival_editor = provider_with_editor("Technikakademie", "ta-hdh")
    _other, other_editor = provider_with_editor("Fremdanbieter", "fremd")
    counsellor = with_second_factor(
        MembershipFactory(institution=invited, role=MembershipRole.COUNSELLOR).user
    )
    measure, _needs = measure_for(office, [invited, rival])
    rival_quote = quote_for(measure, rival, rival_editor)
    # A second measure where the invited provider's quote is chosen: it links its course.
    chosen_measure = JointMeasure.objects.create(
        title="Verbund Schweißen",
        topic=measure.topic,
        district="heidenheim",
        period="2027-Q3",
    )
    chosen_measure.invited.set([invited])
    own = quote_for(chosen_measure, invited, editor)
    joint_quote_choose(measure=chosen_measure, quote=own)
    return {
        "users": {
            "office": office,
            "group_member": WorkingGroupMemberFactory(group=seeded_group("unternehmen")).person,
            "invited": editor,
            "other_provider": other_editor,
            "invited_counsellor": counsellor,
            "anonymous": None,
        },
        "invited": invited,
        "measure": measure,
        "chosen_measure": chosen_measure,
        "rival_quote": rival_quote,
        "offer": OfferFactory(institution=invited, status=OfferStatus.DRAFT),
    }


def cases(world):
    slug, pk = world["invited"].slug, world["measure"].pk
    return [
        ("get", reverse("counselling:joint_measure", args=[pk]), None, BOARD),
        ("get", reverse("counselling:joint_invitations", args=[slug]), None, PROVIDER_READ),
        ("get", reverse("counselling:joint_invitation", args=[slug, pk]), None, PROVIDER_READ),
        (
            "post",
            reverse("counselling:joint_invitation", args=[slug, pk]),
            quote_post(),
            PROVIDER_WRITE,
        ),
        ("post", reverse("counselling:joint_quote_withdraw", args=[slug, pk]), {}, PROVIDER_WRITE),
        (
            "post",
            reverse("counselling:joint_invitation_offer", args=[slug, world["chosen_measure"].pk]),
            {"offer": world["offer"].pk},
            PROVIDER_WRITE,
        ),
        (
            "post",
            reverse("counselling:joint_measure_choose", args=[pk]),
            {"quote": world["rival_quote"].pk},
            OFFICE_ONLY,
        ),
    ]


def _state():
    return (
        list(JointQuote.objects.order_by("pk").values_list("status", "price", "withdrawn_at")),
        list(JointMeasure.objects.order_by("pk").values_list("status", "offer")),
    )


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(role, world, client_for):
    for method, url, data, expected in cases(world):
        assert_access(
            client_for(world["users"][role]),
            method=method,
            url=url,
            data=data,
            expected=expected[role],
            state=_state,
        )


def test_a_provider_not_invited_learns_nothing_under_its_own_slug(world, client_for):
    other = world["users"]["other_provider"]
    url = reverse("counselling:joint_invitation", args=["fremd", world["measure"].pk])
    assert client_for(other).get(url).status_code == 404
    listing = client_for(other).get(reverse("counselling:joint_invitations", args=["fremd"]))
    assert "Verbundkurs CNC" not in listing.content.decode()


def test_a_company_reaches_its_part_only_with_its_pair(world, client):
    need = CompanyNeed.objects.filter(joint_measure=world["measure"]).first()
    need.joint_measure = world["chosen_measure"]
    need.save()
    url = reverse("counselling:need_participants")
    wrong = {"reference": need.reference, "contact": "x@example.org", "participants": "2"}
    assert "Der gemeinsame Kurs" not in client.post(url, wrong).content.decode()
    need.refresh_from_db()
    assert need.confirmed_participants is None
    right = {**wrong, "contact": need.email}
    response = client.post(url, right)
    assert "Der gemeinsame Kurs" in response.content.decode()
    need.refresh_from_db()
    assert need.confirmed_participants == 2


# The URL names this matrix decides (tests/beweqo/test_url_access.py reads them); the
# company's confirmation is public there, with the status page (only the pair opens it).
COVERS = {
    "counselling:joint_invitations",
    "counselling:joint_invitation",
    "counselling:joint_quote_withdraw",
    "counselling:joint_invitation_offer",
    "counselling:joint_measure_choose",
}


def test_the_matrix_covers_what_it_declares(world):
    urls = [url for _method, url, _data, _expected in cases(world)]
    assert view_names(urls) - {"counselling:joint_measure"} == COVERS
