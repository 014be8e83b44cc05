"""Which database errors mean "try again later": busy, full, or the connection lost.

The web answers them with 503 and Retry-After (`app.unavailable`); a service that turns a
busy database into a refusal of its own (the sign-up's "busy") leaves a lost connection alone,
so the resident is told the database cannot be reached rather than that it is busy.
"""

from __future__ import annotations

from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

#: PostgreSQL SQLSTATEs: disk full, out of memory; lock not available, query cancelled
#: (statement or lock timeout), deadlock, serialization failure.
_PG_FULL = {"53100", "53200"}
_PG_BUSY = {"55P03", "57014", "40P01", "40001"}
#: The connection is gone or refused: class 08 (connection exception), the server shutting
#: down or starting (57P01–57P03, 57P01 being pg_terminate_backend), too many connections.
_PG_DOWN = {"57P01", "57P02", "57P03", "53300"}


def unavailable_cause(error: BaseException) -> str | None:
    """'busy', 'full', 'down' or None (not a "try again later" error)."""
    if isinstance(error, PoolTimeout):
        return "busy"  # every pooled connection in use for the whole pool timeout
    original = getattr(error, "orig", None)
    state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if state in _PG_FULL:
        return "full"
    if state in _PG_BUSY:
        return "busy"
    if getattr(error, "connection_invalidated", False) or state in _PG_DOWN or (
            state or "").startswith("08"):
        return "down"
    if (state is None and isinstance(error, OperationalError)
            and type(original).__module__.startswith("psycopg")):
        # libpq's own failures (refused, unknown host, closed unexpectedly) carry no SQLSTATE.
        return "down"
    text = str(original if original is not None else error).lower()
    if "disk is full" in text or "no space left" in text:
        return "full"
    if "database is locked" in text or "database table is locked" in text:
        return "busy"
    if "unable to open database file" in text:
        return "down"
    return None
