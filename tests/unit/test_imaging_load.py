"""imaging.load: formats, limits, EXIF, colour modes, damaged and hostile input."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image, ImageFile

from ktp_ocr.errors import CorruptImage, ImageTooLarge, UnsupportedImage
from ktp_ocr.imaging.load import detect_format, load_image, to_bgr

LIMITS = {"max_bytes": 20_000_000, "max_pixels": 40_000_000}


def encode(im: Image.Image, fmt: str, **kw: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def rgb_image(w: int = 64, h: int = 40) -> Image.Image:
    """Left half red, right half blue (RGB)."""
    arr = np.zeros((h, w, 3), np.uint8)
    arr[:, : w // 2] = (220, 30, 30)
    arr[:, w // 2 :] = (30, 30, 220)
    return Image.fromarray(arr)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "BMP", "TIFF", "GIF"])
def test_every_format_decodes_to_bgr(fmt: str) -> None:
    data = encode(rgb_image(), fmt)
    out = load_image(data, **LIMITS)
    assert out.shape == (40, 64, 3)
    assert out.dtype == np.uint8
    assert out.flags["C_CONTIGUOUS"]
    left, right = out[20, 5].astype(int), out[20, 60].astype(int)
    assert left[2] > 150 > left[0]  # red: R (index 2 in BGR) high
    assert right[0] > 150 > right[2]  # blue
    assert detect_format(data) == fmt


def test_gif_gives_first_frame() -> None:
    frames = [Image.new("RGB", (20, 10), c) for c in ((255, 0, 0), (0, 255, 0))]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:])
    out = load_image(buf.getvalue(), **LIMITS)
    _, g, r = (int(v) for v in out[5, 5])
    assert r > 200 and g < 50


def test_exif_orientation_is_honoured() -> None:
    im = rgb_image(64, 40)  # landscape: red left, blue right
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display"
    out = load_image(encode(im, "JPEG", exif=exif, quality=95), **LIMITS)
    assert out.shape == (64, 40, 3)  # now portrait
    top, bottom = out[5, 20].astype(int), out[58, 20].astype(int)
    assert top[2] > 150  # red, the stored left side, is on top
    assert bottom[0] > 150  # blue at the bottom


@pytest.mark.parametrize(
    ("mode", "value", "expect", "fmt"),
    [
        ("L", 200, (200, 200, 200), "PNG"),
        ("1", 1, (255, 255, 255), "PNG"),
        ("I;16", 65535, (255, 255, 255), "PNG"),
        ("I;16", 32896, (128, 128, 128), "PNG"),
        ("I", 1000, (4, 4, 4), "TIFF"),  # a wide int holding 16-bit data
        ("F", 0.5, (128, 128, 128), "TIFF"),
    ],
)
def test_grey_and_deep_modes(
    mode: str, value: float, expect: tuple[int, int, int], fmt: str
) -> None:
    im = Image.new(mode, (16, 8), value)
    out = load_image(encode(im, fmt), **LIMITS)
    assert out.shape == (8, 16, 3)
    assert tuple(int(v) for v in out[4, 4]) == expect


def test_sixteen_bit_tiff() -> None:
    arr = np.full((8, 16), 65535, np.uint16)
    arr[:, :8] = 0
    out = load_image(encode(Image.fromarray(arr), "TIFF"), **LIMITS)
    assert out[4, 2].tolist() == [0, 0, 0] and out[4, 12].tolist() == [255, 255, 255]


def test_cmyk_jpeg() -> None:
    im = Image.new("CMYK", (16, 8), (0, 255, 255, 0))  # pure red in CMYK
    out = load_image(encode(im, "JPEG", quality=95), **LIMITS)
    b, g, r = (int(v) for v in out[4, 4])
    assert r > 200 and g < 60 and b < 60


def test_palette_and_palette_transparency() -> None:
    p = rgb_image().convert("P", palette=Image.Palette.ADAPTIVE, colors=4)
    out = load_image(encode(p, "PNG"), **LIMITS)
    assert out[20, 5, 2] > 150
    p.info["transparency"] = int(p.getpixel((5, 20)))  # type: ignore[arg-type]
    out = load_image(encode(p, "PNG", transparency=p.info["transparency"]), **LIMITS)
    assert out[20, 5].tolist() == [255, 255, 255]  # transparent -> white
    assert out[20, 60, 0] > 150


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_alpha_is_composited_on_white(fmt: str) -> None:
    arr = np.zeros((8, 16, 4), np.uint8)
    arr[..., 0] = 255  # red
    arr[:, :8, 3] = 0  # left half fully transparent
    arr[:, 8:, 3] = 255
    out = load_image(encode(Image.fromarray(arr, "RGBA"), fmt, lossless=True), **LIMITS)
    assert out[4, 2].tolist() == [255, 255, 255]
    assert out[4, 12].tolist() == [0, 0, 255]


def test_grey_alpha() -> None:
    im = Image.new("LA", (8, 8), (0, 0))
    out = load_image(encode(im, "PNG"), **LIMITS)
    assert out[4, 4].tolist() == [255, 255, 255]


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_truncated_files_raise(fmt: str) -> None:
    rng = np.random.default_rng(0)
    noisy = Image.fromarray(rng.integers(0, 255, (120, 160, 3), dtype=np.uint8))
    data = encode(noisy, fmt)
    for cut in (len(data) // 2, len(data) - 40):
        with pytest.raises(CorruptImage) as exc:
            load_image(data[:cut], **LIMITS)
        assert exc.value.code == "truncated_image"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_truncated_raises_even_if_pillow_was_told_to_accept_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(1)
    data = encode(Image.fromarray(rng.integers(0, 255, (60, 80, 3), dtype=np.uint8)), "PNG")
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(CorruptImage):
        load_image(data[: len(data) // 2], **LIMITS)


def test_empty_file() -> None:
    with pytest.raises(CorruptImage) as exc:
        load_image(b"", **LIMITS)
    assert exc.value.code == "empty_file"


@pytest.mark.parametrize(
    "data",
    [
        b"NIK: 3273011205900001\nNama: BUDI\n",
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        b"\x00" * 64,
        b"BM",  # too short to be a BMP
    ],
)
def test_not_an_image(data: bytes) -> None:
    with pytest.raises(UnsupportedImage) as exc:
        load_image(data, **LIMITS)
    assert exc.value.code == "not_an_image"
    assert exc.value.http_status == 415


@pytest.mark.parametrize("brand", [b"heic", b"mif1", b"avif"])
def test_heic_is_refused_clearly(brand: bytes) -> None:
    data = b"\x00\x00\x00\x18ftyp" + brand + b"\x00\x00\x00\x00mif1heic" + b"\x00" * 64
    with pytest.raises(UnsupportedImage) as exc:
        load_image(data, **LIMITS)
    assert exc.value.code == "heic_not_supported"
    assert "JPEG" in exc.value.message


def test_decompression_bomb_header_is_refused_before_decoding() -> None:
    ihdr = struct.pack(">IIBBBBB", 50_000, 50_000, 8, 2, 0, 0, 0)
    png = (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + png_chunk(b"IEND", b"")
    )
    with pytest.raises(ImageTooLarge) as exc:
        load_image(png, **LIMITS)
    assert exc.value.code == "too_many_pixels"
    assert exc.value.http_status == 413


def test_real_compressible_bomb_is_refused() -> None:
    data = encode(Image.new("1", (7000, 7000), 0), "PNG")  # 49 Mpx in a few kB
    assert len(data) < 100_000
    with pytest.raises(ImageTooLarge) as exc:
        load_image(data, **LIMITS)
    assert exc.value.code == "too_many_pixels"


def test_over_size_bytes() -> None:
    data = encode(rgb_image(), "PNG")
    with pytest.raises(ImageTooLarge) as exc:
        load_image(data, max_bytes=len(data) - 1, max_pixels=10**8)
    assert exc.value.code == "file_too_large"


def test_damaged_header() -> None:
    data = bytearray(encode(rgb_image(), "PNG"))
    data[16:24] = b"\x00" * 8  # zero width and height in IHDR
    with pytest.raises(CorruptImage):
        load_image(bytes(data), **LIMITS)


# --------------------------------------------------------------------------- to_bgr


def test_to_bgr_arrays() -> None:
    grey = np.full((4, 6), 7, np.uint8)
    assert to_bgr(grey).shape == (4, 6, 3)
    assert to_bgr(grey[:, :, None]).shape == (4, 6, 3)
    bgra = np.zeros((4, 6, 4), np.uint8)
    bgra[..., 2] = 255
    bgra[:, :3, 3] = 255
    out = to_bgr(bgra)
    assert out[0, 0].tolist() == [0, 0, 255] and out[0, 5].tolist() == [255, 255, 255]
    assert to_bgr(np.full((2, 2), 65535, np.uint16))[0, 0].tolist() == [255] * 3
    assert to_bgr(np.full((2, 2, 3), 0.5, np.float32))[0, 0].tolist() == [128] * 3
    assert to_bgr(np.full((2, 2, 3), 200.0))[0, 0].tolist() == [200] * 3
    assert to_bgr(np.ones((2, 2), bool))[0, 0].tolist() == [255] * 3


def test_to_bgr_pil_swaps_channels() -> None:
    out = to_bgr(Image.new("RGB", (3, 2), (255, 0, 0)))
    assert out[0, 0].tolist() == [0, 0, 255]
    assert to_bgr(Image.new("RGBA", (3, 2), (0, 0, 0, 0)))[0, 0].tolist() == [255] * 3


@pytest.mark.parametrize("bad", [np.zeros((2, 2, 2), np.uint8), np.zeros((0, 3, 3), np.uint8)])
def test_to_bgr_rejects_odd_shapes(bad: np.ndarray) -> None:
    with pytest.raises(UnsupportedImage):
        to_bgr(bad)
