"""Helpers for the page tests: the service on loopback, a scripted engine, screenshots."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ktp_ocr.config import Settings
from ktp_ocr.ocr import ScriptedEngine
from ktp_ocr.synth import SynthCard
from ktp_ocr.types import OcrLine

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def web_settings(**overrides: Any) -> Settings:
    """Service settings for the page tests: no rate limit, no size floor, no env files."""
    base: dict[str, Any] = {"min_upload_bytes": 0, "rate_limit": None, "log_json": False}
    base.update(overrides)
    return Settings(_env_file=None, **base)  # type: ignore[call-arg]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Run ``app`` under uvicorn in a thread on a free loopback port; yields its base URL."""
    import uvicorn

    config = uvicorn.Config(
        app, host="127.0.0.1", port=_free_port(), log_config=None, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the service did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def true_lines(card: SynthCard, tweak: dict[str, tuple[str, float]] | None = None) -> Any:
    """An engine that 'reads' the card's true lines, scaled to the image it is given.

    ``tweak`` maps a line's text to the (text, confidence) to answer instead.
    """
    tweak = tweak or {}

    def script(image: NDArray[np.uint8]) -> Sequence[OcrLine]:
        sx = image.shape[1] / card.card_size[0]
        sy = image.shape[0] / card.card_size[1]
        out = []
        for ln in card.lines:
            text, confidence = tweak.get(ln.text, (ln.text, 0.97))
            out.append(OcrLine(text, ln.box.scaled(sx, sy), confidence))
        return out

    return ScriptedEngine(script)


class PageWatch:
    """A page plus what it did: requests made, console errors (CSP violations show up here)."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))


def screenshot(page: Any, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot under artifacts/ (a test artefact, not committed)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=full_page)
    return path
