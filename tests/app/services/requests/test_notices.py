"""The resident who raised a request is told at each step, in their language, by e-mail or
SMS, with what was said; an anonymous request tells nobody and records nothing."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import NotificationChannel, RequestStatus
from app.models import Notification
from app.services import requests
from tests import factories as f

pytestmark = pytest.mark.integration

S = RequestStatus


def _messages(db_session: Session, request_id: int) -> list[Notification]:
    return list(db_session.scalars(select(Notification)
                                   .where(Notification.resident_request_id == request_id)
                                   .order_by(Notification.id)))


def test_the_resident_is_told_at_every_step(app: Flask, db_session: Session) -> None:
    n = f.make_neighbourhood(db_session, name="佳虹居民区")
    with app.test_request_context():
        req = requests.create_request(db_session, requests.RequestInput(
            neighbourhood_id=n.id, category="public_facilities", text="想搭花架",
            phone="13800138000", consent=True, locale="zh_CN"))
        f.make_council_meeting(db_session, req)
        for to, note in ((S.handling, None), (S.council, "提交议事会"),
                         (S.improving, "五月开工"), (S.resolved, "花架已建成")):
            requests.change_status(db_session, req, to, user=None, note=note,
                                   vote=f.council_vote(proposal="同意搭建"),
                                   board_title="花架" if to == S.resolved else None,
                                   result="建成" if to == S.resolved else None)
    messages = _messages(db_session, req.id)
    assert [m.template for m in messages] == [
        "requests/received", "requests/progress", "requests/progress", "requests/progress",
        "requests/resolved"]
    assert all(m.channel == NotificationChannel.sms and m.address == "13800138000"
               for m in messages)
    assert req.reference_code in messages[0].body and req.follow_token in messages[0].body
    assert "已提交居民议事会" in messages[2].body
    # An SMS carries the state and the link; the note and the decision are in its parameters
    # (for providers' approved templates) and on the request's page.
    assert messages[3].params["decision"] == "同意搭建"
    assert messages[3].params["note"] == "五月开工"
    assert "已解决" in messages[4].body and messages[4].params["board_url"].endswith(
        f"/board/{n.id}")


def test_english_by_mail_and_anonymous_not_at_all(app: Flask, db_session: Session) -> None:
    n = f.make_neighbourhood(db_session, name="佳虹", name_en="Jiahong")
    with app.test_request_context():
        mailed = requests.create_request(db_session, requests.RequestInput(
            neighbourhood_id=n.id, category="health", text="A doctor for blood pressure",
            email="li@example.com", name="Li", consent=True, locale="en"))
        anonymous = requests.create_request(db_session, requests.RequestInput(
            neighbourhood_id=n.id, category="health", text="匿名建议"))
        requests.change_status(db_session, anonymous, S.handling, user=None)
    [message] = _messages(db_session, mailed.id)
    assert message.channel == NotificationChannel.email
    assert message.subject == f"We have your request {mailed.reference_code}"
    assert "Hello Li," in message.body and "Jiahong neighbourhood committee" in message.body
    assert _messages(db_session, anonymous.id) == []
