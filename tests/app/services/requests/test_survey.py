"""The questionnaire after resolution: a contactable raiser gets a short link with the
resolution message; one answer is kept; "not resolved" reopens the request with their words;
the answers make the satisfaction share of the figures."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import RequestStatus, SatisfactionAnswer
from app.models import Notification, RequestAnswer
from app.services import requests
from app.services.reports.five_comparisons import Period
from app.services.requests.stats import request_stats
from app.services.requests.survey import answer_survey
from tests import factories as f

pytestmark = pytest.mark.integration

S = RequestStatus
A = SatisfactionAnswer


def _resolved(app: Flask, db_session: Session, **contact: str):
    n = f.make_neighbourhood(db_session)
    with app.test_request_context():
        req = requests.create_request(db_session, requests.RequestInput(
            neighbourhood_id=n.id, category="health", text="希望每月有医生来量血压",
            consent=bool(contact), **contact))
        requests.change_status(db_session, req, S.handling, user=None)
        requests.change_status(db_session, req, S.explained, user=None, note="已联系社区医院")
        requests.change_status(db_session, req, S.resolved, user=None, note="每月第一个周二")
    return req


def test_the_resolution_message_carries_the_short_link(app: Flask,
                                                       db_session: Session) -> None:
    req = _resolved(app, db_session, phone="13800138000")
    anonymous = _resolved(app, db_session)
    assert req.survey_token and len(req.survey_token) <= 16
    assert anonymous.survey_token is None  # nobody to ask
    message = db_session.scalars(select(Notification).where(
        Notification.resident_request_id == req.id).order_by(Notification.id.desc())).first()
    assert message.template == "requests/resolved"
    assert f"/s/{req.survey_token}" in message.body
    assert message.params["survey_url"].endswith(f"/s/{req.survey_token}")


def test_one_answer_and_not_resolved_reopens_with_the_residents_words(
        app: Flask, db_session: Session) -> None:
    req = _resolved(app, db_session, email="li@example.com")
    with app.test_request_context():
        with pytest.raises(requests.RequestError) as bad:
            answer_survey(db_session, req, "maybe", None)
        assert bad.value.field == "answer"
        answer_survey(db_session, req, A.not_satisfied.value, "医生只来了一次")
        with pytest.raises(requests.RequestError) as again:
            answer_survey(db_session, req, A.satisfied.value, None)
        assert again.value.code == "not_allowed"
    db_session.expire_all()
    assert req.status == S.handling and req.changes[-1].note == "医生只来了一次"
    assert req.changes[-1].user_id is None  # the resident reopened it
    [kept] = db_session.scalars(select(RequestAnswer)).all()
    assert (kept.answer, kept.comment) == (A.not_satisfied, "医生只来了一次")
    # resolved again: the raiser has answered once, no second questionnaire
    with app.test_request_context():
        requests.change_status(db_session, req, S.explained, user=None, note="改为每周一次")
        requests.change_status(db_session, req, S.resolved, user=None, note="改为每周一次")
    message = db_session.scalars(select(Notification).where(
        Notification.resident_request_id == req.id).order_by(Notification.id.desc())).first()
    assert "survey_url" not in message.params


def test_satisfaction_share_in_the_figures(app: Flask, db_session: Session) -> None:
    zone = ZoneInfo("Asia/Shanghai")
    answers = [A.satisfied, A.satisfied, A.partly, A.not_satisfied]
    rows = [_resolved(app, db_session, phone=f"1380013800{i}") for i in range(len(answers))]
    with app.test_request_context():
        for row, answer in zip(rows, answers, strict=True):
            answer_survey(db_session, row, answer.value, None)
    today = datetime.now(zone).date()
    period = Period.of_days(today - timedelta(days=1), today + timedelta(days=1), zone)
    ids = frozenset(r.neighbourhood_id for r in rows)
    stats = request_stats(db_session, period.start, period.end, now=period.end,
                          neighbourhood_ids=ids)
    assert (stats.answers, stats.satisfied_pct) == (4, 50.0)  # "partly" is not satisfied
    earlier = Period.of_days(today - timedelta(days=30), today - timedelta(days=20), zone)
    none = request_stats(db_session, earlier.start, earlier.end, now=period.end,
                         neighbourhood_ids=ids)
    assert (none.answers, none.satisfied_pct) == (0, None)
