"""Who gets which message, by which channel, and when it leaves.

A message is handed over only after the transaction that caused it has committed
(`app.transactions.after_commit`). The hand-over is the app's dispatcher: in a deployment the
huey task `app.tasks.notify.send_message`, which retries a failed send and never runs inside a
request or a lock (`app.tasks.init_app` installs it); without it, the message is sent on the
spot by the same function the task calls.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from flask import current_app
from sqlalchemy.orm import Session

from app.models import Registration, Volunteer
from app.services.notify.mail import Rendered, render
from app.services.notify.senders import senders
from app.transactions import after_commit

DISPATCHER = "linli_dispatch_message"


@dataclass(frozen=True)
class Message:
    """One message to one address; plain data, so a task can carry it."""

    channel: str  # "email" or "sms"
    to: str
    subject: str
    body: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def send_message(message: Message) -> None:
    """Send now, through the configured mailer or SMS sender (the task's body)."""
    mailer, sms = senders()
    if message.channel == "email":
        mailer.send(message.to, message.subject, message.body)
    else:
        sms.send(message.to, message.body)


def dispatch(message: Message) -> None:
    current_app.extensions.get(DISPATCHER, send_message)(message)


def message_for(email: str | None, phone: str | None, rendered: Rendered) -> Message | None:
    """E-mail when there is an address, else the short text by SMS; None when neither."""
    if email:
        return Message("email", email, rendered.subject, rendered.body)
    if phone:
        return Message("sms", phone, "", rendered.sms)
    return None


def queue(session: Session, message: Message | None) -> bool:
    """Send `message` once the session commits; False when there is nobody to send to."""
    if message is None:
        return False
    after_commit(session, lambda: dispatch(message))
    return True


def to_volunteer(session: Session, volunteer: Volunteer, template: str, **context: object) -> bool:
    """Render `template` for the volunteer and send it after commit."""
    rendered = render(template, volunteer.locale, name=volunteer.name, **context)
    return queue(session, message_for(volunteer.email, volunteer.phone, rendered))


def to_resident(
    session: Session, registration: Registration, template: str, **context: object
) -> bool:
    """Render `template` for the resident of a registration and send it after commit."""
    rendered = render(template, registration.locale, name=registration.name, **context)
    return queue(session, message_for(registration.email, registration.phone, rendered))
