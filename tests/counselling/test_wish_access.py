"""The access matrix of the course wishes' URLs: the form is for everybody, the office's
list with the addresses for the network office only (with its second factor). The links
from the mail (confirm, withdraw) are decided by their token in
tests/beweqo/test_url_access.py (BY_TOKEN), the sent page there as public."""

import pytest
from django.urls import reverse

from counselling.models import CourseWish
from counselling.wishes.services import course_wish_submit
from tests.access import LOGIN, OK, assert_access, view_names
from tests.factories import WorkingGroupMemberFactory, seeded_group

pytestmark = pytest.mark.django_db

ROLES = ["counsellor", "editor", "group_member", "office", "anonymous"]
EVERYBODY = dict.fromkeys(ROLES, OK)
OFFICE_ONLY = {**dict.fromkeys(ROLES, 403), "office": OK, "anonymous": LOGIN}

WISH = {
    "topic": "Gabelstaplerschein",
    "district": "ostalbkreis",
    "schedule": "any",
    "soon": "now",
    "website": "",
}
CASES = [
    ("get", reverse("counselling:wish"), None, EVERYBODY),
    ("post", reverse("counselling:wish"), WISH, EVERYBODY),
    ("get", reverse("counselling:wish_list"), None, OFFICE_ONLY),
]
COVERS = {"counselling:wish", "counselling:wish_list"}


@pytest.fixture
def users(counsellor, member, office):
    return {
        "counsellor": counsellor,
        "editor": member,
        "group_member": WorkingGroupMemberFactory(group=seeded_group("unternehmen")).person,
        "office": office,
        "anonymous": None,
    }


def _state():
    return list(CourseWish.objects.values_list("pk", "email", "confirmed_at"))


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(role, users, client_for):
    course_wish_submit(topic="Excel", district="heidenheim", soon="now", email="x@example.org")
    for method, url, data, expected in CASES:
        assert_access(
            client_for(users[role]),
            method=method,
            url=url,
            data=data,
            expected=expected[role],
            state=_state,
        )


def test_the_office_without_a_second_factor_does_not_see_the_addresses(client_for, network_office):
    course_wish_submit(topic="Excel", district="heidenheim", soon="now", email="x@example.org")
    response = client_for(network_office).get(reverse("counselling:wish_list"))
    assert response.status_code == 302
    assert b"x@example.org" not in response.content


def test_the_matrix_covers_what_it_declares():
    assert view_names([url for _method, url, _data, _expected in CASES]) == COVERS
