"""Issue 17: a member declines a published rota inspection through the link in her message;
nothing is re-planned inside the request — a real huey consumer re-solves the inspection after
the commit, asks the group's free certified member to take the seat (a mail the consumer
actually sends) and tells the coordinator who took it."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select

from app.enums import AssignmentStatus, Role
from app.extensions import db
from app.models import Assignment, Notification, PatrolSeason
from app.services import links
from app.services.patrols import rota, rota_runs
from app.services.scheduler.publish import publish_run
from tests import factories
from tests.admin.conftest import make_user
from tests.app.scheduling.conftest import outbox, wait_for
from tests.helpers import csrf_token_from

pytestmark = pytest.mark.integration

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _holders(shift_id: int) -> set[int]:
    db.session.rollback()
    return set(db.session.scalars(select(Assignment.volunteer_id).where(
        Assignment.shift_id == shift_id,
        Assignment.status.in_((AssignmentStatus.pending, AssignmentStatus.confirmed)))))


def test_a_declined_inspection_is_refilled_by_the_consumer(
        queued_app: Flask, queue, start_consumer, live_dir: Path) -> None:
    today = datetime.now(SHANGHAI).date()
    monday = today + timedelta(days=7 - today.weekday())
    with queued_app.app_context():
        n = factories.make_neighbourhood(db.session, town="月浦镇", name="月浦队列村")
        members = []
        for k, name in enumerate(("队甲", "队乙", "队丙")):
            v = factories.make_volunteer(db.session, neighbourhood=n, name=name,
                                         email=f"patrol{k}@example.cn", max_shifts_per_week=4)
            for weekday in range(7):
                factories.make_availability(db.session, v, weekday=weekday,
                                            start_time=time(14, 0), end_time=time(22, 0))
            members.append(v)
        group = factories.make_patrol_group(db.session, neighbourhood=n, name="队列组",
                                            members=members)
        factories.make_patrol_site(db.session, neighbourhood=n, name="队列网吧", group=group,
                                   opens_at=time(8, 0), closes_at=time(0, 0))
        make_user(db.session, Role.coordinator, "queue-patrol-coordinator",
                  neighbourhoods=[n], email="coordinator@example.cn")
        season = PatrolSeason(town="月浦镇", neighbourhood=n, name="队列周", required_per_site=1,
                              min_per_week=1, starts_on=monday,
                              ends_on=monday + timedelta(days=6))
        db.session.add(season)
        db.session.flush()
        result, _names = rota.build_rota(db.session, season, zone=SHANGHAI, seconds=3)
        run = rota_runs.save_rota(db.session, season, result)
        publish_run(db.session, run)
        db.session.commit()
        (shift_id,) = [int(k) for k in run.parameters["patrol_shifts"]]
        holders = _holders(shift_id)
        assert len(holders) == 2
        (spare,) = {m.id for m in members} - holders
        leaving = db.session.scalar(select(Assignment).where(Assignment.shift_id == shift_id)
                                    .order_by(Assignment.id).limit(1))
        path = "/respond/a/" + links.assignment_token(leaving.id, leaving.shift.end_at)
        leaving_id = leaving.volunteer_id
        spare_mail = f"patrol{[m.id for m in members].index(spare)}@example.cn"
        db.session.remove()

    client = queued_app.test_client()
    page = client.get(path)
    assert page.status_code == 200
    response = client.post(f"{path}/decline",
                           data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    assert response.status_code == 302

    with queued_app.app_context():
        # Nothing re-planned inside the request: the seat is empty and the task waits.
        assert _holders(shift_id) == holders - {leaving_id}
        assert queue.pending_count() >= 1
        start_consumer()
        wait_for(lambda: _holders(shift_id) == holders - {leaving_id} | {spare}, timeout=90)
        db.session.rollback()
        asked = db.session.scalar(select(Notification).where(
            Notification.volunteer_id == spare, Notification.template == "scheduler/publish"))
        assert asked is not None
        told = db.session.scalar(select(Notification).where(
            Notification.template == "patrols/refill"))
        assert told is not None and "队" in told.body
        wait_for(lambda: any(spare_mail in p.read_bytes().decode(errors="replace")
                             for p in outbox(live_dir)), timeout=60)
