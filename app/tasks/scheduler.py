"""huey tasks of the scheduler: runs, stale-run checks, reminders. (Care visits come from
service packages: `app.tasks.packages`.)

Tasks take ids, load rows, call a service, inside an app context (one app per consumer
process, `app.tasks.queue.task_app`). `app.tasks` imports this module so the consumer's
registry knows these tasks.
"""

from __future__ import annotations

import logging

from app.extensions import db
from app.services import reminders
from app.services.scheduler import district, runs
from app.tasks.queue import huey, in_transaction, local_crontab, task_context

log = logging.getLogger(__name__)


@huey.task(retries=0, context=False)
def run_schedule(run_id: int) -> str:
    """Execute one scheduler run (see `runs.execute_run`); a district run is handed on in
    parts (`district.hand_off`), one `run_part` task each."""
    with task_context():
        return runs.execute_run(db.session, db.engine, run_id, hand_off=district.hand_off)


def enqueue_run(run_id: int) -> None:
    """Queue a committed run for a consumer."""
    run_schedule(run_id)


@huey.task(retries=0, context=False)
def run_part(part_id: int) -> str:
    """Solve one part of a district run; the last part to finish writes the run's drafts.
    A lost worker's part is queued again by the stale-run check (`runs.fail_stale_runs`)."""
    with task_context():
        return district.execute_part(db.session, db.engine, part_id)


def enqueue_part(part_id: int) -> None:
    """Queue a committed part for a consumer."""
    run_part(part_id)


@huey.periodic_task(local_crontab(minute="*"), retries=0)
def check_stale_runs() -> list[int]:
    """Runs whose worker died end as failed with a readable reason."""
    return in_transaction(lambda: runs.fail_stale_runs(db.session))


@huey.periodic_task(local_crontab(minute="*/10"), retries=0)
def send_reminders() -> int:
    return in_transaction(lambda: reminders.send_due_reminders(db.session))
