"""Accounts: signup with verification, login, rate limits, MFA for roles with personal data,
session limits for staff roles, and hostile input on every account form."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    generate_totp_secret,
)
from django.core import mail
from django.urls import reverse

from beweqo.middleware import SESSION_SEEN, SESSION_STARTED
from network.models import MembershipRole, User
from tests.access import totp_code_now
from tests.conftest import requires_redis
from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/konto/login/"
SIGNUP = "/konto/signup/"


def login(client, email, password=TEST_PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


def test_signup_sends_verification_mail_and_login_waits_for_it(
    client, django_capture_on_commit_callbacks
):
    # Account mail goes through the outbox, which hands it on after the commit.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            SIGNUP,
            {"email": "neu@beispiel.de", "password1": TEST_PASSWORD, "password2": TEST_PASSWORD},
        )
    assert response.status_code == 302
    user = User.objects.get(email="neu@beispiel.de")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["neu@beispiel.de"]
    assert message.subject.startswith("[BeWeQO] ")
    assert "E-Mail" in message.subject

    # Before the address is confirmed, a login leads to the "please verify" page only.
    client.logout()
    response = login(client, "neu@beispiel.de")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session

    link = re.search(r"https?://\S+/konto/confirm-email/\S+/", message.body).group(0)
    path = (
        link.split("beweqo.test", 1)[-1]
        if "beweqo.test" in link
        else link.split("testserver", 1)[-1]
    )
    page = client.get(path)
    assert page.status_code == 200
    assert "neu@beispiel.de" in page.content.decode()
    client.post(path)
    assert user.emailaddress_set.get().verified

    response = login(client, "neu@beispiel.de")
    assert response.status_code == 302
    assert response.url == reverse("portal:my_area")
    assert int(client.session["_auth_user_id"]) == user.pk


def test_login_is_by_email_address_case_insensitively(client):
    user = UserFactory(email="anna.berger@beispiel.de")
    response = login(client, "Anna.Berger@Beispiel.DE")
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_signup_with_a_taken_address_does_not_reveal_the_account(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="vergeben@beispiel.de")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            SIGNUP,
            {
                "email": "vergeben@beispiel.de",
                "password1": TEST_PASSWORD,
                "password2": TEST_PASSWORD,
            },
        )
    # Enumeration is prevented: the same "check your inbox" answer, and the owner gets a mail.
    assert response.status_code == 302
    assert User.objects.filter(email__iexact="vergeben@beispiel.de").count() == 1
    assert mail.outbox[0].to == ["vergeben@beispiel.de"]


def test_password_reset_mail_leads_to_a_new_password(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="vergesslich@beispiel.de")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/konto/password/reset/", {"email": "vergesslich@beispiel.de"})
    assert response.status_code == 302
    body = mail.outbox[0].body
    path = re.search(r"/konto/password/reset/key/\S+/", body).group(0)
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    new_password = "ganz-neues-Passwort-77"
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


@requires_redis
def test_wrong_passwords_are_rate_limited(client):
    UserFactory(email="ziel@beispiel.de")
    for _ in range(5):
        response = login(client, "ziel@beispiel.de", "falsch-falsch")
        assert response.status_code == 200
        assert "nicht korrekt" in response.content.decode() or "falsch" in response.content.decode()
    response = login(client, "ziel@beispiel.de", TEST_PASSWORD)
    # Even the right password is refused while the limit holds.
    assert "_auth_user_id" not in client.session
    assert response.status_code in {200, 429}
    assert "zu viele" in response.content.decode().lower()


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("x" * 10_000 + "@beispiel.de", TEST_PASSWORD),
        ("kein-at-zeichen", TEST_PASSWORD),
        ("<script>alert(1)</script>@beispiel.de", TEST_PASSWORD),
        ("a@beispiel.de", "p" * 10_000),
        ("", ""),
    ],
)
def test_hostile_signup_input_gives_form_errors(client, email, password):
    response = client.post(SIGNUP, {"email": email, "password1": password, "password2": password})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'aria-invalid="true"' in content
    assert "<script>alert(1)</script>" not in content
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("email", "password"),
    [("x" * 10_000, "p"), ("a@beispiel.de", "p" * 10_000), ("", "")],
)
def test_hostile_login_input_gives_form_errors(client, email, password):
    response = login(client, email, password)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_nul_in_signup_or_login_is_refused_at_the_door(client):
    # common.middleware answers before allauth's forms (tests/common/test_bad_text.py).
    signup = {"email": "nul\x00byte@beispiel.de", "password1": TEST_PASSWORD}
    assert client.post(SIGNUP, signup | {"password2": TEST_PASSWORD}).status_code == 400
    assert not User.objects.exists()
    assert login(client, "\x00", "\x00").status_code == 400


def test_network_office_must_set_up_mfa_before_the_admin(client_for, network_office):
    client = client_for(network_office)
    response = client.get("/verwaltung/")
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp") + "?next=%2Fverwaltung%2F"
    page = client.get(response.url, follow=True)
    assert "Zwei-Faktor" in page.content.decode()


def test_counsellor_needs_mfa_but_an_editor_does_not(client_for, institution):
    """The rule follows the role: an editor sees the registrations of their institution's
    events without a second factor, a counsellor of the same institution does not."""
    from tests.events.test_support import portal_event

    counsellor = MembershipFactory(institution=institution, role=MembershipRole.COUNSELLOR).user
    editor = MembershipFactory(institution=institution, role=MembershipRole.EDITOR).user
    event = portal_event(institution=institution)
    url = f"/kurse/bereich/{institution.slug}/veranstaltungen/{event.pk}/anmeldungen/"
    assert client_for(counsellor).get(url).url.startswith(reverse("mfa_activate_totp"))
    assert client_for(editor).get(url).status_code == 200


def test_with_totp_the_network_office_reaches_the_admin(client_for, network_office):
    TOTP.activate(network_office, generate_totp_secret())
    response = client_for(network_office).get("/verwaltung/")
    assert response.status_code == 200


def test_login_with_totp_asks_for_the_code(client, network_office):
    secret = generate_totp_secret()
    TOTP.activate(network_office, secret)
    response = login(client, network_office.email)
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    code = totp_code_now(secret)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == network_office.pk


def test_mfa_is_available_to_everyone(client_for):
    user = UserFactory()
    response = client_for(user).get(reverse("mfa_activate_totp"), follow=True)
    assert response.status_code == 200


def test_setting_up_totp_right_after_login_does_not_ask_for_the_password_again(
    client, network_office
):
    login(client, network_office.email)
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    assert 'name="code"' in response.text  # the set-up form, not the password prompt


def test_setting_up_totp_long_after_login_asks_for_the_password(client, network_office):
    login(client, network_office.email)
    session = client.session
    records = session["account_authentication_methods"]
    records[-1]["at"] -= 301  # longer ago than ACCOUNT_REAUTHENTICATION_TIMEOUT
    session["account_authentication_methods"] = records
    session.save()
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))


def test_a_plain_account_is_not_reached_by_the_admin(client_for):
    response = client_for(UserFactory()).get("/verwaltung/")
    assert response.status_code == 302
    assert "/verwaltung/login/" in response.url


class TestStaffSessions:
    def test_idle_staff_session_ends_after_thirty_minutes(self, client_for, owner):
        client = client_for(owner)
        assert client.get("/mein-bereich/").status_code == 200
        session = client.session
        session[SESSION_SEEN] = int(time.time()) - 31 * 60
        session.save()
        response = client.get("/mein-bereich/")
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
        assert "_auth_user_id" not in client.session

    def test_staff_session_ends_after_twelve_hours_even_when_active(self, client_for, owner):
        client = client_for(owner)
        client.get("/mein-bereich/")
        session = client.session
        session[SESSION_STARTED] = int(time.time()) - 12 * 60 * 60 - 60
        session.save()
        assert client.get("/mein-bereich/").status_code == 302

    def test_active_staff_session_goes_on(self, client_for, owner):
        client = client_for(owner)
        client.get("/mein-bereich/")
        session = client.session
        session[SESSION_SEEN] = int(time.time()) - 29 * 60
        session.save()
        assert client.get("/mein-bereich/").status_code == 200
        assert client.session.get_expiry_age() <= 30 * 60

    def test_plain_accounts_keep_the_long_session(self, client_for):
        client = client_for(UserFactory())
        client.get("/mein-bereich/")
        session = client.session
        session[SESSION_SEEN] = int(time.time()) - 3 * 60 * 60
        session.save()
        assert client.get("/mein-bereich/").status_code == 200


def test_totp_qr_code_does_not_read_out_the_secret(client_for):
    client = client_for(UserFactory())
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    if response.redirect_chain:  # asked for the password again first
        client.post(response.redirect_chain[-1][0], {"password": TEST_PASSWORD})
        response = client.get(reverse("mfa_activate_totp"))
    html = response.content.decode()
    secret = response.context["form"].secret
    image = re.search(r"<img [^>]*>", html).group(0)
    assert secret not in image
    assert 'alt="QR-Code für Ihre Authenticator-App' in image
    assert secret in html  # still there to type in, as text
