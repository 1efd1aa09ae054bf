"""Read the uploaded photo from the request body as it streams in, never past the cap.

Starlette's form parser spools whole files to disk before a route sees them, with no size
limit. Here the body is fed chunk by chunk to python-multipart's streaming parser and counted:
the request is refused with 413 as soon as the photo (or the whole body) passes the cap, so a
1 GB upload costs at most the cap in memory. A declared ``Content-Length`` over the cap is
refused before any byte is read.

Accepted: ``multipart/form-data`` with the photo in field ``image`` (``file`` and
``sampleFile``, the old clients' names, too), or the raw bytes with ``Content-Type: image/*``
or ``application/octet-stream``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import anyio
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from ktp_ocr.api.problems import BadUpload, UploadTimeout
from ktp_ocr.errors import ImageTooLarge

#: Form fields that may carry the photo, in order of preference.
FIELD_NAMES: tuple[str, ...] = ("image", "file", "sampleFile")
#: Room in the body for boundaries, part headers and small text fields besides the photo.
MULTIPART_OVERHEAD = 64 * 1024
_RAW_TYPES = (b"application/octet-stream",)


@dataclass(frozen=True, slots=True)
class Upload:
    """The photo's bytes and what the client said about them (used for logs only)."""

    data: bytes
    field: str
    filename: str | None = None
    declared_type: str | None = None


def _too_large(max_bytes: int) -> ImageTooLarge:
    return ImageTooLarge(
        f"The upload is over the {max_bytes / 1e6:.1f} MB limit: send a smaller photo "
        "(a phone photo of the card is usually 0.5-3 MB).",
        code="file_too_large",
    )


def _missing() -> BadUpload:
    return BadUpload(
        "No photo in the request: send it as multipart/form-data in the field 'image'.",
        code="missing_file",
    )


@dataclass
class _Part:
    name: str | None = None
    filename: str | None = None
    content_type: str | None = None
    data: bytearray = field(default_factory=bytearray)
    complete: bool = False


class _Collector:
    """python-multipart callbacks that keep only the first photo field, capped."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.found: dict[str, _Part] = {}
        self._part = _Part()
        self._header_field = bytearray()
        self._header_value = bytearray()

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self._begin,
            "on_header_field": lambda d, s, e: self._header_field.extend(d[s:e]),
            "on_header_value": lambda d, s, e: self._header_value.extend(d[s:e]),
            "on_header_end": self._header_end,
            "on_part_data": self._data,
            "on_part_end": self._end,
        }

    def _begin(self) -> None:
        self._part = _Part()

    def _header_end(self) -> None:
        name = bytes(self._header_field).decode("latin-1").strip().lower()
        value = bytes(self._header_value)
        self._header_field.clear()
        self._header_value.clear()
        if name == "content-disposition":
            _, options = parse_options_header(value)
            if b"name" in options:
                self._part.name = options[b"name"].decode("utf-8", "replace")
            if b"filename" in options:
                self._part.filename = options[b"filename"].decode("utf-8", "replace")
        elif name == "content-type":
            self._part.content_type = value.decode("latin-1")[:100]

    def _wanted(self) -> bool:
        name = self._part.name
        return name in FIELD_NAMES and name not in self.found

    def _data(self, data: bytes, start: int, end: int) -> None:
        if not self._wanted():
            return
        if len(self._part.data) + (end - start) > self.max_bytes:
            raise _too_large(self.max_bytes)
        self._part.data.extend(data[start:end])

    def _end(self) -> None:
        if self._wanted():
            assert self._part.name is not None
            self._part.complete = True
            self.found[self._part.name] = self._part

    def upload(self) -> Upload:
        for name in FIELD_NAMES:
            part = self.found.get(name)
            if part is not None:
                return Upload(bytes(part.data), name, part.filename, part.content_type)
        raise _missing()


async def _chunks(request: Request, body_cap: int, max_bytes: int) -> AsyncIterator[bytes]:
    total = 0
    try:
        async for chunk in request.stream():
            total += len(chunk)
            if total > body_cap:
                raise _too_large(max_bytes)
            yield chunk
    except ClientDisconnect as exc:
        raise BadUpload("The upload was interrupted.", code="upload_incomplete") from exc


async def _multipart(request: Request, boundary: bytes, max_bytes: int) -> Upload:
    collector = _Collector(max_bytes)
    try:
        parser = MultipartParser(boundary, collector.callbacks())  # type: ignore[arg-type]
        async for chunk in _chunks(request, max_bytes + MULTIPART_OVERHEAD, max_bytes):
            parser.write(chunk)
        parser.finalize()
    except FormParserError as exc:
        raise BadUpload(
            "The multipart body is malformed: let the HTTP client build it "
            "(curl -F image=@card.jpg).",
            code="bad_multipart",
        ) from exc
    return collector.upload()


async def _raw(request: Request, max_bytes: int, content_type: str) -> Upload:
    data = bytearray()
    async for chunk in _chunks(request, max_bytes, max_bytes):
        data.extend(chunk)
    return Upload(bytes(data), "body", None, content_type)


def _declared_length(request: Request) -> int | None:
    text = request.headers.get("content-length", "")
    return int(text) if text.isdigit() else None


async def read_upload(request: Request, *, max_bytes: int, timeout: float) -> Upload:
    """The photo from ``request``, read within ``timeout`` seconds and ``max_bytes``.

    Raises:
        ImageTooLarge: the declared or counted size passes the cap (HTTP 413).
        BadUpload: no photo field, a malformed body, or an interrupted upload (HTTP 400).
        UploadTimeout: the body did not arrive in time (HTTP 408).
    """
    mime, options = parse_options_header(request.headers.get("content-type"))
    multipart = mime == b"multipart/form-data"
    raw = mime.startswith(b"image/") or mime in _RAW_TYPES
    if not (multipart or raw):
        raise _missing()
    declared = _declared_length(request)
    if declared is not None and declared > max_bytes + (MULTIPART_OVERHEAD if multipart else 0):
        raise _too_large(max_bytes)
    try:
        with anyio.fail_after(timeout):
            if raw:
                return await _raw(request, max_bytes, mime.decode("latin-1"))
            boundary = options.get(b"boundary")
            if not boundary:
                raise BadUpload("The multipart Content-Type has no boundary.", code="bad_multipart")
            return await _multipart(request, boundary, max_bytes)
    except TimeoutError as exc:
        raise UploadTimeout(
            f"The upload did not arrive within {timeout:.0f} s: check the connection and retry.",
            code="upload_timeout",
        ) from exc
