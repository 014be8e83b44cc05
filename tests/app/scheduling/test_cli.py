"""`flask events list` and `flask schedule run/show`, on the demo town's Lei Feng day."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

import app.tasks.scheduler
from app.enums import EventKind, EventStatus
from app.extensions import db
from app.models import Event, Neighbourhood
from app.services.demo import load_demo
from app.services.scheduler import runs

pytestmark = pytest.mark.integration


@pytest.fixture
def demo(live, monkeypatch):
    zone = ZoneInfo("Asia/Shanghai")
    if db.session.scalar(select(Event.id).limit(1)) is None:
        load_demo(db.session, zone=zone, today=datetime.now(zone).date())
        db.session.commit()

    def run_now(run_id: int) -> None:  # what the consumer does, in this process
        runs.execute_run(db.session, db.engine, run_id)

    monkeypatch.setattr(app.tasks.scheduler, "enqueue_run", run_now)
    return live


def test_events_list_and_schedule_the_lei_feng_day(demo) -> None:
    runner = demo.test_cli_runner()
    listed = runner.invoke(args=["events", "list", "--kind", "service_day", "--json"])
    assert listed.exit_code == 0, listed.output
    events = json.loads(listed.output)
    lei_feng = next(e for e in events if "学雷锋" in e["title"])
    assert {e["kind"] for e in events} == {"service_day"}
    table = runner.invoke(args=["events", "list"])
    assert str(lei_feng["id"]) in table.output

    result = runner.invoke(args=["schedule", "run", "--event", str(lei_feng["id"]),
                                 "--seconds", "5", "--wait", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.split("\n", 1)[1])
    assert summary["status"] == "succeeded"
    assert summary["needed"] == lei_feng["seats"]
    assert summary["coverage"] >= 0.95
    assert summary["of_bound"] >= 0.95
    for seat in summary["unfilled"]:
        assert seat["reason"]

    shown = runner.invoke(args=["schedule", "show", str(summary["id"])])
    assert shown.exit_code == 0
    assert f"{summary['filled']}/{summary['needed']}" in shown.output
    as_json = json.loads(runner.invoke(args=["schedule", "show", str(summary["id"]),
                                             "--json"]).output)
    assert as_json["filled"] == summary["filled"]
    assert runner.invoke(args=["schedule", "show", "999999"]).exit_code != 0

    published = runner.invoke(args=["schedule", "publish", str(summary["id"])])
    assert published.exit_code == 0, published.output
    assert f"{summary['filled']} assignments published" in published.output
    again = runner.invoke(args=["schedule", "publish", str(summary["id"])])
    assert again.exit_code != 0  # a published run cannot be published twice

    listed = json.loads(runner.invoke(args=["notifications", "list", "--json",
                                            "--limit", "500"]).output)
    mine = [n for n in listed if n["template"] == "scheduler/publish"]
    channels = {n["channel"] for n in mine}
    assert mine and channels <= {"email", "sms", "none"}
    assert f"{sum(n['channel'] == 'email' for n in mine)} e-mail" in published.output

    cancelled = runner.invoke(args=["events", "cancel", str(lei_feng["id"])])
    assert cancelled.exit_code == 0, cancelled.output
    db.session.expire_all()
    assert db.session.get(Event, lei_feng["id"]).status == EventStatus.cancelled
    assert runner.invoke(args=["events", "cancel", str(lei_feng["id"])]).exit_code != 0


def test_schedule_a_neighbourhood_period(demo) -> None:
    patrol = db.session.scalar(select(Event).where(Event.kind == EventKind.patrol)
                               .order_by(Event.start_at).limit(1))
    name = db.session.get(Neighbourhood, patrol.neighbourhood_id).name
    day = patrol.start_at.astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()
    runner = demo.test_cli_runner()
    result = runner.invoke(args=["schedule", "run", "--neighbourhood", name, "--from", day,
                                 "--to", day, "--seconds", "2", "--wait"])
    assert result.exit_code == 0, result.output
    assert "succeeded" in result.output
    bad = runner.invoke(args=["schedule", "run", "--neighbourhood", "nowhere", "--from", day,
                              "--to", day])
    assert bad.exit_code != 0 and "nowhere" in bad.output

    later = (patrol.start_at.astimezone(ZoneInfo("Asia/Shanghai")) + timedelta(days=1))
    moved = runner.invoke(args=["events", "reschedule", str(patrol.id),
                                "--to", later.strftime("%Y-%m-%dT%H:%M")])
    assert moved.exit_code == 0, moved.output
    db.session.expire_all()
    assert db.session.get(Event, patrol.id).start_at == later
    missing = runner.invoke(args=["events", "reschedule", "999999", "--to", "2030-01-01T09:00"])
    assert missing.exit_code != 0 and "999999" in missing.output
