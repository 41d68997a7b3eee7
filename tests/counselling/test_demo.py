"""`load_demo` gives the demo counsellor a queue, the directory services and the demand
board a chance for a joint course; running it again creates nothing new."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from counselling.models import CompanyNeed, CounsellingRequest, CounsellingService, JointMeasure
from counselling.selectors import demand_board

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(demo_loaded, django_db_blocker):
    yield demo_loaded
    # tests/conftest.py removes the network's demo data; requests and needs outlive their
    # institutions (SET_NULL), so they are removed here.
    with django_db_blocker.unblock():
        JointMeasure.objects.all().delete()
        CompanyNeed.objects.all().delete()
        CounsellingRequest.objects.all().delete()


def test_demo_counselling(demo, client_for):
    from network.models import User
    from tests.counselling.conftest import with_mfa

    assert "Beratungsanfragen: 4" in demo
    assert CounsellingService.objects.count() == 4
    # The demo's services are approved: the directory and routing show them.
    assert CounsellingService.objects.listed().count() == 4
    counsellor = with_mfa(User.objects.get(email="beratung@beweqo.example"))
    page = client_for(counsellor).get(reverse("counselling:queue")).content.decode()
    assert "BQ-DEMO01" in page
    assert demand_board()[0].is_joint_course_chance


def test_demo_is_idempotent(demo):
    counts = (
        CounsellingService.objects.count(),
        CounsellingRequest.objects.count(),
        CompanyNeed.objects.count(),
    )
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=StringIO())
    assert (
        CounsellingService.objects.count(),
        CounsellingRequest.objects.count(),
        CompanyNeed.objects.count(),
    ) == counts
