"""The FastAPI application factory and its lifespan (STYLE R6).

``uvicorn --factory ktp_ocr.api.app:create_app`` (what ``ktp-ocr serve`` runs) builds one app
per worker process with settings from the environment; the lifespan then loads the OCR engine,
opens the region database, the rate limiter, the cache and Redis once for that worker.

Tests inject doubles: ``create_app(settings, reader=Reader(ScriptedEngine(...)), clock=...)``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi_offline import FastAPIOffline

from ktp_ocr.api import handlers
from ktp_ocr.api.cache import MemoryCache, RedisCache, ResultCache
from ktp_ocr.api.clients import parse_networks
from ktp_ocr.api.health import package_version
from ktp_ocr.api.middleware import RequestContextMiddleware
from ktp_ocr.api.ratelimit import Clock, Limiter, build_limiter, parse_rate
from ktp_ocr.api.routes import router
from ktp_ocr.api.server import mark_ready
from ktp_ocr.api.state import CardReader, RegionsGuard, Services
from ktp_ocr.config import Settings
from ktp_ocr.errors import RegionStoreError
from ktp_ocr.heap import return_large_blocks
from ktp_ocr.ocr.base import OcrEngine
from ktp_ocr.regions.base import RegionRepository

log = logging.getLogger(__name__)

DESCRIPTION = """
Reads an Indonesian identity card (KTP) from a phone photo.

`POST /ocr-ktp` with the photo in the multipart field `image` answers the card's fields
(`dataOcrKtp`), the NIK's own facts (`dataNikParser`) and the detail behind them. Errors are
`{"code": ..., "message": ...}` with a stable `code` (see docs/errors.md). Rate limits answer
429 with `Retry-After`.
"""


def _open_regions(settings: Settings) -> RegionsGuard:
    from ktp_ocr.regions.sql import open_repository

    def opener() -> Any:
        return open_repository(settings.database_url)

    try:
        repo = opener()
    except RegionStoreError as exc:
        log.warning("region database unavailable at start-up, reading without regions: %s", exc)
        return RegionsGuard(None, opener=opener, retry_seconds=settings.db_retry_seconds,
                            error=type(exc).__name__)  # fmt: skip
    return RegionsGuard(repo, opener=opener, retry_seconds=settings.db_retry_seconds)


ReaderFactory = Callable[[Settings, RegionRepository | None], CardReader]


def pipeline_reader(
    settings: Settings, regions: RegionRepository | None, *, engine: OcrEngine | None = None
) -> CardReader:
    """The production reader: the OCR engine (loaded once) over the region repository."""
    from ktp_ocr.ocr import create_engine
    from ktp_ocr.ocr.pool import EnginePool
    from ktp_ocr.pipeline import Limits, Reader, engine_options

    if engine is None:
        size = settings.reads_at_once
        build = functools.partial(create_engine, settings.ocr_engine, **engine_options(settings))
        engine = build() if size == 1 else EnginePool(build, size)
    limits = Limits(settings.max_upload_bytes, settings.max_pixels)
    return Reader(engine, regions, limits=limits)


def _build_reader(settings: Settings, factory: ReaderFactory) -> tuple[CardReader, RegionsGuard]:
    guard = _open_regions(settings)
    return factory(settings, guard.available()), guard


def _redis_client(settings: Settings) -> Any:
    if not settings.redis_url:
        return None
    import redis.asyncio

    timeout = settings.dependency_timeout_seconds
    return redis.asyncio.from_url(
        settings.redis_url, socket_connect_timeout=timeout, socket_timeout=timeout
    )


def _cache(settings: Settings, client: Any, clock: Clock | None) -> ResultCache | None:
    ttl = settings.cache_ttl_seconds
    if ttl <= 0:
        return None
    if client is not None:
        return RedisCache(
            client, ttl, prefix=settings.redis_prefix, timeout=settings.dependency_timeout_seconds
        )
    if clock is not None:
        return MemoryCache(ttl, max_items=settings.cache_max_items, clock=clock)
    return MemoryCache(ttl, max_items=settings.cache_max_items)


async def build_services(
    settings: Settings,
    *,
    reader: CardReader | None = None,
    reader_factory: ReaderFactory | None = None,
    engine: OcrEngine | None = None,
    limiter: Limiter | None = None,
    clock: Clock | None = None,
) -> Services:
    """Everything a worker shares; the heavy part (engine, database) runs off the loop."""
    if reader is None:
        factory = reader_factory or functools.partial(pipeline_reader, engine=engine)
        built, guard = await anyio.to_thread.run_sync(_build_reader, settings, factory)
    else:
        built = reader
        guard = RegionsGuard(reader.regions, retry_seconds=settings.db_retry_seconds)
    client = _redis_client(settings)
    closers = [c] if (c := getattr(guard.available(), "close", None)) else []
    return Services(
        settings=settings,
        reader=built,
        regions=guard,
        limiter=limiter if limiter is not None else build_limiter(settings, clock=clock),
        cache=_cache(settings, client, clock),
        redis=client,
        closers=closers,
    )


def create_app(
    settings: Settings | None = None,
    *,
    reader: CardReader | None = None,
    reader_factory: ReaderFactory | None = None,
    engine: OcrEngine | None = None,
    limiter: Limiter | None = None,
    clock: Clock | None = None,
) -> FastAPI:
    """The service. With no arguments, settings come from the environment (``KTP_*``, ``.env``).

    Args:
        settings: Configuration; ``Settings()`` when None.
        reader: A ready reader (tests); its ``regions`` is the database. Else one is built at
            start-up: the region database is opened from ``settings.database_url`` and handed
            to ``reader_factory`` (default: the pipeline's Reader on ``engine`` or
            ``settings.ocr_engine``).
        reader_factory: Builds the reader from the settings and the opened regions (or None
            when the database is down at start-up).
        engine: An OCR engine for the built reader (tests); else ``settings.ocr_engine``.
        limiter: A rate limiter (tests); else built from ``settings.rate_limit``.
        clock: Time source for the in-memory limiter and cache (tests).
    """
    settings = settings or Settings()
    return_large_blocks()
    if settings.rate_limit and settings.rate_limit.strip().lower() not in {"off", "none", "0"}:
        parse_rate(settings.rate_limit)  # fail at start-up, not on the first request

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = await build_services(
            settings,
            reader=reader,
            reader_factory=reader_factory,
            engine=engine,
            limiter=limiter,
            clock=clock,
        )
        app.state.services = services
        mark_ready()
        log.info("worker ready", extra={"code": "startup"})
        try:
            yield
        finally:
            await services.aclose()

    # The documentation pages load Swagger UI and ReDoc from the installed package, not from a
    # CDN: the service runs on servers that may not reach the internet.
    app = FastAPIOffline(
        title="ktp-ocr",
        version=package_version(),
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.trusted_networks = parse_networks(settings.trusted_proxies)
    handlers.install(app)
    app.include_router(router)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "X-API-Key", "X-Request-ID"],
            expose_headers=["X-Request-ID", "X-Response-Time", "Retry-After"],
        )
    app.add_middleware(RequestContextMiddleware)
    return app
