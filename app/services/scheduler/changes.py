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
from app.services import links, notify, signup
from app.services.scheduler.eligibility import rule_breaks
from app.services.scheduler.publish import calendar_file, notify_shift_changed
from app.services.scheduler.runs import min_gap_minutes
from app.services.scheduler.seats import resolve_seat
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
            ics=calendar_file(assignment.volunteer, [assignment])
            if assignment.volunteer.email else None,
        ))
    report.notifications += _tell_residents(session, event, "signup/event_cancelled")
    session.flush()
    return report


def _tell_residents(session: Session, event: Event, template: str, *,
                    moved_at: datetime | None = None) -> list[Notification]:
    """Every resident holding or waiting for a place of `event`: with their cancel link, or
    after a move (`moved_at`) with their sign-up page, where one tap says "still coming" for
    the new time and another cancels."""
    told = []
    for registration in session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status.in_(signup.ACTIVE))
        .order_by(Registration.id)
    ):
        if moved_at is None:
            url = links.cancel_url(registration.cancel_token)
        else:
            registration.moved_at, registration.still_coming_at = moved_at, None
            url = links.registration_url(registration.cancel_token)
        told.append(notify.to_resident(
            session, registration, template, title=event.title, starts=event.start_at,
            place=event.place or "", url=url))
    return told



@dataclass
class RescheduleReport(ChangeReport):
    #: Volunteers who can no longer come at the new time; their seats are offered again.
    released: list[Assignment] = field(default_factory=list)
    #: Seats filled again by someone free at the new time.
    refilled: list[Assignment] = field(default_factory=list)


#: What makes a published assignment impossible at the new time.
_NO_LONGER_POSSIBLE = {"availability", "overlap", "weekly_cap"}


def reschedule_event(session: Session, event: Event, new_start: datetime) -> RescheduleReport:
    """Move a whole event day — the event, its shifts and its slots — by the same offset, all
    or nothing. Volunteers who can still come are told of the new time; those who cannot are
    released and their seats offered to someone free; residents keep their places and are told,
    with a link where one tap says "still coming" and another cancels. Calendar feeds follow
    (SEQUENCE goes up with the times). Flush only; a failure changes nothing."""
    if new_start.tzinfo is None:
        raise ValueError("new_start must be timezone-aware")
    offset = new_start - event.start_at
    report = RescheduleReport()
    if not offset:
        return report
    tz = deployment_zone()
    with session.begin_nested():
        event.start_at += offset
        event.end_at += offset
        for moment in ("registration_opens_at", "registration_closes_at"):
            if getattr(event, moment) is not None:
                setattr(event, moment, getattr(event, moment) + offset)
        for item in [*event.shifts, *event.slots]:
            item.start_at += offset
            item.end_at += offset
        session.flush()
        for shift in event.shifts:
            for assignment in [a for a in shift.assignments if a.status in UPCOMING]:
                breaks = {code for code, _ in rule_breaks(session, shift, assignment.volunteer,
                                                          tz, min_gap_minutes=min_gap_minutes())}
                if breaks & _NO_LONGER_POSSIBLE:
                    assignment.status = AssignmentStatus.cancelled
                    assignment.sequence += 1
                    report.released.append(assignment)
                    report.notifications.append(notify.to_volunteer(
                        session, assignment.volunteer, "scheduler/moved_released",
                        title=event.title, line=shift_line(shift, tz), event_id=event.id,
                        ics=calendar_file(assignment.volunteer, [assignment])
                        if assignment.volunteer.email else None))
            session.flush()
            report.notifications += notify_shift_changed(session, shift)
            for _seat in range(len([a for a in report.released if a.shift_id == shift.id])):
                refill = resolve_seat(session, shift)
                if refill.assignment is None:
                    break
                report.refilled.append(refill.assignment)
        report.notifications += _tell_residents(session, event, "signup/event_moved",
                                                moved_at=utcnow())
        signup.follow_staffing(session, event.id)
    session.flush()
    return report
