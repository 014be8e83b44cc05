"""The questionnaire after resolution: a contactable raiser gets a short link some days after
it was resolved (LINLI_SURVEY_AFTER_DAYS; 0 sends it with the resolution message), once; one
answer is kept; "not resolved" reopens the request with their words; the answers make the
satisfaction share of the figures."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import RequestStatus, SatisfactionAnswer
from app.models import Notification, RequestAnswer, utcnow
from app.services import requests
from app.services.reports.five_comparisons import Period
from app.services.requests.stats import request_stats
from app.services.requests.survey import answer_survey, send_due_questionnaires
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


def _messages(db_session: Session, req) -> list[Notification]:
    return list(db_session.scalars(select(Notification).where(
        Notification.resident_request_id == req.id).order_by(Notification.id)))


def test_the_questionnaire_comes_days_after_the_resolution_once(
        app: Flask, db_session: Session) -> None:
    req = _resolved(app, db_session, phone="13800138000")
    anonymous = _resolved(app, db_session)
    assert req.survey_token and len(req.survey_token) <= 16
    assert anonymous.survey_token is None  # nobody to ask
    resolved = _messages(db_session, req)[-1]
    assert resolved.template == "requests/resolved" and "survey_url" not in resolved.params
    days = app.config["LINLI_SURVEY_AFTER_DAYS"]
    assert resolved.params["survey_in_days"] == str(days)  # the e-mail says when it comes
    with app.test_request_context():
        assert send_due_questionnaires(db_session, utcnow() + timedelta(days=days - 1)) == 0
        later = utcnow() + timedelta(days=days, minutes=1)
        assert send_due_questionnaires(db_session, later) == 1
        assert send_due_questionnaires(db_session, later + timedelta(days=30)) == 0
    asked = _messages(db_session, req)[-1]
    assert asked.template == "requests/survey" and f"/s/{req.survey_token}" in asked.body
    assert asked.params["survey_url"].endswith(f"/s/{req.survey_token}")
    assert req.survey_sent_at == later
    assert _messages(db_session, anonymous) == []


def test_a_request_reopened_before_the_day_is_not_asked_until_resolved_again(
        app: Flask, db_session: Session) -> None:
    req = _resolved(app, db_session, phone="13800138001")
    with app.test_request_context():
        requests.change_status(db_session, req, S.handling, user=None, note="又坏了")
        later = utcnow() + timedelta(days=app.config["LINLI_SURVEY_AFTER_DAYS"] + 1)
        assert send_due_questionnaires(db_session, later) == 0
        requests.change_status(db_session, req, S.explained, user=None, note="换了新的")
        requests.change_status(db_session, req, S.resolved, user=None, note="换了新的")
        assert send_due_questionnaires(db_session, later) == 1
        assert send_due_questionnaires(db_session, later + timedelta(days=15)) == 0


def test_with_no_delay_the_resolution_message_carries_the_link(
        app: Flask, db_session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "LINLI_SURVEY_AFTER_DAYS", 0)
    req = _resolved(app, db_session, email="wang@example.com")
    message = _messages(db_session, req)[-1]
    assert message.template == "requests/resolved"
    assert message.params["survey_url"].endswith(f"/s/{req.survey_token}")
    assert req.survey_sent_at is not None
    with app.test_request_context():
        assert send_due_questionnaires(db_session, utcnow() + timedelta(days=60)) == 0


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


def test_the_daily_task_asks_those_resolved_long_enough_ago(app: Flask,
                                                            db_session: Session) -> None:
    from app.tasks.requests import send_due_questionnaires as daily_task

    old = _resolved(app, db_session, phone="13800138002")
    recent = _resolved(app, db_session, phone="13800138003")
    old.resolved_at = utcnow() - timedelta(days=app.config["LINLI_SURVEY_AFTER_DAYS"] + 1)
    db_session.flush()
    with app.app_context():
        assert daily_task.call_local() == 1
    assert _messages(db_session, old)[-1].template == "requests/survey"
    assert _messages(db_session, recent)[-1].template == "requests/resolved"
