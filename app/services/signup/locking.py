"""The per-event (or per-slot) lock every change to places takes first (see the package doc)."""

from __future__ import annotations

import threading
from typing import Any, NoReturn

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, SessionTransaction

from app.models import Event, Registration, Slot
from app.services.database_errors import unavailable_cause

#: Statuses that hold a place (and count against capacity).
from app.services.signup.applicant import EVENT_NOT_FOUND, MAX_ID, SLOT_NOT_FOUND, SignupError

# -- Locking and counting ----------------------------------------------------------------

#: SQLite has one write lock per database file, and threads waiting for it poll with growing
#: sleeps (its busy handler), which wastes most of the time under contention. Threads of one
#: process therefore queue on this mutex first, held until the transaction ends; SQLite's own
#: lock still guards against other processes. PostgreSQL's row locks queue properly.
_SQLITE_WRITERS: dict[str, threading.RLock] = {}
_SQLITE_WRITERS_GUARD = threading.Lock()
_MUTEX_KEY = "linli_sqlite_writer"
_MUTEX_TIMEOUT_S = 10.0


def _sqlite_writer_mutex(session: Session) -> None:
    if session.info.get(_MUTEX_KEY) is not None:
        return
    bind = session.get_bind()
    database = str(getattr(bind, "engine", bind).url)
    with _SQLITE_WRITERS_GUARD:
        mutex = _SQLITE_WRITERS.setdefault(database, threading.RLock())
    if not mutex.acquire(timeout=_MUTEX_TIMEOUT_S):
        raise SignupError(
            "busy", _l("Many people are signing up right now. Please try again.")
        )
    session.info[_MUTEX_KEY] = mutex


def _refuse_as_busy(error: OperationalError) -> NoReturn:
    """A lock the database could not give in time is the sign-up's "busy"; a lost connection
    stays what it is, for the web's "cannot be reached" answer."""
    if unavailable_cause(error) == "down":
        raise error
    raise SignupError(
        "busy", _l("Many people are signing up right now. Please try again.")
    ) from error


def release_sqlite_writer_mutex(session: Session, transaction: SessionTransaction) -> None:
    """Part of the `after_transaction_end` listener (`app.database`): the mutex is held until
    the outermost transaction ends."""
    if transaction.parent is None:
        mutex = session.info.pop(_MUTEX_KEY, None)
        if mutex is not None:
            mutex.release()


def _lock(session: Session, model: type[Event] | type[Slot], pk: int) -> Any:
    """Take the per-event (or per-slot) lock and return the row, freshly loaded."""
    missing = SLOT_NOT_FOUND if model is Slot else EVENT_NOT_FOUND
    if not 1 <= pk <= MAX_ID:
        raise SignupError("not_found", missing)
    dialect = session.get_bind().dialect.name
    table = model.__table__.name  # type: ignore[attr-defined]
    try:
        if dialect == "sqlite":
            _sqlite_writer_mutex(session)
            # First statement of the transaction: takes the write lock (see module doc).
            session.execute(text(f"UPDATE {table} SET id = id WHERE id = :id"), {"id": pk})
            statement = select(model).where(model.id == pk)
        else:
            statement = select(model).where(model.id == pk).with_for_update()
        row = session.scalars(statement.execution_options(populate_existing=True)).first()
    except OperationalError as error:
        _refuse_as_busy(error)
    if row is None:
        raise SignupError("not_found", missing, "slot" if model is Slot else None)
    return row


def _lock_for_token(session: Session, token: str) -> Any:
    if not token or len(token) > 64:
        raise SignupError("not_found", _l("This sign-up does not exist."))
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_writer_mutex(session)
        try:
            result = session.execute(
                text(
                    "UPDATE events SET id = id WHERE id = "
                    "(SELECT event_id FROM registrations WHERE cancel_token = :token)"
                ),
                {"token": token},
            )
        except OperationalError as error:
            _refuse_as_busy(error)
        if not result.rowcount:  # type: ignore[attr-defined]
            raise SignupError("not_found", _l("This sign-up does not exist."))
        return None
    keys = session.execute(
        select(Registration.event_id, Registration.slot_id).where(
            Registration.cancel_token == token
        )
    ).first()
    if keys is None:
        raise SignupError("not_found", _l("This sign-up does not exist."))
    if keys.slot_id is not None:
        return _lock(session, Slot, keys.slot_id)
    return _lock(session, Event, keys.event_id)
