"""`flask patrols seasons|stats`, and `rota --dry-run` (the preview built here, nothing kept);
the queued rota and --wait go through a real consumer in
tests/app/scheduling/test_rota_queue.py."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.models import Event, PatrolSeason, ScheduleRun
from tests import factories as f

pytestmark = pytest.mark.integration


@pytest.fixture
def season(db_session):
    n = f.make_neighbourhood(db_session, town="月浦镇", name="月浦测试村")
    one, two = (f.make_volunteer(db_session, neighbourhood=n) for _ in range(2))
    group = f.make_patrol_group(db_session, neighbourhood=n, members=[one, two])
    site = f.make_patrol_site(db_session, neighbourhood=n, name="云端网咖")
    f.make_patrol_site(db_session, neighbourhood=n, name="极速网咖")
    start = datetime(2027, 7, 3, 19, tzinfo=ZoneInfo("Asia/Shanghai"))
    for week in range(3):
        f.make_inspection(db_session, site, group, [one, two] if week else [one],
                          started_at=start + timedelta(days=7 * week))
    season = PatrolSeason(town="月浦镇", neighbourhood=n, name="测试暑期",
                          starts_on=date(2027, 7, 1), ends_on=date(2027, 8, 31),
                          required_per_site=2)
    db_session.add(season)
    db_session.flush()
    return season


def test_seasons_and_stats(app, db_session, season) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["patrols", "seasons", "--json"])
    assert result.exit_code == 0, result.output
    assert [s["name"] for s in json.loads(result.output)] == ["测试暑期"]
    result = runner.invoke(args=["patrols", "stats", "--season", str(season.id), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["inspections"], data["certified_group_inspections"],
            data["person_visits"], data["sites"]) == (3, 2, 5, 2)
    assert {s["name"]: (s["inspections"], s["shortfall"]) for s in data["per_site"]} == {
        "云端网咖": (3, 0), "极速网咖": (0, 2)}
    table = runner.invoke(args=["patrols", "stats", "--season", str(season.id)])
    assert ("total, 2 sites, 1.5 inspections and 1.0 certified group inspections per site"
            in table.output)
    missing = runner.invoke(args=["patrols", "stats", "--season", "999999"])
    assert missing.exit_code != 0 and "no patrol season" in missing.output


def test_rota_is_proposed_and_nothing_saved(app, db_session, season) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["patrols", "rota", "--season", str(season.id), "--dry-run",
                                 "--json", "--seconds", "2"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    # Two sites, 2 required each over 9 weeks but at least one a week: 9 each.
    assert data["required"] == 18 and len(data["slots"]) == 18
    # The members gave no availability: nothing planned, and each site says why.
    assert data["planned"] == 0
    assert all(site["reasons"] for site in data["per_site"])
    table = runner.invoke(args=["patrols", "rota", "--season", str(season.id), "--dry-run",
                                "--seconds", "1"])
    assert "测试暑期: 0 of 18 inspections planned" in table.output
    assert db_session.scalar(select(func.count()).select_from(ScheduleRun)) == 0
    assert db_session.scalar(select(func.count()).select_from(Event)) == 0


@pytest.mark.parametrize("extra", [[], ["--dry-run"], ["--wait", "--json"]])
def test_rota_of_an_unknown_season_is_refused(app, db_session, extra) -> None:
    missing = app.test_cli_runner().invoke(args=["patrols", "rota", "--season", "999999",
                                                 *extra])
    assert missing.exit_code != 0 and "no patrol season with id 999999" in missing.output
    assert db_session.scalar(select(func.count()).select_from(ScheduleRun)) == 0
