"""Issue 17: a series saved in the admin becomes events through the task queue — nothing is
made inside the request; a real consumer process does it after the commit — and an edit saved
later moves the future occurrences, tells the regular volunteer by a mail the consumer sends,
and running the task again changes nothing."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select

from app.enums import AssignmentStatus, Role
from app.extensions import db
from app.models import Assignment, Event, EventSeries, Shift
from app.tasks import series as series_tasks
from tests import factories
from tests.admin.conftest import make_user, quick_login
from tests.app.scheduling.conftest import outbox, wait_for

pytestmark = pytest.mark.integration

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _occurrences(series_id: int) -> list[tuple[datetime, str | None]]:
    db.session.rollback()
    rows = db.session.execute(
        select(Event.start_at, Assignment.status)
        .join(Shift, Shift.event_id == Event.id)
        .outerjoin(Assignment, Assignment.shift_id == Shift.id)
        .where(Event.series_id == series_id).order_by(Event.start_at)).tuples()
    return [(start.astimezone(SHANGHAI), status) for start, status in rows]


def _form(ids: dict[str, object], at: str) -> dict[str, object]:
    return {"neighbourhood": ids["neighbourhood"], "kind": "patrol", "title": "永业小区巡查",
            "start_time": at, "duration_minutes": 90, "frequency": "weekly",
            "repeat_interval": 1, "weekdays_mask": [str(ids["weekday"])],
            "month_position": "", "starts_on": ids["today"], "occurrences": 3,
            "on_holiday": "keep", "publish": "y", "shift_title": "巡查", "min_volunteers": 1,
            "max_volunteers": 2, "volunteer": ids["volunteer"]}


def test_a_saved_series_is_made_by_the_consumer_and_an_edit_tells_her(
        queued_app: Flask, queue, start_consumer, live_dir: Path) -> None:
    today = datetime.now(SHANGHAI).date()
    weekday = (today + timedelta(days=2)).weekday()
    with queued_app.app_context():
        hood = factories.make_neighbourhood(db.session, name="永业系列居民区")
        jiang = factories.make_volunteer(db.session, neighbourhood=hood, name="江洁志",
                                         email="jiang@example.cn")
        for day in range(7):
            factories.make_availability(db.session, jiang, weekday=day,
                                        start_time=time(7, 0), end_time=time(21, 0))
        coordinator = make_user(db.session, Role.coordinator, "series-coordinator",
                                neighbourhoods=[hood])
        db.session.commit()
        ids: dict[str, object] = {"neighbourhood": hood.id, "volunteer": jiang.id,
                                  "weekday": weekday, "today": today.isoformat(),
                                  "user": coordinator.id}
        db.session.remove()

    client = queued_app.test_client()
    with queued_app.app_context():
        token = quick_login(client, db.session.get(type(coordinator), ids["user"]))
    response = client.post("/admin/eventseries/new/",
                           data={**_form(ids, "09:00"), "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)

    with queued_app.app_context():
        series_id = db.session.scalar(select(EventSeries.id).where(
            EventSeries.title == "永业小区巡查"))
        assert series_id is not None
        assert _occurrences(series_id) == []  # nothing made inside the request
        assert queue.pending_count() == 1
        start_consumer()
        # Three times, unless a public holiday falls on one of the days (then fewer ahead).
        wait_for(lambda: len(_occurrences(series_id)) >= 2)
        made = _occurrences(series_id)
        assert {status for _start, status in made} == {AssignmentStatus.pending}
        assert all(start.time() == time(9, 0) for start, _status in made)
        mails_before = len(outbox(live_dir))

    response = client.post(f"/admin/eventseries/edit/?id={series_id}",
                           data={**_form(ids, "14:00"), "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)

    with queued_app.app_context():
        wait_for(lambda: all(start.time() == time(14, 0)
                             for start, _status in _occurrences(series_id)))
        assert len(_occurrences(series_id)) == len(made)
        wait_for(lambda: len(outbox(live_dir)) == mails_before + len(made))
        again = series_tasks.sync_series([series_id])
        assert again.get(blocking=True, timeout=60) == {
            "created": 0, "assigned": 0, "updated": 0, "cancelled": 0, "deleted": 0,
            "released": 0, "handed_over": 0, "messages": 0}
