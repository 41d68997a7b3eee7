"""`manage.py load_demo`: the demo network a newcomer sees after `make run`."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from events.models import EventApproval
from network.models import (
    District,
    Institution,
    InstitutionKind,
    Membership,
    MembershipRole,
    SteeringCircleMember,
    SteeringRole,
    User,
)
from offerings.models import OfferApproval
from portal.demo import demo_load, demo_password
from portal.roles import user_roles
from workgroups.models import GroupRole, WorkingGroup, WorkingGroupMember

pytestmark = pytest.mark.django_db

DEFAULT_PASSWORD = "beweqo-demo-2026"
OFFICE = "geschaeftsstelle@beweqo.example"
ADMIN = "einrichtung-admin@beweqo.example"
EDITOR = "einrichtung-redaktion@beweqo.example"
GROUP_LEAD = "ag-leitung@beweqo.example"
STEERING = "steuerkreis@beweqo.example"
COUNSELLOR = "beratung@beweqo.example"
DEMO_LOGINS = [OFFICE, ADMIN, EDITOR, GROUP_LEAD, STEERING, COUNSELLOR]


def run_load_demo(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def debug(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)


@pytest.fixture
def demo_output(demo_loaded, debug) -> str:
    return demo_loaded


def roles_of(email: str):
    return user_roles(User.objects.get(email=email))


def log_in(email: str, password: str) -> tuple[Client, object]:
    client = Client()
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    return client, response


def test_every_institution_kind_and_both_districts_are_there(demo_output):
    institutions = Institution.objects.all()

    assert 25 <= institutions.count() <= 30
    assert {i.kind for i in institutions} == set(InstitutionKind.values)
    assert {District.OSTALBKREIS, District.HEIDENHEIM} <= {i.district for i in institutions}
    companies = institutions.filter(kind=InstitutionKind.COMPANY)
    assert companies.count() >= 2
    assert not companies.filter(is_network_member=True).exists()


def test_contact_data_uses_reserved_domains_only(demo_output):
    for institution in Institution.objects.all():
        assert institution.email.endswith("@example.org"), institution.slug
        assert institution.website in ("", f"https://example.org/{institution.slug}/")
        assert institution.phone.split(" ")[1].startswith("000-"), institution.slug
    assert all(
        email.endswith("@beweqo.example") for email in User.objects.values_list("email", flat=True)
    )


def test_each_role_has_its_demo_login(demo_output):
    office = User.objects.get(email=OFFICE)
    assert office.is_network_office
    assert office.is_staff
    assert roles_of(ADMIN).memberships[0].role == MembershipRole.ADMIN
    assert roles_of(EDITOR).memberships[0].role == MembershipRole.EDITOR
    assert roles_of(GROUP_LEAD).group_memberships[0].role == GroupRole.LEAD
    assert roles_of(STEERING).is_steering_member
    assert roles_of(COUNSELLOR).is_counsellor
    assert roles_of(COUNSELLOR).memberships[0].institution.kind == InstitutionKind.EMPLOYMENT_AGENCY


def test_each_demo_login_holds_only_its_own_role(demo_output):
    """Someone trying a role should see that role's portal, not a mix of several."""
    for email in [ADMIN, EDITOR, COUNSELLOR]:
        roles = roles_of(email)
        assert len(roles.memberships) == 1
        assert not roles.is_steering_member
    assert not any(roles_of(email).group_memberships for email in [ADMIN, EDITOR, COUNSELLOR])
    assert not roles_of(GROUP_LEAD).memberships
    assert not roles_of(GROUP_LEAD).is_steering_member
    assert not roles_of(STEERING).memberships
    assert not roles_of(STEERING).group_memberships
    office = roles_of(OFFICE)
    assert (office.memberships, office.group_memberships, office.steering) == ((), (), None)
    assert not any(roles_of(email).is_network_office for email in DEMO_LOGINS if email != OFFICE)


def test_steering_circle_has_one_chair_and_members_from_several_institutions(demo_output):
    steering = SteeringCircleMember.objects.all()

    assert steering.filter(role=SteeringRole.CHAIR).count() == 1
    assert steering.values("institution").distinct().count() >= 5


def test_each_working_group_has_a_lead_institution_a_lead_and_members(demo_output):
    for group in WorkingGroup.objects.filter(kind="working_group"):
        assert group.lead_institution is not None, group.slug
        assert group.members.filter(role=GroupRole.LEAD).count() == 1, group.slug
        assert group.members.count() >= 4, group.slug
    assert WorkingGroup.objects.filter(kind="working_group").count() == 4


@pytest.mark.parametrize("email", DEMO_LOGINS)
def test_each_demo_login_can_log_in(demo_output, email):
    client, response = log_in(email, DEFAULT_PASSWORD)

    assert response.status_code == 302
    assert get_user(client).email == email


def test_people_who_only_fill_lists_cannot_log_in(demo_output):
    chair = SteeringCircleMember.objects.get(role=SteeringRole.CHAIR).person
    assert chair.email not in DEMO_LOGINS

    client, response = log_in(chair.email, DEFAULT_PASSWORD)

    assert response.status_code == 200
    assert not get_user(client).is_authenticated


def test_the_password_comes_from_demo_password_when_set(debug, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "anderes-demo-passwort")

    output = run_load_demo()

    assert "anderes-demo-passwort" in output
    assert DEFAULT_PASSWORD not in output
    client, _ = log_in(EDITOR, "anderes-demo-passwort")
    assert get_user(client).email == EDITOR


def test_output_lists_every_login_with_password_and_the_mfa_note(demo_output):
    for email in DEMO_LOGINS:
        line = next(line for line in demo_output.splitlines() if email in line)
        assert DEFAULT_PASSWORD in line
    assert "Geschäftsstelle" in demo_output
    assert "Zwei-Faktor-Anmeldung (TOTP)" in demo_output
    assert "/verwaltung/" in demo_output


def test_demo_load_returns_what_the_command_prints(demo_output):
    summary = demo_load(password=DEFAULT_PASSWORD)

    assert [login.email for login in summary.logins] == DEMO_LOGINS
    assert (summary.offers, summary.meetings, summary.requests) == (400, 6, 4)
    assert "\n".join(summary.lines()) in demo_output


def test_a_blank_demo_password_falls_back_to_the_default():
    assert demo_password(environ={}) == DEFAULT_PASSWORD
    assert demo_password(environ={"DEMO_PASSWORD": "  "}) == DEFAULT_PASSWORD
    assert demo_password(environ={"DEMO_PASSWORD": " eigenes "}) == "eigenes"


def snapshot() -> dict:
    models = [
        User,
        EmailAddress,
        Institution,
        Membership,
        SteeringCircleMember,
        WorkingGroup,
        WorkingGroupMember,
    ]
    return {
        "counts": {model.__name__: model.objects.count() for model in models},
        "institutions": list(Institution.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values("email", "password", "name")),
        "groups": list(WorkingGroup.objects.order_by("pk").values()),
        "group_members": list(WorkingGroupMember.objects.order_by("pk").values()),
        "steering": list(SteeringCircleMember.objects.order_by("pk").values()),
    }


def test_running_it_twice_changes_nothing(demo_output):
    before = snapshot()

    run_load_demo()

    assert snapshot() == before


def test_running_it_again_repairs_edited_demo_data(demo_output):
    Institution.objects.filter(slug="vhs-aalen").update(city="Irgendwo")
    User.objects.filter(email=EDITOR).update(is_active=False)

    run_load_demo()

    assert Institution.objects.get(slug="vhs-aalen").city == "Aalen"
    client, _ = log_in(EDITOR, DEFAULT_PASSWORD)
    assert get_user(client).email == EDITOR


def test_running_it_again_removes_roles_demo_people_no_longer_have(demo_output):
    editor = User.objects.get(email=EDITOR)
    SteeringCircleMember.objects.create(
        person=editor, institution=Institution.objects.get(slug="vhs-aalen")
    )
    WorkingGroupMember.objects.create(
        group=WorkingGroup.objects.get(slug="unternehmen"),
        person=editor,
        institution=Institution.objects.get(slug="vhs-aalen"),
    )
    someone_else = User.objects.create_user("echte.person@example.org", "ein-langes-passwort")
    SteeringCircleMember.objects.create(
        person=someone_else, institution=Institution.objects.get(slug="vhs-aalen")
    )

    run_load_demo()

    assert not roles_of(EDITOR).is_steering_member
    assert not roles_of(EDITOR).group_memberships
    assert roles_of("echte.person@example.org").is_steering_member


def test_it_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    before = (Institution.objects.count(), User.objects.count())

    with pytest.raises(CommandError, match="DEBUG"):
        run_load_demo()

    assert (Institution.objects.count(), User.objects.count()) == before


def test_force_runs_it_without_debug(settings):
    settings.DEBUG = False

    run_load_demo("--force")

    assert User.objects.filter(email__in=DEMO_LOGINS).count() == len(DEMO_LOGINS)


def test_the_office_finds_one_offer_and_one_event_to_approve(demo_output):
    [offer_request] = OfferApproval.objects.select_related("offer__institution")
    [event_request] = EventApproval.objects.select_related("event__institution")
    assert offer_request.offer.status == "draft"
    assert event_request.event.status == "draft"
    new = set(Institution.objects.new_providers())
    assert {offer_request.offer.institution, event_request.event.institution} <= new
    # Loading again adds no second request.
    demo_load(password=DEFAULT_PASSWORD)
    assert (OfferApproval.objects.count(), EventApproval.objects.count()) == (1, 1)
