"""Database set-up: SQLite pragmas, and the request-level commit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, Response
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from app import errors
from app.extensions import db, migrate

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


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


def init_app(app: Flask) -> None:
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
        try:
            db.session.commit()
        except OperationalError as error:
            # A full disk or a lock held too long at the last moment: nothing was saved.
            db.session.rollback()
            cause = errors.unavailable_cause(error)
            if cause is None:
                raise
            return errors.unavailable_response(cause)
    else:
        db.session.rollback()
    return response


def _rollback_on_error(exc: BaseException | None) -> None:
    if exc is not None:
        db.session.rollback()
