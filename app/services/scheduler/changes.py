"""Changes to published work reach the people on it: a shift that moves, an event whose place
changes, an event called off. `pending_changes` reads what an edit is about to change (before
the flush that forgets it); `apply_changes` then updates assignments and tells volunteers and
signed-up residents — each message recorded, so the coordinator is told how many and by which
channel."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from app.enums import UPCOMING, AssignmentStatus, EventStatus
from app.i18n import deployment_zone
from app.models import Assignment, Event, Notification, Registration, Shift, utcnow
from app.services import notify, signup
from app.services.scheduler.publish import notify_shift_changed
from app.services.scheduler.text import shift_line


def _changed(obj: object, *names: str) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


@dataclass(frozen=True)
class PendingChanges:
    cancelled: bool
    #: Shifts whose time, or whose event's place, is about to change.
    moved_shift_ids: tuple[int, ...]


def pending_changes(event: Event, shifts: list[Shift] | None = None) -> PendingChanges:
    """What an edit of `event` (or of some of its `shifts`) changes that people must hear of.
    Call before the edit is flushed."""
    event_state = inspect(event)
    cancelled = (
        event.status == EventStatus.cancelled
        and event_state.persistent
        and EventStatus.cancelled not in event_state.attrs.status.history.deleted
        and _changed(event, "status")
    )
    place_moved = event_state.persistent and _changed(event, "place")
    moved = tuple(
        s.id for s in (shifts if shifts is not None else event.shifts)
        if s.id is not None and (place_moved or _changed(s, "start_at", "end_at"))
    )
    return PendingChanges(cancelled, moved)


@dataclass
class ChangeReport:
    notifications: list[Notification] = field(default_factory=list)

    @property
    def counts(self) -> notify.ChannelCounts:
        return notify.ChannelCounts.of(self.notifications)


def apply_changes(session: Session, event: Event, changes: PendingChanges) -> ChangeReport:
    """Tell whoever an edit concerns; flush only."""
    report = ChangeReport()
    if changes.cancelled:
        report.notifications += cancel_event(session, event).notifications
        return report
    for shift_id in changes.moved_shift_ids:
        shift = session.get(Shift, shift_id)
        if shift is not None:
            report.notifications += notify_shift_changed(session, shift)
    return report


def cancel_event(session: Session, event: Event, *, now: datetime | None = None) -> ChangeReport:
    """Call an event off: its upcoming assignments are cancelled and their volunteers told, its
    residents told; reminders stop (they skip cancelled events). Flush only."""
    report = ChangeReport()
    event.status = EventStatus.cancelled
    event.cancelled_at = event.cancelled_at or now or utcnow()
    tz = deployment_zone()
    for assignment in session.scalars(
        select(Assignment).join(Shift, Assignment.shift_id == Shift.id)
        .where(Shift.event_id == event.id, Assignment.status.in_(UPCOMING))
        .order_by(Assignment.id)
    ):
        assignment.status = AssignmentStatus.cancelled
        assignment.sequence += 1
        report.notifications.append(notify.to_volunteer(
            session, assignment.volunteer, "scheduler/event_cancelled", title=event.title,
            line=shift_line(assignment.shift, tz), event_id=event.id,
        ))
    for registration in session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status.in_(signup.ACTIVE))
        .order_by(Registration.id)
    ):
        report.notifications.append(notify.to_resident(
            session, registration, "signup/event_cancelled", title=event.title,
            starts=event.start_at, place=event.place or "",
        ))
    session.flush()
    return report

