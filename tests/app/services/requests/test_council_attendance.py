"""Council attendance as rows: the representatives invited are named when the meeting is
scheduled, who came is ticked when the decision is recorded (refused without a tick or with
another meeting's representative, changing nothing), and the notice board counts them without
a name."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import RequestStatus
from app.models import CouncilAttendee, ResidentRequest
from app.services import requests
from tests import factories as f
from tests.helpers import in_english

pytestmark = pytest.mark.integration

S = RequestStatus
INVITED = "王建国\n李秀英、 张伟 ，\n\n王建国\n赵敏"


def _with_council(app: Flask, db_session: Session) -> ResidentRequest:
    req = f.make_resident_request(db_session, status=S.council)
    with app.test_request_context():
        requests.schedule_meeting(db_session, req, starts_at=f.future(10), place="居委会会议室",
                                  representatives=INVITED)
    f.hold_meeting(db_session, req.council_event_id)
    return req


def _came(db_session: Session, event_id: int) -> dict[str, bool]:
    db_session.expire_all()
    return {a.name: a.attended for a in db_session.scalars(
        select(CouncilAttendee).where(CouncilAttendee.event_id == event_id))}


def test_the_meeting_is_scheduled_with_the_representatives_invited(
        app: Flask, db_session: Session) -> None:
    req = _with_council(app, db_session)
    # One a line or separated by 、 and commas; each name once, in the order given.
    assert [a.name for a in requests.attendees(db_session, req.council_event_id)] == [
        "王建国", "李秀英", "张伟", "赵敏"]
    assert set(_came(db_session, req.council_event_id).values()) == {False}
    other = f.make_resident_request(db_session, neighbourhood=req.neighbourhood,
                                    status=S.council)
    for bad, field in ((" \n 、", "representatives"), ("王" * 81, "representatives"),
                       ("王建国\x07", "representatives")):
        with in_english(app), pytest.raises(requests.RequestError) as caught:
            requests.schedule_meeting(db_session, other, starts_at=f.future(10),
                                      place="会议室", representatives=bad)
        assert caught.value.field == field
    assert other.council_event_id is None
    assert db_session.scalar(select(CouncilAttendee.id).where(
        CouncilAttendee.event_id != req.council_event_id)) is None


def test_the_decision_records_who_came(app: Flask, db_session: Session) -> None:
    req = _with_council(app, db_session)
    invited = {a.name: a.id for a in requests.attendees(db_session, req.council_event_id)}
    decide = {"note": "议事会同意", "council_decision": "选用紫藤", "vote": f.council_vote(2, 1)}
    # Nobody ticked: refused, the request stays with the council.
    with in_english(app), pytest.raises(requests.RequestError) as caught:
        requests.change_status(db_session, req, S.improving, user=None, attended=[], **decide)
    assert caught.value.field == "attended" and req.status == S.council
    # A representative of another meeting: refused, nothing ticked anywhere.
    stranger = _with_council(app, db_session)
    foreign = requests.attendees(db_session, stranger.council_event_id)[0].id
    with in_english(app), pytest.raises(requests.RequestError) as caught:
        requests.change_status(db_session, req, S.improving, user=None,
                               attended=[str(invited["王建国"]), str(foreign)], **decide)
    assert caught.value.field == "attended"
    assert set(_came(db_session, req.council_event_id).values()) == {False}
    assert set(_came(db_session, stranger.council_event_id).values()) == {False}
    # A stale step ticks nobody either.
    with in_english(app), pytest.raises(requests.RequestError):
        requests.change_status(db_session, req, S.improving, user=None, expected=S.handling,
                               attended=[str(invited["王建国"])], **decide)
    assert set(_came(db_session, req.council_event_id).values()) == {False}
    with app.test_request_context():
        requests.change_status(db_session, req, S.improving, user=None,
                               attended=[str(invited[n]) for n in ("王建国", "张伟", "赵敏")],
                               **decide)
    assert _came(db_session, req.council_event_id) == {
        "王建国": True, "李秀英": False, "张伟": True, "赵敏": True}
    assert requests.turnouts(db_session, [req.council_event_id, None]) == {
        req.council_event_id: requests.Turnout(attended=3, invited=4)}


def test_a_meeting_without_an_invitation_list_needs_no_ticks(app: Flask,
                                                             db_session: Session) -> None:
    req = f.make_resident_request(db_session, status=S.council)
    with app.test_request_context():
        requests.link_meeting(db_session, req, f.make_event(
            db_session, neighbourhood=req.neighbourhood, start_at=f.future(-3)))
        requests.change_status(db_session, req, S.explained, user=None, note="未通过",
                               council_decision="多数反对", vote=f.council_vote(2, 9))
    assert req.status == S.explained
    assert requests.turnouts(db_session, [req.council_event_id]) == {}


def test_the_board_counts_who_came_without_names(app: Flask, db_session: Session) -> None:
    req = _with_council(app, db_session)
    invited = [a.id for a in requests.attendees(db_session, req.council_event_id)]
    with app.test_request_context():
        requests.change_status(db_session, req, S.improving, user=None, note="同意",
                               council_decision="同意搭建花架", attended=[str(invited[1])],
                               vote=f.council_vote(1, 0))
        requests.change_status(db_session, req, S.resolved, user=None, note="已建成",
                               board_title="小花园搭建花架", result="花架已建成")
    [entry] = requests.board_entries(db_session, req.neighbourhood_id)
    assert entry.turnout == requests.Turnout(attended=1, invited=4)
    assert not any(name in repr(entry) for name in ("王建国", "李秀英", "张伟", "赵敏"))
