"""The four audience pages (/fuer/…) link to what the portal already offers, instead of
announcing it as coming."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

AUDIENCES = ["beschaeftigte", "einrichtungen", "unternehmen", "weiterbildung-und-arbeit"]


@pytest.mark.parametrize("key", AUDIENCES)
def test_no_audience_page_announces_as_coming_what_exists(client, key):
    page = client.get(reverse("portal:audience", args=[key])).text
    assert "in Vorbereitung" not in page
    assert "Was wir gerade aufbauen" not in page


@pytest.mark.parametrize(
    ("key", "target"),
    [
        ("beschaeftigte", reverse("offerings:alert_subscribe")),
        ("weiterbildung-und-arbeit", reverse("offerings:alert_subscribe")),
        ("einrichtungen", reverse("portal:my_area")),
        ("einrichtungen", reverse("workgroups:index")),
        ("einrichtungen", reverse("steering:dashboard")),
    ],
)
def test_audience_pages_link_to_course_alerts_back_office_and_working_groups(client, key, target):
    page = client.get(reverse("portal:audience", args=[key])).text
    assert f'href="{target}' in page
