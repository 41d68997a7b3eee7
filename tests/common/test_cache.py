"""The Redis cache backend that reuses its redis-py clients (common.cache)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import caches

from common.cache import RedisCache


@pytest.fixture
def backend():
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        pytest.skip("Redis is not configured")  # .ci/run always configures it
    return backend


def test_every_call_uses_the_one_client_of_its_pool(backend):
    first = backend._cache.get_client("a", write=True)
    assert backend._cache.get_client("b", write=False) is first


def test_threads_sharing_the_client_each_read_their_own_values(backend):
    def round_trip(number: int) -> list[int]:
        seen = []
        for step in range(50):
            backend.set(f"cache-test:{number}", number * 1000 + step)
            seen.append(backend.get(f"cache-test:{number}"))
        return seen

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(round_trip, range(8)))

    for number, seen in enumerate(results):
        assert seen == [number * 1000 + step for step in range(50)]
    assert backend.get_many([f"cache-test:{n}" for n in range(8)]) == {
        f"cache-test:{n}": n * 1000 + 49 for n in range(8)
    }
