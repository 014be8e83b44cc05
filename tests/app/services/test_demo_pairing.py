"""The demo's step 3: every neighbourhood has confirmed pairs that keep the rules, a few
proposals to review, and families left over each with the engine's reason; two service
projects with events held and ahead."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.enums import OPEN_PAIRING, PairingStatus, ProjectTarget
from app.models import Household, Neighbourhood, Pairing, Project, Volunteer
from app.services.demo import load_demo
from app.services.demo.pairing import DEMO_MAX_KM, LEFT_PROPOSED
from app.services.pairing import proposals
from app.services.pairing.bridge import unpaired_households
from app.services.projects import ProjectResults, project_results
from scheduling import pairing as engine
from tests.demo import DEMO_TODAY

pytestmark = pytest.mark.integration

TODAY = DEMO_TODAY


def test_demo_pairings(demo_session, loaded_demo) -> None:
    with loaded_demo.app.test_request_context():
        report = loaded_demo.report
        rows = demo_session.scalars(select(Pairing)).all()
        assert report.created["pairings"] == len(rows) > 0
        by_neighbourhood: dict[int, Counter] = {}
        for row in rows:
            household, member = row.household, row.volunteer
            # The rules hold: one neighbourhood, within walking distance, a needed skill.
            assert household.neighbourhood_id == member.neighbourhood_id
            assert row.distance_km is not None and row.distance_km <= DEMO_MAX_KM + 1e-6
            if household.needs:
                assert {s.id for s in household.needs} & {s.id for s in member.skills}
            by_neighbourhood.setdefault(household.neighbourhood_id, Counter())[row.status] += 1
        neighbourhoods = demo_session.scalars(select(Neighbourhood)).all()
        for n in neighbourhoods:
            counts = by_neighbourhood.get(n.id, Counter())
            assert counts[PairingStatus.confirmed] > 0, n.name
            assert counts[PairingStatus.proposed] == LEFT_PROPOSED, n.name
        held = dict(demo_session.execute(
            select(Pairing.volunteer_id, func.count()).where(Pairing.status.in_(OPEN_PAIRING))
            .group_by(Pairing.volunteer_id)).tuples().all())
        limits = dict(demo_session.execute(select(Volunteer.id, Volunteer.max_families)).all())
        assert all(n <= limits[v] for v, n in held.items())

        # Families left over: each has a reason; in Jiahong, the biggest, members run short.
        reasons: Counter = Counter()
        for n in neighbourhoods:
            waiting = proposals.unpaired_now(demo_session, n.id, max_km=DEMO_MAX_KM)
            assert {u.household.id for u in waiting} == {
                h.id for h in unpaired_households(demo_session, n.id)}
            assert all(u.reason for u in waiting)
            reasons.update(u.code for u in waiting)
        assert reasons[engine.AT_CAPACITY] > 0 and engine.NOT_CHOSEN not in reasons
        # Families with a stated need exist, and loading again changes nothing.
        assert demo_session.scalar(select(func.count()).select_from(Household).where(
            Household.needs.any())) == report.created["household_needs"] > 0
        again = load_demo(demo_session, zone=ZoneInfo("Asia/Shanghai"), today=TODAY)
        assert again.created["pairings"] == again.created["household_needs"] == 0


def test_demo_projects(demo_session, loaded_demo) -> None:
    report = loaded_demo.report
    rows = {p.title: p for p in demo_session.scalars(select(Project))}
    assert report.created["projects"] == len(rows) == 2
    results = project_results(demo_session, [p.id for p in rows.values()],
                              now=datetime.combine(TODAY, time(12), ZoneInfo("Asia/Shanghai")))
    drawing = rows["“我心中的家园”少儿绘画比赛"]
    sessions = rows["新上海人政策宣讲：劳动政策与居住证"]
    assert drawing.target == ProjectTarget.children_families and drawing.organisers
    assert sessions.target == ProjectTarget.new_residents and sessions.report
    # The first round held (22 registrations of 1–3 people), the final ahead.
    assert (results[drawing.id].events, results[drawing.id].held) == (2, 1)
    assert 22 <= results[drawing.id].participants <= 66
    # Two of four sessions held: 38 + 33 people, one each.
    assert results[sessions.id] == ProjectResults(events=4, held=2, participants=71)
    assert (sessions.goal_events, sessions.goal_participants) == (4, 150)
    again = load_demo(demo_session, zone=ZoneInfo("Asia/Shanghai"), today=TODAY)
    assert again.created["projects"] == again.created["registrations"] == 0
