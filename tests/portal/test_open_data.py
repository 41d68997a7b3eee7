"""The open-data page: the licence, the API with its parameters, the feeds; and the
footer's link to it."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

SITE = "https://beweqo.test"
LICENCE_URL = "https://www.govdata.de/dl-de/by-2-0"


def test_open_data_page_explains_the_api_licence_and_feeds(client):
    response = client.get(reverse("portal:open_data"))

    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="{LICENCE_URL}"' in page
    assert "Datenlizenz Deutschland – Namensnennung – Version 2.0" in page
    assert "GeoNames" in page
    assert "CC BY 4.0" in page
    assert f"BeWeQO – Weiterbildungskatalog, {SITE}/daten/" in page
    assert 'href="/kurse/api/openapi.json"' in page
    assert 'href="/veranstaltungen/kalender.ics"' in page
    for name in ("q", "ort", "umkreis", "tageszeit", "seite", "pro_seite"):
        assert f"<code>{name}</code>" in page
    assert "EUPL-1.2" in page
    assert 'href="/sitemap.xml"' in page


def test_footer_links_to_the_open_data_page(client):
    page = client.get(reverse("portal:home")).content.decode()

    assert f'href="{reverse("portal:open_data")}"' in page
