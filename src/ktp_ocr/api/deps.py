"""Route dependencies: the shared services, the API key and the rate limit."""

from __future__ import annotations

import hmac
import logging
from typing import Annotated

from fastapi import Depends, Request

from ktp_ocr.api.clients import client_address, parse_networks, rate_key
from ktp_ocr.api.problems import Unauthorized
from ktp_ocr.api.ratelimit import LimiterUnavailable
from ktp_ocr.api.state import Services
from ktp_ocr.errors import RateLimited

log = logging.getLogger(__name__)


def get_services(request: Request) -> Services:
    """The worker's services, built by the lifespan."""
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def presented_key(request: Request) -> str | None:
    """The key from ``X-API-Key`` or ``Authorization: Bearer <key>``."""
    key = request.headers.get("x-api-key")
    if key:
        return key.strip()
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def key_matches(presented: str, keys: list[str]) -> bool:
    """Constant-time comparison against every configured key (no early exit)."""
    given = presented.encode()
    found = False
    for key in keys:
        found |= hmac.compare_digest(given, key.encode())
    return found


async def require_api_key(request: Request, services: ServicesDep) -> None:
    """401 when API keys are configured and the request has none of them."""
    keys = services.settings.api_keys
    if not keys:
        return
    presented = presented_key(request)
    if presented is None or not key_matches(presented, keys):
        raise Unauthorized(
            "A valid API key is required: send it in the X-API-Key header "
            "or as Authorization: Bearer <key>."
        )


def client_of(request: Request, services: Services) -> str:
    """The client's address (forwarded only by a trusted proxy)."""
    networks = request.app.state.trusted_networks
    peer = request.client.host if request.client else None
    return client_address(peer, request.headers.getlist("x-forwarded-for"), networks)


async def enforce_rate_limit(request: Request, services: ServicesDep) -> None:
    """429 with ``Retry-After`` when the client is over the limit."""
    limiter = services.limiter
    if limiter is None:
        return
    key = rate_key(client_of(request, services))
    try:
        decision = await limiter.hit(key)
    except LimiterUnavailable as exc:  # a bare shared limiter without fallback: fail open
        log.warning("rate limiter unavailable, request let through: %s", exc)
        return
    request.state.rate_limit = decision
    if not decision.allowed:
        raise RateLimited(
            f"Too many requests: {decision.limit} allowed per window; "
            f"retry in {decision.retry_after} s.",
            retry_after=decision.retry_after,
        )


__all__ = [
    "ServicesDep",
    "enforce_rate_limit",
    "get_services",
    "parse_networks",
    "require_api_key",
]
