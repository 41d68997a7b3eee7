"""The access matrix of every counselling URL and method: the receiving institution's
counsellor, a counsellor of another institution, an editor of the receiving institution
(no counsellor), a member of the working group "Unternehmen", the network office and
anonymous visitors. Strangers get a 404, roles that may read but not act a 403, anonymous
visitors the login page; a refused request changes nothing."""

import pytest
from django.urls import reverse

from counselling.models import AccessAction, CompanyNeed, CounsellingRequest, PersonalDataAccess
from counselling.services import joint_measure_create
from tests.access import view_names
from tests.factories import (
    CompanyNeedFactory,
    CounsellingRequestFactory,
    WorkingGroupMemberFactory,
    seeded_group,
)
from tests.offerings.factories import OfferFactory

pytestmark = pytest.mark.django_db

ROLES = ["counsellor", "other_counsellor", "editor", "group_member", "office", "anonymous"]
OK = "ok"
LOGIN = "login"

EXPECTED = {
    "public": dict.fromkeys(ROLES, OK),
    "queue": {
        "counsellor": OK,
        "other_counsellor": OK,
        "editor": 403,
        "group_member": 403,
        "office": OK,
        "anonymous": LOGIN,
    },
    "read": {
        "counsellor": OK,
        "other_counsellor": 404,
        "editor": 404,
        "group_member": 404,
        "office": OK,
        "anonymous": LOGIN,
    },
    "work": {
        "counsellor": OK,
        "other_counsellor": 404,
        "editor": 404,
        "group_member": 404,
        "office": 403,
        "anonymous": LOGIN,
    },
    "hand_over": {
        "counsellor": OK,
        "other_counsellor": 404,
        "editor": 404,
        "group_member": 404,
        "office": OK,
        "anonymous": LOGIN,
    },
    "office": {**dict.fromkeys(ROLES, 403), "office": OK, "anonymous": LOGIN},
    "board": {**dict.fromkeys(ROLES, 403), "office": OK, "group_member": OK, "anonymous": LOGIN},
}


@pytest.fixture
def world(
    institution,
    other_institution,
    service,
    other_service,
    counsellor,
    other_counsellor,
    member,
    office,
):
    request = CounsellingRequestFactory(
        institution=institution, service=service, reference="BQ-ACCESS"
    )
    needs = [CompanyNeedFactory() for _ in range(3)]
    measure = joint_measure_create(
        topic=needs[0].topic,
        district="ostalbkreis",
        period="2027-Q2",
        title="Verbund Metall",
        note="",
        providers=[],
        user=office,
    )
    CompanyNeedFactory()  # a new open group for the "create" page
    group_member = WorkingGroupMemberFactory(group=seeded_group("unternehmen")).person
    return {
        "request": request,
        "measure": measure,
        "offer": OfferFactory(),
        "users": {
            "counsellor": counsellor,
            "other_counsellor": other_counsellor,
            "editor": member,
            "group_member": group_member,
            "office": office,
            "anonymous": None,
        },
    }


def cases(world):
    ref = world["request"].reference
    measure = world["measure"]
    topic = measure.topic.pk
    group_query = f"?thema={topic}&landkreis=ostalbkreis&zeitraum=2027-Q2"
    return [
        ("public", "get", reverse("counselling:directory"), None),
        ("public", "get", reverse("counselling:request"), None),
        ("public", "get", reverse("counselling:funding_check"), None),
        ("public", "get", reverse("counselling:need"), None),
        ("public", "get", reverse("counselling:need_sent"), None),
        ("queue", "get", reverse("counselling:queue"), None),
        ("read", "get", reverse("counselling:request_detail", args=[ref]), None),
        ("work", "post", reverse("counselling:request_claim", args=[ref]), {}),
        (
            "work",
            "post",
            reverse("counselling:request_status", args=[ref]),
            {"status": "in_contact"},
        ),
        ("work", "post", reverse("counselling:request_note", args=[ref]), {"text": "Angerufen."}),
        (
            "hand_over",
            "post",
            reverse("counselling:request_hand_over", args=[ref]),
            {
                "institution": str(
                    world["users"]["other_counsellor"].memberships.get().institution_id
                ),
                "reason": "Wohnt in Heidenheim.",
            },
        ),
        ("office", "get", reverse("counselling:office"), None),
        ("office", "post", reverse("counselling:person_data"), {"contact": world["request"].email}),
        ("board", "get", reverse("counselling:board"), None),
        ("office", "post", reverse("counselling:board_threshold"), {"threshold": "4"}),
        ("board", "get", reverse("counselling:joint_measure", args=[measure.pk]), None),
        ("office", "get", reverse("counselling:joint_measure_new") + group_query, None),
        (
            "office",
            "post",
            reverse("counselling:joint_measure_new"),
            {
                "thema": topic,
                "landkreis": "ostalbkreis",
                "zeitraum": "2027-Q2",
                "title": "Zweiter Verbund",
            },
        ),
        (
            "office",
            "post",
            reverse("counselling:joint_measure_link", args=[measure.pk]),
            {"offer": world["offer"].pk},
        ),
    ]


def _state():
    return list(
        CounsellingRequest.objects.values_list(
            "status", "claimed_by", "institution", "last_activity_at"
        )
    )


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(role, world, client_for):
    user = world["users"][role]
    for kind, method, url, data in cases(world):
        client = client_for(user)
        before = _state()
        response = getattr(client, method)(url, data) if method == "post" else client.get(url)
        expected = EXPECTED[kind][role]
        where = f"{role} {method.upper()} {url}"
        if expected == OK:
            assert response.status_code in (200, 302), where
            if response.status_code == 302:
                assert "/konto/login/" not in response.url, where
                assert "mfa" not in response.url, where
        elif expected == LOGIN:
            assert response.status_code == 302, where
            assert response.url.startswith(reverse("account_login")), where
            assert _state() == before, where
        else:
            assert response.status_code == expected, where
            assert _state() == before, where


def test_a_counsellor_sees_only_their_institutions_requests(world, client_for, other_institution):
    own = world["request"]
    foreign = CounsellingRequestFactory(institution=other_institution, reference="BQ-FOREIGN")
    page = (
        client_for(world["users"]["counsellor"]).get(reverse("counselling:queue")).content.decode()
    )
    assert own.reference in page
    assert foreign.reference not in page


def test_the_queue_shows_no_personal_data(world, client_for):
    page = (
        client_for(world["users"]["counsellor"]).get(reverse("counselling:queue")).content.decode()
    )
    assert world["request"].name not in page
    assert world["request"].email not in page


def test_every_view_of_personal_data_is_logged(world, client_for):
    counsellor = world["users"]["counsellor"]
    client_for(counsellor).get(reverse("counselling:request_detail", args=["BQ-ACCESS"]))
    client_for(world["users"]["office"]).get(
        reverse("counselling:request_detail", args=["BQ-ACCESS"])
    )
    client_for(world["users"]["other_counsellor"]).get(
        reverse("counselling:request_detail", args=["BQ-ACCESS"])
    )
    logged = list(
        PersonalDataAccess.objects.order_by("at").values_list("user", "reference", "action")
    )
    assert logged == [
        (counsellor.pk, "BQ-ACCESS", AccessAction.VIEW),
        (world["users"]["office"].pk, "BQ-ACCESS", AccessAction.VIEW),
    ]


def test_counsellors_without_mfa_are_sent_to_set_it_up(institution, client_for, service):
    from network.models import MembershipRole
    from tests.factories import MembershipFactory

    counsellor = MembershipFactory(institution=institution, role=MembershipRole.COUNSELLOR).user
    response = client_for(counsellor).get(reverse("counselling:queue"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp") + "?next=%2Fberatung%2Fanfragen%2F"


def test_the_board_is_anonymous_for_the_working_group_only(world, client_for):
    need = world["measure"].needs.first()
    group_page = (
        client_for(world["users"]["group_member"])
        .get(reverse("counselling:board"))
        .content.decode()
    )
    office_page = (
        client_for(world["users"]["office"]).get(reverse("counselling:board")).content.decode()
    )
    open_one = CompanyNeed.objects.filter(joint_measure__isnull=True).get()
    assert open_one.company_name not in group_page
    assert open_one.email not in group_page
    assert open_one.company_name in office_page
    detail = (
        client_for(world["users"]["group_member"])
        .get(reverse("counselling:joint_measure", args=[world["measure"].pk]))
        .content.decode()
    )
    assert need.company_name not in detail


# The URL names this matrix decides (tests/beweqo/test_url_access.py reads them).
COVERS = {
    "counselling:directory",
    "counselling:request",
    "counselling:funding_check",
    "counselling:need",
    "counselling:need_sent",
    "counselling:queue",
    "counselling:request_detail",
    "counselling:request_claim",
    "counselling:request_status",
    "counselling:request_note",
    "counselling:request_hand_over",
    "counselling:office",
    "counselling:person_data",
    "counselling:board",
    "counselling:board_threshold",
    "counselling:joint_measure",
    "counselling:joint_measure_new",
    "counselling:joint_measure_link",
}


def test_the_matrix_covers_what_it_declares(world):
    urls = [url for _kind, _method, url, _data in cases(world)]
    assert view_names(urls) == COVERS
