"""Arranging the council meeting: never at a time that has passed, and arranging it again
before its decision moves the same meeting, keeping its invitation list (so the turnout on the
board counts everybody invited)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.enums import RequestStatus
from app.models import CouncilAttendee, Event
from app.services import requests
from tests import factories as f
from tests.helpers import in_english

pytestmark = pytest.mark.integration

S = RequestStatus
SIX = "王建国\n李秀英\n张伟\n赵敏\n钱七\n孙八"


def _arranged(app: Flask, db_session: Session):
    req = f.make_resident_request(db_session, status=S.council)
    with app.test_request_context():
        event = requests.schedule_meeting(db_session, req, starts_at=f.future(7, hour=11),
                                          place="居委会会议室", representatives=SIX)
    return req, event


def test_a_meeting_in_the_past_is_refused(app: Flask, db_session: Session) -> None:
    req = f.make_resident_request(db_session, status=S.council)
    with in_english(app), pytest.raises(requests.RequestError) as caught:
        requests.schedule_meeting(db_session, req, starts_at=f.future(-1), place="会议室",
                                  representatives="王建国")
    assert caught.value.field == "starts_at" and "passed" in str(caught.value.message)
    assert req.council_event_id is None
    assert db_session.scalar(select(func.count()).select_from(CouncilAttendee)) == 0


def test_arranging_again_moves_the_meeting_and_keeps_the_invited(app: Flask,
                                                                 db_session: Session) -> None:
    req, event = _arranged(app, db_session)
    sequence, first = event.sequence, event.start_at
    with in_english(app), pytest.raises(requests.RequestError) as caught:
        requests.schedule_meeting(db_session, req, starts_at=f.future(-700), place="会议室",
                                  representatives="王建国")
    assert caught.value.field == "starts_at"
    db_session.expire_all()
    assert db_session.get(Event, event.id).start_at == first
    later = f.future(14, hour=11)
    with app.test_request_context():
        moved = requests.schedule_meeting(db_session, req, starts_at=later,
                                          place="社区活动中心", representatives="周九")
    assert moved.id == event.id == req.council_event_id
    assert (moved.start_at, moved.end_at - moved.start_at) == (later, timedelta(minutes=90))
    assert moved.place == "社区活动中心" and moved.sequence > sequence
    assert [a.name for a in requests.attendees(db_session, event.id)] == [
        "王建国", "李秀英", "张伟", "赵敏", "钱七", "孙八", "周九"]
    assert db_session.scalar(select(func.count()).select_from(Event)
                             .where(Event.neighbourhood_id == req.neighbourhood_id)) == 1
    with app.test_request_context():  # moved again, nobody new named
        requests.schedule_meeting(db_session, req, starts_at=f.future(15, hour=11),
                                  place="社区活动中心", representatives="")
    assert len(requests.attendees(db_session, event.id)) == 7
    f.hold_meeting(db_session, event.id)
    came = [str(a.id) for a in requests.attendees(db_session, event.id)[:5]]
    with app.test_request_context():
        requests.change_status(db_session, req, S.resolved, user=None, note="同意",
                               council_decision="同意搭建", attended=came,
                               vote=f.council_vote(4, 1),
                               board_title="小花园搭建花架", result="议事会同意搭建")
    [entry] = requests.board_entries(db_session, req.neighbourhood_id)
    assert entry.turnout == requests.Turnout(attended=5, invited=7)
