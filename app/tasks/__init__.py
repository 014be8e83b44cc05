"""Background work, run by huey consumers: `huey_consumer app.tasks.huey`.

- `queue`: the huey instance (SqliteHuey in the instance folder, or RedisHuey) and the one
  application each consumer process works in.
- `scheduler`: scheduler runs (a district run in parts, one task each), stale-run checks,
  reminders, care-visit generation.
- `notify`: sending a message, with retries.
- `feeds`: purging feed tombstones older than the 30 days feeds show them.
- `visits`: planning a visit round in the background.
- `qualifications`: each morning, alerts for licences that expire within 30 days.
- `pairing`: each night, pairings whose period is over are ended.
- `packages`: service-package visits, generated as soon as a package is saved and each night.
- `patrols`: a season's rota built as a scheduler run; a rota inspection re-solved after a
  member withdrew from it.
- `courses`: course participants told of their next session, the day before.
- `requests`: photos held for public request forms never sent, forgotten after some hours.
- `series`: event series' occurrences, made as soon as a series is saved and each night.

Importing every task module here, where the consumer finds the queue, registers all tasks
(huey's "not found in TaskRegistry" otherwise). Tasks take ids or plain data, never rows.
"""

from flask import Flask

from app.services.notify import DISPATCHER
from app.services.scheduler import freed
from app.services.scheduler.runs import PART_DISPATCHER
from app.tasks import (
    courses,
    feeds,
    notify,
    packages,
    pairing,
    patrols,
    qualifications,
    requests,
    scheduler,
    series,
    visits,
)
from app.tasks.queue import huey, make_huey, task_app


def init_app(app: Flask) -> None:
    """Messages leave through the queue unless the deployment sends them on the spot
    (``LINLI_NOTIFY_QUEUE = False``, e.g. a test run without a consumer); the parts of a
    district run always go through the queue."""
    if app.config.get("LINLI_NOTIFY_QUEUE", True):
        app.extensions[DISPATCHER] = notify.enqueue
    app.extensions[PART_DISPATCHER] = scheduler.enqueue_part
    app.extensions[freed.DISPATCHER] = patrols.enqueue_refill


__all__ = [
    "courses", "feeds", "huey", "init_app", "make_huey", "notify", "packages", "pairing",
    "patrols", "qualifications", "requests", "scheduler", "series", "task_app", "visits",
]
