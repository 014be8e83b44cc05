"""The database answering "not now": a lock held too long, a full disk.

Such a request is refused with 503 Service Unavailable, a message in the user's language and
a Retry-After header; its transaction is rolled back, so nothing it did is half-saved and
nothing saved earlier is lost. Any other database error is a defect and stays a 500.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import OperationalError

from app.extensions import db

#: Seconds a client should wait before trying again, per cause.
RETRY_AFTER_BUSY = 5
RETRY_AFTER_FULL = 60

BUSY_MESSAGE = _l("The system is busy saving other work. Nothing was changed; please try "
                  "again in a few seconds.")
FULL_MESSAGE = _l("The server has run out of storage space. Nothing was changed; please try "
                  "again later, and tell the administrator if this persists.")

#: PostgreSQL SQLSTATEs: disk full, out of memory; lock not available, query cancelled
#: (statement or lock timeout), deadlock, serialization failure.
_PG_FULL = {"53100", "53200"}
_PG_BUSY = {"55P03", "57014", "40P01", "40001"}


def unavailable_cause(error: BaseException) -> str | None:
    """'busy', 'full' or None (not a "try again later" error)."""
    original = getattr(error, "orig", None)
    state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if state in _PG_FULL:
        return "full"
    if state in _PG_BUSY:
        return "busy"
    text = str(original if original is not None else error).lower()
    if "disk is full" in text or "no space left" in text:
        return "full"
    if "database is locked" in text or "database table is locked" in text:
        return "busy"
    return None


def unavailable_response(cause: str) -> Response:
    message = FULL_MESSAGE if cause == "full" else BUSY_MESSAGE
    retry_after = RETRY_AFTER_FULL if cause == "full" else RETRY_AFTER_BUSY
    headers = {"Retry-After": str(retry_after)}
    if request.path.startswith("/api/"):
        from app.api.problems import problem_response

        return problem_response(503, message, code=f"unavailable_{cause}", headers=headers)
    body = render_template("public/message.html", status=503, message=message)
    return Response(body, status=503, headers=headers)


def _database_unavailable(error: OperationalError) -> Any:
    # The failed transaction ends here; the page below (its language comes from the user's
    # row) then reads with a fresh one.
    db.session.rollback()
    cause = unavailable_cause(error)
    if cause is None:
        raise error
    return unavailable_response(cause)


def _retry_after(response: Response) -> Response:
    """Every 503 (a sign-up queue that is full, a database lock) says when to try again."""
    if response.status_code == 503 and "Retry-After" not in response.headers:
        response.headers["Retry-After"] = str(RETRY_AFTER_BUSY)
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(OperationalError, _database_unavailable)
    app.after_request(_retry_after)
