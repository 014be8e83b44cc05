"""The follow-up contact after an explanation: a household's is a planned contact of the member
who knows it (in her portal list and calendar feed); a resident without a household is called
back by the committee; every outcome goes into the request's history, and only reaching the
raiser completes it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import (
    FollowUpOutcome,
    PairingStatus,
    RequestStatus,
    Role,
    VisitKind,
    VisitOutcome,
)
from app.models import ResidentRequest, Visit, utcnow
from app.services import requests
from app.services.requests import follow_up
from app.services.visits import recording
from tests import factories as f
from tests.app.feeds.test_feeds_http import url, vevents

pytestmark = pytest.mark.integration

S = RequestStatus


ZONE = ZoneInfo("Asia/Shanghai")


def _today():
    return utcnow().astimezone(ZONE).date()


def _family(session: Session):
    """A neighbourhood with a group, a building of its patch and a household in it."""
    n = f.make_neighbourhood(session, name="佳虹")
    group = f.make_service_group(session, neighbourhood=n, name="第一团组")
    building = f.make_building(session, neighbourhood=n, service_group=group)
    household = f.make_household(session, neighbourhood=n, building=building,
                                 contact_name="李阿婆")
    coordinator = f.make_user(session, Role.coordinator, neighbourhoods=[n],
                              display_name="佳虹协调员")
    return n, group, household, coordinator


def _explain(session, req, user, **kwargs):
    requests.change_status(session, req, S.handling, user=user)
    return requests.change_status(session, req, S.explained, user=user,
                                  note="房屋产权不在居委会职责内，已说明", **kwargs)


def test_a_household_follow_up_is_the_paired_members_visit_and_fills_the_history(
        app: Flask, client, db_session: Session) -> None:
    n, group, household, coordinator = _family(db_session)
    paired = f.make_volunteer(db_session, neighbourhood=n, name="结对党员")
    f.make_pairing(db_session, household, paired, status=PairingStatus.confirmed)
    req = f.make_resident_request(db_session, neighbourhood=n, household=household,
                                  service_group=group, phone="13812345678")
    day = _today() + timedelta(days=10)
    with app.test_request_context():
        _explain(db_session, req, coordinator, follow_up_on=day)
        assert "再与您联系" in str(requests.next_step(req))
    [visit] = db_session.scalars(select(Visit).where(Visit.follow_up_of_id == req.id))
    assert (visit.household_id, visit.volunteer_id, visit.kind, visit.outcome) == (
        household.id, paired.id, VisitKind.follow_up, VisitOutcome.planned)
    assert visit.visited_at.astimezone(ZONE).date() == day
    assert req.follow_up_due_on == day and req.follow_up_done_at is None

    # Like any other contact: in her portal list and her calendar feed, without a round.
    assert [v.id for v in recording.my_visits(db_session, paired.id)] == [visit.id]
    [entry] = vevents(client.get(url(paired)).data)
    assert str(entry["UID"]).startswith(f"visit-{visit.id}@") and "李阿婆" in str(
        entry["SUMMARY"])

    with app.test_request_context():
        recording.record_outcome(db_session, visit, paired.id, "not_at_home",
                                 notes="敲门无人，邻居说住院了")
        missed = req.changes[-1]
        assert (missed.follow_up, missed.actor, missed.note, missed.to_status) == (
            FollowUpOutcome.not_reached, "结对党员", None, S.explained)
        assert req.follow_up_done_at is None  # still due: nobody was reached
        recording.record_outcome(db_session, visit, paired.id, "done", notes="已见面说明")
        assert req.changes[-1].follow_up == FollowUpOutcome.reached
        assert req.follow_up_done_at is not None
        assert "再与您联系" not in str(requests.next_step(req))
    db_session.expire_all()
    fresh = db_session.get(ResidentRequest, req.id)
    assert [c.follow_up for c in fresh.changes if c.follow_up] == [
        FollowUpOutcome.not_reached, FollowUpOutcome.reached]
    assert not any(c.rerouted for c in fresh.changes)


def test_without_a_pairing_the_group_member_who_last_reached_the_family_makes_it(
        app: Flask, db_session: Session) -> None:
    n, group, household, _coordinator = _family(db_session)
    earlier = f.make_volunteer(db_session, neighbourhood=n, name="老组员")
    latest = f.make_volunteer(db_session, neighbourhood=n, name="新组员")
    outsider = f.make_volunteer(db_session, neighbourhood=n, name="别组的人")
    group.members.extend([earlier, latest])
    f.make_visit(db_session, household, volunteer=earlier,
                 visited_at=datetime.now(UTC) - timedelta(days=40))
    f.make_visit(db_session, household, volunteer=latest,
                 visited_at=datetime.now(UTC) - timedelta(days=20))
    f.make_visit(db_session, household, volunteer=latest, outcome=VisitOutcome.not_at_home,
                 visited_at=datetime.now(UTC) - timedelta(days=5))
    f.make_visit(db_session, household, volunteer=outsider,
                 visited_at=datetime.now(UTC) - timedelta(days=2))
    req = f.make_resident_request(db_session, neighbourhood=n, household=household,
                                  service_group=group)
    assert follow_up.contact_member(db_session, req) == latest
    req.service_group_id = None
    assert follow_up.contact_member(db_session, req) is None  # the coordinator makes it


def test_a_resident_without_household_is_called_back_by_the_committee(
        app: Flask, db_session: Session) -> None:
    n, _group, _household, coordinator = _family(db_session)
    req = f.make_resident_request(db_session, neighbourhood=n, phone="13812345678")
    with app.test_request_context():
        requests.change_status(db_session, req, S.handling, user=coordinator)
        for wrong in (_today() - timedelta(days=1), _today() + timedelta(days=400)):
            with pytest.raises(requests.RequestError) as refused:
                requests.change_status(db_session, req, S.explained, user=coordinator,
                                       note="已说明", follow_up_on=wrong)
            assert refused.value.field == "follow_up_on"
        db_session.expire_all()
        assert (req.status, req.follow_up_due_on, len(req.changes)) == (S.handling, None, 2)
        requests.change_status(db_session, req, S.explained, user=coordinator, note="已说明")
    assert req.follow_up_due_on == _today() + timedelta(days=follow_up.DEFAULT_DAYS)
    assert db_session.scalars(select(Visit).where(Visit.follow_up_of_id == req.id)).all() == []
    due = select(ResidentRequest.id).where(follow_up.due_condition(
        _today() + timedelta(days=follow_up.DEFAULT_DAYS)))
    assert db_session.scalars(due).all() == [req.id]
    assert db_session.scalars(select(ResidentRequest.id).where(
        follow_up.due_condition(_today()))).all() == []
    assert follow_up.is_overdue(req, req.follow_up_due_on + timedelta(days=1))

    count = len(req.changes)
    with app.test_request_context():
        for outcome, note in (("maybe", "打过电话"), ("reached", "  ")):
            with pytest.raises(requests.RequestError):
                follow_up.record(db_session, req, outcome, user=coordinator, note=note)
        assert len(req.changes) == count
        follow_up.record(db_session, req, "not_reached", user=coordinator, note="电话无人接听")
        assert req.follow_up_done_at is None
        change = follow_up.record(db_session, req, "reached", user=coordinator,
                                  note="回访：居民表示理解")
        assert (change.actor, change.follow_up, change.note) == (
            "佳虹协调员", FollowUpOutcome.reached, "回访：居民表示理解")
        assert req.follow_up_done_at is not None
        with pytest.raises(requests.RequestError) as done:
            follow_up.record(db_session, req, "reached", user=coordinator, note="再打一次")
        assert done.value.code == "not_allowed"
    assert db_session.scalars(select(ResidentRequest.id).where(
        follow_up.open_condition())).all() == []


def test_explaining_again_replans_the_contact_still_planned(app: Flask,
                                                            db_session: Session) -> None:
    n, group, household, coordinator = _family(db_session)
    paired = f.make_volunteer(db_session, neighbourhood=n)
    f.make_pairing(db_session, household, paired, status=PairingStatus.confirmed)
    req = f.make_resident_request(db_session, neighbourhood=n, household=household,
                                  service_group=group)
    with app.test_request_context():
        _explain(db_session, req, coordinator)
        requests.change_status(db_session, req, S.resolved, user=coordinator, note="已说明")
        requests.change_status(db_session, req, S.handling, user=coordinator, note="居民又来电")
        requests.change_status(db_session, req, S.explained, user=coordinator, note="再次说明",
                               follow_up_on=_today() + timedelta(days=3))
    visits = db_session.scalars(select(Visit).where(Visit.follow_up_of_id == req.id)).all()
    assert len(visits) == 1
    assert visits[0].visited_at.astimezone(ZONE).date() == _today() + timedelta(
        days=3)
