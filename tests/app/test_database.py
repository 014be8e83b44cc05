"""The session listeners of `app.database`: installed once, and in the order that keeps a
hand-off after commit from running while the sign-up lock is held."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from app import database, transactions
from app.services.signup import locking

pytestmark = pytest.mark.unit


@pytest.fixture
def session():
    database.install_session_listeners()
    engine = sa.create_engine("sqlite://")
    with Session(engine) as session:
        yield session
    engine.dispose()


def test_installing_twice_registers_each_listener_once() -> None:
    database.install_session_listeners()
    database.install_session_listeners()
    for name, listener in database.SESSION_LISTENERS:
        assert event.contains(Session, name, listener)


def test_callbacks_run_after_commit_and_after_the_lock_is_released(session: Session) -> None:
    mutex = threading.RLock()
    mutex.acquire()
    session.info[locking._MUTEX_KEY] = mutex
    seen: list[bool] = []

    def lock_is_free() -> None:
        result: list[bool] = []
        probe = threading.Thread(target=lambda: result.append(mutex.acquire(blocking=False)))
        probe.start()
        probe.join()
        seen.append(result[0])

    session.execute(sa.text("SELECT 1"))
    transactions.after_commit(session, lock_is_free)
    assert seen == []
    session.commit()
    assert seen == [True]


def test_a_rolled_back_transaction_runs_nothing(session: Session) -> None:
    ran: list[int] = []
    session.execute(sa.text("SELECT 1"))
    transactions.after_commit(session, lambda: ran.append(1))
    session.rollback()
    session.execute(sa.text("SELECT 1"))
    session.commit()
    assert ran == []


def test_a_failing_callback_does_not_stop_the_others(session: Session) -> None:
    ran: list[int] = []
    session.execute(sa.text("SELECT 1"))
    transactions.after_commit(session, lambda: 1 / 0)
    transactions.after_commit(session, lambda: ran.append(1))
    session.commit()
    assert ran == [1]
