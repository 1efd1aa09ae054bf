"""The endpoints: ``POST /ocr-ktp``, ``GET /health``, ``GET /ping``, and the web page at ``/``."""

from __future__ import annotations

from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from ktp_ocr.api.deps import ServicesDep, enforce_rate_limit, require_api_key
from ktp_ocr.api.health import readiness
from ktp_ocr.api.schemas import ErrorResponse, HealthResponse, OcrKtpResponse, PingResponse
from ktp_ocr.api.upload import FIELD_NAMES, read_upload

router = APIRouter()

_BINARY = {"type": "string", "format": "binary"}
UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The photo (JPEG, PNG or WebP, 50 KB to 5 MB by default) in the "
        "multipart field `image` (`file` and `sampleFile` are accepted too), or as the raw "
        "body with an image Content-Type.",
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": dict.fromkeys(FIELD_NAMES, _BINARY),
                }
            },
            "image/jpeg": {"schema": _BINARY},
            "image/png": {"schema": _BINARY},
        },
    }
}
_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": text}
    for status, text in {
        400: "missing_file, empty_file, bad_multipart, upload_incomplete",
        401: "unauthorized (API keys configured)",
        408: "upload_timeout",
        413: "file_too_large, too_many_pixels",
        415: "not_an_image, unsupported_format, heic_not_supported",
        422: "file_too_small, truncated_image, no_card (IMAGE_INVALID), ...",
        429: "rate_limited (see Retry-After)",
        503: "server_busy, region_store_unavailable, engine_unavailable",
    }.items()
}


def _wants_card_image(include: str | None) -> bool:
    return "card_image" in {part.strip() for part in (include or "").split(",")}


@router.post(
    "/ocr-ktp",
    response_model=OcrKtpResponse,
    responses=_ERRORS,
    openapi_extra=UPLOAD_BODY,
    dependencies=[Depends(require_api_key), Depends(enforce_rate_limit)],
    summary="Read a KTP photo",
)
async def ocr_ktp(
    request: Request,
    services: ServicesDep,
    include: Annotated[
        str | None, Query(description="`card_image`: add the flattened card as a JPEG data URL")
    ] = None,
) -> JSONResponse:
    """Read the card in the uploaded photo and return its data, the NIK's facts and detail."""
    settings = services.settings
    upload = await read_upload(
        request, max_bytes=settings.max_upload_bytes, timeout=settings.upload_timeout_seconds
    )
    body = await services.read(upload.data, keep_card_image=_wants_card_image(include))
    body["request_id"] = request.state.request_id
    headers = {"Cache-Control": "no-store"}
    decision = getattr(request.state, "rate_limit", None)
    if decision is not None:
        headers |= {"X-RateLimit-Limit": str(decision.limit),
                    "X-RateLimit-Remaining": str(decision.remaining)}  # fmt: skip
    return JSONResponse(body, headers=headers)


@router.get(
    "/health",
    response_model=HealthResponse,
    responses={503: {"model": HealthResponse, "description": "a dependency is down"}},
    summary="Readiness",
)
async def health(services: ServicesDep) -> JSONResponse:
    """200 when the engine, the database and Redis (if configured) answer; 503 says which not."""
    status, body = await readiness(services)
    return JSONResponse(body, status_code=status)


@router.get("/ping", response_model=PingResponse, summary="Liveness")
async def ping() -> PingResponse:
    """Answers at once, even while cards are being read."""
    return PingResponse()


#: The try-it page (docs/web.md): plain files in ``api/static``, nothing from elsewhere.
_STATIC = resources.files("ktp_ocr.api") / "static"
_ASSETS = {"app.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8"}
_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'",
    "Cache-Control": "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


@router.get("/", include_in_schema=False)
def web_page(request: Request) -> HTMLResponse:
    """The page to try the reader; it knows whether a key is needed and the upload cap."""
    settings = request.app.state.settings
    html = (_STATIC / "index.html").read_text("utf-8")
    html = html.replace("{{key_required}}", "true" if settings.api_keys else "false")
    html = html.replace("{{max_upload_bytes}}", str(int(settings.max_upload_bytes)))
    return HTMLResponse(html, headers=_PAGE_HEADERS)


@router.get("/static/{name}", include_in_schema=False)
def web_asset(name: str) -> Response:
    """The page's stylesheet and script (a fixed list: no path from the request is opened)."""
    if name not in _ASSETS:
        raise HTTPException(404, "Not Found")
    return Response((_STATIC / name).read_bytes(), media_type=_ASSETS[name], headers=_PAGE_HEADERS)
