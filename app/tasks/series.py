"""huey tasks of event series: a series' occurrences made or changed as soon as it is saved
(`sync_series`, queued after the commit by the admin), and each night the rolling horizon
moved on for every series (`extend_series`)."""

from __future__ import annotations

from app.extensions import db
from app.i18n import deployment_zone
from app.models import utcnow
from app.services.series import generation
from app.tasks.queue import huey, in_transaction, local_crontab


def _sync(series_ids: list[int]) -> dict[str, int]:
    zone = deployment_zone()
    return generation.sync(db.session, series_ids, today=utcnow().astimezone(zone).date(),
                           zone=zone).as_dict()


@huey.task(retries=2, retry_delay=30, context=False)
def sync_series(series_ids: list[int]) -> dict[str, int]:
    """Bring these series' occurrences in line with the series (a save, an edit); returns what
    was done. Running it twice changes nothing more."""
    return in_transaction(lambda: _sync(series_ids))


def enqueue_sync(series_ids: list[int]) -> None:
    """Queue a committed change of these series for a consumer."""
    sync_series(sorted(set(series_ids)))


@huey.periodic_task(local_crontab(hour="2", minute="35"), retries=0)
def extend_series() -> dict[str, int]:
    """Each night the horizon moves a day on: the new day's occurrences of every series."""
    return in_transaction(lambda: _sync(generation.all_series(db.session)))
