"""Every bad input gets a JSON error with a stable code; none a 500, a hang or a crash."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import AsyncIterator

import pytest
from apikit import FakeReader, client_for, jpeg_bytes, png_bytes, settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from ktp_ocr.api.app import create_app

pytestmark = pytest.mark.anyio


def _bomb_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A tiny PNG whose header claims 900 megapixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


async def _post(app: object, **kwargs: object) -> tuple[int, dict[str, object], dict[str, str]]:
    async with client_for(app) as client:
        response = await client.post("/ocr-ktp", **kwargs)  # type: ignore[arg-type]
        return response.status_code, response.json(), dict(response.headers)


@pytest.mark.parametrize("field", ["image", "file", "sampleFile"])
async def test_photo_in_any_of_the_field_names(field: str) -> None:
    status, body, _ = await _post(
        create_app(settings(), reader=FakeReader()),
        files={field: ("card.png", png_bytes(), "image/png")},
    )
    assert status == 200, body
    assert body["dataOcrKtp"]["nik"] == "3273015205900001"  # type: ignore[index]


async def test_raw_image_body_is_accepted() -> None:
    status, _, _ = await _post(
        create_app(settings(), reader=FakeReader()),
        content=jpeg_bytes(),
        headers={"Content-Type": "image/jpeg"},
    )
    assert status == 200


async def test_missing_file_is_400() -> None:
    status, body, _ = await _post(
        create_app(settings(), reader=FakeReader()),
        data={"name": "x"},
        files={"other": ("a", b"x")},
    )
    assert (status, body["code"]) == (400, "missing_file")


async def test_no_body_at_all_is_400() -> None:
    status, body, _ = await _post(create_app(settings(), reader=FakeReader()))
    assert (status, body["code"]) == (400, "missing_file")


async def test_empty_file_is_400() -> None:
    status, body, _ = await _post(
        create_app(settings(), reader=FakeReader()), files={"image": ("a.jpg", b"", "image/jpeg")}
    )
    assert (status, body["code"]) == (400, "empty_file")


async def test_too_small_is_422() -> None:
    app = create_app(settings(min_upload_bytes=50 * 1024), reader=FakeReader())
    status, body, _ = await _post(app, files={"image": ("a.png", png_bytes(40, 40), "image/png")})
    assert (status, body["code"]) == (422, "file_too_small")


async def test_text_file_named_jpg_is_415() -> None:
    reader = FakeReader()
    status, body, _ = await _post(
        create_app(settings(), reader=reader),
        files={"image": ("card.jpg", b"hello, I am not a photo\n" * 100, "image/jpeg")},
    )
    assert (status, body["code"]) == (415, "not_an_image")
    assert reader.calls == 0


async def test_unsupported_format_is_415() -> None:
    out = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (64, 64)).save(out, format="GIF")
    status, body, _ = await _post(
        create_app(settings(), reader=FakeReader()), files={"image": ("a.gif", out.getvalue())}
    )
    assert (status, body["code"]) == (415, "unsupported_format")


async def test_truncated_jpeg_is_422() -> None:
    data = jpeg_bytes()
    status, body, _ = await _post(
        create_app(settings(), reader=FakeReader()),
        files={"image": ("a.jpg", data[: len(data) // 2], "image/jpeg")},
    )
    assert (status, body["code"]) == (422, "truncated_image")


async def test_decompression_bomb_is_413() -> None:
    status, body, _ = await _post(
        create_app(settings(), reader=FakeReader()),
        files={"image": ("bomb.png", _bomb_png(), "image/png")},
    )
    assert (status, body["code"]) == (413, "too_many_pixels")


async def test_declared_huge_upload_is_refused_before_reading() -> None:
    status, body, _ = await _post(
        create_app(settings(max_upload_bytes=1024 * 1024), reader=FakeReader()),
        content=b"x" * 10,
        headers={"Content-Type": "image/jpeg", "Content-Length": str(1 << 30)},
    )
    assert (status, body["code"]) == (413, "file_too_large")


async def test_huge_streamed_upload_is_cut_off_without_reading_it_all() -> None:
    """1 GB of multipart, chunked, no Content-Length: refused after ~the cap is read."""
    sent = 0
    chunk = b"\xff" * (256 * 1024)
    boundary = "ktpboundary"

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="image"; '
            'filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
        ).encode()
        yield head
        for _ in range(4096):  # 1 GiB
            sent += len(chunk)
            yield chunk
        yield f"\r\n--{boundary}--\r\n".encode()

    app = create_app(settings(max_upload_bytes=5 * 1024 * 1024), reader=FakeReader())
    status, payload, _ = await _post(
        app,
        content=body(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert (status, payload["code"]) == (413, "file_too_large")
    assert sent <= 6 * 1024 * 1024


async def test_malformed_multipart_is_400() -> None:
    status, body, _ = await _post(
        create_app(settings(), reader=FakeReader()),
        content=b"--other\r\nnonsense",
        headers={"Content-Type": "multipart/form-data; boundary=abc"},
    )
    assert status == 400
    assert body["code"] in {"bad_multipart", "missing_file"}


async def test_no_card_keeps_the_original_image_invalid_message() -> None:
    status, body, _ = await _post(
        create_app(settings(), reader=FakeReader(no_card=True)),
        files={"image": ("a.png", png_bytes(), "image/png")},
    )
    assert status == 422
    assert body["message"] == "IMAGE_INVALID"
    assert body["code"] == "no_card"
    assert body["detail"]


@hsettings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.one_of(
        st.binary(max_size=4096),
        st.binary(max_size=2048).map(lambda b: b"\xff\xd8\xff" + b),
        st.binary(max_size=2048).map(lambda b: b"\x89PNG\r\n\x1a\n" + b),
    )
)
async def test_arbitrary_bytes_never_give_a_500(data: bytes) -> None:
    status, body, _ = await _post(
        create_app(settings(), reader=FakeReader()),
        files={"image": ("x.jpg", data, "image/jpeg")},
    )
    assert status in {400, 413, 415, 422}, body
    assert set(body) >= {"code", "message"}
