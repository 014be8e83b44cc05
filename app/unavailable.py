"""The database answering "not now": a lock held too long, a full disk, a lost connection.

Such a request is refused with 503 Service Unavailable, a message in the user's language and
a Retry-After header; its transaction is rolled back, so nothing it did is half-saved and
nothing saved earlier is lost. Any other database error is a defect and stays a 500.

A lost connection (the server restarted, a network cut, a connection terminated by an
administrator, no free connection in the pool) ends its request this way too. The page is then
rendered without asking the database anything: a logged-in user is shown it as a visitor.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from app.extensions import db, login_manager
from app.services.database_errors import unavailable_cause

#: Seconds a client should wait before trying again, per cause.
RETRY_AFTER_BUSY = 5
RETRY_AFTER_FULL = 60
RETRY_AFTER_DOWN = 30

BUSY_MESSAGE = _l("The system is busy saving other work. Nothing was changed; please try "
                  "again in a few seconds.")
FULL_MESSAGE = _l("The server has run out of storage space. Nothing was changed; please try "
                  "again later, and tell the administrator if this persists.")
DOWN_MESSAGE = _l("The database cannot be reached at the moment. Nothing was changed; please "
                  "try again in a minute, and tell the administrator if this persists.")

_ANSWERS = {"busy": (BUSY_MESSAGE, RETRY_AFTER_BUSY), "full": (FULL_MESSAGE, RETRY_AFTER_FULL),
            "down": (DOWN_MESSAGE, RETRY_AFTER_DOWN)}


def unavailable_response(cause: str) -> Response:
    message, retry_after = _ANSWERS[cause]
    headers = {"Retry-After": str(retry_after)}
    if request.path.startswith("/api/"):
        from app.api.problems import problem_response

        return problem_response(503, message, code=f"unavailable_{cause}", headers=headers)
    if cause == "down" and "_login_user" not in g:
        # The layout asks who is logged in, which would ask the unreachable database again.
        g._login_user = login_manager.anonymous_user()
    body = render_template("public/message.html", status=503, message=message)
    return Response(body, status=503, headers=headers)


def _database_unavailable(error: DBAPIError | PoolTimeout) -> Any:
    cause = unavailable_cause(error)
    # The failed transaction ends here; the page below (its language may come from the
    # user's row) then reads with a fresh one. On a lost connection the rollback itself
    # fails, after SQLAlchemy has let the connection go.
    try:
        db.session.rollback()
    except DBAPIError:
        cause = cause or "down"
    if cause is None:
        raise error
    return unavailable_response(cause)


def _retry_after(response: Response) -> Response:
    """Every 503 (a sign-up queue that is full, a database lock) says when to try again."""
    if response.status_code == 503 and "Retry-After" not in response.headers:
        response.headers["Retry-After"] = str(RETRY_AFTER_BUSY)
    return response


def init_app(app: Flask) -> None:
    # Any DBAPI error: a lost connection also surfaces as InterfaceError ("the connection is
    # closed"); the others are not "try again later" and are raised on to the 500 page.
    app.register_error_handler(DBAPIError, _database_unavailable)
    app.register_error_handler(PoolTimeout, _database_unavailable)
    app.after_request(_retry_after)
