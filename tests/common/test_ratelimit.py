"""The public forms' hourly limits (common.ratelimit)."""

from django.core.cache import cache
from django.test import RequestFactory

from common.ratelimit import client_key, over_limit, rate_limited


def request_from(address: str):
    return RequestFactory().post("/", REMOTE_ADDR=address)


def test_the_limit_allows_exactly_so_many_attempts():
    assert [over_limit("t:key", 3) for _ in range(5)] == [False, False, False, True, True]


def test_an_address_is_limited_whichever_network_address_it_comes_from():
    results = [
        rate_limited(
            "t:form",
            request=request_from(f"10.0.0.{n}"),
            contact="Anna@Beispiel.de ",
            per_ip=10,
            per_contact=2,
        )
        for n in range(3)
    ]
    assert results == [False, False, True]


def test_the_cache_keeps_a_hash_of_the_address_not_the_address():
    import hashlib

    rate_limited(
        "t:form",
        request=request_from("10.0.0.1"),
        contact="anna@beispiel.de",
        per_ip=10,
        per_contact=2,
    )
    digest = hashlib.sha256(b"anna@beispiel.de").hexdigest()[:32]
    assert cache.get(f"t:form:to:{digest}") == 1
    assert cache.get("t:form:to:anna@beispiel.de") is None


def test_with_the_cache_down_nothing_is_refused(monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "add", unreachable)
    assert not any(over_limit("t:down", 1) for _ in range(3))


def test_an_ipv6_client_is_counted_by_its_64_network():
    one = client_key(request_from("2001:db8:1:2::1"))
    other_machine_same_network = client_key(request_from("2001:db8:1:2:ffff::9"))
    next_network = client_key(request_from("2001:db8:1:3::1"))
    assert one == other_machine_same_network == "2001:db8:1:2::/64"
    assert next_network != one
    assert client_key(request_from("192.0.2.4")) == "192.0.2.4"
