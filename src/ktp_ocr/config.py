"""Settings from the environment (prefix ``KTP_``) and a ``.env`` file.

Only :mod:`ktp_ocr.pipeline`, :mod:`ktp_ocr.api` and :mod:`ktp_ocr.cli` build a
:class:`Settings`; everything below receives plain arguments.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

#: A list read from one environment variable as comma-separated text (``a,b``) or JSON.
CsvList = Annotated[list[str], NoDecode]


def default_database_url() -> str:
    """The built-in SQLite file, in the user's cache folder (built on first use)."""
    cache = Path.home() / ".cache" / "ktp-ocr"
    return f"sqlite:///{cache / 'regions.db'}"


class Settings(BaseSettings):
    """All runtime configuration, with safe defaults."""

    model_config = SettingsConfigDict(
        env_prefix="KTP_", env_file=".env", extra="ignore", populate_by_name=True
    )

    # Reader
    ocr_engine: str = "rapidocr"
    ocr_threads: int = Field(default=0, ge=0, description="0 = let the runtime decide")
    ocr_quantized: bool | None = Field(
        default=None,
        description="RapidOCR: int8 recogniser first; unset = where the CPU has VNNI or AVX2",
    )
    max_image_bytes: int = Field(default=40 * 1024 * 1024, gt=0, description="library / CLI")
    max_pixels: int = Field(default=40_000_000, gt=0)
    ensemble: bool = False

    # Region database
    database_url: str = Field(
        default_factory=default_database_url,
        validation_alias=AliasChoices("KTP_DATABASE_URL", "DATABASE_URL"),
    )

    # Service
    max_upload_bytes: int = Field(default=5 * 1024 * 1024, gt=0)
    min_upload_bytes: int = Field(default=50 * 1024, ge=0)
    rate_limit: str | None = "1/14 seconds"
    rate_limit_backend: Literal["memory", "redis"] = "memory"
    redis_url: str | None = Field(
        default=None, validation_alias=AliasChoices("KTP_REDIS_URL", "REDIS_URL")
    )
    trusted_proxies: CsvList = Field(default_factory=list)
    api_keys: CsvList = Field(
        default_factory=list, validation_alias=AliasChoices("KTP_API_KEYS", "API_KEYS")
    )
    cors_origins: CsvList = Field(default_factory=list)
    cache_ttl_seconds: int = Field(default=0, ge=0, description="0 = result cache off")
    log_level: str = "INFO"
    rate_limit_strategy: Literal["moving-window", "fixed-window"] = "moving-window"
    redis_prefix: str = Field(default="ktp-ocr", min_length=1, description="Redis key prefix")
    allowed_image_formats: CsvList = Field(default_factory=lambda: ["JPEG", "PNG", "WEBP"])
    ocr_concurrency: int = Field(
        default=0, ge=0, description="cards read at once per worker; 0 = one per CPU core"
    )
    ocr_queue_limit: int = Field(default=16, ge=0, description="waiting reads; 0 = no limit")
    upload_timeout_seconds: float = Field(default=30.0, gt=0)
    dependency_timeout_seconds: float = Field(default=2.0, gt=0, description="Redis, DB checks")
    db_retry_seconds: float = Field(default=30.0, gt=0, description="reconnect a down DB")
    cache_max_items: int = Field(default=1024, ge=1, description="in-memory result cache")
    shutdown_timeout_seconds: float = Field(default=30.0, gt=0)
    log_json: bool = True

    @field_validator(
        "trusted_proxies", "api_keys", "cors_origins", "allowed_image_formats", mode="before"
    )
    @classmethod
    def _split_csv(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                import json

                return json.loads(text)
            return [item.strip() for item in text.split(",") if item.strip()]
        return value

    @model_validator(mode="after")
    def _redis_backend_needs_url(self) -> Settings:
        if self.redis_url and self.rate_limit_backend == "memory":
            # REDIS_URL set: share limits between workers and replicas.
            self.rate_limit_backend = "redis"
        if self.rate_limit_backend == "redis" and not self.redis_url:
            raise ValueError("rate_limit_backend 'redis' needs KTP_REDIS_URL or REDIS_URL")
        return self

    @property
    def reads_at_once(self) -> int:
        """Cards one worker reads at the same time (``ocr_concurrency``, 0 resolved)."""
        return self.ocr_concurrency or os.cpu_count() or 1
