"""Telling course participants who asked for it of each session, the day before, once.

Each (registration, session) is claimed by inserting its `SessionNotice` in a savepoint, in the
transaction that queues the message (sent after commit): a second run, concurrent or after a
restart, meets the unique constraint and sends nothing again.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.enums import EventStatus, NotificationChannel
from app.models import Event, Registration, SessionNotice, Slot, utcnow
from app.services import links, notify
from app.services.signup import HOLDING


def due_notices(session: Session, now: datetime, zone: ZoneInfo) -> list[tuple[int, int]]:
    """(registration id, session's slot id) for the sessions of courses that go ahead, starting
    from now until the end of tomorrow (local), whose participants asked to be told and were
    not told yet."""
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    until = datetime.combine(tomorrow + timedelta(days=1), time(0), tzinfo=zone)
    told = exists().where(SessionNotice.registration_id == Registration.id,
                          SessionNotice.slot_id == Slot.id)
    return [tuple(row) for row in session.execute(  # type: ignore[misc]
        select(Registration.id, Slot.id)
        .join(Event, Registration.event_id == Event.id)
        .join(Slot, Slot.event_id == Event.id)
        .where(Event.completion_sessions.is_not(None), Event.status == EventStatus.published,
               Event.cancelled_at.is_(None), Registration.slot_key == 0,
               Registration.session_notices.is_(True), Registration.status.in_(HOLDING),
               Slot.start_at > now, Slot.start_at < until, ~told)
        .order_by(Slot.start_at, Registration.id))]


def send_session_notices(session: Session, *, zone: ZoneInfo,
                         now: datetime | None = None) -> int:
    """Queue one notice per due (participant, session); returns how many have a channel to go
    out by (the others are recorded as without contact details). Flushes only."""
    now = now or utcnow()
    sent = 0
    for registration_id, slot_id in due_notices(session, now, zone):
        try:
            with session.begin_nested():
                session.add(SessionNotice(registration_id=registration_id, slot_id=slot_id,
                                          notified_at=now))
        except IntegrityError:
            continue  # told by another run meanwhile
        registration = session.get(Registration, registration_id)
        slot = session.get(Slot, slot_id)
        assert registration is not None and slot is not None
        notification = notify.to_resident(
            session, registration, "courses/session", title=registration.event.title,
            session_label=slot.label, starts=slot.start_at, place=registration.event.place,
            code=registration.reference_code, url=links.cancel_url(registration.cancel_token))
        if notification.channel != NotificationChannel.none:
            sent += 1
    session.flush()
    return sent
