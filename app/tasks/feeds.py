"""huey tasks of the calendar feeds: forgetting tombstones no feed shows any more."""

from __future__ import annotations

from app.extensions import db
from app.services import feeds
from app.tasks.queue import huey, in_transaction, local_crontab


@huey.periodic_task(local_crontab(hour="3", minute="40"), retries=0)
def purge_feed_tombstones() -> int:
    """Entries removed more than 30 days ago have left every feed: delete their rows."""
    return in_transaction(lambda: feeds.purge_tombstones(db.session))
