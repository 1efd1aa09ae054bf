"""``ktp-ocr serve``: uvicorn with N worker processes, each built by the app factory.

Every worker imports ``ktp_ocr.api.app:create_app`` and calls it (``factory=True``) with
settings from the environment, so each loads the engine and opens the database once. SIGTERM
or Ctrl-C stops accepting connections, lets requests in flight finish (up to
``shutdown_timeout_seconds``) and runs each worker's lifespan shutdown.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import tempfile
from pathlib import Path
from typing import Any

from ktp_ocr.api.logs import log_config
from ktp_ocr.config import Settings

log = logging.getLogger(__name__)

APP = "ktp_ocr.api.app:create_app"
#: Folder where each worker leaves a mark once started (how ``serve`` learns start-up failed).
READY_DIR_ENV = "KTPOCR_READY_DIR"
#: Exit code when no worker could start (uvicorn's own code for a start-up failure).
STARTUP_FAILURE = 3


def mark_ready() -> None:
    """Called by a worker's lifespan once it is ready (no-op outside ``serve``)."""
    folder = os.environ.get(READY_DIR_ENV)
    if folder:
        (Path(folder) / str(os.getpid())).touch()


def _engine_threads(settings: Settings, workers: int) -> None:
    """Split the CPU cores between the reads of all workers so they don't oversubscribe them.

    Each worker reads ``reads_at_once`` cards at a time (one per core by default), so a worker
    that happens to hold every connection still keeps all cores busy; each read then gets one
    inference thread.
    """
    if settings.ocr_threads == 0 and "KTP_OCR_THREADS" not in os.environ:
        reads = workers * settings.reads_at_once
        os.environ["KTP_OCR_THREADS"] = str(max(1, (os.cpu_count() or 1) // reads))


def serve(
    settings: Settings, *, host: str = "127.0.0.1", port: int = 8000, workers: int = 2
) -> int:
    """Run the service until stopped; returns the process exit code."""
    import uvicorn

    if workers < 1:
        raise ValueError("--workers must be at least 1")
    _engine_threads(settings, workers)
    with tempfile.TemporaryDirectory(prefix="ktp-ocr-serve-") as ready:
        os.environ[READY_DIR_ENV] = ready
        code = _run(uvicorn, settings, host=host, port=port, workers=workers)
        started = any(Path(ready).iterdir())
    if code == 0 and not started:
        log.error("no worker started; see the errors above")
        return STARTUP_FAILURE
    return code


def bind_reuseport(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` with ``SO_REUSEPORT`` (not listening yet)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


class _PerWorkerSocket:
    """Stands for the listening socket; each worker that unpickles it binds its own.

    With one socket shared by all workers, whichever worker's event loop wakes first accepts
    every pending connection (OCR runs in threads, so the loop is always free to), and one
    core reads every card while the other idles. With a ``SO_REUSEPORT`` socket per worker the
    kernel spreads connections across the workers.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port

    def __reduce__(self) -> tuple[Any, tuple[str, int]]:
        return (bind_reuseport, (self.host, self.port))


def _run(uvicorn: Any, settings: Settings, *, host: str, port: int, workers: int) -> int:
    options: dict[str, Any] = {
        "factory": True,
        "host": host,
        "port": port,
        "workers": workers,
        "log_config": log_config(settings.log_level.upper(), json_logs=settings.log_json),
        "access_log": False,  # the app logs one line per request, without query strings
        "proxy_headers": False,  # X-Forwarded-For is judged by the app (trusted_proxies)
        "server_header": False,
        "timeout_graceful_shutdown": int(settings.shutdown_timeout_seconds),
    }
    if workers == 1 or not hasattr(socket, "SO_REUSEPORT"):
        try:  # uvicorn's own way: one socket
            uvicorn.run(APP, **options)
        except SystemExit as exc:  # uvicorn exits on start-up failure (port taken, app error)
            return exc.code if isinstance(exc.code, int) else 1
        return 0
    from uvicorn.supervisors import Multiprocess

    try:
        bind_reuseport(host, port).close()  # fail fast when the port is taken
    except OSError as exc:
        log.error("cannot listen on %s:%d: %s", host, port, exc.strerror)
        return 1
    config = uvicorn.Config(APP, **options)
    log.info("serving on http://%s:%d with %d workers", host, port, workers)
    sockets: list[Any] = [_PerWorkerSocket(host, port)]
    with contextlib.suppress(KeyboardInterrupt):
        Multiprocess(config, sockets=sockets).run()
    return 0
