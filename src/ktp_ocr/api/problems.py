"""Errors only the HTTP service raises, as :class:`~ktp_ocr.errors.KtpError` subclasses.

They join the library's tree so one handler translates everything::

    KtpError
    ├── InputError
    │   ├── BadUpload            HTTP 400   missing_file, empty_file, bad_multipart
    │   ├── UploadTooSmall       HTTP 422   file_too_small
    │   └── UploadTimeout        HTTP 408   upload_timeout
    ├── Unauthorized             HTTP 401   unauthorized
    └── ServiceBusy              HTTP 503   server_busy

``docs/errors.md`` lists every code with its status.
"""

from __future__ import annotations

from ktp_ocr.errors import InputError, KtpError


class BadUpload(InputError):
    """The request carries no usable file (missing field, empty file, broken multipart)."""

    http_status = 400
    default_code = "missing_file"


class UploadTooSmall(InputError):
    """The file is under the configured minimum size (a thumbnail, not a photo)."""

    default_code = "file_too_small"


class UploadTimeout(InputError):
    """The client took too long to send the upload."""

    http_status = 408
    default_code = "upload_timeout"


class Unauthorized(KtpError):
    """API keys are configured and the request has no valid one."""

    http_status = 401
    default_code = "unauthorized"


class ServiceBusy(KtpError):
    """Too many reads are already waiting in this worker."""

    exit_code = 3
    http_status = 503
    default_code = "server_busy"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
