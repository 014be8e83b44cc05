"""Database set-up: SQLite pragmas, the session listeners, and the request-level commit."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, has_app_context, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from app import transactions, unavailable
from app.extensions import db, migrate
from app.services.feeds import (
    bump_sequences_for_changes,
    record_bulk_tombstones,
    record_tombstones,
)
from app.services.feeds import shared as shared_feeds
from app.services.series.exceptions import detach_changed_occurrences
from app.services.signup import release_sqlite_writer_mutex


def _migrations_dir() -> Path:
    """`migrations/` at the root of a source checkout; inside the package in a wheel, which
    ships them as `app/migrations` (see setup.py)."""
    here = Path(__file__).resolve().parent
    shipped = here / "migrations"
    return shipped if (shipped / "env.py").exists() else here.parent / "migrations"


MIGRATIONS_DIR = _migrations_dir()


#: How long an SQLite statement waits for another connection's write lock (a request, the
#: huey consumer's scheduler run) before giving up; `SQLITE_BUSY_TIMEOUT_MS` overrides it.
DEFAULT_BUSY_TIMEOUT_MS = 10_000

#: Set while a unit of work that will write runs outside a request (a task's result write):
#: its transaction then takes SQLite's write lock at BEGIN, see `_begin_sqlite`.
_write_intent: ContextVar[bool] = ContextVar("linli_sqlite_write_intent", default=False)

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@contextmanager
def writing() -> Iterator[None]:
    """Transactions begun inside this block are write transactions from their first
    statement (SQLite: BEGIN IMMEDIATE; other databases: unchanged)."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def _configure_sqlite(dbapi_connection: Any, _record: Any,
                      busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> None:
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
    # Every connection waits this long for another writer before "database is locked".
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    cursor.close()


def _begin_sqlite(connection: Connection) -> None:
    """BEGIN, or BEGIN IMMEDIATE for a transaction that is going to write.

    A deferred transaction that first reads and then writes cannot wait for the write lock:
    in WAL mode SQLite refuses the upgrade at once ("database is locked") when another
    connection is writing, without using the busy timeout, because its snapshot may be stale.
    A request that changes something (POST, PUT, PATCH, DELETE), and a task inside
    `writing()`, therefore takes the write lock at BEGIN, where the busy timeout applies:
    it waits while a background job writes, instead of failing.
    """
    immediate = _write_intent.get() or (
        has_request_context() and request.method not in _SAFE_METHODS
    )
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    # An entry leaving a feed stays there as CANCELLED for a while (a client may keep an
    # entry that just vanishes), and calendar clients only take an update whose SEQUENCE
    # went up.
    record_tombstones(session)
    bump_sequences_for_changes(session)
    _feeds_change_on_commit(session, shared_feeds.flush_changes_feeds, session)
    # An occurrence of a series changed by hand, by whatever path, is the series' exception.
    detach_changed_occurrences(session)


def _do_orm_execute(state: ORMExecuteState) -> None:
    # A DELETE statement skips the flush (and the database's cascades skip the ORM): entries
    # it removes from feeds get their tombstones here, before it runs.
    if state.is_delete:
        record_bulk_tombstones(state.session, state.statement)
    _feeds_change_on_commit(state.session, shared_feeds.statement_changes_feeds, state)


def _feeds_change_on_commit(session: Session, changes_feeds: Any, subject: Any) -> None:
    # Every process's shared feed versions go stale once this is committed (not before: a
    # poll in between would store the old version under the new generation). Without Redis
    # nothing is looked at.
    shared = current_app.extensions.get(shared_feeds.EXTENSION) if has_app_context() else None
    if shared is not None and changes_feeds(subject):
        transactions.after_commit_once(session, shared.changed)


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # The sign-up lock goes first, so that no mail or task hand-off runs while holding it.
    release_sqlite_writer_mutex(session, transaction)
    transactions.run_due(session, transaction)


#: Every listener on every session of the process, in one place.
SESSION_LISTENERS = (
    ("before_flush", _before_flush),
    ("do_orm_execute", _do_orm_execute),
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
            timeout = int(app.config.get("SQLITE_BUSY_TIMEOUT_MS", DEFAULT_BUSY_TIMEOUT_MS))
            event.listen(engine, "connect", partial(_configure_sqlite, busy_timeout_ms=timeout))
            event.listen(engine, "begin", _begin_sqlite)
        else:
            _ping_idle_connections(engine, float(app.config["LINLI_DB_PING_AFTER_IDLE"]))
    app.after_request(_commit_on_success)
    app.teardown_request(_rollback_on_error)


def _ping_idle_connections(engine: Engine, after: float) -> None:
    """Test a pooled server connection before use only when it sat idle `after` seconds.

    A connection dies while nobody uses it (a restart, a failover, an idle timeout); one
    that died in use failed that use, and the pool replaced it and every connection pooled
    before the failure. So testing the idle ones catches what `pool_pre_ping` catches,
    without a round trip before every request while the site is busy. A failed test makes
    the pool open a fresh connection, unseen by the request.
    """
    def checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["linli_idle_since"] = time.monotonic()

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop("linli_idle_since", None)
        if since is None or time.monotonic() - since < after:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise DisconnectionError("a pooled connection was lost while idle") from error

    event.listen(engine.pool, "checkin", checkin)
    event.listen(engine.pool, "checkout", checkout)


def _commit_on_success(response: Response) -> Response:
    """The one place a web request commits: services only flush."""
    if response.status_code < 400:
        try:
            db.session.commit()
        except DBAPIError as error:
            # A full disk, a lock held too long or the connection lost at the last moment:
            # nothing was saved.
            cause = unavailable.unavailable_cause(error)
            try:
                db.session.rollback()
            except DBAPIError:
                cause = cause or "down"
            if cause is None:
                raise
            return unavailable.unavailable_response(cause)
    else:
        db.session.rollback()
    return response


def _rollback_on_error(exc: BaseException | None) -> None:
    if exc is not None:
        db.session.rollback()
