"""huey tasks of patrols: a season's rota built as a scheduler run
(`app.services.patrols.rota_builds`), and the local re-solve of a rota inspection a member
withdrew from (`app.services.patrols.refill`), queued after the commit of the withdrawal
(`app.services.scheduler.freed`)."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale

from app.extensions import db
from app.i18n import deployment_zone
from app.models import utcnow
from app.services.patrols import refill, rota_builds
from app.tasks.queue import huey, in_transaction, task_context


@huey.task(retries=0, context=False)
def build_rota(run_id: int) -> str:
    """Build a season's rota for its queued run (see `rota_builds.execute_rota`); the events'
    titles are written in the deployment's language."""
    with task_context():
        locale = current_app.config["LINLI_DEFAULT_LOCALE"]
        with force_locale(locale):
            return rota_builds.execute_rota(db.session, db.engine, run_id,
                                            zone=deployment_zone(), locale=locale)


def enqueue_rota(run_id: int) -> None:
    """Queue a committed rota run for a consumer."""
    build_rota(run_id)


def _refill(shift_id: int) -> dict[str, object]:
    done = refill.refill(db.session, shift_id, zone=deployment_zone(), now=utcnow(),
                         locale=current_app.config["LINLI_DEFAULT_LOCALE"])
    if done is None:
        return {"shift_id": shift_id, "skipped": True}
    return {"shift_id": shift_id, "taken_by": done.taken_by, "moved": done.moved,
            "empty": done.empty, "reason": done.reason_code}


@huey.task(retries=1, retry_delay=30, context=False)
def refill_inspection(shift_id: int) -> dict[str, object]:
    """Re-solve a rota inspection after a withdrawal; running it again changes nothing more
    (a filled inspection has no empty seat left)."""
    return in_transaction(lambda: _refill(shift_id))


def enqueue_refill(shift_id: int) -> None:
    """Queue a committed withdrawal's re-solve for a consumer."""
    refill_inspection(shift_id)
