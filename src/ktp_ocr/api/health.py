"""Readiness: the engine, the region database and Redis, each ``ok``, ``down`` or ``off``."""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import anyio
from limits.errors import StorageError

from ktp_ocr.api.state import Services

log = logging.getLogger(__name__)


def package_version() -> str:
    """The installed ktp-ocr version."""
    try:
        return version("ktp-ocr")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


def _engine(services: Services) -> dict[str, Any]:
    engine = getattr(services.reader, "engine", None)
    if engine is None:
        return {"status": "down", "detail": "no OCR engine loaded"}
    return {"status": "ok", "detail": str(getattr(engine, "name", "unknown"))}


async def _database(services: Services) -> dict[str, Any]:
    guard = services.regions
    if not guard.configured:
        return {"status": "off", "detail": None}
    try:
        with anyio.fail_after(services.settings.dependency_timeout_seconds):
            repo = await anyio.to_thread.run_sync(guard.check, abandon_on_cancel=True)
    except TimeoutError:
        repo = None
        guard.mark_down(TimeoutError("region database ping timed out"))
    if repo is None:
        return {
            "status": "down",
            "detail": "the region database does not answer; cards are read without region "
            "names, NIK regions and lookup ids",
        }
    return {"status": "ok", "detail": None}


async def _redis(services: Services) -> dict[str, Any]:
    client = services.redis
    if client is None:
        return {"status": "off", "detail": None}
    from redis.exceptions import RedisError

    try:
        with anyio.fail_after(services.settings.dependency_timeout_seconds):
            await client.ping()
    except (StorageError, OSError, TimeoutError, RedisError) as exc:
        log.warning("redis ping failed: %s", type(exc).__name__)
        return {
            "status": "down",
            "detail": "Redis does not answer; rate limits are counted per worker and the "
            "shared result cache is off",
        }
    return {"status": "ok", "detail": None}


async def readiness(services: Services) -> tuple[int, dict[str, Any]]:
    """HTTP status (200 or 503) and the body of ``GET /health``."""
    checks = {
        "engine": _engine(services),
        "database": await _database(services),
        "redis": await _redis(services),
    }
    down = any(c["status"] == "down" for c in checks.values())
    body = {"status": "degraded" if down else "ok", **checks, "version": package_version()}
    return (503 if down else 200), body
