"""A coordinator's edits of drafts stick: a removed volunteer stays out of the next run until
assigned by hand again."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from app.enums import AssignmentStatus, RunStatus
from app.models import ScheduleRun
from app.services.scheduler import bridge, drafts
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
