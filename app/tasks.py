"""What the huey consumer loads: `huey_consumer app.tasks.huey`.

Importing every task module here, where the consumer finds the queue, registers all tasks
(huey's "not found in TaskRegistry" otherwise). Task modules take the queue from `app.queue`.
"""

from app import tasks_schedule
from app.queue import huey, make_huey, task_app

__all__ = ["huey", "make_huey", "task_app", "tasks_schedule"]
