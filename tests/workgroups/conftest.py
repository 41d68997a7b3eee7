"""The cast of the bodies: lead and member of the working group "Unternehmen", the lead of
another group ("Beschäftigte"), a steering circle member and its chair, the network office
(tests/conftest.py) and anonymous visitors; and a private file root per test."""

import pytest

from network.models import SteeringRole
from tests.factories import (
    InstitutionFactory,
    SteeringCircleMemberFactory,
    UserFactory,
    WorkingGroupMemberFactory,
    seeded_group,
)


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    """Attachments of a test go to its own directory, outside any public path."""
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"


@pytest.fixture
def group(db):
    return seeded_group("unternehmen")


@pytest.fixture
def other_group(db):
    return seeded_group("beschaeftigte")


@pytest.fixture
def steering_body(db):
    return seeded_group("steuerkreis")


@pytest.fixture
def ihk(db):
    return InstitutionFactory(name="IHK Ostwürttemberg", slug="ihk-ostwuerttemberg")


@pytest.fixture
def lead(group, ihk):
    return WorkingGroupMemberFactory(
        group=group,
        institution=ihk,
        role="lead",
        person=UserFactory(name="Daniel Hägele", email="lead@beweqo.test"),
    ).person


@pytest.fixture
def group_member(group):
    return WorkingGroupMemberFactory(
        group=group, role="member", person=UserFactory(name="Melanie Roth")
    ).person


@pytest.fixture
def other_lead(other_group):
    return WorkingGroupMemberFactory(group=other_group, role="lead").person


@pytest.fixture
def steering_member(db):
    return SteeringCircleMemberFactory(role=SteeringRole.MEMBER).person


@pytest.fixture
def steering_chair(db):
    return SteeringCircleMemberFactory(role=SteeringRole.CHAIR).person
