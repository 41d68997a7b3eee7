"""The client's address behind the reverse proxy (common.clientip, issue 17): limits count
per visitor, not per proxy, and a forged X-Forwarded-For gains nothing."""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from common.clientip import client_address
from tests.beweqo.test_settings import PRODUCTION_ENV, run_manage
from tests.conftest import requires_redis
from tests.factories import TEST_PASSWORD, UserFactory

PROXY = "10.0.0.2"
LOGIN = "/konto/login/"


def test_without_trusted_proxies_the_header_is_ignored():
    assert client_address("198.51.100.7", "203.0.113.1", proxies=0) == "198.51.100.7"


def test_one_proxy_gives_the_address_it_appended():
    assert client_address(PROXY, "198.51.100.7", proxies=1) == "198.51.100.7"


def test_what_a_client_prepends_is_never_read():
    forged = "203.0.113.1, 203.0.113.2, 198.51.100.7"
    assert client_address(PROXY, forged, proxies=1) == "198.51.100.7"
    # Two proxies: the outer one appended the client, the inner one the outer proxy.
    assert client_address(PROXY, f"203.0.113.1, 198.51.100.7, {PROXY}", proxies=2) == (
        "198.51.100.7"
    )


def test_a_request_that_passed_fewer_proxies_gives_the_last_hop_it_has():
    assert client_address(PROXY, "198.51.100.7", proxies=2) == "198.51.100.7"


def test_trusted_networks_refuse_the_header_from_anyone_else():
    import ipaddress

    networks = (ipaddress.ip_network("10.0.0.0/8"),)
    assert client_address(PROXY, "198.51.100.7", proxies=1, networks=networks) == ("198.51.100.7")
    # Straight to the application port, with a header of one's own choosing.
    assert client_address("198.51.100.9", "203.0.113.1", proxies=1, networks=networks) == (
        "198.51.100.9"
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("198.51.100.7:4711", "198.51.100.7"),
        ("[2001:db8::7]:4711", "2001:db8::7"),
        ("2001:DB8::7", "2001:db8::7"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        ("unknown", PROXY),
    ],
)
def test_hops_are_read_with_ports_and_normalised(header, expected):
    assert client_address(PROXY, header, proxies=1) == expected


def test_a_malformed_network_stops_the_start():
    result = run_manage("check", env=PRODUCTION_ENV | {"TRUSTED_PROXY_NETWORKS": "10.0.0.0/33"})
    assert result.returncode != 0
    assert "TRUSTED_PROXY_NETWORKS" in result.stderr
    assert ImproperlyConfigured.__name__ in result.stderr


def behind_proxy(visitor: str, forged: str = "") -> Client:
    """A browser whose requests reach the portal through the proxy: the peer is the proxy,
    which appended the visitor's address to whatever header the visitor sent."""
    header = f"{forged}, {visitor}" if forged else visitor
    return Client(REMOTE_ADDR=PROXY, headers={"X-Forwarded-For": header})


@pytest.fixture
def one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def failed_logins(client, email, times=5):
    for _ in range(times):
        client.post(LOGIN, {"login": email, "password": "falsch-falsch"})


def logs_in(client, email) -> bool:
    client.post(LOGIN, {"login": email, "password": TEST_PASSWORD})
    return "_auth_user_id" in client.session


@requires_redis
@pytest.mark.django_db
def test_five_failed_logins_from_one_visitor_do_not_block_another(one_proxy):
    UserFactory(email="opfer@beispiel.de")
    for number in range(5):
        UserFactory(email=f"ziel{number}@beispiel.de")
    attacker = behind_proxy("198.51.100.66")
    for number in range(5):
        failed_logins(attacker, f"ziel{number}@beispiel.de", times=1)
    attacker_blocked = attacker.post(LOGIN, {"login": "ziel0@beispiel.de", "password": "x"})
    assert "zu viele" in attacker_blocked.content.decode().lower()

    assert logs_in(behind_proxy("198.51.100.7"), "opfer@beispiel.de")


@requires_redis
@pytest.mark.django_db
def test_a_forged_forwarded_for_gains_nothing(one_proxy):
    for number in range(6):
        UserFactory(email=f"ziel{number}@beispiel.de")
    # Each attempt pretends to come from somewhere else; the proxy appends the truth.
    for number in range(5):
        attacker = behind_proxy("198.51.100.66", forged=f"203.0.113.{number}")
        failed_logins(attacker, f"ziel{number}@beispiel.de", times=1)
    attacker = behind_proxy("198.51.100.66", forged="203.0.113.99")
    assert not logs_in(attacker, "ziel5@beispiel.de")


@pytest.mark.django_db
def test_hourly_form_limits_count_per_visitor(one_proxy):
    def subscribe(client, email):
        return client.post("/newsletter/", {"email": email, "consent": "on"})

    flooder = behind_proxy("198.51.100.66")
    statuses = [subscribe(flooder, f"person{n}@beispiel.de").status_code for n in range(11)]
    assert statuses[-1] == 429
    # A forged header does not buy the flooder a fresh count either.
    forging = behind_proxy("198.51.100.66", forged="203.0.113.5")
    assert subscribe(forging, "noch-jemand@beispiel.de").status_code == 429

    neighbour = behind_proxy("198.51.100.7")
    assert subscribe(neighbour, "nachbarin@beispiel.de").status_code == 302


@pytest.mark.django_db
def test_the_access_log_gets_the_visitor_not_the_proxy(one_proxy):
    """gunicorn.conf.py logs %({beweqo_client_ip}e)s: the WSGI environ the server logs from
    carries the visitor's address once the portal answered."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.client import RequestFactory

    from common.clientip import ENVIRON_KEY

    environ = RequestFactory(
        REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.1, 198.51.100.7"
    )._base_environ(PATH_INFO="/healthz", REQUEST_METHOD="GET")
    response = WSGIHandler()(environ, lambda status, headers, exc_info=None: None)
    response.close()
    assert environ[ENVIRON_KEY] == "198.51.100.7"

    config = (Path(__file__).resolve().parents[2] / "gunicorn.conf.py").read_text()
    assert "%({" + ENVIRON_KEY.lower() + "}e)s" in config


def test_no_code_reads_the_peer_address_but_common_clientip():
    """Every limiter and log asks common.clientip; reading REMOTE_ADDR or the forwarded
    header anywhere else would bring back the portal-wide lock-out."""
    root = Path(__file__).resolve().parents[2]
    readers = []
    for path in root.glob("*/**/*.py"):
        relative = path.relative_to(root).as_posix()
        if relative.startswith((".venv/", "node_modules/", "tests/", "var/")):
            continue
        text = path.read_text()
        lowered = text.lower()
        if (
            "remote_addr" in lowered
            or "http_x_forwarded_for" in lowered
            or 'forwarded-for")' in lowered
        ):
            readers.append(relative)
    assert readers == ["common/clientip.py"]
