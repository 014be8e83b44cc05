"""`flask visits due|plan` and `flask incidents list`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from app.enums import IncidentKind, RoundStatus
from app.models import VisitRound
from app.services.incidents import record_incident
from tests import factories as f
from tests.helpers import in_english

pytestmark = pytest.mark.integration


@pytest.fixture
def group(db_session):
    n = f.make_neighbourhood(db_session, name="佳虹测试")
    group = f.make_service_group(db_session, neighbourhood=n)
    member = f.make_volunteer(db_session, neighbourhood=n)
    for weekday in range(7):
        f.make_availability(db_session, member, weekday=weekday, start_time=time(9),
                            end_time=time(21))
    group.members.append(member)
    building = f.make_building(db_session, neighbourhood=n, number="12", service_group=group)
    old = datetime.now(UTC) - timedelta(days=800)
    for floor in (6, 7, 8):
        f.make_household(db_session, neighbourhood=n, building=building, floor=floor,
                         room=f"{floor}01", created_at=old, contact_name=f"住户{floor}")
    db_session.flush()
    return group


def test_due_json_and_table(app, db_session, group) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["visits", "due", "--neighbourhood", "佳虹测试", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 3 and all(r["days_late"] > 0 for r in rows)
    assert {r["group"] for r in rows} == {group.id}
    table = runner.invoke(args=["visits", "due", "--group", str(group.id)])
    assert "3 due, 3 overdue" in table.output
    missing = runner.invoke(args=["visits", "due", "--neighbourhood", "nowhere"])
    assert missing.exit_code != 0


def test_plan_wait_writes_a_draft_round(app, db_session, group) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["visits", "plan", "--group", str(group.id), "--weeks", "2",
                                 "--wait"])
    assert result.exit_code == 0, result.output
    assert "3 contacts proposed, 3 with a member" in result.output
    round_ = db_session.scalar(select(VisitRound).where(VisitRound.service_group_id == group.id))
    assert round_.status == RoundStatus.draft and len(round_.visits) == 3
    bad = runner.invoke(args=["visits", "plan", "--group", str(group.id), "--weeks", "40",
                              "--wait"])
    assert bad.exit_code != 0 and "26" in bad.output


def test_incidents_list(app, db_session, group) -> None:
    with in_english(app):
        record_incident(db_session, neighbourhood_id=group.neighbourhood_id,
                        kind=IncidentKind.power_cut, title="12号楼停电",
                        started_at=datetime.now(UTC) - timedelta(days=4),
                        restored_at=datetime.now(UTC) - timedelta(days=4) + timedelta(hours=9),
                        areas="12 7-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["incidents", "list", "--json"])
    data = [r for r in json.loads(result.output) if r["title"] == "12号楼停电"]
    assert data[0]["households"] == 2 and data[0]["follow_up_due"] == 2
    table = runner.invoke(args=["incidents", "list"])
    assert "回访：已完成 0 / 2，2 户到期" in table.output
