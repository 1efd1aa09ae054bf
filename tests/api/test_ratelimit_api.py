"""Rate limiting on /ocr-ktp: 429 with Retry-After, per client, not dodged by a forged header."""

from __future__ import annotations

import pytest
from apikit import FakeClock, FakeReader, client_for, png_bytes, settings

from ktp_ocr.api.app import create_app

pytestmark = pytest.mark.anyio

PHOTO = {"image": ("card.png", png_bytes(), "image/png")}


async def test_second_request_within_14_seconds_is_429(clock: FakeClock) -> None:
    app = create_app(settings(rate_limit="1/14 seconds"), reader=FakeReader(), clock=clock)
    async with client_for(app) as client:
        first = await client.post("/ocr-ktp", files=PHOTO)
        clock.advance(5)
        second = await client.post("/ocr-ktp", files=PHOTO)
        clock.advance(8.5)
        third = await client.post("/ocr-ktp", files=PHOTO)
        clock.advance(0.5)
        fourth = await client.post("/ocr-ktp", files=PHOTO)
    assert first.status_code == 200
    assert first.headers["X-RateLimit-Limit"] == "1"
    assert second.status_code == 429
    assert second.json()["code"] == "rate_limited"
    assert second.headers["Retry-After"] == "9"
    assert third.status_code == 429
    assert third.headers["Retry-After"] == "1"  # 0.5 s left: rounded up, never 0
    assert fourth.status_code == 200


async def test_refused_request_does_not_read_the_card(clock: FakeClock) -> None:
    reader = FakeReader()
    app = create_app(settings(rate_limit="1/14 seconds"), reader=reader, clock=clock)
    async with client_for(app) as client:
        await client.post("/ocr-ktp", files=PHOTO)
        await client.post("/ocr-ktp", files=PHOTO)
    assert reader.calls == 1


async def test_ping_and_health_are_not_limited(clock: FakeClock) -> None:
    app = create_app(settings(rate_limit="1/14 seconds"), reader=FakeReader(), clock=clock)
    async with client_for(app) as client:
        await client.post("/ocr-ktp", files=PHOTO)
        for _ in range(5):
            assert (await client.get("/ping")).status_code == 200
            assert (await client.get("/health")).status_code == 200


@pytest.mark.parametrize("value", [None, "", "off"])
async def test_rate_limit_can_be_switched_off(value: str | None) -> None:
    app = create_app(settings(rate_limit=value), reader=FakeReader())
    async with client_for(app) as client:
        for _ in range(3):
            assert (await client.post("/ocr-ktp", files=PHOTO)).status_code == 200


async def test_forged_forwarded_for_does_not_dodge_the_limit(clock: FakeClock) -> None:
    """No trusted proxy: X-Forwarded-For is ignored, the peer address counts."""
    app = create_app(settings(rate_limit="1/14 seconds"), reader=FakeReader(), clock=clock)
    async with client_for(app, client=("203.0.113.9", 5555)) as client:
        first = await client.post("/ocr-ktp", files=PHOTO, headers={"X-Forwarded-For": "1.1.1.1"})
        second = await client.post("/ocr-ktp", files=PHOTO, headers={"X-Forwarded-For": "2.2.2.2"})
    assert (first.status_code, second.status_code) == (200, 429)


async def test_trusted_proxy_forwards_the_client_and_forgery_on_the_left_is_ignored(
    clock: FakeClock,
) -> None:
    s = settings(rate_limit="1/14 seconds", trusted_proxies=["10.0.0.0/8"])
    app = create_app(s, reader=FakeReader(), clock=clock)
    async with client_for(app, client=("10.0.0.2", 5555)) as client:
        # The proxy appends the real client (198.51.100.7); the client forged the left part.
        a = await client.post(
            "/ocr-ktp", files=PHOTO, headers={"X-Forwarded-For": "9.9.9.9, 198.51.100.7"}
        )
        b = await client.post(
            "/ocr-ktp", files=PHOTO, headers={"X-Forwarded-For": "8.8.8.8, 198.51.100.7"}
        )
        other = await client.post(
            "/ocr-ktp", files=PHOTO, headers={"X-Forwarded-For": "198.51.100.8"}
        )
    assert (a.status_code, b.status_code, other.status_code) == (200, 429, 200)


async def test_invalid_rate_limit_fails_at_start_up() -> None:
    with pytest.raises(ValueError, match="invalid rate limit"):
        create_app(settings(rate_limit="lots please"), reader=FakeReader())
