"""Editing the linkage's levels: the service group's and the committee's stay the two lowest
and in use; a level moves one place at a time, never past the top or below the committee;
one with history is not deleted, and the refusal counts what it has."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import LinkageLevel
from app.services.requests import RequestError
from app.services.requests.escalation import escalate
from app.services.requests.level_editing import check_deletable, check_level, move
from tests import factories as f

pytestmark = pytest.mark.integration


def _ranks(session: Session) -> list[str]:
    return list(session.scalars(select(LinkageLevel.name).order_by(LinkageLevel.rank)))


def test_moves_and_refusals(app: Flask, db_session: Session) -> None:
    committee = f.level(db_session, "neighbourhood")
    town, district = f.level(db_session, "town_department"), f.level(db_session, "district")
    with app.test_request_context():
        for level, step in ((committee, 1), (district, 1), (town, -1)):
            with pytest.raises(RequestError):
                move(db_session, level, step)
        assert _ranks(db_session) == ["团组", "居委会", "镇职能部门", "区级"]
        move(db_session, town, 1)
        assert _ranks(db_session) == ["团组", "居委会", "区级", "镇职能部门"]
        committee.active = False
        with pytest.raises(RequestError) as kept:
            check_level(db_session, committee)
        assert kept.value.field == "active"


def test_only_a_level_never_used_is_deleted(app: Flask, db_session: Session) -> None:
    town = f.level(db_session, "town_department")
    department = f.make_department(db_session, level=town)
    request = f.make_resident_request(db_session)
    with app.test_request_context():
        escalate(db_session, request, town, user=None, reason="需要镇里协调",
                 department=department)
        with pytest.raises(RequestError) as refused:
            check_deletable(db_session, town)
        assert "（1 个部门、1 件诉求正在该层级办理、1 次上报）" in str(refused.value.message)
        with pytest.raises(RequestError):
            check_deletable(db_session, f.level(db_session, "group"))
        check_deletable(db_session, f.make_linkage_level(db_session))
