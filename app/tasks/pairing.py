"""Each night, pairings whose period is over are ended (the member's place is freed)."""

from __future__ import annotations

from app.extensions import db
from app.i18n import deployment_zone
from app.models import utcnow
from app.services.pairing import rules
from app.tasks.queue import huey, in_transaction, local_crontab


@huey.periodic_task(local_crontab(hour="0", minute="20"), retries=0)
def end_expired_pairings() -> int:
    def work() -> int:
        return rules.end_expired(db.session, utcnow().astimezone(deployment_zone()).date())
    return in_transaction(work)
