"""Telling volunteers and coordinators, each morning, of licences that expire within 30 days."""

from __future__ import annotations

from app.extensions import db
from app.i18n import deployment_zone
from app.models import utcnow
from app.services import qualifications
from app.tasks.queue import huey, in_transaction, local_crontab


@huey.periodic_task(local_crontab(hour="8", minute="5"), retries=0)
def alert_expiring_qualifications() -> int:
    def work() -> int:
        now = utcnow()
        return qualifications.send_expiry_alerts(
            db.session, now.astimezone(deployment_zone()).date(), now=now)
    return in_transaction(work)
