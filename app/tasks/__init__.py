"""Background work, run by huey consumers: `huey_consumer app.tasks.huey`.

- `queue`: the huey instance (SqliteHuey in the instance folder, or RedisHuey) and the one
  application each consumer process works in.
- `scheduler`: scheduler runs, stale-run checks, reminders, care-visit generation.
- `notify`: sending a message, with retries.
- `feeds`: purging feed tombstones older than the 30 days feeds show them.
- `visits`: planning a visit round in the background.

Importing every task module here, where the consumer finds the queue, registers all tasks
(huey's "not found in TaskRegistry" otherwise). Tasks take ids or plain data, never rows.
"""

from flask import Flask

from app.services.notify import DISPATCHER
from app.tasks import feeds, notify, scheduler, visits
from app.tasks.queue import huey, make_huey, task_app


def init_app(app: Flask) -> None:
    """Messages leave through the queue unless the deployment sends them on the spot
    (``LINLI_NOTIFY_QUEUE = False``, e.g. a test run without a consumer)."""
    if app.config.get("LINLI_NOTIFY_QUEUE", True):
        app.extensions[DISPATCHER] = notify.enqueue


__all__ = ["feeds", "huey", "init_app", "make_huey", "notify", "scheduler", "task_app", "visits"]
