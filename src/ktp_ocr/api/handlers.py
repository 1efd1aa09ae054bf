"""The one place errors become HTTP answers (STYLE R4): ``{"code", "message"}`` bodies.

* :class:`~ktp_ocr.errors.KtpError` -> its ``http_status`` and stable ``code``; when no card
  could be read the message is the original service's ``IMAGE_INVALID`` and the reason goes
  in ``detail``.
* Routing errors (404, 405) and request validation errors get the same body shape.
* Anything else is logged with the request id and answered with a generic 500; the exception's
  text never reaches the client.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ktp_ocr.api.problems import ServiceBusy, Unauthorized
from ktp_ocr.errors import CardNotFound, KtpError, RateLimited, UnreadableCard

log = logging.getLogger(__name__)

#: The original service's answer when no card text could be read.
IMAGE_INVALID = "IMAGE_INVALID"

_HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def _request_id(request: Request) -> str | None:
    rid: str | None = request.scope.get("state", {}).get("request_id")
    return rid


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    *,
    detail: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A JSON error body with the request id (also as a header, for 500s)."""
    rid = _request_id(request)
    body: dict[str, Any] = {"code": code, "message": message}
    if detail is not None:
        body["detail"] = detail
    if rid:
        body["request_id"] = rid
        headers = {**(headers or {}), "X-Request-ID": rid}
    return JSONResponse(body, status_code=status, headers=headers)


async def ktp_error(request: Request, exc: Exception) -> JSONResponse:
    """Translate the package's error tree."""
    assert isinstance(exc, KtpError)
    headers: dict[str, str] = {}
    if isinstance(exc, (RateLimited, ServiceBusy)):
        headers["Retry-After"] = str(max(1, int(exc.retry_after)))
    if isinstance(exc, Unauthorized):
        headers["WWW-Authenticate"] = 'Bearer realm="ktp-ocr"'
    level = logging.WARNING if exc.http_status >= 500 else logging.INFO
    log.log(level, "refused: %s", exc.code, extra={"code": exc.code, "status": exc.http_status})
    if isinstance(exc, (CardNotFound, UnreadableCard)):
        return error_response(
            request, exc.http_status, exc.code, IMAGE_INVALID, detail=exc.message, headers=headers
        )
    return error_response(request, exc.http_status, exc.code, exc.message, headers=headers)


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    """404, 405 and other routing errors in the same shape."""
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
    message = exc.detail if isinstance(exc.detail, str) else "HTTP error"
    headers = dict(exc.headers) if exc.headers else None
    return error_response(request, exc.status_code, code, message, headers=headers)


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    """Bad query parameters; the offending input is not echoed back."""
    assert isinstance(exc, RequestValidationError)
    where = sorted({".".join(str(p) for p in e.get("loc", ())) for e in exc.errors()})
    return error_response(
        request, 422, "invalid_request", f"Invalid request parameters: {', '.join(where)}."
    )


async def unhandled(request: Request, exc: Exception) -> JSONResponse:
    """Last resort: log with the request id, answer a generic 500."""
    log.error("unhandled %s", type(exc).__name__, exc_info=exc)
    rid = _request_id(request)
    return error_response(
        request,
        500,
        "internal_error",
        f"Internal error; quote request id {rid} when reporting it.",
    )


def install(app: FastAPI) -> None:
    """Register every handler on ``app``."""
    app.add_exception_handler(KtpError, ktp_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, unhandled)
