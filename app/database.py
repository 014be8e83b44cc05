"""Database set-up: SQLite pragmas, the session listeners, and the request-level commit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, Response
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, SessionTransaction

from app import transactions
from app.extensions import db, migrate
from app.services.feeds import bump_sequences_for_changes
from app.services.signup import release_sqlite_writer_mutex


def _migrations_dir() -> Path:
    """`migrations/` at the root of a source checkout; inside the package in a wheel, which
    ships them as `app/migrations` (see setup.py)."""
    here = Path(__file__).resolve().parent
    shipped = here / "migrations"
    return shipped if (shipped / "env.py").exists() else here.parent / "migrations"


MIGRATIONS_DIR = _migrations_dir()


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; let SQLAlchemy
    # emit BEGIN itself (see `_begin_sqlite`), as the SQLAlchemy documentation recommends.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets readers and the huey consumer work while a request writes; foreign keys are
    # off by default in SQLite and our integrity rules rely on them.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Under WAL, NORMAL syncs at checkpoints only: durable across crashes of the process,
    # and it takes the fsync off every committed sign-up.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _begin_sqlite(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    # Calendar clients only take an update whose SEQUENCE went up.
    bump_sequences_for_changes(session)


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # The sign-up lock goes first, so that no mail or task hand-off runs while holding it.
    release_sqlite_writer_mutex(session, transaction)
    transactions.run_due(session, transaction)


#: Every listener on every session of the process, in one place.
SESSION_LISTENERS = (
    ("before_flush", _before_flush),
    ("after_commit", transactions.mark_committed),
    ("after_soft_rollback", transactions.drop_pending),
    ("after_transaction_end", _after_transaction_end),
)


def install_session_listeners() -> None:
    """Register `SESSION_LISTENERS` on all sessions, once per process (idempotent)."""
    for name, listener in SESSION_LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def init_app(app: Flask) -> None:
    install_session_listeners()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _configure_sqlite)
            event.listen(engine, "begin", _begin_sqlite)
    app.after_request(_commit_on_success)
    app.teardown_request(_rollback_on_error)


def _commit_on_success(response: Response) -> Response:
    """The one place a web request commits: services only flush."""
    if response.status_code < 400:
        db.session.commit()
    else:
        db.session.rollback()
    return response


def _rollback_on_error(exc: BaseException | None) -> None:
    if exc is not None:
        db.session.rollback()
