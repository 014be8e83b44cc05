"""The coordinator's edits of a run's drafts: pin, assign by hand (with the rules it would
break, from the engine), remove."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import HOLDS_SEAT, AssignmentSource, AssignmentStatus
from app.i18n import deployment_zone
from app.models import Assignment, ScheduleRun, Shift, Volunteer
from app.services import qualifications
from app.services.scheduler import eligibility
from app.services.scheduler.errors import RunError
from app.services.scheduler.runs import min_gap_minutes
from app.services.scheduler.text import shift_label

#: Rule warnings for a manual assignment.
RULE_WARNINGS = {
    "skill": _l("%(name)s does not have the required skill “%(skill)s”."),
    "team": _l("%(name)s is not a member of the team “%(team)s”."),
    "availability": _l("%(name)s is not available for the whole shift."),
    "overlap": _l("%(name)s already has an overlapping shift: %(other)s."),
    "weekly_cap": _l("%(name)s would exceed the weekly limit of shifts or hours."),
    "declined": _l("%(name)s declined this shift or did not turn up for it."),
    "licence": _l("%(name)s has no valid licence for “%(skill)s” on that day."),
    "licence_expired": _l("%(name)s's licence for “%(skill)s” expired on %(date)s."),
}


def set_pinned(session: Session, assignment: Assignment, pinned: bool) -> None:
    assignment.pinned = pinned
    session.flush()


@dataclass(frozen=True)
class RuleWarning:
    code: str
    message: str


def rule_warnings(session: Session, shift: Shift, volunteer: Volunteer) -> list[RuleWarning]:
    """Every hard rule the assignment of `volunteer` to `shift` would break, by the engine's
    rules (availability, minimum gap, weekly caps and drafts counted as in a run)."""
    tz = deployment_zone()
    values = {"name": volunteer.name, "skill": str(shift.skill),
              "team": str(shift.team or shift.service_group)}
    out = []
    lapse = qualifications.lapse(session, volunteer, shift.skill,
                                 shift.start_at.astimezone(tz).date())
    if lapse is not None:
        code = "licence_expired" if lapse.expired_on else "licence"
        out.append(RuleWarning(code, str(RULE_WARNINGS[code]) % {
            **values, "date": lapse.expired_on.isoformat() if lapse.expired_on else ""}))
    for code, other_ids in eligibility.rule_breaks(session, shift, volunteer, tz,
                                                   min_gap_minutes=min_gap_minutes(),
                                                   readmit_cancelled=True):
        if lapse is not None and code in ("skill", "declined"):
            continue  # the lapsed licence is why: said above
        others = [session.get(Shift, i) for i in dict.fromkeys(other_ids)]
        other = "、".join(shift_label(o, tz) for o in others if o is not None)
        out.append(RuleWarning(code, str(RULE_WARNINGS[code]) % {**values, "other": other}))
    return out


def manual_assign(
    session: Session, run: ScheduleRun, shift: Shift, volunteer: Volunteer, *, force: bool = False
) -> tuple[Assignment | None, list[RuleWarning]]:
    """A pinned draft of the run, unless rules break and `force` is off (then the warnings)."""
    warnings = rule_warnings(session, shift, volunteer)
    if warnings and not force:
        return None, warnings
    existing = session.scalar(
        select(Assignment).where(
            Assignment.shift_id == shift.id, Assignment.volunteer_id == volunteer.id
        )
    )
    if existing is not None and existing.status in HOLDS_SEAT:
        raise RunError("exists", _("%(name)s already has this shift.", name=volunteer.name))
    if existing is not None:
        existing.status = AssignmentStatus.proposed
        existing.schedule_run_id = run.id
        existing.source = AssignmentSource.manual
        existing.pinned = True
        existing.responded_at = None
        session.flush()
        return existing, warnings
    assignment = Assignment(
        shift=shift, volunteer=volunteer, status=AssignmentStatus.proposed,
        source=AssignmentSource.manual, pinned=True, schedule_run_id=run.id,
    )
    session.add(assignment)
    session.flush()
    return assignment, warnings


def remove_draft(session: Session, assignment: Assignment) -> None:
    """Take a draft out. The pair is kept as cancelled, so a re-run (even one keeping the pins)
    does not put the volunteer back; assigning them by hand again undoes it."""
    if assignment.status != AssignmentStatus.proposed:
        raise RunError("not_draft", _("Only a draft can be removed here."))
    assignment.status = AssignmentStatus.cancelled
    assignment.pinned = False
    session.flush()
