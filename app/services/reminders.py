"""The day-before reminder, exactly once per assignment.

Each due assignment is claimed with a conditional update (``reminded_at IS NULL`` → now) in the
same transaction that queues its mail (sent after commit). A second run — concurrent, or after
a consumer restart — finds nothing left to claim, so a volunteer never gets two reminders.
Changing a shift clears ``reminded_at`` (see `schedule_runs.notify_shift_changed`).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from app.enums import AssignmentStatus
from app.models import Assignment, Shift, utcnow
from app.services import schedule_runs


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
    zone = ZoneInfo(current_app.config["LINLI_TIMEZONE"])
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
        volunteer = assignment.volunteer
        with force_locale(schedule_runs._volunteer_locale(volunteer)):
            subject = _("Reminder: %(title)s tomorrow", title=assignment.shift.event.title)
            body = "\n".join([
                _("Hello %(name)s,", name=volunteer.name), "",
                _("A reminder of your shift:"),
                schedule_runs.shift_line(assignment.shift, zone), "",
                _("If you can no longer come, please decline so someone else can help: "
                  "%(url)s", url=schedule_runs.respond_url(assignment.id)),
            ]) + "\n"
        if schedule_runs.queue_mail(session, volunteer, subject, body):
            sent += 1
    session.flush()
    return sent
