"""Auth, headers, docs, caching, the card image, concurrency, the last-resort handler, logs."""

from __future__ import annotations

import base64
import logging
import re
import time

import anyio
import httpx
import pytest
from apikit import NAME, NIK, FakeClock, FakeReader, client_for, png_bytes, settings

from ktp_ocr.api.app import create_app
from ktp_ocr.api.schemas import OcrKtpResponse
from ktp_ocr.regions import memory_repository

pytestmark = pytest.mark.anyio

PHOTO = {"image": ("card.png", png_bytes(), "image/png")}


@pytest.fixture(scope="module")
def regions():  # type: ignore[no-untyped-def]
    return memory_repository()


async def test_answer_matches_the_schema_and_the_original_keys(regions) -> None:  # type: ignore[no-untyped-def]
    app = create_app(settings(), reader=FakeReader(regions))
    async with client_for(app) as client:
        response = await client.post("/ocr-ktp", files=PHOTO)
    body = response.json()
    OcrKtpResponse.model_validate(body)
    ocr = body["dataOcrKtp"]
    assert list(ocr)[:16] == [
        "province", "city", "nik", "name", "birthPlace", "birthDate", "gender", "address",
        "rt", "rw", "subDistrict", "districts", "religion", "maritalStatus", "job", "nationality",
    ]  # fmt: skip
    assert ocr["birthDate"] == "12-05-1990"
    assert (ocr["rt"], ocr["rw"], ocr["gender"]) == ("003", "005", "PEREMPUAN")
    assert (ocr["bloodType"], ocr["validUntil"]) == ("O", "SEUMUR HIDUP")
    nik = body["dataNikParser"]
    assert nik["province"] == "JAWA BARAT"
    assert nik["city"] == "KOTA BANDUNG"
    assert nik["district"] == "SUKASARI"
    assert nik["gender"] == "PEREMPUAN" and nik["lahir"] == "12-05-1990"
    assert nik["zipCode"] and nik["zipCode"].isdigit()
    assert body["lookup_ids"] == {"gender": 2, "religion": 1, "maritalStatus": 2}
    assert body["nik"]["valid"] is True and body["nik"]["district_code"] == "327301"
    assert body["fields"]["nik"]["confidence"] == 0.95
    assert body["fields"]["nik"]["sure"] is True  # given, no issue, 0.95 >= 0.9
    assert body["degraded"] == [] and body["cached"] is False
    assert body["request_id"] == response.headers["X-Request-ID"]
    assert "card_image" not in body or body["card_image"] is None


async def test_invalid_nik_has_no_nik_parser_object(regions) -> None:  # type: ignore[no-untyped-def]
    reader = FakeReader(regions)
    original = reader.read

    def read(image, *, keep_card_image=False):  # type: ignore[no-untyped-def]
        import dataclasses

        result = original(image, keep_card_image=keep_card_image)
        card = result.card.with_values(nik="9999999999999999")
        return dataclasses.replace(result, card=card, nik=None)

    reader.read = read  # type: ignore[method-assign]
    async with client_for(create_app(settings(), reader=reader)) as client:
        body = (await client.post("/ocr-ktp", files=PHOTO)).json()
    assert body["dataNikParser"] is None
    assert body["nik"]["valid"] is False and body["nik"]["issues"]


async def test_card_image_only_when_asked() -> None:
    app = create_app(settings(), reader=FakeReader())
    async with client_for(app) as client:
        plain = (await client.post("/ocr-ktp", files=PHOTO)).json()
        asked = (await client.post("/ocr-ktp?include=card_image", files=PHOTO)).json()
    assert plain.get("card_image") is None
    url = asked["card_image"]
    assert url.startswith("data:image/jpeg;base64,")
    assert base64.b64decode(url.split(",", 1)[1])[:3] == b"\xff\xd8\xff"


async def test_api_keys(clock: FakeClock) -> None:
    app = create_app(settings(api_keys=["k1", "secret-2"]), reader=FakeReader())
    async with client_for(app) as client:
        none = await client.post("/ocr-ktp", files=PHOTO)
        wrong = await client.post("/ocr-ktp", files=PHOTO, headers={"X-API-Key": "nope"})
        header = await client.post("/ocr-ktp", files=PHOTO, headers={"X-API-Key": "secret-2"})
        bearer = await client.post("/ocr-ktp", files=PHOTO, headers={"Authorization": "Bearer k1"})
        ping = await client.get("/ping")
    assert (none.status_code, none.json()["code"]) == (401, "unauthorized")
    assert "Bearer" in none.headers["WWW-Authenticate"]
    assert wrong.status_code == 401
    assert (header.status_code, bearer.status_code, ping.status_code) == (200, 200, 200)


async def test_request_id_and_response_time_headers() -> None:
    app = create_app(settings(), reader=FakeReader())
    async with client_for(app) as client:
        kept = await client.get("/ping", headers={"X-Request-ID": "abc-123.x"})
        replaced = await client.get("/ping", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert kept.headers["X-Request-ID"] == "abc-123.x"
    assert replaced.headers["X-Request-ID"] != "<script>alert(1)</script>"
    assert len(replaced.headers["X-Request-ID"]) == 32
    assert kept.headers["X-Response-Time"].endswith("ms")


async def test_cors_origins() -> None:
    app = create_app(settings(cors_origins=["https://kyc.example"]), reader=FakeReader())
    async with client_for(app) as client:
        allowed = await client.get("/ping", headers={"Origin": "https://kyc.example"})
        other = await client.get("/ping", headers={"Origin": "https://evil.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://kyc.example"
    assert "access-control-allow-origin" not in other.headers


async def test_openapi_documents_the_upload_and_examples() -> None:
    app = create_app(settings(), reader=FakeReader())
    async with client_for(app) as client:
        spec = (await client.get("/openapi.json")).json()
        docs = await client.get("/docs")
    post = spec["paths"]["/ocr-ktp"]["post"]
    form = post["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]
    assert set(form) == {"image", "file", "sampleFile"}
    assert {"400", "401", "413", "415", "422", "429", "503"} <= set(post["responses"])
    assert "examples" in str(spec["components"]["schemas"]["DataOcrKtp"])
    assert docs.status_code == 200


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_the_documentation_pages_need_no_internet(page: str) -> None:
    """Swagger UI and ReDoc come from the installed package: nothing is fetched from a CDN."""
    app = create_app(settings(), reader=FakeReader())
    async with client_for(app) as client:
        html = (await client.get(page)).text
        assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
        fetched = [await client.get(url) for url in assets]
    assert assets
    assert not [url for url in assets if "//" in url]  # no absolute URL to another host
    assert [r.status_code for r in fetched] == [200] * len(assets)
    assert "/openapi.json" in html


async def test_errors_have_the_same_shape_for_routing() -> None:
    app = create_app(settings(), reader=FakeReader())
    async with client_for(app) as client:
        missing = await client.get("/nope")
        method = await client.get("/ocr-ktp")
    assert missing.json()["code"] == "not_found"
    assert (method.status_code, method.json()["code"]) == (405, "method_not_allowed")


async def test_unexpected_error_is_a_generic_500_with_request_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    reader = FakeReader()

    def boom(image, *, keep_card_image=False):  # type: ignore[no-untyped-def]
        raise RuntimeError(f"secret detail {NIK}")

    reader.read = boom  # type: ignore[method-assign]
    app = create_app(settings(), reader=reader)
    with caplog.at_level(logging.INFO):
        async with client_for(app, raise_app_exceptions=False) as client:
            response = await client.post("/ocr-ktp", files=PHOTO)
    body = response.json()
    assert response.status_code == 500
    assert body["code"] == "internal_error"
    assert "secret" not in response.text and NIK not in response.text
    assert body["request_id"] == response.headers["X-Request-ID"]
    assert any(r.levelno == logging.ERROR and r.exc_info for r in caplog.records)


async def test_logs_hold_no_nik_and_no_name(caplog: pytest.LogCaptureFixture, regions) -> None:  # type: ignore[no-untyped-def]
    from ktp_ocr.api.logs import JsonFormatter

    app = create_app(settings(), reader=FakeReader(regions))
    with caplog.at_level(logging.DEBUG):
        async with client_for(app) as client:
            await client.post("/ocr-ktp", files=PHOTO)
            await client.post("/ocr-ktp", files={"image": ("x.jpg", b"not an image")})
    text = "\n".join(JsonFormatter().format(r) for r in caplog.records)
    assert "/ocr-ktp" in text
    assert NIK not in text and NAME not in text and "NURHALIZA" not in text


async def test_result_cache_by_image_hash(clock: FakeClock) -> None:
    reader = FakeReader()
    app = create_app(settings(cache_ttl_seconds=60), reader=reader, clock=clock)
    async with client_for(app) as client:
        first = (await client.post("/ocr-ktp", files=PHOTO)).json()
        second = (await client.post("/ocr-ktp", files=PHOTO)).json()
        clock.advance(61)
        third = (await client.post("/ocr-ktp", files=PHOTO)).json()
    assert (first["cached"], second["cached"], third["cached"]) == (False, True, False)
    assert reader.calls == 2
    assert second["dataOcrKtp"] == first["dataOcrKtp"]


async def test_ping_answers_while_cards_are_read() -> None:
    app = create_app(settings(), reader=FakeReader(delay=1.0))
    async with client_for(app) as client:
        times: dict[str, float] = {}

        async def read() -> None:
            await client.post("/ocr-ktp", files=PHOTO)
            times["read"] = time.perf_counter()

        async def ping() -> None:
            await anyio.sleep(0.2)
            start = time.perf_counter()
            assert (await client.get("/ping")).status_code == 200
            times["ping"] = time.perf_counter() - start
            times["ping_done"] = time.perf_counter()

        async with anyio.create_task_group() as tg:
            tg.start_soon(read)
            tg.start_soon(ping)
    assert times["ping"] < 0.2
    assert times["ping_done"] < times["read"]


async def test_overloaded_worker_answers_503_busy() -> None:
    s = settings(ocr_concurrency=1, ocr_queue_limit=1)
    app = create_app(s, reader=FakeReader(delay=0.5))
    async with client_for(app) as client:
        statuses: list[int] = []
        headers: list[httpx.Headers] = []

        async def post() -> None:
            response = await client.post("/ocr-ktp", files=PHOTO)
            statuses.append(response.status_code)
            headers.append(response.headers)

        async with anyio.create_task_group() as tg:
            for _ in range(4):
                tg.start_soon(post)
    assert sorted(statuses) == [200, 200, 503, 503]
    assert all(h.get("Retry-After") for h, s in zip(headers, statuses, strict=True) if s == 503)


def test_json_log_lines_leave_out_exception_messages() -> None:
    import json
    import sys

    from ktp_ocr.api.logs import JsonFormatter, request_id_var

    token = request_id_var.set("rid-1")
    try:
        raise ValueError(f"card text {NIK} {NAME}")
    except ValueError:
        record = logging.LogRecord(
            "ktp_ocr.x", logging.ERROR, __file__, 1, "boom", (), sys.exc_info()
        )
        line = JsonFormatter().format(record)
    finally:
        request_id_var.reset(token)
    data = json.loads(line)
    assert (data["message"], data["exc_type"], data["request_id"]) == (
        "boom",
        "ValueError",
        "rid-1",
    )
    assert NIK not in line and NAME not in line
