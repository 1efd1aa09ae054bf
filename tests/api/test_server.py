"""``ktp-ocr serve --workers 2`` for real: start-up, both endpoints, a card, graceful SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.engine
@pytest.mark.slow
def test_serve_two_workers_and_stop_gracefully(region_db_url: str) -> None:
    from ktp_ocr.regions import memory_repository
    from ktp_ocr.synth import generate

    card = next(generate(1, seed=5, regions=memory_repository(), conditions=("scan",)))
    port = _free_port()
    env = {**os.environ, "KTP_RATE_LIMIT": "", "KTP_DATABASE_URL": region_db_url,
           "KTP_MIN_UPLOAD_BYTES": "0", "KTP_LOG_LEVEL": "WARNING"}  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "ktp_ocr.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, "the server exited during start-up"
            assert time.monotonic() < deadline, "no /ping answer in time"
            try:
                if httpx.get(f"{base}/ping", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        time.sleep(3)  # let the second worker finish loading too
        assert httpx.get(f"{base}/health", timeout=10).status_code == 200
        files = {"image": ("card.jpg", card.jpeg, "image/jpeg")}
        response = httpx.post(f"{base}/ocr-ktp", files=files, timeout=60)
        assert response.status_code in (200, 422), response.text
        assert response.headers["X-Request-ID"]
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=60)
    assert code == 0


@pytest.mark.slow
def test_serve_exits_non_zero_when_no_worker_can_start() -> None:
    port = _free_port()
    env = {**os.environ, "KTP_OCR_ENGINE": "no-such-engine", "KTP_DATABASE_URL": "sqlite://"}
    done = subprocess.run(
        [sys.executable, "-m", "ktp_ocr.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 3
    assert b"engine_unavailable" in done.stderr or b"EngineUnavailable" in done.stderr


@pytest.mark.slow
def test_serve_refuses_a_taken_port() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "ktp_ocr.cli", "serve", "--port", str(port), "--workers", "2"],
            capture_output=True,
            timeout=60,
        )
    assert done.returncode == 1
