"""huey tasks of the scheduler: runs, stale-run checks, reminders, care-visit generation.

Tasks take ids, load rows, call a service, inside an app context (one app per consumer
process, `app.queue.task_app`). `app.tasks` imports this module so the consumer's
registry knows these tasks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

from app.extensions import db
from app.queue import huey, local_crontab, task_app
from app.services import care_visits, reminders, schedule_runs

log = logging.getLogger(__name__)
T = TypeVar("T")


@contextmanager
def _app_context() -> Iterator[None]:
    """The consumer's app context, whose session is removed afterwards; inside an existing
    context (immediate mode, a test calling the task) that context is used as it is."""
    if has_app_context():
        yield
        return
    with task_app().app_context():
        try:
            yield
        finally:
            db.session.remove()


@huey.task(retries=0, context=False)
def run_schedule(run_id: int) -> str:
    """Execute one scheduler run (see `schedule_runs.execute_run`)."""
    with _app_context():
        return schedule_runs.execute_run(db.session, db.engine, run_id)


def enqueue_run(run_id: int) -> None:
    """Queue a committed run for a consumer."""
    run_schedule(run_id)


def _in_transaction(work: Callable[[], T]) -> T:
    with _app_context():
        try:
            result = work()
            db.session.commit()
            return result
        except Exception:
            db.session.rollback()
            raise


@huey.periodic_task(local_crontab(minute="*"), retries=0)
def check_stale_runs() -> list[int]:
    """Runs whose worker died end as failed with a readable reason."""
    return _in_transaction(lambda: schedule_runs.fail_stale_runs(db.session))


@huey.periodic_task(local_crontab(minute="*/10"), retries=0)
def send_reminders() -> int:
    return _in_transaction(lambda: reminders.send_due_reminders(db.session))


@huey.periodic_task(local_crontab(hour="2", minute="15"), retries=0)
def generate_care_visits() -> int:
    def work() -> int:
        zone = ZoneInfo(current_app.config["LINLI_TIMEZONE"])
        weeks = int(current_app.config["LINLI_CARE_HORIZON_WEEKS"])
        return care_visits.generate_care_visits(
            db.session, today=datetime.now(zone).date(), zone=zone, weeks=weeks
        )

    return _in_transaction(work)
