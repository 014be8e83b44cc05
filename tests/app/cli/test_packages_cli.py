"""`flask packages sync` and `flask packages visits`: the visits ahead with their helper, and
the reason in words where a visit was left for the scheduler."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.enums import PackageCadence
from tests import factories as f

pytestmark = pytest.mark.integration

ZONE = ZoneInfo("Asia/Shanghai")


def test_sync_then_list_the_visits_with_their_helpers(app, db_session) -> None:
    today = datetime.now(ZONE).date()
    weekday = (today + timedelta(days=1)).weekday()
    n = f.make_neighbourhood(db_session, name="命令行套餐小区")
    haircut = f.make_skill(db_session, name_zh="理发")
    groceries = f.make_skill(db_session, name_zh="买菜送米")
    barber = f.make_volunteer(db_session, neighbourhood=n, name="张杰")
    barber.skills.append(haircut)
    for day in range(7):
        f.make_availability(db_session, barber, weekday=day, start_time=time(7),
                            end_time=time(21))
    household = f.make_household(db_session, neighbourhood=n, contact_name="命令行阿婆")
    f.make_package(db_session, household, starts_on=today, items=[
        dict(skill=haircut, volunteer=barber, cadence=PackageCadence.weekly, weekday=weekday,
             time_of_day=time(9, 0), duration_minutes=45),
        dict(skill=groceries, volunteer=None, cadence=PackageCadence.monthly, nth=-1,
             weekday=weekday, time_of_day=time(16, 0), duration_minutes=60),
    ])
    runner = app.test_cli_runner()
    synced = runner.invoke(args=["packages", "sync", "--household", str(household.id)])
    assert synced.exit_code == 0, synced.output
    assert "5 with their helper" in synced.output
    listed = runner.invoke(args=["packages", "visits", "--household", str(household.id),
                                 "--json"])
    rows = json.loads(listed.output)
    haircuts = [r for r in rows if r["service"] == "理发"]
    assert len(haircuts) == 5
    assert {(r["helper"], r["on_duty"], r["status"]) for r in haircuts} == {
        ("张杰", "张杰", "pending")}
    groceries_rows = [r for r in rows if r["service"] == "买菜送米"]
    assert groceries_rows and all(r["on_duty"] is None and r["left_reason"] == "no_helper"
                                  for r in groceries_rows)
    table = runner.invoke(args=["packages", "visits", "--household", str(household.id)])
    assert f"{len(rows)} package visits ahead, 5 with their helper" in table.output
    assert "这项服务还没有指定服务人员" in table.output  # the reason, in the default language
    again = runner.invoke(args=["packages", "sync", "--household", str(household.id)])
    assert again.output.startswith("0 visits created")


def test_missed_escalates_once(app, db_session) -> None:
    """`flask packages missed` on a visit two days past its end, never recorded."""
    from app.models import PackageVisit

    today = datetime.now(ZONE).date()
    n = f.make_neighbourhood(db_session, name="命令行漏访小区")
    skill = f.make_skill(db_session, name_zh="陪伴聊天")
    helper = f.make_volunteer(db_session, neighbourhood=n, name="漏访志愿者")
    helper.skills.append(skill)
    for day in range(7):
        f.make_availability(db_session, helper, weekday=day, start_time=time(0),
                            end_time=time(23, 59))
    household = f.make_household(db_session, neighbourhood=n, contact_name="漏访阿婆")
    package = f.make_package(db_session, household, starts_on=today, items=[dict(
        skill=skill, volunteer=helper, cadence=PackageCadence.weekly,
        weekday=(today + timedelta(days=1)).weekday(), time_of_day=time(10),
        duration_minutes=30)])
    runner = app.test_cli_runner()
    assert runner.invoke(args=["packages", "sync", "--household", str(household.id)]
                         ).exit_code == 0
    # The first visit is moved three days into the past: it was due and nobody recorded it.
    visit = db_session.scalars(select(PackageVisit).where(
        PackageVisit.item_id == package.items[0].id).order_by(PackageVisit.due_on)).first()
    for row in (visit.event, *visit.event.shifts):
        row.start_at -= timedelta(days=4)
        row.end_at -= timedelta(days=4)
    db_session.flush()
    first = runner.invoke(args=["packages", "missed"])
    assert first.exit_code == 0, first.output
    assert first.output.startswith("1 missed visits escalated, 1 make-up visits (1 with the "
                                   "same helper)")
    assert runner.invoke(args=["packages", "missed"]).output.startswith(
        "0 missed visits escalated")
