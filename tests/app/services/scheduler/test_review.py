"""The run page's words: a skill by its name in the reader's language, never by its code."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from app.enums import RunStatus
from app.models import ScheduleRun
from app.services.scheduler import review
from tests import factories
from tests.app.scheduling.builders import build_town

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(("language", "name"), [("zh_CN", "买菜送米"),
                                               ("en", "Grocery delivery")])
def test_reasons_name_the_skill_in_the_readers_language(
        app: Flask, db_session: Session, language: str, name: str) -> None:
    town = build_town(db_session, volunteers=1, stations=1, skills=1)
    shift = town.shifts[0]
    skill = factories.make_skill(db_session, code="grocery_delivery", name_zh="买菜送米",
                                 name_en="Grocery delivery")
    run = ScheduleRun(neighbourhood=town.neighbourhood, status=RunStatus.succeeded,
                      scope={"events": [shift.event_id]}, metrics={
                          "unfilled": [{"shift_id": shift.id, "code": "no_skill",
                                        "counts": {"volunteers": 3},
                                        "params": {"skill": skill.code}}],
                          "continuity": [{"shift_id": shift.id, "code": "paired_no_skill",
                                          "params": {"volunteer": "刘海",
                                                     "skill": skill.code}}]})
    db_session.add(run)
    db_session.flush()
    with app.test_request_context(), force(language):
        report = review.run_report(db_session, run)
    reasons = [report.unfilled[0]["reason"], report.continuity[0]["reason"]]
    for reason in reasons:
        assert name in reason and "grocery_delivery" not in reason


def force(language: str):
    from flask_babel import force_locale
    return force_locale(language)
