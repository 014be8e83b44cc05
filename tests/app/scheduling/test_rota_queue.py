"""Issue 17: the demo squad's summer rota built through the queue by a real huey consumer
process, from the CLI (`flask patrols rota --season ID [--wait] [--json]`) and from the
season's admin page: the run exists as queued first (the run page shows it going), a second
rota of the season is refused while one is queued, and the built rota gives every café its
required inspections or says why not; a build that cannot run ends failed with the reason."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask_babel import force_locale
from sqlalchemy import select

from app.enums import AssignmentStatus, Role, RunStatus
from app.extensions import db
from app.models import Assignment, PatrolSeason, ScheduleRun, User
from app.services.demo import load_demo
from app.services.patrols import rota_builds
from app.services.scheduler import review, runs
from app.tasks.patrols import enqueue_rota
from tests.admin.conftest import make_user, quick_login
from tests.app.scheduling.conftest import fresh_run, run_drafts, wait_for
from tests.demo import DEMO_TODAY, DEMO_ZONE

pytestmark = pytest.mark.integration

#: The demo's summer: 12 cafés, 16 certified group inspections each.
SITES, REQUIRED = 12, 16


@pytest.fixture
def demo(live: Flask) -> Flask:
    if db.session.scalar(select(PatrolSeason.id).limit(1)) is None:
        load_demo(db.session, zone=DEMO_ZONE, today=DEMO_TODAY)
        db.session.commit()
    return live


def _summer() -> int:
    """The demo's season (the first; a test adds one of its own)."""
    return db.session.scalar(select(PatrolSeason.id).order_by(PatrolSeason.id).limit(1))


def _done(run_id: int) -> bool:
    return fresh_run(run_id).status not in (RunStatus.queued, RunStatus.running)


def _discard(run_id: int) -> None:
    runs.discard_run(db.session, fresh_run(run_id))
    db.session.commit()


def assert_every_site_covered_or_explained(sites: list[dict]) -> None:
    """Each café has its inspections planned, or its shortfall has a reason."""
    assert len(sites) == SITES
    assert {s["required"] for s in sites} == {REQUIRED}
    for site in sites:
        assert site["planned"] >= site["required"] or site["reasons"], site
    planned = sum(min(s["planned"], s["required"]) for s in sites)
    assert planned >= 0.95 * SITES * REQUIRED


def test_the_cli_queues_the_rota_and_the_consumer_builds_it(demo: Flask,
                                                            start_consumer) -> None:
    runner = demo.test_cli_runner()
    season_id = _summer()
    queued = runner.invoke(args=["patrols", "rota", "--season", str(season_id), "--json",
                                 "--seconds", "5"])
    assert queued.exit_code == 0, queued.output
    run_id = json.loads(queued.output)["run_id"]
    run = fresh_run(run_id)
    # The run exists before any worker touched it: the admin shows it queued.
    assert run.status == RunStatus.queued and run.progress == 0.0
    assert run.patrol_season_id == season_id
    assert run.parameters == {"kind": "patrol_rota", "seconds": 5.0}
    again = runner.invoke(args=["patrols", "rota", "--season", str(season_id)])
    assert again.exit_code != 0 and f"正在排班（运行 {run_id}）" in again.output
    assert db.session.scalar(select(ScheduleRun.id).order_by(ScheduleRun.id.desc())
                             .limit(1)) == run_id

    start_consumer()
    wait_for(lambda: _done(run_id), timeout=120)
    run = fresh_run(run_id)
    assert run.status == RunStatus.succeeded, run.error
    assert run.started_at is not None and run.finished_at >= run.started_at
    assert run_drafts(run_id) == run.metrics["seats_filled"] > 0
    # The deadline (5 s) holds the wait, the plan, the engine's share and the write's reserve.
    phases = run.metrics["phases"]
    assert phases["deadline"] == 5.0
    left = 5.0 - phases["queued"] - phases["plan"] - rota_builds.WRITE_RESERVE_SECONDS
    assert phases["solve_budget"] == pytest.approx(
        max(rota_builds.MIN_SOLVE_SECONDS, left), abs=0.02)
    with force_locale("zh"):
        report = review.report_json(review.run_report(db.session, run))
    assert_every_site_covered_or_explained(report["sites"])
    # The planned counts are the drafts' own: two members on each planned inspection.
    assert sum(s["planned"] for s in report["sites"]) * 2 <= report["filled"]
    _discard(run_id)


def test_wait_prints_the_rota_per_site_and_json_the_same(demo: Flask,
                                                         start_consumer) -> None:
    runner = demo.test_cli_runner()
    season_id = _summer()
    start_consumer()
    waited = runner.invoke(args=["patrols", "rota", "--season", str(season_id), "--wait",
                                 "--json", "--seconds", "5"])
    assert waited.exit_code == 0, waited.output
    summary = json.loads(waited.output)
    assert summary["status"] == "succeeded"
    assert summary["patrol_season_id"] == season_id
    assert_every_site_covered_or_explained(summary["sites"])
    _discard(summary["id"])

    table = runner.invoke(args=["patrols", "rota", "--season", str(season_id), "--wait",
                                "--seconds", "5"])
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    run_id = int(lines[0].split()[1])
    assert lines[1] == f"run {run_id}: succeeded"
    assert f" of {SITES * REQUIRED} inspections planned" in lines[2]
    site_lines = [line for line in lines if line.lstrip()[:1].isdigit() and "/" in line[:10]]
    assert len(site_lines) == SITES
    _discard(run_id)


def test_a_build_that_cannot_run_ends_failed_with_the_reason(demo: Flask,
                                                             start_consumer) -> None:
    season = PatrolSeason(town="月浦镇", name="临时季", starts_on=DEMO_TODAY,
                          ends_on=DEMO_TODAY, required_per_site=1, min_per_week=1)
    db.session.add(season)
    db.session.flush()
    run = rota_builds.queue_rota(db.session, season, seconds=1)
    db.session.delete(season)  # gone before a worker takes the run
    db.session.commit()
    run_id = run.id
    start_consumer()
    enqueue_rota(run_id)
    wait_for(lambda: _done(run_id), timeout=60)
    failed = fresh_run(run_id)
    assert failed.status == RunStatus.failed
    with force_locale("zh"):
        assert review.status_json(failed)["error"] == "这个排班的巡查季已不存在。"
    assert run_drafts(run_id) == 0


def test_the_admin_button_builds_it_and_the_run_page_shows_why(
        demo: Flask, queued_app: Flask, start_consumer) -> None:
    season_id = _summer()
    user_id = make_user(db.session, Role.admin, "rota-town-admin").id
    db.session.commit()
    # The web side is an app of its own: each request gets its own context, as in production.
    client = queued_app.test_client()
    with queued_app.app_context():
        token = quick_login(client, db.session.get(User, user_id))
    response = client.post(f"/admin/patrolseason/rota/?id={season_id}",
                           data={"csrf_token": token})
    assert response.status_code == 302
    run_id = int(response.headers["Location"].rsplit("/", 1)[1])
    going = client.get(f"/admin/schedule/run/{run_id}").get_data(as_text=True)
    assert "巡查排班" in going and 'id="run-progress"' in going
    assert client.get(f"/admin/schedule/run/{run_id}/status.json").json["done"] is False

    start_consumer()
    wait_for(lambda: _done(run_id), timeout=120)
    assert fresh_run(run_id).status == RunStatus.succeeded
    page = client.get(f"/admin/schedule/run/{run_id}").get_data(as_text=True)
    table = page[page.index('id="run-territories"'):]
    table = table[:table.index("</table>")]
    assert "已排 / 应检次数" in page and "缺口原因" in page
    rows = table.split("<tr")[2:]
    assert len(rows) == SITES
    for row in rows:
        count = row[row.index('class="run-site-count">') + 23:].split("<", 1)[0]
        planned, required = (int(n) for n in count.split(" / "))
        reasons = row[row.index('class="run-site-reasons">'):].split("</td>", 1)[0]
        assert required == REQUIRED
        assert planned >= required or "<div>" in reasons, row
    _discard(run_id)


def test_plan_again_keeps_the_pins_through_the_queue(demo: Flask, start_consumer) -> None:
    """The demo summer's rota under review, two of its members pinned, planned again by the
    consumer: the same inspections, the pinned members on theirs, every café as before."""
    start_consumer()
    run = rota_builds.queue_rota(db.session, db.session.get(PatrolSeason, _summer()),
                                 seconds=5)
    db.session.commit()
    run_id = run.id
    enqueue_rota(run_id)
    wait_for(lambda: _done(run_id), timeout=120)
    run = fresh_run(run_id)
    assert run.status == RunStatus.succeeded, run.error
    inspections = sorted(run.parameters["patrol_shifts"])
    pins = list(db.session.scalars(select(Assignment).where(
        Assignment.schedule_run_id == run_id).order_by(Assignment.id).limit(2)))
    for draft in pins:
        draft.pinned = True
    pinned = {(p.id, p.shift_id, p.volunteer_id) for p in pins}
    rota_builds.requeue_rota(db.session, run)
    db.session.commit()
    enqueue_rota(run_id)
    wait_for(lambda: _done(run_id), timeout=120)

    run = fresh_run(run_id)
    assert run.status == RunStatus.succeeded, run.error
    assert sorted(run.parameters["patrol_shifts"]) == inspections
    kept = {(a.id, a.shift_id, a.volunteer_id) for a in db.session.scalars(
        select(Assignment).where(Assignment.id.in_([i for i, _s, _v in pinned]),
                                 Assignment.pinned.is_(True),
                                 Assignment.status == AssignmentStatus.proposed))}
    assert kept == pinned
    assert run_drafts(run_id) == run.metrics["seats_filled"] > 0
    with force_locale("zh"):
        report = review.report_json(review.run_report(db.session, run))
    assert_every_site_covered_or_explained(report["sites"])
    _discard(run_id)
