"""Decode uploaded bytes into a BGR ``uint8`` array, safely.

The order of checks matters for safety: byte size first, then the format from the magic bytes,
then the pixel count *from the header only*, and only then the decode. Truncated files raise
(``ImageFile.LOAD_TRUNCATED_IMAGES`` is never switched on here). EXIF orientation is honoured,
and every mode Pillow can hand back (grey, palette, CMYK, 16-bit, alpha) ends up as 3-channel
BGR; transparency is composited on white.

Image bytes are never logged.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path
from typing import Any, Final

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import (
    BmpImagePlugin,
    GifImagePlugin,
    Image,
    ImageFile,
    ImageOps,
    JpegImagePlugin,
    PngImagePlugin,
    TiffImagePlugin,
    WebPImagePlugin,
)

from ktp_ocr.errors import CorruptImage, ImageTooLarge, InputError, UnsupportedImage

__all__ = ["detect_format", "load_image", "read_file", "to_bgr"]

#: Supported formats and the Pillow class that parses each one's header. Calling the class
#: directly (rather than ``Image.open``) reads the header without Pillow's own global
#: decompression-bomb check, so *our* per-call ``max_pixels`` is checked first and no global
#: state (``Image.MAX_IMAGE_PIXELS``, warning filters) is touched.
_OPENERS: Final[dict[str, Any]] = {
    "JPEG": JpegImagePlugin.JpegImageFile,
    "PNG": PngImagePlugin.PngImageFile,
    "GIF": GifImagePlugin.GifImageFile,
    "BMP": BmpImagePlugin.BmpImageFile,
    "TIFF": TiffImagePlugin.TiffImageFile,
    "WEBP": WebPImagePlugin.WebPImageFile,
}

#: ISO-BMFF brands of HEIF-family files (iPhone photos, AVIF).
_HEIF_BRANDS: Final = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis"}
)

#: Errors Pillow raises on malformed or truncated data. ``SyntaxError`` is Pillow's historic
#: "not this format" signal; ``OSError`` covers "image file is truncated" and decoder errors.
_DECODE_ERRORS: Final = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    struct.error,
)

_WHITE: Final = 255


def read_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of the image file ``path``, refused when over ``max_bytes`` or unreadable."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ImageTooLarge(
                f"The file is {size} bytes; the limit is {max_bytes}.", code="file_too_large"
            )
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        message = f"Cannot read {path.name}: {exc.strerror}."
        raise InputError(message, code="file_unreadable") from exc


def detect_format(data: bytes) -> str | None:
    """Name the image format from the magic bytes (``"JPEG"``, ``"PNG"``, ...), else None.

    HEIF-family files return ``"HEIF"`` (recognised, but not supported) and PDFs ``"PDF"``.
    """
    head = data[:32]
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if head.startswith(b"BM") and len(head) >= 26:
        return "BMP"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "TIFF"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "HEIF"
    if head.startswith(b"%PDF"):
        return "PDF"
    return None


def refuse_heif(fmt: str | None) -> None:
    """Refuse a HEIC/HEIF photo (``fmt`` from :func:`detect_format`) with how to avoid one."""
    if fmt == "HEIF":
        raise UnsupportedImage(
            "HEIC/HEIF photos are not supported: send the photo as JPEG or PNG "
            "(on an iPhone: Settings > Camera > Formats > Most Compatible).",
            code="heic_not_supported",
        )


def load_image(data: bytes, *, max_bytes: int, max_pixels: int) -> NDArray[np.uint8]:
    """Decode an uploaded image into an upright BGR ``uint8`` array of shape ``(h, w, 3)``.

    Args:
        data: The file's bytes (JPEG, PNG, WebP, BMP, TIFF or GIF; a GIF gives its first frame).
        max_bytes: Largest accepted upload, in bytes.
        max_pixels: Largest accepted ``width * height``, checked from the header before decoding.

    Raises:
        CorruptImage: ``empty_file`` for no bytes, ``truncated_image`` for a cut-off or damaged
            file.
        UnsupportedImage: ``not_an_image`` for other bytes (text, PDF, ...),
            ``heic_not_supported`` for HEIC/HEIF/AVIF.
        ImageTooLarge: ``file_too_large`` over ``max_bytes``, ``too_many_pixels`` over
            ``max_pixels`` (decompression bombs are refused before any decoding).
    """
    if not data:
        raise CorruptImage("The uploaded file is empty: send the photo again.", code="empty_file")
    if len(data) > max_bytes:
        raise ImageTooLarge(
            f"The file is {len(data) / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB limit: "
            "send a smaller photo or lower the camera resolution.",
            code="file_too_large",
        )
    fmt = detect_format(data)
    refuse_heif(fmt)
    if fmt is None or fmt not in _OPENERS:
        what = "a PDF" if fmt == "PDF" else "not an image"
        raise UnsupportedImage(
            f"The file is {what}: send a photo of the card as JPEG, PNG or WebP.",
            code="not_an_image",
        )

    try:
        im = _OPENERS[fmt](io.BytesIO(data))
    except _DECODE_ERRORS as exc:
        raise CorruptImage(
            f"The {fmt} file is damaged and cannot be read: send the photo again.",
            code="truncated_image",
        ) from exc
    with im:
        width, height = im.size
        if width <= 0 or height <= 0:
            raise CorruptImage(
                f"The {fmt} file declares no pixels: send the photo again.",
                code="truncated_image",
            )
        if width * height > max_pixels:
            raise ImageTooLarge(
                f"The image is {width}x{height} pixels, over the limit of {max_pixels:,}: "
                "send a smaller photo.",
                code="too_many_pixels",
            )
        if ImageFile.LOAD_TRUNCATED_IMAGES:  # someone switched it on process-wide
            _check_not_truncated(fmt, data)
        try:
            im.load()
            upright = _upright(im)
        except Image.DecompressionBombError as exc:  # e.g. a GIF frame larger than its canvas
            raise ImageTooLarge(
                "The image holds more pixels than it declares: send a normal photo.",
                code="too_many_pixels",
            ) from exc
        except _DECODE_ERRORS as exc:
            raise CorruptImage(
                f"The {fmt} file is truncated or damaged: send the photo again.",
                code="truncated_image",
            ) from exc
        return _pil_to_bgr(upright)


#: EXIF tag of the camera's orientation; 1 (or no tag) means the pixels are already upright.
_ORIENTATION: Final = 0x0112


def _upright(im: Image.Image) -> Image.Image:
    """``im`` turned as its EXIF orientation says; ``im`` itself when it needs no turn.

    ``ImageOps.exif_transpose`` copies even an upright image (a few ms for a phone photo).
    """
    if im.getexif().get(_ORIENTATION, 1) == 1:
        return im
    return ImageOps.exif_transpose(im)


def _check_not_truncated(fmt: str, data: bytes) -> None:
    """Cheap end-marker check, used only if Pillow was told to accept truncated files."""
    tail = data.rstrip(b"\x00")[-16:]
    ok = {
        "JPEG": b"\xff\xd9" in tail,
        "PNG": b"IEND" in tail,
    }.get(fmt, True)
    if not ok:
        raise CorruptImage(
            f"The {fmt} file is truncated: send the photo again.", code="truncated_image"
        )


def to_bgr(obj: Image.Image | NDArray[Any]) -> NDArray[np.uint8]:
    """Convert a Pillow image or a NumPy array into a contiguous BGR ``uint8`` array.

    Arrays are taken as OpenCV lays them out: ``(h, w)`` grey, ``(h, w, 1)``, ``(h, w, 3)`` BGR
    or ``(h, w, 4)`` BGRA. ``uint16`` is scaled from 0-65535; floats are taken as 0-1 when no
    value exceeds 1, else as 0-255; alpha is composited on white.

    Raises:
        UnsupportedImage: ``not_an_image`` for arrays of another shape or dtype.
    """
    if isinstance(obj, Image.Image):
        return _pil_to_bgr(obj)
    arr = np.asarray(obj)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] not in (3, 4)):
        raise UnsupportedImage(
            f"An image array must be (h, w), (h, w, 3) or (h, w, 4); got {arr.shape}.",
            code="not_an_image",
        )
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise UnsupportedImage("The image array is empty.", code="not_an_image")
    u8 = _to_uint8(arr)
    if u8.ndim == 2:
        return np.ascontiguousarray(np.repeat(u8[:, :, None], 3, axis=2))
    if u8.shape[2] == 4:
        return _composite_on_white(u8[:, :, :3], u8[:, :, 3])
    return np.ascontiguousarray(u8)


def _to_uint8(arr: NDArray[Any]) -> NDArray[np.uint8]:
    if arr.dtype == np.uint8:
        return arr
    if arr.dtype == np.bool_:
        return arr.astype(np.uint8) * np.uint8(_WHITE)
    if arr.dtype == np.uint16:
        return ((arr.astype(np.uint32) * 255 + 32767) // 65535).astype(np.uint8)
    if np.issubdtype(arr.dtype, np.floating):
        f = np.nan_to_num(arr.astype(np.float32), nan=0.0, posinf=255.0, neginf=0.0)
        if f.size and float(f.max()) <= 1.0:
            f = f * 255.0
        return np.clip(np.rint(f), 0, 255).astype(np.uint8)
    if np.issubdtype(arr.dtype, np.integer):
        top = int(arr.max()) if arr.size else 0
        scale = 65535 if top > 255 else 255
        return np.clip(np.rint(arr.astype(np.float64) * 255.0 / scale), 0, 255).astype(np.uint8)
    raise UnsupportedImage(f"Unsupported image array dtype {arr.dtype}.", code="not_an_image")


def _composite_on_white(colour: NDArray[np.uint8], alpha: NDArray[np.uint8]) -> NDArray[np.uint8]:
    a = alpha.astype(np.float32)[:, :, None] / 255.0
    out = colour.astype(np.float32) * a + _WHITE * (1.0 - a)
    return np.ascontiguousarray(np.clip(np.rint(out), 0, 255).astype(np.uint8))


def _pil_to_bgr(im: Image.Image) -> NDArray[np.uint8]:
    """Every Pillow mode to BGR ``uint8``; alpha and palette transparency over white."""
    mode = im.mode
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        arr = np.asarray(im)
        if mode == "F":
            return to_bgr(arr.astype(np.float32))
        if mode == "I" and arr.size and int(arr.max()) <= 255:
            return to_bgr(np.clip(arr, 0, 255).astype(np.uint8))
        return to_bgr(np.clip(arr, 0, 65535).astype(np.uint16))
    if mode == "P" and "transparency" in im.info:
        im = im.convert("RGBA")
    elif mode == "P":
        im = im.convert("RGB")
    if im.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = np.asarray(im.convert("RGBA"))
        return _composite_on_white(rgba[:, :, 2::-1], rgba[:, :, 3])
    if im.mode in ("L", "1"):
        grey = np.asarray(im.convert("L"))
        return np.ascontiguousarray(np.repeat(grey[:, :, None], 3, axis=2))
    if im.mode == "RGB" and "transparency" in im.info:
        rgba = np.asarray(im.convert("RGBA"))
        return _composite_on_white(rgba[:, :, 2::-1], rgba[:, :, 3])
    rgb = np.asarray(im if im.mode == "RGB" else im.convert("RGB"))
    return np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), dtype=np.uint8)
