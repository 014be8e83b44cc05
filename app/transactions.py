"""Work that waits for a commit: mail, SMS and task hand-offs are queued on the session and run
only once the data they talk about is committed (and are dropped on rollback), so nobody is told
about a place that was never saved and no task looks for a row that is not there yet.

The callbacks run when the outermost transaction has ended, after any lock it held has been let
go (`app.database.install_session_listeners` orders that), so a slow mail server never holds up
another request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session, SessionTransaction

log = logging.getLogger(__name__)

_PENDING = "linli_after_commit"
_READY = "linli_after_commit_ready"


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run `callback` once the session's current transaction has committed."""
    session.info.setdefault(_PENDING, []).append(callback)


def after_commit_once(session: Session, callback: Callable[[], None]) -> None:
    """`after_commit`, unless an equal callback already waits for this transaction."""
    pending = session.info.setdefault(_PENDING, [])
    if callback not in pending:
        pending.append(callback)


def mark_committed(session: Session) -> None:
    """`after_commit` listener: what was pending is now due."""
    session.info.setdefault(_READY, []).extend(session.info.pop(_PENDING, []))


def drop_pending(session: Session, _previous: Any = None) -> None:
    """`after_soft_rollback` listener: nothing of a rolled-back transaction is sent."""
    session.info.pop(_PENDING, None)


def run_due(session: Session, transaction: SessionTransaction) -> None:
    """Part of the `after_transaction_end` listener: run the callbacks of a committed
    transaction once the outermost one has ended."""
    if transaction.parent is not None:
        return
    for callback in session.info.pop(_READY, []):
        try:
            callback()
        except Exception:  # a failed hand-off must never undo or break committed work
            log.exception("after-commit callback failed")
