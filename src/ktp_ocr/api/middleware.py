"""Request id, ``X-Response-Time`` and one access-log line per request (pure ASGI)."""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ktp_ocr.api.logs import request_id_var

log = logging.getLogger("ktp_ocr.api.access")

#: An incoming ``X-Request-ID`` is kept only when it looks like an id (no spaces, no markup).
_SANE_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,64}$")


def request_id(headers: Headers) -> str:
    """The client's ``X-Request-ID`` when sane, else a new random id."""
    incoming = headers.get("x-request-id", "")
    return incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex


class RequestContextMiddleware:
    """Sets the request id (scope state, log context, response header) and times the request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Wrap one HTTP request."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id(Headers(scope=scope))
        scope.setdefault("state", {})["request_id"] = rid
        token = request_id_var.set(rid)
        start = time.perf_counter()
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = rid
                headers["X-Response-Time"] = f"{(time.perf_counter() - start) * 1000:.1f}ms"
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            log.info(
                "%s %s %d",
                scope["method"],
                scope["path"],
                status,
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - start) * 1000, 1),
                },
            )
            request_id_var.reset(token)
