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
import smtplib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.enums import NotificationChannel, NotificationStatus
from app.extensions import db
from app.models import Notification, Registration, ResidentRequest, User, Volunteer, utcnow
from app.services.notify.mail import Rendered, html_alternative, render
from app.services.notify.refusals import still_refused
from app.services.notify.senders import Sms, senders
from app.services.notify.sms import SmsProviderError
from app.transactions import after_commit

log = logging.getLogger(__name__)

DISPATCHER = "linli_dispatch_notification"
#: Tries before a message is given up as failed; the waits between them grow (see `backoff`).
MAX_ATTEMPTS = 6


def backoff(attempts: int) -> int:
    """Seconds to wait before the next try: 30 s, 1, 2, 4, 8 minutes."""
    return 30 * 2 ** max(0, attempts - 1)


def refused_addresses(session: Session, *addresses: str | None) -> set[str]:
    """Those of `addresses` a provider or mail server has refused for good (an invalid or
    unsubscribed number, a mailbox that does not exist): no message goes there again, until
    a coordinator clears the address (`refusals.clear`)."""
    wanted = [a for a in addresses if a]
    if not wanted:
        return set()
    return set(session.scalars(
        select(Notification.address).where(still_refused(), Notification.address.in_(wanted))
        .distinct()
    ))


def _create(session: Session, template: str, rendered: Rendered, *, email: str | None,
            phone: str | None, ics: str | None = None, **refs: object) -> Notification:
    refused = refused_addresses(session, email, phone)
    error = None
    if email and email not in refused:
        channel, address, body = NotificationChannel.email, email, rendered.body
    elif phone and phone not in refused:
        channel, address, body = NotificationChannel.sms, phone, rendered.sms
    else:
        channel, address, body = NotificationChannel.none, None, rendered.body
        if refused:
            error = _("Not sent: %(addresses)s refused earlier messages for good (invalid or "
                      "unsubscribed); please call, or correct the contact details.",
                      addresses=", ".join(sorted(refused)))
    notification = Notification(
        template=template, channel=channel, address=address, subject=rendered.subject,
        body=body, params=rendered.params, error=error,
        ics=ics if channel == NotificationChannel.email else None,
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
                 ics: str | None = None, **context: object) -> Notification:
    """Render `template` for the volunteer, record it, and send it after commit; `ics`, a
    calendar file of the shifts concerned, goes with it when it leaves by e-mail."""
    rendered = render(template, volunteer.locale, name=volunteer.name, **context)
    return _create(session, template, rendered, email=volunteer.email, phone=volunteer.phone,
                   ics=ics,
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


def to_phone(session: Session, phone: str, template: str, locale: str | None,
             **context: object) -> Notification:
    """Render `template` for a mobile number that belongs to no one Linli knows yet (a
    resident proving the number is theirs), record it, send it by SMS after commit."""
    rendered = render(template, locale, name="", **context)
    return _create(session, template, rendered, email=None, phone=phone)


def to_staff(session: Session, user: User, template: str, *, event_id: int | None = None,
             **context: object) -> Notification:
    """Render `template` for a staff member (by e-mail), record it, send after commit."""
    rendered = render(template, user.locale, name=user.display_name, **context)
    return _create(session, template, rendered, email=user.email, phone=None, user_id=user.id,
                   event_id=event_id)


@dataclass(frozen=True)
class DeliveryCounts:
    """What became of messages, for a coordinator: *delivered* counts only what the mail
    server or SMS provider accepted, never what is merely queued."""

    delivered_email: int = 0
    delivered_sms: int = 0
    waiting: int = 0
    failed: int = 0
    refused: int = 0
    unreachable: int = 0

    @property
    def delivered(self) -> int:
        return self.delivered_email + self.delivered_sms

    @property
    def total(self) -> int:
        return self.delivered + self.waiting + self.failed + self.refused + self.unreachable

    @classmethod
    def of(cls, notifications: Iterable[Notification]) -> DeliveryCounts:
        counts: Counter[str] = Counter()
        for n in notifications:
            if n.status == NotificationStatus.sent:
                counts[f"delivered_{n.channel.value}"] += 1
            elif n.status in (NotificationStatus.queued, NotificationStatus.sending):
                counts["waiting"] += 1
            else:
                counts[n.status.value] += 1
        return cls(**counts)


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

def permanent_refusal(exc: BaseException) -> str | None:
    """``"address"`` when the number or address is refused for good, ``"message"`` when this
    message is, None when another try may succeed."""
    if isinstance(exc, SmsProviderError):
        return exc.permanent
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients and all(
            code >= 500 for code, _text in exc.recipients.values()):
        return "address"  # 5xx: no such mailbox, or the domain takes no mail
    return None


class DeliveryFailed(Exception):
    """This try failed; `retry_in` seconds until the next, or None when given up."""

    def __init__(self, reason: str, retry_in: int | None) -> None:
        super().__init__(reason)
        self.retry_in = retry_in


def deliver(session: Session, notification_id: int) -> NotificationStatus | None:
    """Send one queued message, exactly once; flush only. Returns the new status, or None
    when there was nothing to do (already sent, being sent, or gone). A failed try is recorded
    (status back to ``queued``; ``failed`` after the last try or when the message itself is
    refused for good; ``refused`` when the number or address is) and `DeliveryFailed` raised
    *after* the record is flushed, so the caller commits the record and then retries — with
    `retry_in` None when there is nothing to retry."""
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
            mailer.send(notification.address or "", notification.subject, notification.body,
                        html_alternative(notification.subject, notification.body),
                        notification.ics)
        else:
            sms.send(Sms(notification.address or "", notification.body, notification.template,
                         notification.params))
    except Exception as exc:  # any sender fault is recorded; the message is not lost
        reason = f"{type(exc).__name__}: {exc}"[:2000]
        permanent = permanent_refusal(exc)
        last = permanent is not None or notification.attempts >= MAX_ATTEMPTS
        notification.status = (NotificationStatus.refused if permanent == "address"
                               else NotificationStatus.failed if last
                               else NotificationStatus.queued)
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
