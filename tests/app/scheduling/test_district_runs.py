"""District runs in parts, through two real huey consumer processes (SqliteHuey, or Redis under
TEST_HUEY_URL): a run over two towns is split into one task per town, the consumers share
them, the last part writes every draft at once; a consumer killed mid-part leaves no drafts and
its part is taken again by the other consumer; a part lost too often fails the run with the
reason."""

from __future__ import annotations

import signal
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.enums import PartStatus, RunStatus
from app.extensions import db
from app.models import Assignment, ScheduleRun, ScheduleRunPart, utcnow
from app.services.scheduler import review, runs
from app.services.scheduler.scope import Scope
from app.tasks.scheduler import enqueue_run
from tests.app.scheduling.builders import build_town
from tests.app.scheduling.conftest import fresh_run, run_drafts, wait_for

pytestmark = pytest.mark.integration




def _district(seconds: float, **size) -> tuple[ScheduleRun, list]:
    towns = []
    for i, name in enumerate(("东镇", "西镇")):
        town = build_town(db.session, seed=20 + i, **size)
        town.neighbourhood.town = name
        towns.append(town)
    scope = Scope(event_ids=tuple(e.id for t in towns for e in t.events))
    run = runs.create_run(db.session, scope, seconds=seconds)
    db.session.commit()
    return run, towns


def _parts(run_id: int) -> list[ScheduleRunPart]:
    return list(db.session.scalars(select(ScheduleRunPart).where(
        ScheduleRunPart.run_id == run_id).order_by(ScheduleRunPart.number)))


def test_two_consumers_share_a_district_run(live, start_consumer) -> None:
    run, towns = _district(4, volunteers=40, days=3, slots=(8, 10, 13, 15), stations=3,
                           seats=2, skills=3)
    assert run.parameters["partition"] == "town"
    consumers = {start_consumer().pid, start_consumer().pid}
    enqueue_run(run.id)

    def parts_going() -> dict | None:
        status = review.status_json(fresh_run(run.id))
        return status if status["parts_total"] else None

    live_status = wait_for(parts_going, timeout=60, step=0.1)
    assert live_status["parts_total"] == 2 and live_status["seats_total"] == sum(
        s.max_volunteers for t in towns for s in t.shifts)
    done = wait_for(lambda: fresh_run(run.id).status != RunStatus.running, timeout=120)
    assert done
    run = fresh_run(run.id)
    assert run.status == RunStatus.succeeded, (run.error, run.log)
    parts = _parts(run.id)
    assert [p.status for p in parts] == [PartStatus.succeeded] * 2
    # Each part was solved by one of the consumers (which one takes which part is up to the
    # queue: a fast consumer may take both, so the test does not insist on one each).
    assert {int(p.worker.rsplit(":", 1)[1]) for p in parts} <= consumers
    # Every draft written once, by the collecting part, and each town's shifts went to that
    # town's volunteers.
    drafts = list(db.session.scalars(select(Assignment).where(
        Assignment.schedule_run_id == run.id)))
    assert len(drafts) == run_drafts(run.id) == run.metrics["filled_seats"] > 0
    assert run.metrics["filled_seats"] == sum(p.seats_filled for p in parts)
    for town in towns:
        shift_ids = {s.id for s in town.shifts}
        people = {v.id for v in town.volunteers}
        assert all(a.volunteer_id in people for a in drafts if a.shift_id in shift_ids)
    assert [p["number"] for p in run.metrics["parts"]] == [0, 1]
    status = review.status_json(run)
    assert status["done"] and status["parts_total"] is None  # finished: the run's own figures


def test_a_consumer_killed_mid_part_is_replaced_and_nothing_is_half_written(
    live, start_consumer
) -> None:
    run, _towns = _district(8, volunteers=80, days=7, slots=(8, 10, 13, 15, 18), stations=4,
                            seats=2, skills=4)
    consumers = [start_consumer(), start_consumer()]
    enqueue_run(run.id)

    def a_part_running() -> ScheduleRunPart | None:
        # Which consumer takes which part, and whether both run at once, is up to the queue
        # and the database (on SQLite one part may wait for the other's writes): the test
        # kills the worker of whichever part is being solved.
        fresh_run(run.id)
        parts = _parts(run.id)
        going = [p for p in parts if p.status == PartStatus.running and p.worker]
        return going[0] if len(parts) == 2 and going else None

    victim_part = wait_for(a_part_running, timeout=60, step=0.1)
    number, victim = victim_part.number, victim_part.worker
    pid = int(victim.rsplit(":", 1)[1])
    killed = next(c for c in consumers if c.pid == pid)
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=10)
    assert run_drafts(run.id) == 0  # parts write no drafts

    # Once its heartbeat is old, the part is queued again and the other consumer takes it.
    wait_for(lambda: (utcnow() - fresh_run(run.id).parts[number].heartbeat_at).total_seconds()
             > 3,
             timeout=30)
    assert runs.fail_stale_runs(db.session, stale_seconds=3) == []
    db.session.commit()  # the part is handed to the queue after the commit
    assert fresh_run(run.id).status == RunStatus.running
    done = wait_for(lambda: fresh_run(run.id).status != RunStatus.running, timeout=120)
    assert done
    run = fresh_run(run.id)
    assert run.status == RunStatus.succeeded, (run.error, run.log)
    again = _parts(run.id)[number]
    assert again.attempts == 2 and again.worker != victim
    pairs = [(a.shift_id, a.volunteer_id) for a in run.assignments]
    assert len(pairs) == len(set(pairs)) == run_drafts(run.id) == run.metrics["filled_seats"]


def test_a_part_lost_twice_fails_the_run_with_the_reason(live) -> None:
    run, _towns = _district(4)
    run.status = RunStatus.running
    run.started_at = utcnow() - timedelta(minutes=10)
    run.metrics = {"phase": "parts", "parts": 2}
    long_ago = utcnow() - timedelta(minutes=5)
    for number, attempts in enumerate((2, 1)):
        db.session.add(ScheduleRunPart(
            run_id=run.id, number=number, status=PartStatus.running, attempts=attempts,
            shifts=1, seats=1, seconds=4, problem="{}", worker=f"host:{number}",
            started_at=long_ago, heartbeat_at=long_ago if number == 0 else utcnow()))
    db.session.commit()
    assert runs.fail_stale_runs(db.session) == [run.id]
    db.session.commit()
    run = fresh_run(run.id)
    assert run.status == RunStatus.failed
    assert run.error == ("A part of the district run lost its worker again after being "
                         "started anew; start the run again.")
    assert [p.status for p in _parts(run.id)] == [PartStatus.failed, PartStatus.running]
    assert run_drafts(run.id) == 0


def test_parts_done_but_never_collected_fail_the_run(live) -> None:
    """Every part solved, but the worker writing the drafts died: the run ends failed
    ("the worker stopped") once the last part is long finished, and nothing was written."""
    run, _towns = _district(4)
    run.status = RunStatus.running
    run.metrics = {"phase": "parts", "parts": 2}
    long_ago = utcnow() - timedelta(minutes=5)
    for number in range(2):
        db.session.add(ScheduleRunPart(
            run_id=run.id, number=number, status=PartStatus.succeeded, attempts=1, shifts=1,
            seats=1, seconds=4, problem="{}", solution="{}", finished_at=long_ago))
    db.session.commit()
    assert runs.fail_stale_runs(db.session, now=long_ago + timedelta(seconds=5)) == []
    assert runs.fail_stale_runs(db.session) == [run.id]
    db.session.commit()
    run = fresh_run(run.id)
    assert run.status == RunStatus.failed and run.metrics["error_code"] == "worker_lost"
    assert run_drafts(run.id) == 0
