"""Publishing a run: its drafts become assignments the volunteers are asked to confirm, each
volunteer gets one message; and what follows for published work — a cancellation or a changed
shift is told to the people on it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.enums import UPCOMING, AssignmentStatus, EventStatus, RunStatus
from app.i18n import deployment_zone
from app.models import Assignment, Notification, ScheduleRun, Shift, Volunteer
from app.services import feeds, links, notify, signup
from app.services.patrols import rota_runs
from app.services.scheduler.errors import RunError
from app.services.scheduler.freed import seat_freed
from app.services.scheduler.text import shift_line


@dataclass
class PublishResult:
    published: int = 0
    cancelled: int = 0
    #: Events that were drafts and are now published (visible to residents if public).
    events_published: int = 0
    #: A patrol rota's inspections left unpublished for want of two members, and the lone
    #: members' proposals withdrawn from them (`rota_runs.hold_back_short`).
    inspections_held: int = 0
    proposals_withdrawn: int = 0
    messages: notify.ChannelCounts = field(default_factory=notify.ChannelCounts)


def calendar_file(volunteer: Volunteer, assignments: list[Assignment]) -> str:
    """The shifts a message is about as a calendar file for the mail (same entries as the
    volunteer's feed)."""
    return feeds.build_assignment_file(
        volunteer, assignments, settings=feeds.FeedSettings.from_config(current_app.config))


def tell_assigned(session: Session, volunteer: Volunteer, assignments: list[Assignment],
                  *, schedule_run_id: int | None = None) -> Notification:
    """The "please confirm" message for new assignments of one volunteer, after commit."""
    tz = deployment_zone()
    shifts = [
        {"line": shift_line(a.shift, tz), "url": links.respond_url(a)}
        for a in sorted(assignments, key=lambda a: a.shift.start_at)
    ]
    portal_url = links.portal_url(volunteer.id, volunteer.feed_token)
    return notify.to_volunteer(
        session, volunteer, "scheduler/publish", shifts=shifts, portal_url=portal_url,
        # the SMS's values, for providers that send a template with parameters
        count=len(shifts), line=shifts[0]["line"],
        url=shifts[0]["url"] if len(shifts) == 1 else portal_url,
        event_id=assignments[0].shift.event_id, schedule_run_id=schedule_run_id,
        ics=calendar_file(volunteer, assignments) if volunteer.email else None,
    )


def publish_run(session: Session, run: ScheduleRun) -> PublishResult:
    """Drafts become assignments awaiting confirmation; each volunteer gets one message; the
    events they staff are published if they were drafts — but for a patrol rota, not an
    inspection with fewer than two members."""
    if run.status != RunStatus.succeeded:
        raise RunError("not_ready", _("Only a run that is ready for review can be published."))
    result = PublishResult()
    if rota_runs.is_rota(run):
        result.inspections_held, result.proposals_withdrawn = rota_runs.hold_back_short(
            session, run)
    drafts = list(
        session.scalars(
            select(Assignment)
            .where(
                Assignment.schedule_run_id == run.id,
                Assignment.status == AssignmentStatus.proposed,
            )
            .options(selectinload(Assignment.volunteer), selectinload(Assignment.shift))
        )
    )
    by_volunteer: dict[int, list[Assignment]] = defaultdict(list)
    for a in drafts:
        a.status = AssignmentStatus.pending
        a.responded_at = None
        by_volunteer[a.volunteer_id].append(a)
        result.published += 1
    dropped = (run.metrics or {}).get("write", {}).get("dropped_published", [])
    for assignment in session.scalars(select(Assignment).where(Assignment.id.in_(dropped))):
        # A pin is the coordinator's word; a run written before the engine kept every pin may
        # still list one.
        if assignment.status in UPCOMING and not assignment.pinned:
            cancel_assignment(session, assignment)
            result.cancelled += 1
    for event in {a.shift.event for a in drafts}:
        if event.status == EventStatus.draft:
            event.status = EventStatus.published
            result.events_published += 1
    run.status = RunStatus.published
    session.flush()
    result.messages = notify.ChannelCounts.of(
        tell_assigned(session, assignments[0].volunteer, assignments, schedule_run_id=run.id)
        for assignments in by_volunteer.values()
    )
    return result


def cancel_assignment(session: Session, assignment: Assignment) -> Notification | None:
    """Cancel a published assignment and tell the volunteer (after commit); returns the
    message, None when the seat was not upcoming (nobody to tell)."""
    was_upcoming = assignment.status in UPCOMING
    assignment.status = AssignmentStatus.cancelled
    # Whoever cancels here, it is no series handover (that one marks its seats afterwards).
    assignment.released_by_handover = False
    assignment.sequence += 1
    session.flush()
    told = None
    if was_upcoming:
        told = notify.to_volunteer(
            session, assignment.volunteer, "scheduler/cancelled",
            title=assignment.shift.event.title,
            line=shift_line(assignment.shift, deployment_zone()),
            event_id=assignment.shift.event_id,
        )
        seat_freed(session, assignment.shift)
    signup.follow_staffing(session, assignment.shift.event_id)
    return told


def notify_shift_changed(session: Session, shift: Shift) -> list[Notification]:
    """After a published shift's time or place changed: tell everyone on it (once each)."""
    tz = deployment_zone()
    sent = []
    for a in session.scalars(
        select(Assignment).where(Assignment.shift_id == shift.id, Assignment.status.in_(UPCOMING))
    ):
        a.sequence += 1
        a.reminded_at = None
        sent.append(notify.to_volunteer(
            session, a.volunteer, "scheduler/changed", title=shift.event.title,
            line=shift_line(shift, tz), url=links.respond_url(a), event_id=shift.event_id,
            ics=calendar_file(a.volunteer, [a]) if a.volunteer.email else None,
        ))
    session.flush()
    return sent
