"""Events, shifts and the scheduler: statuses of events, assignments, runs and shift changes, and
repeat rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.enums.base import LabelledEnum


class EventKind(LabelledEnum):
    service_day = "service_day"
    care_visit = "care_visit"
    training = "training"
    patrol = "patrol"
    other = "other"

    @classmethod
    def _labels(cls):
        return {
            cls.service_day: _l("Service day"),
            cls.care_visit: _l("Care visit"),
            cls.training: _l("Training"),
            cls.patrol: _l("Patrol"),
            cls.other: _l("Other"),
        }

class EventStatus(LabelledEnum):
    draft = "draft"
    published = "published"
    cancelled = "cancelled"

    @classmethod
    def _labels(cls):
        return {
            cls.draft: _l("Draft"),
            cls.published: _l("Published"),
            cls.cancelled: _l("Cancelled"),
        }

class AssignmentStatus(LabelledEnum):
    proposed = "proposed"  #: a solver or coordinator draft, not yet published
    pending = "pending"  #: published, awaiting the volunteer's answer
    confirmed = "confirmed"
    declined = "declined"
    cancelled = "cancelled"
    attended = "attended"
    no_show = "no_show"

    @classmethod
    def _labels(cls):
        return {
            cls.proposed: _l("Proposed"),
            cls.pending: _l("Awaiting confirmation"),
            cls.confirmed: _l("Confirmed"),
            cls.declined: _l("Declined"),
            cls.cancelled: _l("Cancelled"),
            cls.attended: _l("Attended"),
            cls.no_show: _l("No-show"),
        }

#: Status groups of an assignment: the one definition every query and rule uses.
#: Published and holding the seat: the volunteer counts as busy and sees it as "my shift".
HOLDS_SEAT = (AssignmentStatus.pending, AssignmentStatus.confirmed, AssignmentStatus.attended)

#: Published and still ahead: may be changed or cancelled, and the volunteer is told.
UPCOMING = (AssignmentStatus.pending, AssignmentStatus.confirmed)

#: Held or drafted: what makes a volunteer busy for a new assignment.
BOOKED = (*HOLDS_SEAT, AssignmentStatus.proposed)

#: Pairs the solver must not propose again.
EXCLUDED = (AssignmentStatus.declined, AssignmentStatus.cancelled, AssignmentStatus.no_show)

#: Someone was (or is to be) on the shift: who did a visit.
ON_DUTY = (*HOLDS_SEAT, AssignmentStatus.no_show)

class AssignmentSource(LabelledEnum):
    solver = "solver"
    manual = "manual"
    self = "self"
    #: A series' regular volunteer on one of its occurrences (`app.services.series`): told
    #: apart from a coordinator's seats, so a change of regular volunteer moves only these.
    series = "series"

    @classmethod
    def _labels(cls):
        return {
            cls.solver: _l("Scheduler"),
            cls.manual: _l("Coordinator"),
            cls.self: _l("Volunteer"),
            cls.series: _l("Series' regular volunteer"),
        }

class RunStatus(LabelledEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    published = "published"
    discarded = "discarded"

    @classmethod
    def _labels(cls):
        return {
            cls.queued: _l("Queued"),
            cls.running: _l("Running"),
            cls.succeeded: _l("Ready for review"),
            cls.failed: _l("Failed"),
            cls.published: _l("Published"),
            cls.discarded: _l("Discarded"),
        }

#: A run still in play: being built, awaiting review or published. A patrol season holds at
#: most one rota run in these (a partial unique index on the run's season).
LIVE_RUN = (RunStatus.queued, RunStatus.running, RunStatus.succeeded, RunStatus.published)

class PartStatus(LabelledEnum):
    """One part of a partitioned (district) run, solved by a consumer of its own."""

    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"

    @classmethod
    def _labels(cls):
        return {
            cls.queued: _l("Waiting for a worker"),
            cls.running: _l("Being planned"),
            cls.succeeded: _l("Planned"),
            cls.failed: _l("Failed"),
        }

class ShiftChangeStatus(LabelledEnum):
    """A volunteer's request to drop a shift or hand it to a colleague (换班/退出)."""

    open = "open"  #: waiting for the coordinator
    approved = "approved"  #: the volunteer is released; the seat offered or handed over
    refused = "refused"  #: the volunteer stays on the shift
    withdrawn = "withdrawn"  #: the volunteer took it back, or the shift was cancelled

    @classmethod
    def _labels(cls):
        return {
            cls.open: _l("Waiting for the coordinator"),
            cls.approved: _l("Approved"),
            cls.refused: _l("Not approved"),
            cls.withdrawn: _l("Withdrawn"),
        }

class HolidayKind(LabelledEnum):
    """A day in the State Council's yearly arrangement (国务院节假日安排)."""

    holiday = "holiday"  #: 放假: a public holiday, or a day off moved next to one
    workday = "workday"  #: 调休上班: a weekend day worked in exchange

    @classmethod
    def _labels(cls):
        return {
            cls.holiday: _l("Public holiday (day off)"),
            cls.workday: _l("Make-up working day"),
        }

class SeriesFrequency(LabelledEnum):
    """How an event series repeats (RFC 5545's FREQ)."""

    weekly = "weekly"
    monthly = "monthly"

    @classmethod
    def _labels(cls):
        return {
            cls.weekly: _l("Weekly"),
            cls.monthly: _l("Monthly"),
        }

class SeriesOnHoliday(LabelledEnum):
    """What a series does with a day of its rule that falls on a public holiday."""

    skip = "skip"
    #: To the next working day (a make-up working Saturday counts).
    move = "move"
    keep = "keep"

    @classmethod
    def _labels(cls):
        return {
            cls.skip: _l("Skip the day"),
            cls.move: _l("Move it to the next working day"),
            cls.keep: _l("Keep the day"),
        }
