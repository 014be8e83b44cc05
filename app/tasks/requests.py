"""huey tasks of residents' requests: forgetting photos held for forms never sent."""

from __future__ import annotations

from app.extensions import db
from app.services.requests import photos
from app.tasks.queue import huey, in_transaction, local_crontab


@huey.periodic_task(local_crontab(minute="35"), retries=0)
def purge_held_request_photos() -> int:
    """Photos held for a public form longer than `photos.HELD_FOR`: the form was abandoned."""
    return in_transaction(lambda: photos.purge_held(db.session))
