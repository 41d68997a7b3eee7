"""The demand board's threshold (issue 21): the network office sets from which demand a
group is marked as a chance for a joint course; a group's demand is its distinct companies
plus the open course wishes on its topic in its district. Only the office may change it,
bad input changes nothing and says why, and the working groups' digest follows it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from counselling.models import BoardSettings
from counselling.selectors import board_threshold_get, demand_board, demand_chances
from counselling.services import board_threshold_set
from counselling.wishes.services import course_wish_confirm, course_wish_submit
from offerings.models import Topic
from tests.factories import CompanyNeedFactory, WorkingGroupMemberFactory, seeded_group

pytestmark = pytest.mark.django_db

URL = "counselling:board_threshold"


def _wish(*, district="ostalbkreis", email="", confirm=False, slug="metall-elektro"):
    wish = course_wish_submit(
        topic="CNC-Fräsen",
        district=district,
        soon="now",
        email=email,
        course_topic=Topic.objects.get(slug=slug),
    )
    if confirm:
        course_wish_confirm(wish=wish)
    return wish


def _group():
    (group,) = demand_board()
    return group


def test_the_default_threshold_is_three_until_the_office_sets_one():
    assert board_threshold_get() == 3
    for _ in range(2):
        CompanyNeedFactory()
    assert not _group().is_joint_course_chance
    CompanyNeedFactory()
    assert _group().is_joint_course_chance


def test_course_wishes_count_with_the_companies_confirmed_or_not():
    CompanyNeedFactory()
    _wish()  # no address, nothing to confirm
    assert (_group().demand, _group().is_joint_course_chance) == (2, False)
    _wish(email="person@example.org")  # address not confirmed yet
    group = _group()
    assert (group.companies, len(group.wishes), group.demand) == (1, 2, 3)
    assert group.is_joint_course_chance


def test_wishes_of_another_district_or_topic_do_not_count():
    CompanyNeedFactory()
    _wish(district="heidenheim")
    _wish(slug="it-digitalisierung")
    assert _group().demand == 1


@pytest.mark.parametrize("threshold", [2, 3, 5, 50])
def test_the_marking_flips_exactly_at_the_threshold(threshold, network_office):
    board_threshold_set(value=threshold, user=network_office)
    for _ in range(threshold - 1):
        CompanyNeedFactory()
    assert _group().demand == threshold - 1
    assert not _group().is_joint_course_chance
    assert demand_chances() == []
    _wish()  # the last one is a person's wish
    assert _group().demand == threshold
    assert _group().is_joint_course_chance
    assert len(demand_chances()) == 1


def test_with_threshold_one_a_single_need_is_a_chance_and_wishes_alone_make_no_group(
    network_office,
):
    board_threshold_set(value=1, user=network_office)
    _wish()  # wishes are listed on their own; a group needs a company's need
    assert demand_board() == []
    CompanyNeedFactory()
    assert (_group().demand, _group().is_joint_course_chance) == (2, True)


def test_the_office_changes_the_marking_on_the_board(client_for, office):
    for _ in range(3):
        CompanyNeedFactory()
    client = client_for(office)
    page = client.get(reverse("counselling:board")).content.decode()
    assert "– <strong>Chance für einen Verbundkurs" in page
    response = client.post(reverse(URL), {"threshold": "4"})
    assert response.status_code == 302
    assert board_threshold_get() == 4
    page = client.get(response.url).content.decode()
    assert "Die Schwelle ist gespeichert" in page
    assert "– <strong>Chance für einen Verbundkurs" not in page
    assert "Ab einem Bedarf von 4" in page
    _wish()
    assert (
        "– <strong>Chance für einen Verbundkurs"
        in client.get(reverse("counselling:board")).content.decode()
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "Die Schwelle muss mindestens 1 sein."),
        ("51", "Die Schwelle darf höchstens 50 sein."),
        ("drei", "Bitte geben Sie eine ganze Zahl zwischen 1 und 50 ein."),
        ("2.5", "Bitte geben Sie eine ganze Zahl zwischen 1 und 50 ein."),
        ("", "Bitte geben Sie eine Zahl zwischen 1 und 50 ein."),
    ],
)
def test_bad_input_says_why_and_changes_nothing(value, message, client_for, office):
    board_threshold_set(value=5, user=office)
    response = client_for(office).post(reverse(URL), {"threshold": value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert board_threshold_get() == 5
    assert BoardSettings.objects.count() == 1


@pytest.mark.parametrize("value", [0, 51])
def test_the_service_refuses_a_value_outside_the_models_bounds(value, office):
    """The bounds live on the model; the service asks it instead of checking on its own."""
    board_threshold_set(value=5, user=office)
    with pytest.raises(ValidationError) as refused:
        board_threshold_set(value=value, user=office)
    assert set(refused.value.message_dict) == {"chance_threshold"}
    assert board_threshold_get() == 5
    assert BoardSettings.objects.count() == 1


def test_only_the_office_may_change_it(client_for):
    member = WorkingGroupMemberFactory(group=seeded_group("unternehmen")).person
    assert client_for(member).post(reverse(URL), {"threshold": "7"}).status_code == 403
    anonymous = client_for(None).post(reverse(URL), {"threshold": "7"})
    assert anonymous.status_code == 302
    assert anonymous.url.startswith(reverse("account_login"))
    assert board_threshold_get() == 3
    assert not BoardSettings.objects.exists()


def test_the_working_groups_see_the_threshold_but_not_the_form(client_for):
    CompanyNeedFactory()
    member = WorkingGroupMemberFactory(group=seeded_group("unternehmen")).person
    page = client_for(member).get(reverse("counselling:board")).content.decode()
    assert "Ab einem Bedarf von 3" in page
    assert reverse(URL) not in page


def test_the_need_form_names_the_office_threshold(client, network_office):
    board_threshold_set(value=6, user=network_office)
    assert "mindestens 6 Unternehmen" in client.get(reverse("counselling:need")).content.decode()
