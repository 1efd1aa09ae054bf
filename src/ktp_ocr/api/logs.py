"""JSON logs with the request id, and no image or personal data (STYLE R10).

Exceptions are logged with their type and stack only: an exception's message can carry text
from the card, so it is left out.
"""

from __future__ import annotations

import json
import logging
import traceback
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

#: The current request's id; copied into OCR threads by anyio, so pipeline logs carry it too.
request_id_var: ContextVar[str | None] = ContextVar("ktp_request_id", default=None)

#: Extra record attributes that are written out (everything else is dropped).
EXTRA_KEYS = (
    "method",
    "path",
    "status",
    "duration_ms",
    "client",
    "code",
    "bytes",
    "cached",
    "score",
)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Attach the id; never drops a record."""
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as JSON."""
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", None) or request_id_var.get()
        if rid:
            out["request_id"] = rid
        for key in EXTRA_KEYS:
            value = getattr(record, key, None)
            if value is not None:
                out[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            exc_type, _, tb = record.exc_info
            out["exc_type"] = exc_type.__name__
            out["stack"] = "".join(traceback.format_tb(tb))
        return json.dumps(out, ensure_ascii=False)


def log_config(level: str = "INFO", *, json_logs: bool = True) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for uvicorn and the package (applied in each worker)."""
    formatter = (
        {"()": "ktp_ocr.api.logs.JsonFormatter"}
        if json_logs
        else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    )
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "default",
        "filters": ["request_id"],
        "stream": "ext://sys.stderr",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "ktp_ocr.api.logs.RequestIdFilter"}},
        "formatters": {"default": formatter},
        "handlers": {"default": handler},
        "root": {"handlers": ["default"], "level": "WARNING"},
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "ktp_ocr": {"handlers": ["default"], "level": level, "propagate": False},
        },
    }
