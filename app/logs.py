"""Logging: one `dictConfig`, text lines locally, JSON lines when LINLI_LOG_FORMAT=json.

Every line carries the request id (`X-Request-ID`, taken from the proxy when it sends a sane
one, else made here, and sent back on the response) or the huey task id, and goes through the
feed-token redaction (`app.feeds.logs.redact`) after formatting, so no secret link reaches a
handler. Under TESTING the logging is left to the test runner.
"""

from __future__ import annotations

import contextvars
import json
import logging
import logging.config
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, has_request_context, request
from werkzeug.wrappers import Response

from app.feeds.logs import redact

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_configured: tuple[str, str] | None = None
#: The id of the huey task this thread is executing (set by hooks in `app.tasks.queue`).
current_task_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "linli_task_id", default=None
)


class ContextFilter(logging.Filter):
    """Adds `request_id` and `task_id` (or "-") to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = None
        if has_request_context():
            request_id = g.get("request_id")
        elif record.name == "gunicorn.access" and isinstance(record.args, dict):
            # gunicorn logs after the response, outside the request: take the id it sent.
            request_id = record.args.get("{x-request-id}o")
        record.request_id = request_id or "-"
        record.task_id = current_task_id.get() or "-"
        return True


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s [req=%(request_id)s task=%(task_id)s] %(name)s: "
            "%(message)s"
        )

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": getattr(record, "request_id", "-"),
            "task_id": getattr(record, "task_id", "-"),
        }
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def logging_config(log_format: str = "text", level: str = "INFO") -> dict[str, Any]:
    formatter = JsonFormatter if log_format == "json" else TextFormatter
    handler = {
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
        "formatter": "linli",
        "filters": ["context"],
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": ContextFilter}},
        "formatters": {"linli": {"()": formatter}},
        "handlers": {"stderr": handler},
        "root": {"level": level.upper(), "handlers": ["stderr"]},
        # gunicorn and huey log through the root handler, in the same format.
        "loggers": {
            name: {"handlers": [], "propagate": True}
            for name in ("gunicorn.error", "gunicorn.access", "huey", "werkzeug")
        },
    }


def configure_logging(log_format: str = "text", level: str = "INFO") -> None:
    """Once per process and format (several apps in one process share the root logger)."""
    global _configured
    if _configured == (log_format, level):
        return
    logging.config.dictConfig(logging_config(log_format, level))
    _configured = (log_format, level)


def _assign_request_id() -> None:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = incoming if _SANE_REQUEST_ID.match(incoming) else uuid.uuid4().hex


def _send_request_id(response: Response) -> Response:
    request_id = g.get("request_id")
    if request_id:
        response.headers[REQUEST_ID_HEADER] = request_id
    return response


def init_app(app: Flask) -> None:
    if not app.testing:
        configure_logging(app.config["LINLI_LOG_FORMAT"], app.config["LINLI_LOG_LEVEL"])
    app.before_request(_assign_request_id)
    app.after_request(_send_request_id)
