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

from app.enums import AssignmentStatus
from app.i18n import deployment_zone
from app.models import Assignment, Shift, utcnow
from app.services import links, notify
from app.services.scheduler.text import shift_line


def due_assignment_ids(session: Session, now: datetime, zone: ZoneInfo) -> list[int]:
    """Confirmed assignments starting from now until the end of tomorrow (local), unreminded."""
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    until = datetime.combine(tomorrow + timedelta(days=1), time(0), tzinfo=zone)
    return list(
        session.scalars(
            select(Assignment.id)
            .join(Shift, Assignment.shift_id == Shift.id)
            .where(
                Assignment.status == AssignmentStatus.confirmed,
                Assignment.reminded_at.is_(None),
                Shift.start_at > now,
                Shift.start_at < until,
            )
            .order_by(Assignment.id)
        )
    )


def send_due_reminders(session: Session, now: datetime | None = None) -> int:
    """Queue one reminder per due assignment; returns how many were claimed. Flushes only."""
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
        if notify.to_volunteer(
            session, assignment.volunteer, "scheduler/reminder",
            title=assignment.shift.event.title, line=shift_line(assignment.shift, zone),
            url=links.respond_url(assignment.id),
        ):
            sent += 1
    session.flush()
    return sent
