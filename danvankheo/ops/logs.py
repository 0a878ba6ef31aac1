"""Structured logging: one JSON object per line on stderr.

The request logger in `core.web` emits one `request` record per request with the request id
(`X-Request-Id` from nginx, or a fresh one), method, path, status, duration and user. This
formatter turns that record, and every other record of the `danvankheo` loggers, into one
line of JSON that a log shipper can parse without rules:

    {"ts": "2026-10-16T02:03:04.123Z", "level": "INFO", "logger": "danvankheo.request",
     "msg": "request", "request_id": "3f9c...", "method": "GET", "path": "/mo-hinh",
     "status": 200, "duration_ms": 41.2, "user_id": "12:1", "pid": 4242}

`LOG_FORMAT=text` gives the usual human-readable lines instead (handy in development).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from flask import Flask, g, has_request_context

# Attributes every LogRecord has; anything else was passed through `extra=` and is kept.
_STANDARD_ATTRS = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}
_HANDLER_MARK = "_danvankheo_handler"


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON; `extra=` fields become top-level keys."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace(
                "+00:00", "Z"
            ),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                entry[key] = value
        if "request_id" not in entry and has_request_context():
            request_id = g.get("request_id")
            if request_id:
                entry["request_id"] = request_id
        entry["pid"] = record.process
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """Human-readable lines for development, with the `extra=` fields as key=value."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = " ".join(
            f"{key}={value}"
            for key, value in record.__dict__.items()
            if key not in _STANDARD_ATTRS and not key.startswith("_")
        )
        return f"{line} {extras}" if extras else line


def configure_logging(app: Flask) -> None:
    """Attach one stderr handler to the `danvankheo` logger (idempotent across apps)."""
    fmt = (app.config.get("LOG_FORMAT") or "json").lower()
    level = (app.config.get("LOG_LEVEL") or "INFO").upper()
    logger = logging.getLogger("danvankheo")
    logger.setLevel(level)
    for handler in list(logger.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            logger.removeHandler(handler)
    if app.config.get("TESTING") and not app.config.get("LOG_REQUESTS"):
        # Tests capture records through caplog; no handler of our own keeps their output clean.
        logger.propagate = True
        return
    handler = logging.StreamHandler(sys.stderr)
    setattr(handler, _HANDLER_MARK, True)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(TextFormatter())
    logger.addHandler(handler)
    # Records are written once, by our handler, and not again by the root logger.
    logger.propagate = False
