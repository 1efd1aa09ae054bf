"""One contract for every rate limiter: in-memory (fake clock), ``limits`` memory and Redis."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest

from ktp_ocr.api.ratelimit import (
    Decision,
    FailoverLimiter,
    Limiter,
    LimiterUnavailable,
    LimitsLimiter,
    MemoryLimiter,
    build_limiter,
    parse_rate,
    redis_storage,
)
from ktp_ocr.config import Settings

pytestmark = pytest.mark.anyio

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class Clock:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


def _settings(**kw: object) -> Settings:
    return Settings(_env_file=None, **kw)  # type: ignore[call-arg]


@pytest.fixture
def redis_cleanup() -> Iterator[str]:
    """A unique key prefix; every key under it is deleted afterwards."""
    prefix = f"ktp-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture(
    params=["memory-clock", "limits-memory", pytest.param("limits-redis", marks=pytest.mark.redis)]
)
async def limiter(request: pytest.FixtureRequest) -> AsyncIterator[Limiter]:
    item = parse_rate("2/2 seconds")
    made: Limiter
    if request.param == "memory-clock":
        made = MemoryLimiter(item)
    elif request.param == "limits-memory":
        from limits.aio.storage import MemoryStorage

        made = LimitsLimiter(item, MemoryStorage())
    else:
        prefix = request.getfixturevalue("redis_cleanup")
        s = _settings(redis_url=REDIS_URL, redis_prefix=prefix)
        made = LimitsLimiter(item, redis_storage(s, namespace="limits"))
    yield made
    await made.aclose()


async def test_allows_up_to_the_limit_then_refuses(limiter: Limiter) -> None:
    key = uuid.uuid4().hex
    first, second, third = [await limiter.hit(key) for _ in range(3)]
    assert first.allowed and second.allowed
    assert (first.remaining, second.remaining) == (1, 0)
    assert not third.allowed
    assert 1 <= third.retry_after <= 2
    assert third.limit == 2


async def test_keys_are_independent(limiter: Limiter) -> None:
    a, b = uuid.uuid4().hex, uuid.uuid4().hex
    for _ in range(2):
        await limiter.hit(a)
    assert not (await limiter.hit(a)).allowed
    assert (await limiter.hit(b)).allowed


async def test_window_moves_on(limiter: Limiter) -> None:
    key = uuid.uuid4().hex
    for _ in range(3):
        await limiter.hit(key)
    await asyncio.sleep(2.1)
    assert (await limiter.hit(key)).allowed


async def test_ping(limiter: Limiter) -> None:
    await limiter.ping()


async def test_memory_limiter_follows_the_injected_clock() -> None:
    clock = Clock()
    limiter = MemoryLimiter(parse_rate("1/14 seconds"), clock=clock)
    assert (await limiter.hit("a")).allowed
    clock.now += 13.2
    refused = await limiter.hit("a")
    assert (refused.allowed, refused.retry_after) == (False, 1)
    clock.now += 0.8
    assert (await limiter.hit("a")).allowed


async def test_memory_limiter_forgets_idle_clients() -> None:
    clock = Clock()
    limiter = MemoryLimiter(parse_rate("1/10 seconds"), clock=clock)
    for i in range(100):
        await limiter.hit(f"client-{i}")
    clock.now += 30
    await limiter.hit("late")
    assert len(limiter._hits) == 1


@pytest.mark.redis
async def test_two_workers_share_the_redis_limit(redis_cleanup: str) -> None:
    s = _settings(redis_url=REDIS_URL, redis_prefix=redis_cleanup, rate_limit="1/14 seconds")
    one, two = build_limiter(s), build_limiter(s)
    assert isinstance(one, FailoverLimiter) and isinstance(two, FailoverLimiter)
    try:
        assert (await one.hit("203.0.113.5")).allowed
        refused: Decision = await two.hit("203.0.113.5")
        assert not refused.allowed and refused.backend == "redis"
        assert 13 <= refused.retry_after <= 14
    finally:
        await one.aclose()
        await two.aclose()


@pytest.mark.redis
async def test_redis_down_falls_back_to_a_local_limit() -> None:
    s = _settings(redis_url="redis://127.0.0.1:1/0", rate_limit="1/14 seconds")
    limiter = build_limiter(s)
    assert isinstance(limiter, FailoverLimiter)
    try:
        with pytest.raises(LimiterUnavailable):
            await limiter.ping()
        first, second = await limiter.hit("k"), await limiter.hit("k")
        assert first.allowed and not second.allowed
        assert first.backend == "memory" and limiter.degraded
    finally:
        await limiter.aclose()


def test_rate_limit_off() -> None:
    assert build_limiter(_settings(rate_limit=None)) is None
    assert build_limiter(_settings(rate_limit="")) is None
    assert build_limiter(_settings(rate_limit="off")) is None
