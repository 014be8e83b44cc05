"""A coordinator's edits of drafts stick: a removed volunteer stays out of the next run until
assigned by hand again."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from app.enums import AssignmentStatus, RunStatus
from app.models import Assignment, ScheduleRun
from app.services.scheduler import bridge, drafts, publish, review, seats
from tests.app.scheduling.builders import ZONE, build_town

pytestmark = pytest.mark.integration


def test_a_removed_draft_is_forbidden_until_assigned_again(app: Flask,
                                                           db_session: Session) -> None:
    with app.test_request_context():
        town = build_town(db_session, volunteers=2, stations=1, slots=(10,), skills=1)
        shift, volunteer = town.shifts[0], town.volunteers[0]
        run = ScheduleRun(neighbourhood=town.neighbourhood, status=RunStatus.succeeded)
        db_session.add(run)
        db_session.flush()
        draft, _warnings = drafts.manual_assign(db_session, run, shift, volunteer, force=True)
        drafts.remove_draft(db_session, draft)
        assert draft.status == AssignmentStatus.cancelled

        pair = (bridge.vid(volunteer.id), bridge.sid(shift.id))
        built = bridge.build_problem(db_session, [shift], ZONE)
        assert pair in {(f.volunteer, f.shift) for f in built.problem.forbidden}
        assert pair not in {(p.volunteer, p.shift) for p in built.problem.pins}

        again, _warnings = drafts.manual_assign(db_session, run, shift, volunteer, force=True)
        assert again is not None and again.id == draft.id
        assert (again.status, again.pinned) == (AssignmentStatus.proposed, True)
        built = bridge.build_problem(db_session, [shift], ZONE)
        assert pair not in {(f.volunteer, f.shift) for f in built.problem.forbidden}


def test_by_hand_a_removal_is_undone_but_a_no_is_kept(app: Flask, db_session: Session) -> None:
    """Assigning by hand may put back someone the coordinator took off (they are offered, and
    no rule is broken), but not someone who said no: a run keeps both out."""
    with app.test_request_context():
        town = build_town(db_session, volunteers=3, stations=1, slots=(10,), skills=1, seats=3)
        shift = town.shifts[0]
        removed, declined, _other = town.volunteers
        for volunteer in town.volunteers:
            volunteer.skills = [shift.skill]
        run = ScheduleRun(neighbourhood=town.neighbourhood, status=RunStatus.succeeded)
        no = Assignment(shift=shift, volunteer=declined, status=AssignmentStatus.declined)
        db_session.add_all([run, no])
        db_session.flush()
        draft, _warnings = drafts.manual_assign(db_session, run, shift, removed)
        drafts.remove_draft(db_session, draft)

        offered = {c.volunteer_id for c in seats.hand_candidates(db_session, shift)}
        assert removed.id in offered and declined.id not in offered
        assert drafts.rule_warnings(db_session, shift, removed) == []
        assert [w.code for w in drafts.rule_warnings(db_session, shift, declined)] == [
            "declined"]
        forbidden = {(f.volunteer, f.shift) for f in
                     bridge.build_problem(db_session, [shift], ZONE).problem.forbidden}
        assert (bridge.vid(removed.id), bridge.sid(shift.id)) in forbidden  # until undone
        assert (bridge.vid(declined.id), bridge.sid(shift.id)) in forbidden

        again, warnings = drafts.manual_assign(db_session, run, shift, removed)
        assert again is not None and again.id == draft.id and warnings == []
        assert (again.status, again.pinned) == (AssignmentStatus.proposed, True)
        refused, warnings = drafts.manual_assign(db_session, run, shift, declined)
        assert refused is None and [w.code for w in warnings] == ["declined"]
        assert no.status == AssignmentStatus.declined


def test_a_run_that_listed_a_pinned_seat_for_removal_neither_shows_nor_cancels_it(
        app: Flask, db_session: Session) -> None:
    # A run written before the engine kept every pin (the walk's run #1) still lists the
    # pinned seat among the published ones it drops: the review keeps it, publishing too.
    with app.test_request_context():
        town = build_town(db_session, volunteers=2, stations=1, slots=(10,), skills=1)
        shift, volunteer = town.shifts[0], town.volunteers[0]
        seat = Assignment(shift=shift, volunteer=volunteer, status=AssignmentStatus.pending,
                          pinned=True)
        db_session.add(seat)
        db_session.flush()
        run = ScheduleRun(neighbourhood=town.neighbourhood, status=RunStatus.succeeded,
                          scope={"events": [shift.event_id]},
                          metrics={"write": {"dropped_published": [seat.id]}})
        db_session.add(run)
        db_session.flush()

        report = review.run_report(db_session, run)
        assert report.removed == [] and report.kept == [seat]
        assert review.report_json(report)["diff"]["removed"] == 0
        result = publish.publish_run(db_session, run)
        assert result.cancelled == 0
        assert seat.status == AssignmentStatus.pending
