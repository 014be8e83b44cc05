"""Visit rounds planned by the engine, reviewed, published, and recorded by members."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.enums import (
    ContactWindow,
    HouseholdCategory,
    IncidentKind,
    RoundStatus,
    VisitKind,
    VisitOutcome,
)
from app.models import Visit, VisitPolicy
from app.services.incidents import follow_up_progress, record_incident
from app.services.visits.recording import RecordingError, my_visits, record_outcome
from app.services.visits.rounds import (
    RoundError,
    discard_round,
    plan_round,
    publish_round,
    reassign,
)
from tests.factories import (
    make_availability,
    make_building,
    make_household,
    make_neighbourhood,
    make_service_group,
    make_visit,
    make_volunteer,
)
from tests.helpers import in_english

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 1, 0, tzinfo=UTC)  # Monday 08:00 in Shanghai
START = date(2026, 6, 1)


@pytest.fixture
def patch(db_session):
    for category, days in {HouseholdCategory.elderly_only: 30}.items():
        policy = db_session.scalar(sa.select(VisitPolicy).filter_by(category=category))
        if policy is None:
            db_session.add(VisitPolicy(category=category, interval_days=days))
        else:
            policy.interval_days = days
    n = make_neighbourhood(db_session)
    group = make_service_group(db_session, neighbourhood=n)
    members = []
    for i in range(3):
        member = make_volunteer(db_session, neighbourhood=n, x_km=0.1 * i, y_km=0.0,
                                max_minutes_per_week=600)
        for weekday in range(7):
            make_availability(db_session, member, weekday=weekday, start_time=time(9),
                              end_time=time(21))
        members.append(member)
    group.members.extend(members)
    buildings = [make_building(db_session, neighbourhood=n, number=str(k), service_group=group,
                               x_km=0.2 * k, y_km=0.1) for k in (1, 2)]
    households = []
    old = NOW - timedelta(days=700)
    for k, days_ago in enumerate([90, 60, 45, 33, 31, 10, 5]):
        household = make_household(
            db_session, neighbourhood=n, building=buildings[k % 2], floor=k + 1, room=f"{k}01",
            created_at=old, categories=[HouseholdCategory.elderly_only])
        make_visit(db_session, household, visited_at=NOW - timedelta(days=days_ago),
                   volunteer=members[2] if k == 0 else None)
        households.append(household)
    households[3].contact_windows.append(ContactWindow.weekday_evening)
    db_session.flush()
    return n, group, members, buildings, households


def test_plan_a_round_overdue_first_with_continuity(app, db_session, patch) -> None:
    _n, group, members, _, households = patch
    with in_english(app):
        result = plan_round(db_session, group_id=group.id, starts_on=START, weeks=2, zone=ZONE,
                            now=NOW, seconds=3)
    round_ = result.round
    assert round_.status == RoundStatus.draft
    planned = {v.household_id: v for v in round_.visits}
    # Due within two weeks: the five last seen 90, 60, 45, 33, 31 days ago, and the one seen
    # 10 days ago is due on day 20 — outside; the one seen 5 days ago too.
    assert set(planned) == {h.id for h in households[:5]}
    assert result.assigned == result.proposed == 5
    assert {v.volunteer_id for v in round_.visits} <= {m.id for m in members}
    # Continuity: the member who saw the household last time goes again.
    assert planned[households[0].id].volunteer_id == members[2].id
    # Overdue contacts are placed in the first days; the evening household in the evening.
    assert all(v.visited_at.astimezone(ZONE).date() <= START + timedelta(days=1)
               for v in round_.visits)
    evening = planned[households[3].id].visited_at.astimezone(ZONE)
    assert evening.hour >= 18 and evening.weekday() < 5
    assert all(v.outcome == VisitOutcome.planned for v in round_.visits)

    # Planning again does not propose the households planned in this round twice.
    with in_english(app):
        again = plan_round(db_session, group_id=group.id, starts_on=START, weeks=2, zone=ZONE,
                           now=NOW, seconds=3)
    assert again.proposed == 0


def test_review_publish_record(app, db_session, patch) -> None:
    n, group, members, _, _households = patch
    with in_english(app):
        round_ = plan_round(db_session, group_id=group.id, starts_on=START, weeks=2, zone=ZONE,
                            now=NOW, seconds=3).round
        visit = round_.visits[0]
        stranger = make_volunteer(db_session, neighbourhood=n)
        with pytest.raises(RoundError, match="not a member"):
            reassign(db_session, visit, stranger.id)
        reassign(db_session, visit, members[0].id)
        # Not yet published: members do not see it.
        assert my_visits(db_session, members[0].id, now=NOW) == []
        with pytest.raises(RecordingError):
            record_outcome(db_session, visit, members[0].id, "done", now=NOW)
        assert publish_round(db_session, round_) == 5
        mine = my_visits(db_session, members[0].id, now=NOW)
        assert visit in mine
        with pytest.raises(RecordingError, match="Choose what happened"):
            record_outcome(db_session, visit, members[0].id, "planned", now=NOW)
        with pytest.raises(RecordingError, match="not on your list"):
            record_outcome(db_session, visit, members[1].id, "done", now=NOW)
        assert visit.outcome == VisitOutcome.planned
        at = NOW + timedelta(hours=7)
        record_outcome(db_session, visit, members[0].id, "phone_instead", notes=" 腿脚不便 ",
                       now=at)
        assert (visit.outcome, visit.kind, visit.notes, visit.visited_at) == (
            VisitOutcome.phone_instead, VisitKind.phone, "腿脚不便", at)
        with pytest.raises(RoundError):
            discard_round(db_session, round_)


def test_discard_deletes_planned_contacts(app, db_session, patch) -> None:
    _, group, *_ = patch
    with in_english(app):
        round_ = plan_round(db_session, group_id=group.id, starts_on=START, weeks=1, zone=ZONE,
                            now=NOW, seconds=3).round
        assert discard_round(db_session, round_) == 5
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Visit).where(
        Visit.round_id == round_.id)) == 0


def test_incident_follow_ups_are_planned_first_and_completed(app, db_session, patch) -> None:
    n, group, _members, buildings, _households = patch
    with in_english(app):
        incident = record_incident(
            db_session, neighbourhood_id=n.id, kind=IncidentKind.power_cut, title="停电",
            started_at=NOW - timedelta(days=3), restored_at=NOW - timedelta(days=2, hours=20),
            areas=f"{buildings[1].number}", follow_up_days=3)
        affected = {row.household_id for row in incident.households}
        round_ = plan_round(db_session, group_id=group.id, starts_on=START, weeks=1, zone=ZONE,
                            now=NOW, seconds=3).round
        follow_ups = [v for v in round_.visits if v.kind == VisitKind.follow_up]
        assert {v.household_id for v in follow_ups} == affected
        publish_round(db_session, round_)
        for visit in follow_ups:
            record_outcome(db_session, visit, visit.volunteer_id, "done",
                           now=visit.visited_at + timedelta(minutes=20))
        progress = follow_up_progress(db_session, [incident.id], today=START)
        assert (progress[incident.id].done, progress[incident.id].total) == (3, 3)


def test_bad_round_requests(app, db_session, patch) -> None:
    with in_english(app):
        with pytest.raises(RoundError, match="1 to 26"):
            plan_round(db_session, group_id=patch[1].id, starts_on=START, weeks=0, zone=ZONE)
        with pytest.raises(RoundError, match="no service group"):
            plan_round(db_session, group_id=999999, starts_on=START, weeks=2, zone=ZONE)


def test_overdue_households_beyond_a_weeks_work_go_to_the_next_week(app, db_session,
                                                                     patch) -> None:
    """Three members may make 20 contacts a week each: 85 overdue households are not all
    put in the first week (where 25 could have no member), but spread so that every one
    has a member."""
    n, group, _members, buildings, _ = patch
    for k in range(80):
        household = make_household(
            db_session, neighbourhood=n, building=buildings[k % 2], floor=20 + k // 10,
            room=f"x{k}", created_at=NOW - timedelta(days=700),
            categories=[HouseholdCategory.elderly_only])
        make_visit(db_session, household, visited_at=NOW - timedelta(days=100))
    db_session.flush()
    with in_english(app):
        result = plan_round(db_session, group_id=group.id, starts_on=START, weeks=2, zone=ZONE,
                            now=NOW, seconds=5)
    assert result.proposed == 85
    assert result.assigned == 85
    first_week = [v for v in result.round.visits
                  if v.visited_at.astimezone(ZONE).date() < START + timedelta(days=7)]
    assert len(first_week) == 60


def test_contacts_past_every_weeks_capacity_are_still_proposed() -> None:
    from app.services.visits.bridge import Candidate, place_contacts

    candidates = [Candidate(k, None, "1", START, 3) for k in range(5)]
    contacts = place_contacts(candidates, {}, START, START + timedelta(days=6), ZONE, 1,
                              weekly=2)
    assert sorted(c.candidate.household_id for c in contacts) == list(range(5))
