"""The one check of the access matrices (back office, events, working groups): a role
either gets the page or change (and an allowed change changes something), is sent to
the login page, or gets the expected refusal, and a refusal changes nothing."""

import time
from urllib.parse import urlsplit

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import resolve

OK, LOGIN = "ok", "login"


def with_second_factor(user):
    """`user` with a confirmed TOTP authenticator, as the roles that see personal data need."""
    TOTP.activate(user, generate_totp_secret())
    return user


def totp_code_now(secret: str) -> str:
    """The code an authenticator app shows now. Near the end of its window the code could
    expire before the login checks it (allauth accepts no neighbouring window), so this
    waits for the next window then, as a person would wait for the next code."""
    period = mfa_settings.TOTP_PERIOD
    remaining = period - time.time() % period
    if remaining < 2:
        time.sleep(remaining + 0.05)
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def assert_access(client, *, method: str, url: str, data, expected, state) -> None:
    """`expected` is OK, LOGIN or a status code; `state()` reads what the URL could change."""
    before = state()
    response = getattr(client, method)(url, data) if data is not None else client.get(url)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith("/konto/login/")
    elif expected == OK:
        assert response.status_code == (200 if method == "get" else 302), response.content[:800]
        if method == "post":
            assert not response.url.startswith("/konto/login/")
            assert state() != before, "an allowed change must change something"
    else:
        assert response.status_code == expected
    if expected != OK:
        assert state() == before


def view_names(urls) -> set[str]:
    """The URL names ("namespace:name") that `urls` reach: what a matrix really covers.

    Each matrix module declares `COVERS` and checks it against its cases with this, and
    tests/beweqo/test_url_access.py asks every URL pattern to be in one of them or public.
    """
    return {resolve(urlsplit(url).path).view_name for url in urls}
