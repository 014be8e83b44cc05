"""Who gets which message, by which channel, what became of it, and when it leaves.

Every message is a `Notification` row: made in the transaction that caused it (so it exists
only if that change was committed), handed over once that transaction has committed
(`app.transactions.after_commit`), and sent exactly once — a sender first claims the row by a
conditional update from ``queued`` to ``sending``. The hand-over is the app's dispatcher: in a
deployment the huey task `app.tasks.notify.send`, which retries with backoff and never runs
inside a request or a lock (`app.tasks.init_app` installs it); without it
(``LINLI_NOTIFY_QUEUE = False``), the message is delivered on the spot, on a session of its own,
by the same `deliver` the task calls.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.enums import NotificationChannel, NotificationStatus
from app.extensions import db
from app.models import Notification, Registration, ResidentRequest, User, Volunteer, utcnow
from app.services.notify.mail import Rendered, render
from app.services.notify.senders import Sms, senders
from app.transactions import after_commit

log = logging.getLogger(__name__)

DISPATCHER = "linli_dispatch_notification"
#: Tries before a message is given up as failed; the waits between them grow (see `backoff`).
MAX_ATTEMPTS = 6


def backoff(attempts: int) -> int:
    """Seconds to wait before the next try: 30 s, 1, 2, 4, 8 minutes."""
    return 30 * 2 ** max(0, attempts - 1)


def _create(session: Session, template: str, rendered: Rendered, *, email: str | None,
            phone: str | None, **refs: object) -> Notification:
    if email:
        channel, address, body = NotificationChannel.email, email, rendered.body
    elif phone:
        channel, address, body = NotificationChannel.sms, phone, rendered.sms
    else:
        channel, address, body = NotificationChannel.none, None, rendered.body
    notification = Notification(
        template=template, channel=channel, address=address, subject=rendered.subject,
        body=body, params=rendered.params,
        status=(NotificationStatus.unreachable if channel == NotificationChannel.none
                else NotificationStatus.queued),
        **refs,
    )
    session.add(notification)
    session.flush()
    if channel != NotificationChannel.none:
        notification_id = notification.id
        after_commit(session, lambda: dispatch(notification_id))
    return notification


def to_volunteer(session: Session, volunteer: Volunteer, template: str, *,
                 event_id: int | None = None, schedule_run_id: int | None = None,
                 **context: object) -> Notification:
    """Render `template` for the volunteer, record it, and send it after commit."""
    rendered = render(template, volunteer.locale, name=volunteer.name, **context)
    return _create(session, template, rendered, email=volunteer.email, phone=volunteer.phone,
                   volunteer_id=volunteer.id, event_id=event_id, schedule_run_id=schedule_run_id)


def to_resident(session: Session, registration: Registration, template: str,
                **context: object) -> Notification:
    """Render `template` for the resident of a registration, record it, send after commit."""
    rendered = render(template, registration.locale, name=registration.name, **context)
    return _create(session, template, rendered, email=registration.email,
                   phone=registration.phone, registration_id=registration.id,
                   event_id=registration.event_id)


def to_requester(session: Session, request: ResidentRequest, template: str,
                 **context: object) -> Notification | None:
    """Render `template` for whoever raised a resident's request, record it, send after
    commit. None when they left no contact (an anonymous request): nobody to tell, by choice."""
    if not request.email and not request.phone:
        return None
    rendered = render(template, request.locale, name=request.name or "", **context)
    return _create(session, template, rendered, email=request.email, phone=request.phone,
                   resident_request_id=request.id)


def to_staff(session: Session, user: User, template: str, *, event_id: int | None = None,
             **context: object) -> Notification:
    """Render `template` for a staff member (by e-mail), record it, send after commit."""
    rendered = render(template, user.locale, name=user.display_name, **context)
    return _create(session, template, rendered, email=user.email, phone=None, user_id=user.id,
                   event_id=event_id)


@dataclass(frozen=True)
class ChannelCounts:
    """How messages are going out, for a coordinator: never more than what was recorded."""

    email: int = 0
    sms: int = 0
    unreachable: int = 0

    @classmethod
    def of(cls, notifications: Iterable[Notification]) -> ChannelCounts:
        counts = Counter(n.channel for n in notifications)
        return cls(counts[NotificationChannel.email], counts[NotificationChannel.sms],
                   counts[NotificationChannel.none])


# -- Sending ----------------------------------------------------------------------------------

class DeliveryFailed(Exception):
    """This try failed; `retry_in` seconds until the next, or None when given up."""

    def __init__(self, reason: str, retry_in: int | None) -> None:
        super().__init__(reason)
        self.retry_in = retry_in


def deliver(session: Session, notification_id: int) -> NotificationStatus | None:
    """Send one queued message, exactly once; flush only. Returns the new status, or None
    when there was nothing to do (already sent, being sent, or gone). A failed try is recorded
    (status back to ``queued``, or ``failed`` after the last try) and `DeliveryFailed` raised
    *after* the record is flushed, so the caller commits the record and then retries."""
    claimed = session.execute(
        update(Notification)
        .where(Notification.id == notification_id,
               Notification.status == NotificationStatus.queued)
        .values(status=NotificationStatus.sending, attempts=Notification.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return None
    notification = session.get(Notification, notification_id, populate_existing=True)
    assert notification is not None
    mailer, sms = senders()
    try:
        if notification.channel == NotificationChannel.email:
            mailer.send(notification.address or "", notification.subject, notification.body)
        else:
            sms.send(Sms(notification.address or "", notification.body, notification.template,
                         notification.params))
    except Exception as exc:  # any sender fault is recorded; the message is not lost
        reason = f"{type(exc).__name__}: {exc}"[:2000]
        last = notification.attempts >= MAX_ATTEMPTS
        notification.status = NotificationStatus.failed if last else NotificationStatus.queued
        notification.error = reason
        session.flush()
        raise DeliveryFailed(reason, None if last else backoff(notification.attempts)) from exc
    notification.status = NotificationStatus.sent
    notification.sent_at = utcnow()
    notification.error = None
    session.flush()
    return notification.status


def deliver_now(notification_id: int) -> None:
    """Deliver on a session of its own and commit, when no consumer runs. A failed try is
    recorded and logged; there is no later try without the queue."""
    with Session(bind=db.session.get_bind(), join_transaction_mode="create_savepoint") as own:
        try:
            deliver(own, notification_id)
        except DeliveryFailed as failure:
            log.warning("notification %s not sent: %s", notification_id, failure)
        own.commit()


def dispatch(notification_id: int) -> None:
    current_app.extensions.get(DISPATCHER, deliver_now)(notification_id)
