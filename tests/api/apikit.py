"""Helpers for the HTTP service tests: settings, a fake clock, images, a fake reader, clients."""

from __future__ import annotations

import io
import socket
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import date
from typing import Any

import httpx
import numpy as np
from PIL import Image

from ktp_ocr.config import Settings
from ktp_ocr.errors import CardNotFound
from ktp_ocr.imaging.load import load_image
from ktp_ocr.types import (
    Check,
    FieldName,
    FieldValue,
    KtpCard,
    Nik,
    ReadResult,
    Sex,
)

TODAY = date(2026, 1, 15)
NIK = "3273015205900001"
NAME = "SITI NURHALIZA"


class FakeClock:
    """Time that moves only when told."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def settings(**overrides: Any) -> Settings:
    """Test settings: no uploads floor, in-memory everything, no env files."""
    base: dict[str, Any] = {
        "min_upload_bytes": 0,
        "rate_limit": None,
        "database_url": "sqlite://",
        "log_json": False,
    }
    base.update(overrides)
    return Settings(_env_file=None, **base)  # type: ignore[call-arg]


def png_bytes(width: int = 640, height: int = 400, *, noise: bool = True) -> bytes:
    """A PNG photo-like image (noise makes it big enough to pass a size floor)."""
    rng = np.random.default_rng(0)
    pixels = (
        rng.integers(0, 255, (height, width, 3), dtype=np.uint8)
        if noise
        else np.full((height, width, 3), 200, np.uint8)
    )
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes(width: int = 640, height: int = 400) -> bytes:
    rng = np.random.default_rng(1)
    pixels = rng.integers(0, 255, (height, width, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="JPEG", quality=90)
    return out.getvalue()


def canned_result(*, card_image: Any = None) -> ReadResult:
    """A plausible reading (a NIK from Kota Bandung, a woman born 12-05-1990)."""
    card = KtpCard(
        nik=NIK,
        nama=NAME,
        tempat_lahir="BANDUNG",
        tanggal_lahir=date(1990, 5, 12),
        jenis_kelamin="PEREMPUAN",
        golongan_darah="O",
        alamat="JL. MERDEKA NO. 10",
        rt_rw="003/005",
        kelurahan_desa="GEGERKALONG",
        kecamatan="SUKASARI",
        agama="ISLAM",
        status_perkawinan="KAWIN",
        pekerjaan="KARYAWAN SWASTA",
        kewarganegaraan="WNI",
        berlaku_hingga="SEUMUR HIDUP",
        provinsi="JAWA BARAT",
        kabupaten_kota="KOTA BANDUNG",
    )
    fields = {
        name: FieldValue(card.get(name), str(card.get(name) or ""), 0.95)
        for name in FieldName
        if card.get(name) is not None
    }
    nik = Nik("32", "73", "01", date(1990, 5, 12), Sex.FEMALE, "0001")
    checks = (Check("nik_birth_date", True, "error", "the NIK's birth date matches"),)
    return ReadResult(
        card=card,
        fields=fields,
        score=95.0,
        nik=nik,
        checks=checks,
        timings={"ocr": 12.0},
        engine="fake",
        card_image=card_image,
    )


class FakeReader:
    """Decodes with the real loader (limits, bombs, truncation), then answers a canned result.

    ``no_card=True`` refuses like the pipeline does when no card text can be read.
    """

    def __init__(self, regions: Any = None, *, no_card: bool = False, delay: float = 0.0) -> None:
        self.engine = type("E", (), {"name": "fake"})()
        self.regions = regions
        self.no_card = no_card
        self.delay = delay
        self.calls = 0
        self.max_pixels = 40_000_000

    @property
    def today(self) -> date:
        return TODAY

    def read(self, image: Any, *, keep_card_image: bool = False) -> ReadResult:
        self.calls += 1
        pixels = load_image(bytes(image), max_bytes=5 * 1024 * 1024, max_pixels=self.max_pixels)
        if self.delay:
            import time

            time.sleep(self.delay)
        if self.no_card:
            raise CardNotFound("No identity card was found in the image.", code="no_card")
        if self.regions is not None:
            self.regions.get("32")  # touch the database like the pipeline does
        return canned_result(card_image=pixels[:50, :80] if keep_card_image else None)


@asynccontextmanager
async def client_for(app: Any, **kwargs: Any) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client on the app, with its lifespan run."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, **kwargs)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


class TcpProxy:
    """A loopback TCP forwarder we can stop, to play a database or Redis going down."""

    def __init__(self, target_port: int, port: int = 0) -> None:
        self.target = ("127.0.0.1", target_port)
        self.server = socket.create_server(("127.0.0.1", port))
        self.port = self.server.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            if not self.running:
                client.close()
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        """Refuse new connections and cut the open ones."""
        self.running = False
        with suppress(OSError):
            self.server.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self.server.close()
        for s in self.sockets:
            with suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()
