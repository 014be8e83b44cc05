"""Sending one message, in a consumer, with retries: a slow or failing mail server or SMS
gateway never holds a request, a lock or a sign-up."""

from __future__ import annotations

from app.services.notify import Message, send_message
from app.tasks.queue import huey, task_context

#: Over about 20 minutes: covers a mail server's restart or a short network fault.
RETRIES = 5
RETRY_DELAY_SECONDS = 240


@huey.task(retries=RETRIES, retry_delay=RETRY_DELAY_SECONDS, context=False)
def send(message: dict[str, str]) -> None:
    with task_context():
        send_message(Message(**message))


def enqueue_message(message: Message) -> None:
    """The app's dispatcher (`app.tasks.init_app`): hand the message to the queue."""
    send(message.as_dict())
