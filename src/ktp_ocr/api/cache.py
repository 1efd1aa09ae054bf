"""Optional cache of readings by image hash (SHA-256), with a TTL; never stores the image.

Off unless ``cache_ttl_seconds`` > 0. In memory per worker, or in Redis (shared) when
``REDIS_URL`` is set. A Redis failure is a cache miss, never an error for the client.
"""

from __future__ import annotations

import json
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol

import anyio

from ktp_ocr.api.ratelimit import STORE_ERRORS

log = logging.getLogger(__name__)

Body = dict[str, Any]


class ResultCache(Protocol):
    """Readings by key (the image's SHA-256 plus the engine name)."""

    async def get(self, key: str) -> Body | None:
        """The stored reading, or None."""
        ...

    async def set(self, key: str, body: Body) -> None:
        """Store a reading for the TTL."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...


class MemoryCache:
    """An LRU in process memory, bounded in entries, with a TTL and an injectable clock."""

    def __init__(
        self, ttl: float, *, max_items: int = 1024, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl
        self._max = max_items
        self._clock = clock
        self._items: OrderedDict[str, tuple[float, Body]] = OrderedDict()

    async def get(self, key: str) -> Body | None:
        """The reading if stored and fresh."""
        item = self._items.get(key)
        if item is None:
            return None
        expires, body = item
        if expires <= self._clock():
            del self._items[key]
            return None
        self._items.move_to_end(key)
        return body

    async def set(self, key: str, body: Body) -> None:
        """Store, evicting the least recently used entries past ``max_items``."""
        self._items[key] = (self._clock() + self._ttl, body)
        self._items.move_to_end(key)
        while len(self._items) > self._max:
            self._items.popitem(last=False)

    async def aclose(self) -> None:
        """Forget everything."""
        self._items.clear()


class RedisCache:
    """Readings as JSON in Redis under ``<prefix>:result:<key>`` with ``SET EX``."""

    def __init__(self, client: Any, ttl: int, *, prefix: str, timeout: float) -> None:
        self._client = client
        self._ttl = ttl
        self._prefix = f"{prefix}:result:"
        self._timeout = timeout

    async def get(self, key: str) -> Body | None:
        """The stored reading, or None (also when Redis is down)."""
        try:
            with anyio.fail_after(self._timeout):
                raw = await self._client.get(self._prefix + key)
        except (*STORE_ERRORS, _redis_error()) as exc:
            log.warning("result cache unavailable: %s", type(exc).__name__)
            return None
        if raw is None:
            return None
        body: Body = json.loads(raw)
        return body

    async def set(self, key: str, body: Body) -> None:
        """Store a reading; failures are logged and ignored."""
        try:
            with anyio.fail_after(self._timeout):
                await self._client.set(self._prefix + key, json.dumps(body), ex=self._ttl)
        except (*STORE_ERRORS, _redis_error()) as exc:
            log.warning("result cache unavailable: %s", type(exc).__name__)

    async def aclose(self) -> None:
        """The client is owned by the app's services."""


def _redis_error() -> type[Exception]:
    from redis.exceptions import RedisError

    return RedisError
