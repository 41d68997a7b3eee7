"""The settings module: strict parsing, refusal to start insecurely, a clean deploy check."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from beweqo.env import env_bool, env_int, env_list, env_url

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 30 + "-production-like-secret-key-for-the-check",
    "ALLOWED_HOSTS": "portal.beweqo.example",
    "SITE_URL": "https://portal.beweqo.example",
    "REDIS_URL": "redis://127.0.0.1:6379/14",
    "SMTP_HOST": "mail.beweqo.example",
    "BEHIND_TLS_PROXY": "true",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    clean.pop("DATABASE_URL", None)
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    clean["DJANGO_SETTINGS_MODULE"] = "beweqo.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("raw", ["maybe", "Ja", "2", "yes please"])
def test_a_boolean_that_is_neither_true_nor_false_is_an_error(monkeypatch, raw):
    monkeypatch.setenv("SOME_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG must be true or false"):
        env_bool("SOME_FLAG")


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("False", False), (" 1 ", True)])
def test_booleans_accept_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG") is expected


def test_numbers_must_be_whole_and_in_range(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "12.5")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("SOME_NUMBER", 1)
    monkeypatch.setenv("SOME_NUMBER", "10")
    with pytest.raises(ImproperlyConfigured, match="at least 60"):
        env_int("SOME_NUMBER", 1, minimum=60)


def test_lists_refuse_empty_items(monkeypatch):
    monkeypatch.setenv("SOME_LIST", "a.example,,b.example")
    with pytest.raises(ImproperlyConfigured, match="without empty items"):
        env_list("SOME_LIST")
    monkeypatch.setenv("SOME_LIST", " a.example , b.example ")
    assert env_list("SOME_LIST") == ["a.example", "b.example"]


def test_urls_must_have_an_allowed_scheme(monkeypatch):
    monkeypatch.setenv("SOME_URL", "mysql://db/beweqo")
    with pytest.raises(ImproperlyConfigured, match="postgres://"):
        env_url("SOME_URL", schemes=("postgres",))


def test_production_refuses_to_start_without_secret_key():
    env = PRODUCTION_ENV | {"SECRET_KEY": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is false" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = run_manage("check", env=PRODUCTION_ENV | {"SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_manage("check", env=PRODUCTION_ENV | {"ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set when DEBUG is false" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        env=PRODUCTION_ENV | {"DEBUG": ""},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_a_malformed_variable_stops_the_start_with_its_name():
    result = run_manage("check", env=PRODUCTION_ENV | {"SECURE_SSL_REDIRECT": "sometimes"})
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT must be true or false" in result.stderr


def test_deploy_check_is_clean_in_a_production_like_environment():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_warns_when_mail_and_cache_are_not_configured():
    env = PRODUCTION_ENV | {"REDIS_URL": "", "SMTP_HOST": ""}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "beweqo.W001" in result.stderr
    assert "beweqo.W002" in result.stderr


def test_embedded_default_without_services(settings):
    """Without DATABASE_URL and REDIS_URL the portal runs on SQLite with inline tasks."""
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.MAILERS['default']['BACKEND'])",
        env={"DEBUG": "true", "REDIS_URL": "", "SMTP_HOST": ""},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
    ]


def test_security_headers_on_every_page(client, db):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp  # no inline scripts at all, so no nonce (issue 19)
    assert "style-src 'self';" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
