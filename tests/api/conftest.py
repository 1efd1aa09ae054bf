"""Fixtures for the HTTP service tests (helpers live in apikit.py)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from apikit import FakeClock, TcpProxy


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A unique Redis key prefix; every key under it is deleted afterwards."""
    prefix = f"ktp-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    import redis

    client = redis.Redis(host="127.0.0.1", port=6379)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture
def tcp_proxy() -> Iterator[Callable[..., TcpProxy]]:
    """Make loopback proxies (target port, optional own port); all stopped afterwards."""
    made: list[TcpProxy] = []

    def make(target: int, port: int = 0) -> TcpProxy:
        proxy = TcpProxy(target, port)
        made.append(proxy)
        return proxy

    yield make
    for proxy in made:
        proxy.stop()
