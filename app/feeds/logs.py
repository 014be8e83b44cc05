"""Keep secret feed links out of logs: the request log prints the path, and the path is the key.

A filter on the loggers that print request paths (werkzeug's request log, Flask's exception log,
gunicorn's access and error logs) rewrites `/feeds/v/<token>` and `/feeds/t/<token>` before any
handler sees the record.
"""

from __future__ import annotations

import logging
import re

SECRET_PATH = re.compile(r"(/feeds/[vt]/)[^/\s?\"'.]+")
REDACTED = r"\1[redacted]"
LOGGER_NAMES = ("werkzeug", "gunicorn.access", "gunicorn.error")


def redact(text: str) -> str:
    return SECRET_PATH.sub(REDACTED, text)


class RedactFeedTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


_FILTER = RedactFeedTokens()


def install(*loggers: logging.Logger) -> None:
    """Idempotent: a logger gets the filter once however many apps are created."""
    for logger in (*(logging.getLogger(name) for name in LOGGER_NAMES), *loggers):
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
