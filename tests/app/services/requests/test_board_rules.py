"""What the workflow lets onto the notice board: no personal data in any public text (title,
result, the council's decision), and no resolved improvement or council matter without its
title and result."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import RequestStatus
from app.models import CouncilAttendee
from app.services import requests
from tests import factories as f
from tests.helpers import in_english

pytestmark = pytest.mark.integration

S = RequestStatus


def test_a_council_decision_with_a_phone_number_is_refused(app: Flask,
                                                           db_session: Session) -> None:
    req = f.make_resident_request(db_session, status=S.council)
    f.make_council_meeting(db_session, req)
    with in_english(app), pytest.raises(requests.RequestError) as caught:
        requests.change_status(db_session, req, S.improving, user=None, note="同意",
                               council_decision="同意搭建，王老伯（138-0013-8000）负责联系",
                               vote=f.council_vote())
    assert caught.value.field == "council_decision"
    assert "138-0013-8000" in str(caught.value.message)
    assert req.status == S.council and req.council_decision is None


def test_the_title_and_result_are_checked_for_personal_data(app: Flask,
                                                            db_session: Session) -> None:
    req = f.make_resident_request(db_session, status=S.improving)
    for title, result, field in (("12号楼302室门前花架", "已建成", "board_title"),
                                 ("12号楼前搭建花架", "身份证310101199001011234", "result")):
        with in_english(app), pytest.raises(requests.RequestError) as caught:
            requests.change_status(db_session, req, S.resolved, user=None, note="已建成",
                                   board_title=title, result=result)
        assert caught.value.field == field and "personal data" in str(caught.value.message)
    assert req.status == S.improving and req.posted_at is None
    with app.test_request_context():
        requests.change_status(db_session, req, S.resolved, user=None, note="已建成",
                               board_title="12号楼前搭建花架", result="五月建成花架")
    assert req.posted_at is not None


@pytest.mark.parametrize("path", [(S.handling, S.improving),
                                  (S.handling, S.council, S.explained)])
def test_an_improvement_or_council_matter_is_not_resolved_without_a_post(
        app: Flask, db_session: Session, path: tuple[RequestStatus, ...]) -> None:
    req = f.make_resident_request(db_session)
    f.make_council_meeting(db_session, req)
    with app.test_request_context():
        for to in path:
            requests.change_status(db_session, req, to, user=None, note="下一步",
                                   council_decision="议事会未通过", vote=f.council_vote(1, 4))
    for title, result in ((None, None), ("", "  ")):
        with in_english(app), pytest.raises(requests.RequestError) as caught:
            requests.change_status(db_session, req, S.resolved, user=None, note="已完成",
                                   board_title=title, result=result)
        assert caught.value.field == "board_title"
        assert "posted on the notice board" in str(caught.value.message)
    assert req.status == path[-1] and req.resolved_at is None
    assert [c.to_status for c in req.changes][-1] == path[-1]
    with app.test_request_context():
        requests.change_status(db_session, req, S.resolved, user=None, note="已完成",
                               board_title="小花园花架", result="议事会决定不搭建")
    assert req.posted_at is not None


def test_a_personal_matter_is_still_resolved_without_a_post(app: Flask,
                                                            db_session: Session) -> None:
    req = f.make_resident_request(db_session, status=S.explained)
    with app.test_request_context():
        requests.change_status(db_session, req, S.resolved, user=None, note="已回访")
    assert req.status == S.resolved and req.posted_at is None


@pytest.mark.parametrize("meeting", ["none", "to_come", "cancelled"])
def test_the_council_decides_only_after_its_meeting(app: Flask, db_session: Session,
                                                   meeting: str) -> None:
    from app.enums import EventStatus

    req = f.make_resident_request(db_session, status=S.council)
    if meeting != "none":
        event = f.make_council_meeting(db_session, req,
                                       held_days_ago=-7 if meeting == "to_come" else 2)
        if meeting == "cancelled":
            event.status = EventStatus.cancelled
            db_session.flush()
    with in_english(app), pytest.raises(requests.RequestError) as caught:
        requests.change_status(db_session, req, S.resolved, user=None, note="同意",
                               council_decision="同意搭建", vote=f.council_vote(),
                               board_title="花架",
                               result="同意搭建")
    message = str(caught.value.message)
    assert caught.value.code == "not_allowed"
    assert ("once it has been held" in message and
            ("arrange the council meeting first" in message) == (meeting != "to_come"))
    assert req.status == S.council and req.council_decision is None
    assert req.posted_at is None


def test_the_names_of_the_requests_people_are_kept_off_the_board(app: Flask,
                                                                 db_session: Session) -> None:
    """The raiser, the household's contact, the member who filed it, a merged request's raiser
    and the council's representatives: each refused, named, in every public text (the vote's
    options too); the texts
    are refused as a whole, so nothing is written until the coordinator takes the name out."""
    n = f.make_neighbourhood(db_session)
    household = f.make_household(db_session, neighbourhood=n, contact_name="李老伯")
    member = f.make_volunteer(db_session, neighbourhood=n, name="江洁志")
    req = f.make_resident_request(db_session, neighbourhood=n, status=S.council, name="王阿婆",
                                  household=household, volunteer=member)
    f.make_resident_request(db_session, neighbourhood=n, status=S.merged, name="Zhao Li",
                            merged_into=req)
    meeting = f.make_council_meeting(db_session, req, invited=("孙大爷", "周阿姨"))
    came = [str(i) for i in db_session.scalars(select(CouncilAttendee.id).where(
        CouncilAttendee.event_id == meeting.id))]
    for decision, found in (("王阿婆提议搭花架，同意", "王阿婆"), ("孙大爷等同意搭建", "孙大爷")):
        with in_english(app), pytest.raises(requests.RequestError) as caught:
            requests.change_status(db_session, req, S.improving, user=None, note="同意",
                                   council_decision=decision, attended=came,
                                   vote=f.council_vote(2, 0))
        assert caught.value.field == "council_decision"
        assert f"the name of someone in this request“{found}”" in str(caught.value.message)
    with in_english(app), pytest.raises(requests.RequestError) as caught:
        requests.change_status(db_session, req, S.improving, user=None, note="同意",
                               council_decision="同意", attended=came,
                               vote=f.council_vote(2, 0, proposal="同意周阿姨的方案"))
    assert caught.value.field == "options" and "周阿姨" in str(caught.value.message)
    assert req.status == S.council and req.council_decision is None
    with app.test_request_context():
        requests.change_status(db_session, req, S.improving, user=None, note="同意",
                               council_decision="居民代表表决同意搭建", attended=came,
                               vote=f.council_vote(2, 0))
    for title, result, field, found in (
            ("李老伯家门前的花架", "已建成", "board_title", "李老伯"),
            ("小花园花架", "志愿者江洁志巡查时发现，已建成", "result", "江洁志"),
            ("小花园花架", "thanks to ZHAO LI for raising it", "result", "Zhao Li")):
        with in_english(app), pytest.raises(requests.RequestError) as caught:
            requests.change_status(db_session, req, S.resolved, user=None, note="已建成",
                                   board_title=title, result=result)
        assert caught.value.field == field and found in str(caught.value.message)
    assert req.status == S.improving and req.posted_at is None
    with app.test_request_context():
        requests.change_status(db_session, req, S.resolved, user=None, note="已建成",
                               board_title="小花园花架", result="五月建成，种了紫藤")
        with pytest.raises(requests.RequestError) as caught:  # the list's "post" action too
            requests.post(db_session, req, "小花园花架", "周阿姨说很满意")
    assert caught.value.field == "result" and "周阿姨" in str(caught.value.message)
    assert req.result == "五月建成，种了紫藤"
