"""The four-level linkage: a request goes up one push at a time (who, when, department, why),
never down and never without a reason; a department handler passes on only to a level above
its own that departments handle (the district, as seeded);
and "resolved at grassroots level" in the figures counts only what never reached a department.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from app.enums import RequestStatus, Role
from app.services import requests
from app.services.reports.five_comparisons import Period
from app.services.requests import escalation
from app.services.requests.escalation import escalate
from app.services.requests.stats import request_stats
from tests import factories as f

pytestmark = pytest.mark.integration

S = RequestStatus


def _levels(session: Session) -> SimpleNamespace:
    """The four seeded levels by their former codes (L.group … L.district)."""
    return SimpleNamespace(**{code: f.level(session, code) for code in f.SEEDED_LEVELS})


def test_a_request_goes_up_the_levels_with_who_when_and_why(app: Flask,
                                                            db_session: Session) -> None:
    L = _levels(db_session)
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
        up = escalate(db_session, req, str(L.district.id), user=handler, reason="涉及区管道路",
                      department=district)
    db_session.expire_all()
    assert [(e.to_level, e.actor) for e in req.escalations] == [
        (L.neighbourhood, "佳虹协调员"), (L.town_department, "佳虹协调员"),
        (L.district, "城建办")]
    assert up.department_id == district.id and req.department_id == district.id


def test_refusals_change_nothing(app: Flask, db_session: Session) -> None:
    L = _levels(db_session)
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
    L = _levels(db_session)
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


def test_levels_the_town_admin_added_or_retired(app: Flask, db_session: Session) -> None:
    """A community area (社区片区) added between the committee and the town, counted as
    grassroots, keeps a request resolved there at grassroots level; a retired level is neither
    offered nor taken; a district handler passes on to a city level added above it."""
    L = _levels(db_session)
    for level in (L.district, L.town_department):  # make room above the committee
        level.rank += 1
        db_session.flush()
    area = f.make_linkage_level(db_session, rank=3, name="社区片区", name_en="Community area",
                                grassroots=True)
    city = f.make_linkage_level(db_session, name="市级", name_en="City")
    area_office = f.make_department(db_session, name="第一片区办", level=area)
    district_office = f.make_department(db_session, name="区房管局", level=L.district)
    city_office = f.make_department(db_session, name="市房管局", level=city)
    handler = f.make_user(db_session, Role.department, department=district_office)
    n = f.make_neighbourhood(db_session)
    zone = ZoneInfo("Asia/Shanghai")
    received = datetime(2026, 10, 5, 12, tzinfo=zone)
    in_area, upward = (f.make_resident_request(db_session, neighbourhood=n,
                                               received_at=received) for _ in range(2))
    with app.test_request_context():
        assert [level.name for level in escalation.offered_levels(db_session, in_area, None)] \
            == ["社区片区", "镇职能部门", "区级", "市级"]
        escalate(db_session, in_area, area, user=None, reason="片区协调", department=area_office)
        L.town_department.active = False
        db_session.flush()
        assert L.town_department not in escalation.offered_levels(db_session, upward, None)
        with pytest.raises(requests.RequestError) as retired:
            escalate(db_session, upward, L.town_department, user=None, reason="需要镇里",
                     department=f.make_department(db_session, level=L.town_department))
        assert retired.value.field == "level"
        escalate(db_session, upward, L.district, user=None, reason="区管",
                 department=district_office)
        assert escalation.offered_levels(db_session, upward, handler) == [city]
        escalate(db_session, upward, city, user=handler, reason="市管", department=city_office)
    assert (upward.level, upward.department) == (city, city_office)
    for row in (in_area, upward):
        row.status, row.resolved_at = S.resolved, received.replace(day=9)
    db_session.flush()
    period = Period.of_days(received.date(), received.replace(day=9).date(), zone)
    stats = request_stats(db_session, period.start, period.end, now=received.replace(day=9),
                          neighbourhood_ids=frozenset({n.id}))
    assert (stats.total.resolved, stats.total.resolved_locally) == (2, 1)
