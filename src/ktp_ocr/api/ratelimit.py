"""Rate limiting: an async :class:`Limiter` Protocol and its implementations.

* :class:`LimitsLimiter`: the ``limits`` library's async strategies (moving or fixed window)
  over ``async+memory://`` (one worker) or ``async+redis://`` (shared by all workers and
  replicas).
* :class:`MemoryLimiter`: a moving window in process memory that reads time from an injected
  clock, so tests can move time forward.
* :class:`FailoverLimiter`: a shared limiter that falls back to a local one when its store
  (Redis) is down, and says so in ``/health``.

``build_limiter(settings)`` picks one from the settings; ``None`` means rate limiting is off.
"""

from __future__ import annotations

import logging
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import anyio
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import (
    FixedWindowRateLimiter,
    MovingWindowRateLimiter,
    RateLimiter,
)
from limits.errors import ConfigurationError, StorageError

from ktp_ocr.config import Settings

log = logging.getLogger(__name__)

Clock = Callable[[], float]

#: Errors a Redis-backed store raises when the server is down, slow or unreachable.
STORE_ERRORS: tuple[type[BaseException], ...] = (StorageError, OSError, TimeoutError)


class LimiterUnavailable(Exception):
    """The limiter's store cannot be reached."""


@dataclass(frozen=True, slots=True)
class Decision:
    """The limiter's answer for one request.

    ``retry_after`` is the whole number of seconds (at least 1) to wait when refused, else 0.
    """

    allowed: bool
    limit: int
    remaining: int
    retry_after: int
    backend: str = "memory"


@runtime_checkable
class Limiter(Protocol):
    """Counts one hit for ``key`` and says whether it is allowed."""

    async def hit(self, key: str) -> Decision:
        """Count a request from ``key``; never raises for a refusal (see ``allowed``)."""
        ...

    async def ping(self) -> None:
        """Raise :class:`LimiterUnavailable` when the store cannot be reached."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...


def parse_rate(text: str) -> RateLimitItem:
    """Parse ``"1/14 seconds"``, ``"10 per minute"`` ...; raises ValueError when malformed."""
    try:
        item: RateLimitItem = parse(text)
    except ValueError as exc:
        raise ValueError(f"invalid rate limit {text!r}: {exc}") from exc
    return item


def _retry_after(seconds: float) -> int:
    return max(1, math.ceil(seconds))


class MemoryLimiter:
    """A moving-window limiter in process memory with an injected clock (tests, one worker)."""

    backend = "memory"

    def __init__(self, item: RateLimitItem, *, clock: Clock = time.monotonic) -> None:
        self._amount = int(item.amount)
        self._window = float(item.get_expiry())
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._last_sweep = clock()

    def _sweep(self, now: float) -> None:
        """Forget keys whose window has passed, so memory stays bounded by active clients."""
        if now - self._last_sweep < self._window:
            return
        self._last_sweep = now
        for key in [k for k, q in self._hits.items() if not q or q[-1] <= now - self._window]:
            del self._hits[key]

    async def hit(self, key: str) -> Decision:
        """Count one request from ``key``."""
        now = self._clock()
        self._sweep(now)
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self._window:
            hits.popleft()
        if len(hits) >= self._amount:
            wait = hits[0] + self._window - now
            return Decision(False, self._amount, 0, _retry_after(wait), self.backend)
        hits.append(now)
        return Decision(True, self._amount, self._amount - len(hits), 0, self.backend)

    async def ping(self) -> None:
        """Memory is always there."""

    async def aclose(self) -> None:
        """Forget every count."""
        self._hits.clear()


class LimitsLimiter:
    """The ``limits`` library's async strategies over a memory or Redis storage."""

    def __init__(
        self,
        item: RateLimitItem,
        storage: Storage,
        *,
        strategy: str = "moving-window",
        clock: Clock = time.time,
        timeout: float = 2.0,
    ) -> None:
        self._item = item
        self._storage = storage
        self._limiter: RateLimiter = (
            FixedWindowRateLimiter(storage)
            if strategy == "fixed-window"
            else MovingWindowRateLimiter(storage)
        )
        self._clock = clock
        self._timeout = timeout
        self.backend = "redis" if isinstance(storage, RedisStorage) else "memory"

    async def hit(self, key: str) -> Decision:
        """Count one request from ``key``; store failures raise :class:`LimiterUnavailable`."""
        amount = int(self._item.amount)
        try:
            with anyio.fail_after(self._timeout):
                allowed = await self._limiter.hit(self._item, key)
                stats = await self._limiter.get_window_stats(self._item, key)
        except STORE_ERRORS as exc:
            raise LimiterUnavailable(f"rate-limit store failed: {type(exc).__name__}") from exc
        if allowed:
            return Decision(True, amount, max(0, stats.remaining), 0, self.backend)
        wait = stats.reset_time - self._clock()
        return Decision(False, amount, 0, _retry_after(wait), self.backend)

    async def ping(self) -> None:
        """Raise :class:`LimiterUnavailable` when the store does not answer."""
        try:
            with anyio.fail_after(self._timeout):
                ok = await self._storage.check()
        except STORE_ERRORS as exc:
            raise LimiterUnavailable(f"{type(exc).__name__}") from exc
        if not ok:
            raise LimiterUnavailable("the store did not answer PING")

    async def aclose(self) -> None:
        """Close the Redis connection pool, if any."""
        await close_storage(self._storage)


async def close_storage(storage: Storage) -> None:
    """Close a ``limits`` storage's client (Redis) or stop its expiry task (memory)."""
    bridge: Any = getattr(storage, "bridge", None)
    client: Any = getattr(bridge, "storage", None)
    if client is not None:
        await client.aclose()
    timer: Any = getattr(storage, "timer", None)
    if timer is not None and not timer.done():
        timer.cancel()


class FailoverLimiter:
    """A shared limiter that falls back to a local one while its store is down.

    The fallback keeps clients limited per worker instead of not at all; ``/health`` reports
    the store as down.
    """

    def __init__(self, primary: Limiter, fallback: Limiter) -> None:
        self.primary = primary
        self.fallback = fallback
        self.degraded = False

    async def hit(self, key: str) -> Decision:
        """Count on the shared store, or on the local fallback when the store fails."""
        try:
            decision = await self.primary.hit(key)
        except LimiterUnavailable as exc:
            if not self.degraded:
                log.warning("rate-limit store down, limiting per worker: %s", exc)
            self.degraded = True
            return await self.fallback.hit(key)
        if self.degraded:
            log.warning("rate-limit store back")
        self.degraded = False
        return decision

    async def ping(self) -> None:
        """Ping the shared store."""
        await self.primary.ping()

    async def aclose(self) -> None:
        """Close both limiters."""
        await self.primary.aclose()
        await self.fallback.aclose()


def redis_storage_uri(url: str) -> str:
    """``redis://host:port/db`` as the ``limits`` async URI (``async+redis://...``)."""
    return url if url.startswith("async+") else f"async+{url}"


def redis_storage(settings: Settings, *, namespace: str) -> RedisStorage:
    """A ``limits`` Redis storage with short timeouts and the configured key prefix."""
    assert settings.redis_url is not None
    timeout = settings.dependency_timeout_seconds
    try:
        return RedisStorage(
            redis_storage_uri(settings.redis_url),
            implementation="redispy",
            wrap_exceptions=True,
            key_prefix=f"{settings.redis_prefix}:{namespace}",
            socket_connect_timeout=timeout,
            socket_timeout=timeout,
        )
    except ConfigurationError as exc:
        raise ValueError(f"cannot use REDIS_URL for rate limits: {exc}") from exc


def build_limiter(settings: Settings, *, clock: Clock | None = None) -> Limiter | None:
    """The limiter the settings ask for, or None when ``rate_limit`` is empty/``off``."""
    text = (settings.rate_limit or "").strip()
    if not text or text.lower() in {"off", "none", "0"}:
        return None
    item = parse_rate(text)
    strategy = settings.rate_limit_strategy
    timeout = settings.dependency_timeout_seconds
    if clock is not None:
        return MemoryLimiter(item, clock=clock)
    local = LimitsLimiter(item, MemoryStorage(), strategy=strategy, timeout=timeout)
    if settings.rate_limit_backend == "redis" and settings.redis_url:
        shared = LimitsLimiter(
            item, redis_storage(settings, namespace="limits"), strategy=strategy, timeout=timeout
        )
        return FailoverLimiter(shared, local)
    return local
