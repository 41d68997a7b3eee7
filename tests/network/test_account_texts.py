"""The account pages (allauth's login, sign-up, password, e-mail and two-factor pages), their
messages and mails address people as "Sie", like the rest of the portal: allauth's German
catalogue says "du", which locale/de/LC_MESSAGES/django.po overrides."""

import html
import re

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

# "du", "dein…", "dich", "dir" as words of their own: not "Produkt", "Dirigent", "Idee".
DU_FORMS = re.compile(r"\b(du|dein\w*|dich|dir)\b", re.IGNORECASE)
HIDDEN = re.compile(r"<(script|style)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
SPOKEN_ATTRIBUTES = re.compile(r'\b(?:aria-label|title|placeholder|alt)="([^"]*)"')


def readable_text(page: str) -> str:
    """What a person reads or hears: the text and the attributes spoken aloud."""
    page = HIDDEN.sub(" ", page)
    spoken = " ".join(SPOKEN_ATTRIBUTES.findall(page))
    return html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + spoken)


def du_forms(text: str) -> list[str]:
    return [
        text[max(0, m.start() - 40) : m.end() + 40].replace("\n", " ")
        for m in DU_FORMS.finditer(text)
    ]


def assert_sie(response_or_text, where: str) -> str:
    if isinstance(response_or_text, str):
        text = response_or_text
    else:
        assert response_or_text.status_code == 200, where
        text = readable_text(response_or_text.content.decode())
    found = du_forms(text)
    assert not found, f"{where} says 'du': {found}"
    return text


@pytest.mark.parametrize(
    "name",
    [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_reset_password_done",
        "account_email_verification_sent",
        "account_reset_password_from_key_done",
    ],
)
def test_account_pages_say_sie_to_visitors(client, name):
    assert_sie(client.get(reverse(name)), name)


def test_invalid_links_say_sie(client):
    bad_reset = reverse("account_reset_password_from_key", kwargs={"uidb36": "1", "key": "x-y"})
    text = assert_sie(client.get(bad_reset, follow=True), "invalid reset link")
    assert "ungültig" in text
    bad_confirm = reverse("account_confirm_email", kwargs={"key": "abc"})
    text = assert_sie(client.get(bad_confirm), "invalid confirmation link")
    assert "Bestätigungslink" in text


def test_account_pages_say_sie_to_people_logged_in(client):
    user = UserFactory()
    client.force_login(user)
    for name in [
        "account_change_password",
        "account_email",
        "account_logout",
        "account_reauthenticate",
        "mfa_index",
        "mfa_activate_totp",
    ]:
        assert_sie(client.get(reverse(name), follow=True), name)

    TOTP.activate(user, generate_totp_secret())
    RecoveryCodes.activate(user)
    for name in ["mfa_index", "mfa_deactivate_totp", "mfa_generate_recovery_codes"]:
        assert_sie(client.get(reverse(name), follow=True), f"{name} with TOTP on")


def test_account_messages_and_errors_say_sie(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    mismatch = client.post(
        reverse("account_signup"),
        {"email": "neu@beispiel.de", "password1": TEST_PASSWORD, "password2": "anders-1234"},
    )
    assert "zweimal dasselbe Passwort" in assert_sie(mismatch, "sign-up with two passwords")

    wrong = client.post(reverse("account_login"), {"login": user.email, "password": "falsch"})
    assert_sie(wrong, "login with a wrong password")

    client.force_login(user)
    change = client.post(
        reverse("account_change_password"),
        {"oldpassword": "falsch", "password1": "neu-" + TEST_PASSWORD, "password2": "x"},
    )
    assert "aktuelles Passwort" in assert_sie(change, "password change, wrong old password")

    keep_primary = client.post(
        reverse("account_email"), {"action_remove": "", "email": user.email}, follow=True
    )
    assert "nicht entfernen" in assert_sie(keep_primary, "removing the primary address")

    logged_out = client.post(reverse("account_logout"), follow=True)
    assert "abgemeldet" in assert_sie(logged_out, "after logging out")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})
        client.post(
            reverse("account_signup"),
            {"email": "neu@beispiel.de", "password1": TEST_PASSWORD, "password2": TEST_PASSWORD},
        )
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert_sie(f"{message.subject}\n{message.body}", f"mail {message.subject!r}")
