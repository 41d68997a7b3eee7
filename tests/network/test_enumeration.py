"""Nobody learns from sign-up, login or password reset whether an address has an account
(issue 17): the answers are alike and take alike, with the real password hasher."""

import re
import statistics
import time

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.test import Client

from network.models import User
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/konto/signup/"
LOGIN = "/konto/login/"
RESET = "/konto/password/reset/"
ROUNDS = 7


class LighterPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """The production algorithm with a tenth of its rounds: hashing still costs far more
    than the rest of a request, as in production, but seven rounds of three flows stay
    within a minute on a busy test machine (a full hash took 7 s under load here)."""

    iterations = PBKDF2PasswordHasher.iterations // 10


@pytest.fixture
def real_hasher(settings):
    """A real hasher (the suite uses MD5 for speed) for the users made after this."""
    settings.PASSWORD_HASHERS = [f"{__name__}.LighterPBKDF2PasswordHasher"]
    assert [f"{__name__}.LighterPBKDF2PasswordHasher"] == django_settings.PASSWORD_HASHERS


def known_users():
    """Seven users with one real hash, computed once (each hash costs as much as a login)."""
    hashed = make_password(TEST_PASSWORD)
    for number in range(ROUNDS):
        UserFactory(email=f"bekannt{number}@beispiel.de", password=None)
    User.objects.filter(email__startswith="bekannt").update(password=hashed)


def visible_text(response, email: str) -> str:
    """The page a person sees, with what differs per request (tokens, nonces) and the
    address they typed taken out."""
    html = response.content.decode()
    main = re.search(r"<main.*?</main>", html, re.S)
    text = main.group(0) if main else html
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    text = re.sub(r'nonce="[^"]*"', "", text)
    return text.replace(email, "ADDRESS")


def answer(path: str, data: dict, number: int, email: str):
    """One request from a visitor of its own (the limits count per client), timed."""
    client = Client(REMOTE_ADDR=f"198.51.100.{number}")
    started = time.perf_counter()
    response = client.post(path, data)
    elapsed = time.perf_counter() - started
    target = response.headers.get("Location", "")
    page = client.get(target) if target else response
    return elapsed, (response.status_code, target, page.status_code, visible_text(page, email))


def compare(known: list, unknown: list):
    known_times, known_answers = zip(*known, strict=True)
    unknown_times, unknown_answers = zip(*unknown, strict=True)
    # Alike: status, redirect target and the page behind it.
    assert set(known_answers) == set(unknown_answers)
    assert len(set(known_answers)) == 1
    ratio = statistics.median(known_times) / statistics.median(unknown_times)
    assert 0.5 < ratio < 2, (
        f"known {statistics.median(known_times):.3f} s, "
        f"unknown {statistics.median(unknown_times):.3f} s"
    )
    return ratio


def interleaved(make_known, make_unknown):
    """Known and unknown in turn, so a slow moment of the machine hits both alike."""
    known, unknown = [], []
    for number in range(ROUNDS):
        known.append(make_known(number))
        unknown.append(make_unknown(number))
    return known, unknown


def test_signup_with_a_known_address_answers_and_takes_alike(real_hasher):
    known_users()

    def signup(email, number):
        data = {"email": email, "password1": TEST_PASSWORD, "password2": TEST_PASSWORD}
        return answer(SIGNUP, data, number, email)

    known, unknown = interleaved(
        lambda n: signup(f"bekannt{n}@beispiel.de", n),
        lambda n: signup(f"neu{n}@beispiel.de", 100 + n),
    )
    compare(known, unknown)
    assert known[0][1][0] == 302
    assert User.objects.filter(email__startswith="neu").count() == ROUNDS


def test_login_with_a_known_address_answers_and_takes_alike(real_hasher):
    known_users()

    def login(email, number):
        return answer(LOGIN, {"login": email, "password": "falsch-falsch"}, number, email)

    known, unknown = interleaved(
        lambda n: login(f"bekannt{n}@beispiel.de", n),
        lambda n: login(f"unbekannt{n}@beispiel.de", 100 + n),
    )
    compare(known, unknown)
    assert known[0][1][0] == 200


def test_password_reset_answers_and_takes_alike(real_hasher):
    known_users()

    def reset(email, number):
        return answer(RESET, {"email": email}, number, email)

    known, unknown = interleaved(
        lambda n: reset(f"bekannt{n}@beispiel.de", n),
        lambda n: reset(f"unbekannt{n}@beispiel.de", 100 + n),
    )
    compare(known, unknown)
    assert known[0][1][0] == 302
