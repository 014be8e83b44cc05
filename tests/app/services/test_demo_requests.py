"""The demo's year of residents' requests: the article's examples (the pergola decided by the
residents' council at a meeting, the blood-pressure doctor arranged as an improvement), Jiang
Jiezhi's 235 Monday suggestions all handled, every way, state and channel, and believable
figures from `flask requests stats` (over 90% resolved at neighbourhood level)."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.enums import FollowUpOutcome, RequestChannel, RequestStatus, VisitOutcome
from app.models import Event, Household, RequestChange, ResidentRequest, Visit, Volunteer
from app.services.demo import load_demo
from app.services.demo.requests import JIANG, JIANG_SUGGESTIONS
from app.services.requests import Turnout, board_entries, turnouts
from app.services.requests.stats import request_stats
from tests.demo import DEMO_TODAY

pytestmark = pytest.mark.integration

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_year_of_requests_with_the_articles_examples_and_believable_stats(
        demo_session, loaded_demo) -> None:
    today = DEMO_TODAY
    report = loaded_demo.report
    requests = demo_session.scalars(select(ResidentRequest)).all()
    assert report.created["resident_requests"] == len(requests) > 500
    assert {r.status for r in requests} == set(RequestStatus)
    assert {r.channel for r in requests} == set(RequestChannel)
    assert all(r.received_at.date() >= today - timedelta(days=366) for r in requests)

    pergola = next(r for r in requests if "花架" in r.text and r.council_event_id)
    assert pergola.status == RequestStatus.resolved and pergola.posted_at is not None
    meeting = demo_session.get(Event, pergola.council_event_id)
    assert meeting.neighbourhood_id == pergola.neighbourhood_id and "议事会" in meeting.title
    # The council voted on the proposal: 27 for, 3 against, 1 abstained, of the 31 who came.
    assert pergola.council_decision.startswith("同意在小花园搭建葡萄架")
    [vote] = [c.council_vote for c in pergola.changes if c.council_vote is not None]
    assert [(o.votes, o.adopted) for o in vote.options] == [(27, True), (3, False)]
    assert vote.abstentions == 1
    # Attendance as rows: 31 of the 33 representatives invited came; the board counts them.
    assert turnouts(demo_session, [meeting.id]) == {meeting.id: Turnout(attended=31,
                                                                        invited=33)}
    [posted] = [e for e in board_entries(demo_session, pergola.neighbourhood_id)
                if e.id == pergola.id]
    assert posted.turnout == Turnout(attended=31, invited=33)
    assert posted.vote is not None and posted.vote.cast == 31
    assert posted.vote.adopted.label == "同意在小花园搭建葡萄架，种植爬藤植物"
    path = [c.to_status for c in pergola.changes]
    assert path == [RequestStatus.received, RequestStatus.handling, RequestStatus.council,
                    RequestStatus.improving, RequestStatus.resolved]
    doctor = next(r for r in requests if "量血压" in r.text)
    assert [c.to_status for c in doctor.changes][2] == RequestStatus.improving
    board = board_entries(demo_session, doctor.neighbourhood_id)
    assert any("量血压" in e.title for e in board)
    assert not any(doctor.text in e.result or (doctor.name or "?") in e.result for e in board)

    jiang = demo_session.scalars(select(Volunteer).where(Volunteer.name == JIANG)).one()
    filed = [r for r in requests if r.volunteer_id == jiang.id]
    assert len(filed) == JIANG_SUGGESTIONS == 235
    assert all(r.status == RequestStatus.resolved for r in filed)
    assert {r.received_at.astimezone(SHANGHAI).weekday() for r in filed} == {0}
    assert len({r.received_at.astimezone(SHANGHAI).date() for r in filed}) >= 48

    again = load_demo(demo_session, zone=SHANGHAI, today=today)
    assert again.created["resident_requests"] == 0
    assert demo_session.scalar(select(func.count()).select_from(ResidentRequest)) == len(requests)
    assert demo_session.scalar(select(func.count()).select_from(RequestChange)) == \
        report.created["request_changes"]

    # `flask requests stats` over the year shows believable figures.
    result = loaded_demo.app.test_cli_runner().invoke(args=[
        "requests", "stats", "--from", (today - timedelta(days=365)).isoformat(),
        "--to", today.isoformat(), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["received"] > 500
    assert 0.8 * figures["received"] < figures["resolved"] < figures["received"]
    assert figures["resolved_at_level_1_pct"] > 90
    assert figures["resolved_at_level_1"] < figures["resolved"]  # some went to a department
    assert 2 <= figures["median_days"] <= 30
    assert 0 < figures["overdue"] < 0.1 * figures["received"]
    assert figures["answers"] > 50 and 75 <= figures["satisfied_pct"] < 100
    [jiang] = [v for v in figures["volunteers"] if v["name"] == JIANG]
    assert jiang["filed"] == jiang["resolved"] == 235
    assert len(figures["groups"]) >= 20


def test_requests_raised_on_visits_are_the_households_filed_by_a_member(
        demo_session, loaded_demo) -> None:
    R = ResidentRequest
    on_visits = demo_session.scalars(select(R).where(R.channel == RequestChannel.visit)).all()
    assert len(on_visits) > 30
    households = {h.id: h for h in demo_session.scalars(
        select(Household).where(Household.id.in_({r.household_id for r in on_visits})))}
    members = {v.id: v for v in demo_session.scalars(
        select(Volunteer).where(Volunteer.id.in_({r.volunteer_id for r in on_visits})))}
    assert len(households) > 10 and len(members) > 3 and JIANG not in {
        v.name for v in members.values()}  # her 235 are her patrols'
    for r in on_visits:
        household, member = households[r.household_id], members[r.volunteer_id]
        assert household.neighbourhood_id == member.neighbourhood_id == r.neighbourhood_id
        if r.phone is not None:  # the household's contact, at its mobile number on file
            assert (r.name, r.phone) == (household.contact_name, household.contact_phone)
    at_building = [r for r in on_visits if r.building_id is not None]
    assert sum(households[r.household_id].building_id == r.building_id
               for r in at_building) > 0.8 * len(at_building)
    doctor = next(r for r in on_visits if "量血压" in r.text)
    assert doctor.phone == households[doctor.household_id].contact_phone

    # The per-volunteer figures count the members' visit suggestions beside Jiang's patrols.
    today = DEMO_TODAY
    start = datetime.combine(today - timedelta(days=366), time(0), tzinfo=SHANGHAI)
    end = datetime.combine(today + timedelta(days=1), time(0), tzinfo=SHANGHAI)
    stats = request_stats(demo_session, start, end, now=end)
    filed = {v.volunteer_id: v.filed for v in stats.volunteers}
    assert sum(filed.values()) == demo_session.scalar(
        select(func.count()).select_from(R).where(R.volunteer_id.is_not(None)))
    assert set(members) <= set(filed)


def test_the_demos_made_up_raisers_are_not_sent_the_questionnaire(app, demo_session) -> None:
    from app.models import utcnow
    from app.services.requests.survey import send_due_questionnaires

    asked = demo_session.scalars(select(ResidentRequest).where(
        ResidentRequest.survey_token.is_not(None))).all()
    assert asked and all(r.survey_sent_at is not None for r in asked)
    with app.test_request_context():
        assert send_due_questionnaires(demo_session, utcnow()) == 0


def test_explained_requests_have_their_follow_up_contacts_recorded(demo_session) -> None:
    """As explaining sets it: a follow-up day two weeks on; the committee's calls since are in
    the history (reached, or not yet, with what was said), one reached completes it."""
    R = ResidentRequest
    explained = demo_session.scalars(select(R).where(R.id.in_(
        select(RequestChange.request_id).where(
            RequestChange.to_status == RequestStatus.explained)))).all()
    assert len(explained) > 50
    assert all(r.follow_up_due_on is not None for r in explained)
    now = datetime.combine(DEMO_TODAY, time(0), tzinfo=SHANGHAI)
    outcomes: dict[FollowUpOutcome, int] = dict.fromkeys(FollowUpOutcome, 0)
    for r in explained:
        entries = [c for c in r.changes if c.follow_up is not None]
        for c in entries:
            outcomes[c.follow_up] += 1
            assert c.note and c.actor and c.user_id is not None and c.at < now
            assert c.from_status == c.to_status == r.status
            assert c.at.astimezone(SHANGHAI).date() >= r.follow_up_due_on
        reached = [c for c in entries if c.follow_up == FollowUpOutcome.reached]
        assert r.follow_up_done_at == (reached[0].at if reached else None)
        assert len(reached) <= 1
        if r.phone is None and r.household_id is None and r.volunteer_id is None and entries:
            assert entries[0].note == "匿名反映，没有留下联系方式，无法回访。"
    assert outcomes[FollowUpOutcome.reached] > 40 and outcomes[FollowUpOutcome.not_reached] > 5
    ahead = [r for r in explained if r.follow_up_due_on >= DEMO_TODAY]
    overdue = [r for r in explained if r.follow_up_done_at is None
               and r.follow_up_due_on < DEMO_TODAY]
    assert ahead and overdue
    # A household's contact still to make is on its member's (or the coordinator's) list.
    households = [r for r in explained if r.household_id and r.follow_up_done_at is None]
    assert households and all(demo_session.scalar(select(func.count()).select_from(Visit).where(
        Visit.follow_up_of_id == r.id, Visit.outcome == VisitOutcome.planned)) == 1
        for r in households)
