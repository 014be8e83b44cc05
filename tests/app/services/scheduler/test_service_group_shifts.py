"""A shift reserved for a service group (团组): only its members may take it, by every path that
asks the engine (a run, a re-fill's candidates, a hand assignment's warnings), and what could not
be filled names the group, not an engine id."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy.orm import Session

import scheduling
from app.services.scheduler import bridge, drafts, eligibility
from tests import factories
from tests.app.scheduling.builders import ZONE, build_town

pytestmark = pytest.mark.integration


@pytest.fixture
def town(app: Flask, db_session: Session):
    with app.test_request_context():
        yield build_town(db_session, volunteers=3, stations=1, slots=(10,), skills=1)


def test_only_the_groups_members_take_its_shift(town, app: Flask, db_session: Session) -> None:
    shift = town.shifts[0]
    for v in town.volunteers:  # everyone could take it but for the group
        v.skills = [shift.skill]
    member, outsider, _other = town.volunteers
    group = factories.make_service_group(db_session, neighbourhood=town.neighbourhood,
                                         name="党员责任岗团组", members=[member])
    shift.service_group = group
    db_session.flush()

    free = eligibility.eligible_free_volunteers(db_session, shift, ZONE)
    assert [v.id for v in free] == [member.id]
    assert dict(eligibility.rule_breaks(db_session, shift, outsider, ZONE)) == {"team": []}
    assert eligibility.rule_breaks(db_session, shift, member, ZONE) == []
    with app.test_request_context():
        [warning] = drafts.rule_warnings(db_session, shift, outsider)
    assert warning.code == "team" and "党员责任岗团组" in warning.message

    built = bridge.build_problem(db_session, [shift], ZONE)
    solution = scheduling.solve(built.problem)
    assert [bridge.db_id(a.volunteer) for a in solution.assignments] == [member.id]


def test_a_group_with_nobody_able_is_named_in_the_reason(town, db_session: Session) -> None:
    shift = town.shifts[0]
    shift.max_volunteers = shift.min_volunteers = 1
    member = town.volunteers[0]
    member.skills = []  # the only member lacks the skill: the seat stays empty
    group = factories.make_service_group(db_session, neighbourhood=town.neighbourhood,
                                         name="在职党员团组", members=[member])
    shift.service_group = group
    db_session.flush()

    built = bridge.build_problem(db_session, [shift], ZONE)
    [unfilled] = scheduling.solve(built.problem).unfilled
    assert unfilled.reason.code == "team_excludes"
    assert built.team_names[unfilled.reason.params["team"]] == "在职党员团组"
