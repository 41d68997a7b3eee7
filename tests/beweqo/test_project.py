"""Project-wide guarantees: migrations match the models, error pages render."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import path


@pytest.mark.django_db
def test_every_model_change_has_a_migration():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def broken_view(request):
    raise RuntimeError("boom")


urlpatterns = [path("kaputt/", broken_view)]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_server_error_page_is_friendly():
    client = Client(raise_request_exception=False)
    response = client.get("/kaputt/")
    assert response.status_code == 500
    content = response.content.decode()
    assert "<html" in content
    assert "boom" not in content
    assert 'lang="de"' in content
