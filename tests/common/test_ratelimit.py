"""The public forms' hourly limits (common.ratelimit)."""

from django.core.cache import cache

from common.ratelimit import over_limit, rate_limited


def test_the_limit_allows_exactly_so_many_attempts():
    assert [over_limit("t:key", 3) for _ in range(5)] == [False, False, False, True, True]


def test_an_address_is_limited_whichever_network_address_it_comes_from():
    results = [
        rate_limited(
            "t:form", ip=f"10.0.0.{n}", contact="Anna@Beispiel.de ", per_ip=10, per_contact=2
        )
        for n in range(3)
    ]
    assert results == [False, False, True]


def test_the_cache_keeps_a_hash_of_the_address_not_the_address():
    import hashlib

    rate_limited("t:form", ip="10.0.0.1", contact="anna@beispiel.de", per_ip=10, per_contact=2)
    digest = hashlib.sha256(b"anna@beispiel.de").hexdigest()[:32]
    assert cache.get(f"t:form:to:{digest}") == 1
    assert cache.get("t:form:to:anna@beispiel.de") is None


def test_with_the_cache_down_nothing_is_refused(monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "add", unreachable)
    assert not any(over_limit("t:down", 1) for _ in range(3))
