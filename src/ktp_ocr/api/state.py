"""What a worker builds once at start-up and shares between requests (STYLE R6).

:class:`Services` holds the reader (OCR engine + region repository), the rate limiter, the
result cache, the Redis client and the OCR thread limiter, and runs a reading off the event
loop. :class:`RegionsGuard` keeps the service reading cards while the region database is down:
readings then go on without region names, ``/health`` says so, and the database is tried again
every ``db_retry_seconds``.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

import anyio

from ktp_ocr.api.cache import ResultCache
from ktp_ocr.api.convert import build_body, card_image_data_url
from ktp_ocr.api.problems import BadUpload, ServiceBusy, UploadTooSmall
from ktp_ocr.api.ratelimit import Limiter
from ktp_ocr.config import Settings
from ktp_ocr.errors import RegionStoreError, UnsupportedImage
from ktp_ocr.imaging.load import detect_format, refuse_heif
from ktp_ocr.ocr.base import OcrEngine
from ktp_ocr.regions.base import RegionRepository
from ktp_ocr.types import ReadResult

log = logging.getLogger(__name__)

Body = dict[str, Any]


class CardReader(Protocol):
    """What the service needs of :class:`ktp_ocr.pipeline.Reader`."""

    engine: OcrEngine
    regions: RegionRepository | None

    @property
    def today(self) -> date:
        """The date NIKs are judged against."""
        ...

    def read(self, image: Any, *, keep_card_image: bool = False) -> ReadResult:
        """Read one card."""
        ...


class RegionsGuard:
    """The region repository and whether it answers; thread-safe (used from OCR threads)."""

    def __init__(
        self,
        repo: RegionRepository | None,
        *,
        opener: Callable[[], RegionRepository] | None = None,
        retry_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        error: str | None = None,
    ) -> None:
        self._repo = repo
        self._opener = opener
        self._retry = retry_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self.error = error
        self._last_try = clock() if error else float("-inf")

    @property
    def configured(self) -> bool:
        """Whether a region database is part of this service at all."""
        return self._repo is not None or self._opener is not None

    def mark_down(self, exc: BaseException) -> None:
        """Record a failure seen while reading."""
        with self._lock:
            if self.error is None:
                log.warning("region database down, reading without regions: %s", exc)
            self.error = type(exc).__name__
            self._last_try = self._clock()

    def _connect(self) -> RegionRepository:
        if self._repo is not None:
            self._repo.ping()  # type: ignore[attr-defined]
            return self._repo
        assert self._opener is not None
        return self._opener()

    def check(self) -> RegionRepository | None:
        """Ping (or open) the database now; the repository when it answers."""
        if not self.configured:
            return None
        try:
            repo = self._connect()
        except RegionStoreError as exc:
            self.mark_down(exc)
            return None
        with self._lock:
            if self.error is not None:
                log.warning("region database back")
            self._repo, self.error = repo, None
        return repo

    def available(self) -> RegionRepository | None:
        """The repository, or None while it is down (retried every ``retry_seconds``)."""
        with self._lock:
            if self.error is None:
                return self._repo
            due = self._clock() - self._last_try >= self._retry
            if due:
                self._last_try = self._clock()
        return self.check() if due else None


def check_image(data: bytes, settings: Settings) -> None:
    """Refuse empty, non-image, unsupported and too-small uploads from their bytes alone."""
    if not data:
        raise BadUpload("The uploaded file is empty: send the photo again.", code="empty_file")
    fmt = detect_format(data)
    allowed = {f.upper() for f in settings.allowed_image_formats}
    refuse_heif(fmt)
    if fmt is None or fmt not in allowed:
        what = "not an image" if fmt is None else f"a {fmt} file"
        raise UnsupportedImage(
            f"The file is {what}: send a photo of the card as {', '.join(sorted(allowed))}.",
            code="not_an_image" if fmt is None or fmt == "PDF" else "unsupported_format",
        )
    if len(data) < settings.min_upload_bytes:
        raise UploadTooSmall(
            f"The file is {len(data) / 1024:.0f} KB, under the "
            f"{settings.min_upload_bytes / 1024:.0f} KB minimum: "
            "send the original photo, not a thumbnail or a screenshot.",
            code="file_too_small",
        )


@dataclass
class Services:
    """Everything one worker shares between requests."""

    settings: Settings
    reader: CardReader
    regions: RegionsGuard
    limiter: Limiter | None = None
    cache: ResultCache | None = None
    redis: Any = None  # redis.asyncio client when REDIS_URL is set
    closers: Sequence[Callable[[], Any]] = ()
    ocr_limiter: anyio.CapacityLimiter = field(init=False)
    busy: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self.ocr_limiter = anyio.CapacityLimiter(self.settings.reads_at_once)
        self._readers: dict[int, CardReader] = {}

    def _reader_for(self, repo: RegionRepository | None) -> CardReader:
        if repo is self.reader.regions:
            return self.reader
        cached = self._readers.get(id(repo))
        if cached is None or cached.regions is not repo:
            cached = copy.copy(self.reader)
            cached.regions = repo
            self._readers = {id(repo): cached}
        return cached

    def _read_sync(self, data: bytes, keep_card_image: bool) -> tuple[Body, str | None]:
        """Read and convert in a worker thread; falls back to no regions if the DB fails."""
        repo = self.regions.available()
        degraded = [] if repo is not None or not self.regions.configured else ["database"]
        reader = self._reader_for(repo)
        try:
            result = reader.read(data, keep_card_image=keep_card_image)
            body = build_body(result, repo, today=reader.today, degraded=degraded)
        except RegionStoreError as exc:
            self.regions.mark_down(exc)
            reader = self._reader_for(None)
            result = reader.read(data, keep_card_image=keep_card_image)
            body = build_body(result, None, today=reader.today, degraded=["database"])
        return body, card_image_data_url(result.card_image) if keep_card_image else None

    def cache_key(self, data: bytes) -> str:
        """The image's SHA-256 and the engine: a reading depends on both."""
        return f"{self.reader.engine.name}:{hashlib.sha256(data).hexdigest()}"

    async def read(self, data: bytes, *, keep_card_image: bool = False) -> Body:
        """Validate the bytes, then read the card off the event loop (or from the cache)."""
        check_image(data, self.settings)
        key = self.cache_key(data) if self.cache is not None else ""
        if self.cache is not None and not keep_card_image:
            hit = await self.cache.get(key)
            if hit is not None:
                return {**hit, "cached": True}
        body, card_image = await self._run(data, keep_card_image)
        if self.cache is not None and not body["degraded"]:
            await self.cache.set(key, body)
        if card_image is not None:
            body = {**body, "card_image": card_image}
        return body

    async def _run(self, data: bytes, keep_card_image: bool) -> tuple[Body, str | None]:
        settings = self.settings
        if (
            settings.ocr_queue_limit
            and self.busy >= settings.reads_at_once + settings.ocr_queue_limit
        ):
            raise ServiceBusy(
                "The service is busy reading other cards: retry in a few seconds.", retry_after=2
            )
        self.busy += 1
        try:
            job = functools.partial(self._read_sync, data, keep_card_image)
            return await anyio.to_thread.run_sync(job, limiter=self.ocr_limiter)
        finally:
            self.busy -= 1

    async def aclose(self) -> None:
        """Close the limiter, the cache, Redis and the database (at shutdown)."""
        if self.limiter is not None:
            await self.limiter.aclose()
        if self.cache is not None:
            await self.cache.aclose()
        if self.redis is not None:
            await self.redis.aclose()
        for close in self.closers:
            close()
