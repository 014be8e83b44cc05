"""huey tasks of service packages: a household's package visits generated as soon as its
package is saved (`sync_package_visits`, queued after the commit by the admin), each night
the rolling horizon moved on for every package (`extend_package_visits`), and each hour the
visits not recorded in time escalated (`escalate_missed_package_visits`)."""

from __future__ import annotations

from app.extensions import db
from app.i18n import deployment_zone
from app.models import utcnow
from app.services.packages import generation, missed
from app.tasks.queue import huey, in_transaction, local_crontab


def _sync(household_ids: list[int]) -> dict[str, int]:
    zone = deployment_zone()
    result = generation.sync(db.session, household_ids,
                             today=utcnow().astimezone(zone).date(), zone=zone)
    return {"created": result.created, "assigned": result.assigned,
            "left": len(result.left), "replaced": result.replaced, "kept": result.kept,
            "messages": len(result.notifications)}


@huey.task(retries=2, retry_delay=30, context=False)
def sync_package_visits(household_ids: list[int]) -> dict[str, int]:
    """Bring these households' package visits in line with their packages (a save, an edit,
    a deleted item); returns what was done. Running it twice changes nothing more."""
    return in_transaction(lambda: _sync(household_ids))


def enqueue_sync(household_ids: list[int]) -> None:
    """Queue a committed change of these households' packages for a consumer."""
    sync_package_visits(sorted(set(household_ids)))


@huey.periodic_task(local_crontab(hour="2", minute="25"), retries=0)
def extend_package_visits() -> dict[str, int]:
    """Each night the horizon moves a day on: the new day's visits of every active package."""
    return in_transaction(lambda: _sync(generation.households_with_packages(db.session)))


@huey.periodic_task(local_crontab(minute="15"), retries=0)
def escalate_missed_package_visits() -> int:
    """Each hour: package visits not recorded as done in time are escalated (coordinators
    told, a make-up visit made), once each; returns how many."""
    def work() -> int:
        return len(missed.escalate(db.session, now=utcnow(), zone=deployment_zone()).missed)
    return in_transaction(work)
