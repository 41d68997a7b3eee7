"""The error pages as production serves them: DEBUG off and the manifest static storage
after a collectstatic, so a template that names a static file missing from the manifest
fails here instead of turning the 500 page itself into a bare "Internal Server Error"."""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

STATIC_REFERENCE = re.compile(r'(?:href|src)="/static/([^"]+)"')


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    root = tmp_path_factory.mktemp("staticfiles")
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    # The project's own static files only (the pages name no app's): seconds, not a minute.
    finders = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    with override_settings(
        DEBUG=False, STATIC_ROOT=root, STORAGES=storages, STATICFILES_FINDERS=finders
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield root


@pytest.fixture
def production(collected, settings):
    settings.DEBUG = False
    settings.STATIC_ROOT = collected
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.ROOT_URLCONF = "tests.portal.error_urls"
    return collected


def assert_error_page(response, status: int, heading: str, static_root) -> str:
    html = response.content.decode()
    assert response.status_code == status
    assert '<html lang="de">' in html
    assert 'class="site-header"' in html
    assert "BeWeQO" in html
    assert heading in html
    # A way on: home and the course search at least.
    assert 'href="/"' in html
    assert f'href="{reverse("offerings:catalogue")}"' in html
    referenced = STATIC_REFERENCE.findall(html)
    assert referenced, "no static files referenced: not the portal's layout"
    missing = [name for name in referenced if not (static_root / name).is_file()]
    assert not missing, f"static files missing from the collected files: {missing}"
    # No English defaults of Django.
    assert "Bad Request" not in html
    assert "Forbidden" not in html
    return html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status", "heading"),
    [
        ("/test-fehler/ungueltig/", 400, "Diese Anfrage können wir nicht verarbeiten"),
        ("/test-fehler/verboten/", 403, "Diese Seite dürfen Sie nicht aufrufen"),
        ("/gibt-es-nicht/", 404, "Diese Seite gibt es nicht"),
        ("/test-fehler/kaputt/", 500, "Da ist bei uns etwas schiefgegangen"),
    ],
)
def test_error_page_in_the_portals_layout_and_german(production, path, status, heading):
    client = Client(raise_request_exception=False)
    response = client.get(path, HTTP_REFERER="http://testserver/kurse/")
    html = assert_error_page(response, status, heading, production)
    if status != 500:
        # Rendered with the request: the way back to where the visitor came from.
        assert 'href="http://testserver/kurse/"' in html
        assert "Zurück zur vorigen Seite" in html


@pytest.mark.django_db
def test_csrf_failure_page_says_what_to_do(production):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "a@example.org"})
    html = assert_error_page(response, 403, "Das Formular konnte nicht gesendet werden", production)
    assert "Cookies" in html


@pytest.mark.django_db
def test_back_link_only_to_the_portal_itself(production):
    response = Client().get("/gibt-es-nicht/", HTTP_REFERER="https://evil.example/phish")
    assert response.status_code == 404
    assert "evil.example" not in response.content.decode()


def test_500_page_addresses_match_the_url_names():
    # templates/500.html names its links without {% url %}: they must still be right.
    assert reverse("portal:home") == "/"
    assert reverse("offerings:catalogue") == "/kurse/"
    assert reverse("counselling:directory") == "/beratung/"


@pytest.mark.django_db
def test_a_foreign_host_gets_the_portals_400_page(production):
    response = Client().get("/", HTTP_HOST="evil.example", HTTP_REFERER="http://evil.example/")
    html = assert_error_page(
        response, 400, "Diese Anfrage können wir nicht verarbeiten", production
    )
    assert "evil.example" not in html
