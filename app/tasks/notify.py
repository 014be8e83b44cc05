"""Sending one recorded message in a consumer: a slow or failing mail server or SMS gateway
never holds a request, a lock or a sign-up. A failed try is recorded and retried with growing
waits (`notify.backoff`) until the last, after which the message shows as failed with why."""

from __future__ import annotations

from huey.exceptions import RetryTask

from app.extensions import db
from app.services.notify import DeliveryFailed, deliver
from app.tasks.queue import huey, in_transaction


@huey.task(context=False)
def send(notification_id: int) -> None:
    def work() -> DeliveryFailed | None:
        try:
            deliver(db.session, notification_id)
        except DeliveryFailed as failure:
            return failure  # commit the record of the try, then retry
        return None

    failure = in_transaction(work)
    if failure is not None and failure.retry_in is not None:
        raise RetryTask(str(failure), delay=failure.retry_in)


def enqueue(notification_id: int) -> None:
    """The app's dispatcher (`app.tasks.init_app`): hand the message to the queue."""
    send(notification_id)
