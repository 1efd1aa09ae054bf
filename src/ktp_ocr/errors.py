"""The error tree. Each class carries its CLI exit code, HTTP status and a stable code.

::

    KtpError                         exit 1  HTTP 500
    ├── InputError                   exit 2  HTTP 422
    │   ├── UnsupportedImage         exit 2  HTTP 415   not an image / format not supported
    │   ├── CorruptImage             exit 2  HTTP 422   truncated or undecodable image
    │   ├── ImageTooLarge            exit 2  HTTP 413   bytes or pixels over the limit
    │   ├── CardNotFound             exit 2  HTTP 422   no card / card too small / not a KTP
    │   └── UnreadableCard           exit 2  HTTP 422   too blurred, too dark, glare over the NIK
    ├── EngineUnavailable            exit 3  HTTP 503
    ├── RegionStoreError             exit 4  HTTP 503
    └── RateLimited                  exit 5  HTTP 429

Every message is written for a person who can act on it; ``docs/errors.md`` lists them all.
"""

from __future__ import annotations

from typing import ClassVar


class KtpError(Exception):
    """Base of every error this package raises on purpose."""

    exit_code: ClassVar[int] = 1
    http_status: ClassVar[int] = 500
    default_code: ClassVar[str] = "internal_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code


class InputError(KtpError):
    """The input cannot be read as a KTP."""

    exit_code = 2
    http_status = 422
    default_code = "invalid_input"


class UnsupportedImage(InputError):
    """The bytes are not an image in a supported format."""

    http_status = 415
    default_code = "unsupported_image"


class CorruptImage(InputError):
    """The bytes look like an image but cannot be decoded (truncated, damaged, empty)."""

    default_code = "corrupt_image"


class ImageTooLarge(InputError):
    """The upload or its pixel count is over the configured limit."""

    http_status = 413
    default_code = "image_too_large"


class CardNotFound(InputError):
    """No KTP could be found in the image (codes: no_card, card_too_small, not_ktp)."""

    default_code = "no_card"


class UnreadableCard(InputError):
    """A card is there but cannot be read (codes: too_blurred, too_dark, glare, ...)."""

    default_code = "unreadable"


class EngineUnavailable(KtpError):
    """An OCR engine's package, binary or model is missing."""

    exit_code = 3
    http_status = 503
    default_code = "engine_unavailable"

    def __init__(self, engine: str, *, hint: str = "") -> None:
        message = f"OCR engine {engine!r} is not available"
        super().__init__(f"{message}: {hint}" if hint else message)
        self.engine = engine
        self.hint = hint


class RegionStoreError(KtpError):
    """The region database is unreachable or empty."""

    exit_code = 4
    http_status = 503
    default_code = "region_store_unavailable"


class RateLimited(KtpError):
    """The rate limiter refused the request."""

    exit_code = 5
    http_status = 429
    default_code = "rate_limited"

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after
