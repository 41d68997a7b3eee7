"""The session key changes when a session gains rights (issue 17): at login, at login
with the second factor, and when a second factor is set up."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    generate_totp_secret,
)
from django.conf import settings
from django.urls import reverse

from tests.access import totp_code_now
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/konto/login/"


def session_key(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_login_gives_a_new_session_key(client):
    user = UserFactory()
    planted = client.session  # a session a stranger could have planted in the browser
    planted["note"] = "planted"
    planted.save()
    before = session_key(client)
    client.post(LOGIN, {"login": user.email, "password": TEST_PASSWORD})
    assert int(client.session["_auth_user_id"]) == user.pk
    assert session_key(client) != before


def test_the_second_factor_at_login_gives_a_new_session_key(client):
    user = UserFactory()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    client.post(LOGIN, {"login": user.email, "password": TEST_PASSWORD})
    halfway = session_key(client)  # password given, code not yet
    assert "_auth_user_id" not in client.session
    client.post(reverse("mfa_authenticate"), {"code": totp_code_now(secret)})
    assert int(client.session["_auth_user_id"]) == user.pk
    assert session_key(client) != halfway


# Transactional: allauth announces the new factor after the commit, which in a test
# wrapped in a transaction would come only after the response.
@pytest.mark.django_db(transaction=True)
def test_setting_up_a_second_factor_gives_a_new_session_key(client):
    user = UserFactory()
    client.post(LOGIN, {"login": user.email, "password": TEST_PASSWORD})
    assert int(client.session["_auth_user_id"]) == user.pk
    # allauth asks for the password again before security settings change.
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200, (page.status_code, page.headers.get("Location"))
    secret = client.session["mfa.totp.secret"]
    before = session_key(client)
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code_now(secret)})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert session_key(client) != before
    # Still the same person, logged in.
    assert int(client.session["_auth_user_id"]) == user.pk
