"""A worker's transactions on a run it executes: claim it, end it as failed with a reason,
write its result. The scheduler's run task (`runs.execute_run`), a district run's parts
(`district`) and the patrol rota task (`app.services.patrols.rota_builds`) use them; each
commits (the task owns its transactions), unlike the services that only flush.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.database import writing
from app.enums import RunStatus
from app.models import ScheduleRun, utcnow

log = logging.getLogger(__name__)

#: Errors a run can end with, by code: stored in English in `run.error`, shown translated.
RUN_ERRORS = {
    "worker_lost": _l("The worker stopped during the run; start the run again."),
    "infeasible_pins": _l(
        "The pinned assignments cannot all be kept (a volunteer is no longer eligible); "
        "unpin them and start the run again."
    ),
    "no_shifts": _l("There are no shifts to schedule in this scope."),
    "no_season": _l("The patrol season of this rota no longer exists."),
    "crashed": _l("The run failed with an internal error; start it again or ask support."),
    "part_lost": _l(
        "A part of the district run lost its worker again after being started anew; "
        "start the run again."
    ),
    "part_crashed": _l(
        "A part of the district run failed with an internal error; start the run again or "
        "ask support."
    ),
}


def error_in_english(code: str) -> str:
    """The reason `code` as stored in `run.error` (shown translated by `run_error_message`)."""
    with force_locale("en"):
        return str(RUN_ERRORS[code])


def run_error_message(run: ScheduleRun) -> str | None:
    code = (run.metrics or {}).get("error_code")
    if code in RUN_ERRORS:
        return str(RUN_ERRORS[code])
    return run.error


def claim_run(session: Session, run_id: int) -> bool:
    """queued → running, by a conditional update: only one worker wins. Commits."""
    result = session.execute(
        update(ScheduleRun)
        .where(ScheduleRun.id == run_id, ScheduleRun.status == RunStatus.queued)
        .values(
            status=RunStatus.running,
            started_at=utcnow(),
            finished_at=None,
            progress=0.0,
            error=None,
            metrics={"heartbeat": utcnow().isoformat(), "phase": "build"},
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount == 1


def taken_elsewhere(session: Session, run_id: int) -> str | None:
    """Claim the run for this worker (`claim_run`): None when claimed, else the status the
    run has (another worker has it, or it is done or gone), and nothing held."""
    if claim_run(session, run_id):
        return None
    run = session.get(ScheduleRun, run_id)
    status = run.status.value if run else "missing"
    session.rollback()
    log.info("run %s not claimed (status %s)", run_id, status)
    return status


def fail_run(session: Session, run_id: int, code: str, detail: str = "") -> None:
    """End the run as failed with the reason `code` (of `RUN_ERRORS`); rolls back what the
    session held, commits."""
    session.rollback()
    run = session.get(ScheduleRun, run_id)
    if run is None:
        return
    run.status = RunStatus.failed
    run.error = error_in_english(code)
    run.metrics = {**(run.metrics or {}), "error_code": code}
    if detail:
        run.log = (run.log or "") + detail
    run.finished_at = utcnow()
    session.commit()


def write_result(session: Session, run_id: int, write: Callable[[ScheduleRun], None]) -> str:
    """A solved run's result written by `write` and committed; returns the run's status.

    One short transaction that holds SQLite's write lock from its start (it reads, then
    writes): requests wait for it within their busy timeout. A run declared lost meanwhile
    is left as it is (not resurrected); a failure ends the run as crashed."""
    try:
        with writing():
            run = session.get(ScheduleRun, run_id)
            assert run is not None
            if run.status != RunStatus.running:
                session.rollback()
                return run.status.value
            write(run)
            status = run.status.value
            session.commit()
    except Exception:
        fail_run(session, run_id, "crashed", traceback.format_exc())
        raise
    return status
