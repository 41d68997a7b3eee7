"""The network page: its working groups and the institutions in the steering circle."""

import pytest

from tests.factories import InstitutionFactory, SteeringCircleMemberFactory

pytestmark = pytest.mark.django_db


def test_network_page_lists_groups_and_steering_institutions_once(client):
    landkreis = InstitutionFactory(name="Landratsamt Ostalbkreis", slug="lra-ostalb")
    ihk = InstitutionFactory(name="IHK Ostwürttemberg", slug="ihk")
    SteeringCircleMemberFactory(institution=landkreis)
    SteeringCircleMemberFactory(institution=landkreis)
    SteeringCircleMemberFactory(institution=ihk)
    InstitutionFactory(name="Nicht im Steuerkreis", slug="nicht")

    response = client.get("/netzwerk/")

    assert response.status_code == 200
    assert response.context["steering_institutions"] == [ihk, landkreis]
    content = response.content.decode()
    assert "Nicht im Steuerkreis" not in content
    for group in ("Unternehmen", "Beschäftigte", "Außendarstellung"):
        assert group in content
