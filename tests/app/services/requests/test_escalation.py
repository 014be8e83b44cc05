"""The four-level linkage: a request goes up one push at a time (who, when, department, why),
never down and never without a reason; a department handler passes on only to the district;
and "resolved at grassroots level" in the figures counts only what never reached a department.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from app.enums import EscalationLevel, RequestStatus, Role
from app.services import requests
from app.services.reports.five_comparisons import Period
from app.services.requests.escalation import escalate
from app.services.requests.stats import request_stats
from tests import factories as f

pytestmark = pytest.mark.integration

L = EscalationLevel
S = RequestStatus


def test_a_request_goes_up_the_levels_with_who_when_and_why(app: Flask,
                                                            db_session: Session) -> None:
    n = f.make_neighbourhood(db_session, name="佳虹")
    building = f.make_building(db_session, neighbourhood=n,
                               service_group=f.make_service_group(db_session, neighbourhood=n))
    coordinator = f.make_user(db_session, Role.coordinator, neighbourhoods=[n],
                              display_name="佳虹协调员")
    town = f.make_department(db_session, name="镇城建办")
    district = f.make_department(db_session, name="区绿化市容局", level=L.district)
    handler = f.make_user(db_session, Role.department, department=town, display_name="城建办")
    with app.test_request_context():
        req = requests.create_request(db_session, requests.RequestInput(
            neighbourhood_id=n.id, category="public_facilities", text="小区门口的路面塌陷",
            building_id=building.id))
        assert req.level == L.group  # the building's service group has it first
        requests.change_status(db_session, req, S.handling, user=coordinator)
        escalate(db_session, req, L.neighbourhood, user=coordinator, reason="团组修不了")
        step = escalate(db_session, req, L.town_department, user=coordinator,
                        reason="需要市政维修", department=town)
        assert (req.level, req.department_id) == (L.town_department, town.id)
        assert (step.from_level, step.to_level, step.actor, step.reason) == (
            L.neighbourhood, L.town_department, "佳虹协调员", "需要市政维修")
        assert "镇城建办" in str(requests.next_step(req))
        up = escalate(db_session, req, "district", user=handler, reason="涉及区管道路",
                      department=district)
    db_session.expire_all()
    assert [(e.to_level, e.actor) for e in req.escalations] == [
        (L.neighbourhood, "佳虹协调员"), (L.town_department, "佳虹协调员"),
        (L.district, "城建办")]
    assert up.department_id == district.id and req.department_id == district.id


def test_refusals_change_nothing(app: Flask, db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    town = f.make_department(db_session)
    closed_dept = f.make_department(db_session, active=False)
    handler = f.make_user(db_session, Role.department, department=town)
    req = f.make_resident_request(db_session, neighbourhood=n)
    done = f.make_resident_request(db_session, neighbourhood=n, status=S.explained)
    cases = [
        (req, L.group, "往下", None, None, "not_allowed"),  # not higher
        (req, L.town_department, "", town, None, "invalid"),  # no reason
        (req, L.town_department, "原因", None, None, "invalid"),  # no department
        (req, L.district, "原因", town, None, "invalid"),  # a town department, not district
        (req, L.town_department, "原因", closed_dept, None, "invalid"),
        (req, "up", "原因", town, None, "invalid"),  # not a level
        (done, L.town_department, "原因", town, None, "not_allowed"),
        (req, L.town_department, "原因", town, handler, "not_allowed"),
    ]
    with app.test_request_context():
        for row, level, reason, department, user, code in cases:
            with pytest.raises(requests.RequestError) as refused:
                escalate(db_session, row, level, user=user, reason=reason,
                         department=department)
            assert refused.value.code == code, (level, reason)
    db_session.expire_all()
    assert req.level == L.neighbourhood and req.department_id is None and not req.escalations


def test_grassroots_share_counts_only_what_never_reached_a_department(
        app: Flask, db_session: Session) -> None:
    zone = ZoneInfo("Asia/Shanghai")
    n = f.make_neighbourhood(db_session)
    town = f.make_department(db_session)
    received = datetime(2026, 10, 5, 12, tzinfo=zone)
    resolved = datetime(2026, 10, 9, 12, tzinfo=zone)
    rows = [f.make_resident_request(db_session, neighbourhood=n, received_at=received)
            for _ in range(4)]
    with app.test_request_context():
        escalate(db_session, rows[0], L.town_department, user=None, reason="需要镇里协调",
                 department=town)
        rows[1].level = L.group
        escalate(db_session, rows[1], L.neighbourhood, user=None, reason="团组转居委")
    for row in rows[:3]:
        row.status, row.resolved_at = S.resolved, resolved
    db_session.flush()
    period = Period.of_days(received.date(), resolved.date(), zone)
    stats = request_stats(db_session, period.start, period.end, now=resolved,
                          neighbourhood_ids=frozenset({n.id}))
    # 3 resolved: one through the town department, one within the neighbourhood, one direct
    assert (stats.total.resolved, stats.total.resolved_locally) == (3, 2)
    assert stats.total.resolved_locally_pct == 66.7


def test_the_requests_table_keeps_the_report_triggers(db_session: Session) -> None:
    """The linkage's and the questionnaire's migrations re-create `resident_requests` on
    SQLite; the five comparisons' data version must still change on every write to it."""
    from sqlalchemy import text

    if db_session.get_bind().dialect.name == "sqlite":
        names = set(db_session.scalars(text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name = 'resident_requests'")))
        assert names == {f"report_data_changed_resident_requests_{event}"
                         for event in ("insert", "update", "delete")}
        before = db_session.scalar(text("SELECT version FROM report_data_version"))
        f.make_resident_request(db_session)
        assert db_session.scalar(text("SELECT version FROM report_data_version")) != before
    else:
        assert db_session.scalar(text(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'resident_requests'::regclass "
            "AND tgname = 'report_data_changed'")) == 1
