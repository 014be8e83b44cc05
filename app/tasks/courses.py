"""Telling course participants of their next session, the day before."""

from __future__ import annotations

from app.extensions import db
from app.i18n import deployment_zone
from app.services.courses import notices
from app.tasks.queue import huey, in_transaction, local_crontab


@huey.periodic_task(local_crontab(minute="*/10"), retries=0)
def send_session_notices() -> int:
    return in_transaction(
        lambda: notices.send_session_notices(db.session, zone=deployment_zone()))
