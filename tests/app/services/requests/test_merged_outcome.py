"""The raiser of a request merged into another hears its outcome like its own raiser: the
questionnaire link with the resolution message (their answer kept on their own request and
counted in the satisfaction figure; "not resolved" reopens the request that was handled,
without repeating their words), and their private page shows the outcome."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import RequestStatus, SatisfactionAnswer
from app.models import Notification, ResidentRequest, utcnow
from app.services import requests
from app.services.reports.five_comparisons import Period
from app.services.requests.stats import request_stats
from app.services.requests.survey import answer_survey, send_due_questionnaires
from tests import factories as f

pytestmark = pytest.mark.integration

S = RequestStatus


def _merged_and_resolved(app: Flask, db_session: Session
                         ) -> tuple[ResidentRequest, ResidentRequest]:
    n = f.make_neighbourhood(db_session, name="佳虹")
    with app.test_request_context():
        survivor, merged = f.pergola_raised_twice(db_session, n, phone="13900139000")
        requests.merge(db_session, merged, survivor, user=None, note="同一件事")
        f.build_pergola(db_session, survivor)
    return survivor, merged


def test_the_merged_raiser_gets_the_questionnaire(app: Flask, db_session: Session) -> None:
    survivor, merged = _merged_and_resolved(app, db_session)
    assert merged.survey_token and merged.survey_token != survivor.survey_token
    message = db_session.scalars(select(Notification).where(
        Notification.resident_request_id == merged.id).order_by(Notification.id.desc())).first()
    assert message.template == "requests/resolved" and "survey_url" not in message.params
    # Days later both raisers are asked, each with their own link.
    later = utcnow() + timedelta(days=app.config["LINLI_SURVEY_AFTER_DAYS"], minutes=1)
    with app.test_request_context():
        assert send_due_questionnaires(db_session, later) == 2
    asked = db_session.scalars(select(Notification).where(
        Notification.resident_request_id == merged.id).order_by(Notification.id.desc())).first()
    assert asked.template == "requests/survey"
    assert asked.params["survey_url"].endswith(f"/s/{merged.survey_token}")


def test_the_merged_raisers_answer_counts_and_can_reopen(app: Flask,
                                                         db_session: Session) -> None:
    survivor, merged = _merged_and_resolved(app, db_session)
    with app.test_request_context():
        answer_survey(db_session, merged, SatisfactionAnswer.not_satisfied.value,
                      "我家王老伯说花架太矮")
    db_session.expire_all()
    assert survivor.status == S.handling and survivor.resolved_at is None
    assert merged.reference_code in survivor.changes[-1].note
    assert "王老伯" not in survivor.changes[-1].note  # the other raiser reads this history
    assert merged.answer.comment == "我家王老伯说花架太矮"
    zone = ZoneInfo("Asia/Shanghai")
    today = datetime.now(zone).date()
    period = Period.of_days(today - timedelta(days=1), today + timedelta(days=1), zone)
    stats = request_stats(db_session, period.start, period.end, now=period.end,
                          neighbourhood_ids=frozenset({survivor.neighbourhood_id}))
    assert (stats.answers, stats.satisfied_pct) == (1, 0.0)


def test_the_merged_raisers_page_shows_the_outcome(app: Flask, client: FlaskClient,
                                                   db_session: Session) -> None:
    survivor, merged = _merged_and_resolved(app, db_session)
    page = client.get(f"/requests/{merged.follow_token}").get_data(as_text=True)
    assert "已解决" in page and survivor.reference_code in page
    assert "花架已建成，欢迎来看" in page and "五月建成花架，种了紫藤" in page
    assert f"/board/{survivor.neighbourhood_id}" in page
    assert "13800138000" not in page and "想搭个花架" not in page  # the other raiser's
    survey = client.get(f"/s/{merged.survey_token}").get_data(as_text=True)
    assert "已解决" in survey
