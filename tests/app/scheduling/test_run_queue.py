"""Scheduler runs through a real huey consumer process (SqliteHuey, or Redis under
TEST_HUEY_URL): enqueue → consumer → drafts in the database; a consumer killed mid-run
leaves no drafts, the run ends failed with a readable reason, and a new run succeeds."""

from __future__ import annotations

import signal
from datetime import datetime, timedelta

import pytest

from app.enums import RunStatus
from app.extensions import db
from app.models import utcnow
from app.services.scheduler import runs
from app.services.scheduler.scope import Scope
from app.tasks.scheduler import enqueue_run
from tests.app.scheduling.builders import build_town, next_monday
from tests.app.scheduling.conftest import fresh_run, run_drafts, wait_for

pytestmark = pytest.mark.integration


def test_run_goes_through_the_consumer_and_rerun_writes_nothing_twice(
    live, start_consumer
) -> None:
    town = build_town(db.session, volunteers=8, stations=3, seats=2, skills=2)
    run = runs.create_run(
        db.session, Scope(event_ids=(town.events[0].id,)), seconds=3
    )
    db.session.commit()
    start_consumer()
    enqueue_run(run.id)
    done = wait_for(lambda: fresh_run(run.id).status not in (RunStatus.queued, RunStatus.running))
    assert done
    run = fresh_run(run.id)
    assert run.status == RunStatus.succeeded, run.error
    assert run.progress == 1.0
    assert run.finished_at is not None
    first = {(a.shift_id, a.volunteer_id) for a in run.assignments}
    assert len(first) == run.metrics["filled_seats"] > 0
    assert "heartbeat" not in run.metrics  # the final write replaced the live figures

    runs.restart_run(db.session, run)
    db.session.commit()
    enqueue_run(run.id)
    wait_for(lambda: fresh_run(run.id).status == RunStatus.succeeded)
    again = fresh_run(run.id)
    pairs = [(a.shift_id, a.volunteer_id) for a in again.assignments]
    assert len(pairs) == len(set(pairs)) == run_drafts(run.id)
    assert again.metrics["write"]["created"] + again.metrics["write"]["kept_draft"] == len(pairs)


def test_killed_consumer_leaves_no_drafts_and_a_new_run_succeeds(live, start_consumer) -> None:
    town = build_town(db.session, volunteers=80, days=7, slots=(8, 10, 13, 15, 18),
                      stations=4, seats=2, skills=4, seed=7)
    scope = Scope(event_ids=tuple(e.id for e in town.events))
    run = runs.create_run(db.session, scope, seconds=20)
    db.session.commit()
    consumer = start_consumer()
    enqueue_run(run.id)

    def running_with_progress() -> bool:
        current = fresh_run(run.id)
        return current.status == RunStatus.running and current.progress > 0

    wait_for(running_with_progress, timeout=60, step=0.1)
    consumer.send_signal(signal.SIGKILL)
    consumer.wait(timeout=10)

    current = fresh_run(run.id)
    assert current.status == RunStatus.running  # nobody has noticed yet
    assert run_drafts(run.id) == 0  # drafts are only written in the final transaction
    assert current.metrics.get("heartbeat")

    # Shortly after, the heartbeat is still fresh: nothing is declared lost.
    assert runs.fail_stale_runs(db.session) == []
    later = utcnow() + timedelta(minutes=5)
    assert runs.fail_stale_runs(db.session, now=later) == [run.id]
    db.session.commit()
    failed = fresh_run(run.id)
    assert failed.status == RunStatus.failed
    assert failed.error == "The worker stopped during the run; start the run again."
    assert run_drafts(run.id) == 0

    small = runs.create_run(db.session, Scope(event_ids=(town.events[0].id,)),
                                     seconds=2)
    db.session.commit()
    start_consumer()
    enqueue_run(small.id)
    wait_for(lambda: fresh_run(small.id).status == RunStatus.succeeded, timeout=60)
    assert run_drafts(small.id) > 0
    assert fresh_run(run.id).status == RunStatus.failed


def test_the_heartbeat_beats_while_the_problem_is_built(live, start_consumer) -> None:
    """A problem over a long period takes seconds to build (every volunteer's weekly windows
    become the days' free spans); meanwhile the run's heartbeat keeps moving, so that
    `fail_stale_runs` does not take a long build (a district's) for a lost worker."""
    town = build_town(db.session, volunteers=2000, stations=1, skills=1)
    a_year_on = build_town(db.session, volunteers=1, stations=1, skills=1,
                           start=next_monday(365))
    scope = Scope(event_ids=(town.events[0].id, a_year_on.events[0].id))
    run = runs.create_run(db.session, scope, seconds=1)
    db.session.commit()
    start_consumer()
    enqueue_run(run.id)

    beats_while_building: set[str] = set()

    def finished() -> bool:
        current = fresh_run(run.id)
        # The solve's heartbeat names its time budget; before it, the problem is being built.
        if current.status == RunStatus.running and "seconds" not in current.metrics:
            beats_while_building.add(current.metrics["heartbeat"])
        return current.status not in (RunStatus.queued, RunStatus.running)

    wait_for(finished, timeout=180, step=0.1)
    done = fresh_run(run.id)
    assert done.status == RunStatus.succeeded, done.error
    assert run_drafts(run.id) > 0
    beats = sorted(datetime.fromisoformat(b) for b in beats_while_building)
    assert beats and beats[-1] - beats[0] >= timedelta(seconds=1)
