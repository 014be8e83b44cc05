"""huey tasks of residents' requests: forgetting photos held for forms never sent, and the
questionnaire some days after a request was resolved."""

from __future__ import annotations

from app.extensions import db
from app.models import utcnow
from app.services.requests import photos, survey
from app.tasks.queue import huey, in_transaction, local_crontab


@huey.periodic_task(local_crontab(minute="35"), retries=0)
def purge_held_request_photos() -> int:
    """Photos held for a public form longer than `photos.HELD_FOR`: the form was abandoned."""
    return in_transaction(lambda: photos.purge_held(db.session))


# Daily, in the morning of the deployment's zone: a questionnaire is not a night-time text.
@huey.periodic_task(local_crontab(hour="10", minute="5"), retries=0)
def send_due_questionnaires() -> int:
    return in_transaction(lambda: survey.send_due_questionnaires(db.session, utcnow()))
