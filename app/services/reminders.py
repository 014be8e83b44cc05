"""The day-before reminder, exactly once per assignment.

Each due assignment is claimed with a conditional update (``reminded_at IS NULL`` → now) in the
same transaction that queues its mail (sent after commit). A second run — concurrent, or after
a consumer restart — finds nothing left to claim, so a volunteer never gets two reminders.
Changing a shift clears ``reminded_at`` (see `scheduler.publish.notify_shift_changed`).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from app.enums import UPCOMING, AssignmentStatus, EventStatus, NotificationChannel
from app.i18n import deployment_zone
from app.models import Assignment, Event, Shift, utcnow
from app.services import links, notify
from app.services.scheduler.text import shift_line


def due_assignment_ids(session: Session, now: datetime, zone: ZoneInfo) -> list[int]:
    """Confirmed and still-unanswered assignments of events that go ahead, starting from now
    until the end of tomorrow (local), not yet reminded."""
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    until = datetime.combine(tomorrow + timedelta(days=1), time(0), tzinfo=zone)
    return list(
        session.scalars(
            select(Assignment.id)
            .join(Shift, Assignment.shift_id == Shift.id)
            .join(Event, Shift.event_id == Event.id)
            .where(
                Assignment.status.in_(UPCOMING),
                Event.status != EventStatus.cancelled,
                Assignment.reminded_at.is_(None),
                Shift.start_at > now,
                Shift.start_at < until,
            )
            .order_by(Assignment.id)
        )
    )


def send_due_reminders(session: Session, now: datetime | None = None) -> int:
    """Record one reminder per due assignment, sent after commit; returns how many have a
    channel to go out by (the others show as without contact details). Flushes only."""
    now = now or utcnow()
    zone = deployment_zone()
    sent = 0
    for assignment_id in due_assignment_ids(session, now, zone):
        claimed = session.execute(
            update(Assignment)
            .where(Assignment.id == assignment_id, Assignment.reminded_at.is_(None))
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            continue
        assignment = session.scalar(
            select(Assignment)
            .where(Assignment.id == assignment_id)
            .options(selectinload(Assignment.shift), selectinload(Assignment.volunteer))
        )
        assert assignment is not None
        pending = assignment.status == AssignmentStatus.pending
        notification = notify.to_volunteer(
            session, assignment.volunteer, "scheduler/reminder",
            title=assignment.shift.event.title, line=shift_line(assignment.shift, zone),
            url=links.respond_url(assignment) if pending else _under_the_shift(assignment),
            event_id=assignment.shift.event_id, pending=pending,
        )
        if notification.channel != NotificationChannel.none:
            sent += 1
    session.flush()
    return sent


def _under_the_shift(assignment: Assignment) -> str:
    """The volunteer's page at a confirmed shift, where they ask to drop or swap it (the answer
    link declines only a shift awaiting the answer)."""
    volunteer = assignment.volunteer
    return (links.portal_url(volunteer.id, volunteer.feed_token)
            + f"#assignment-{assignment.id}")
