"""`flask series extend` makes a series' occurrences once (running it again changes nothing)
and `flask series list` shows the rule in words, the regular volunteer and the next days."""

from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from app.enums import SeriesOnHoliday
from app.models import utcnow
from tests import factories as f

pytestmark = pytest.mark.integration

ZONE = ZoneInfo("Asia/Shanghai")


def test_extend_then_list(app, db_session) -> None:
    day = utcnow().astimezone(ZONE).date() + timedelta(days=1)
    hood = f.make_neighbourhood(db_session, name="永业命令行")
    jiang = f.make_volunteer(db_session, neighbourhood=hood, name="江洁志")
    series = f.make_series(db_session, neighbourhood=hood, title="命令行巡查", volunteer=jiang,
                           starts_on=day, weekdays_mask=1 << day.weekday(), occurrences=2,
                           on_holiday=SeriesOnHoliday.keep)
    runner = app.test_cli_runner()
    made = runner.invoke(args=["series", "extend", "--series", str(series.id), "--json"])
    assert made.exit_code == 0, made.output
    assert json.loads(made.output)["created"] == 2
    again = runner.invoke(args=["series", "extend", "--series", str(series.id)])
    assert again.output.startswith("1 series: 0 occurrences made")

    listed = runner.invoke(args=["series", "list", "--json"])
    assert listed.exit_code == 0, repr(listed.exception)
    [line] = [s for s in json.loads(listed.output) if s["id"] == series.id]
    assert line["volunteer"] == "江洁志" and line["occurrences_ahead"] == 2
    assert line["next_days"] == [day.isoformat(), (day + timedelta(days=7)).isoformat()]
    assert "共2次" in line["rule"]
    table = runner.invoke(args=["series", "list"])
    assert "命令行巡查 · 江洁志" in table.output
