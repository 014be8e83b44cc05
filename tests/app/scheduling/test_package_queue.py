"""Issue 14: a package saved in the admin becomes visits through the task queue — nothing is
generated inside the request; a real consumer process does it after the commit — and an edit
saved later replaces the unconfirmed visits, keeps the confirmed one and tells its helper, by a
mail the consumer actually sends."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.enums import AssignmentStatus, NotificationStatus, Role
from app.extensions import db
from app.models import Assignment, Event, Notification, PackageVisit, ServicePackage, Shift
from app.services import notify
from app.tasks import packages as package_tasks
from tests import factories
from tests.admin.conftest import make_user, quick_login
from tests.app.scheduling.conftest import outbox, wait_for

pytestmark = pytest.mark.integration

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _starts(household_id: int) -> list[tuple[datetime, str | None]]:
    """The household's package visits: local start and the status of the helper's seat."""
    db.session.rollback()
    rows = db.session.execute(
        select(Event.start_at, Assignment.status)
        .join(PackageVisit, PackageVisit.event_id == Event.id)
        .join(Shift, Shift.event_id == Event.id)
        .outerjoin(Assignment, Assignment.shift_id == Shift.id)
        .where(Event.household_id == household_id).order_by(Event.start_at)).tuples()
    return [(start.astimezone(SHANGHAI), status) for start, status in rows]


def _item_form(package_id: int | None, ids: dict[str, int], at: str,
               weekday: int) -> dict[str, object]:
    form: dict[str, object] = {
        "household": ids["household"], "starts_on": ids["today"], "active": "y",
        "items-0-skill": ids["skill"], "items-0-volunteer": ids["helper"],
        "items-0-cadence": "weekly", "items-0-weekday": weekday, "items-0-nth": "",
        "items-0-time_of_day": at, "items-0-duration_minutes": 60,
        "items-0-description": "上门唱一段沪剧",
    }
    if package_id is not None:
        form["items-0-id"] = ids["item"]
    return form


def test_a_saved_package_is_generated_by_the_consumer_and_an_edit_tells_the_helper(
        queued_app: Flask, queue, start_consumer, live_dir: Path) -> None:
    today = datetime.now(SHANGHAI).date()
    weekday = (today + timedelta(days=2)).weekday()
    with queued_app.app_context():
        neighbourhood = factories.make_neighbourhood(db.session, name="金桥套餐居民区")
        opera = factories.make_skill(db.session, name_zh="戏曲表演")
        helper = factories.make_volunteer(db.session, neighbourhood=neighbourhood,
                                          name="邬国兰", email="wuguolan@example.cn")
        helper.skills.append(opera)
        for day in range(7):
            factories.make_availability(db.session, helper, weekday=day,
                                        start_time=time(7, 0), end_time=time(21, 0))
        household = factories.make_household(db.session, neighbourhood=neighbourhood)
        coordinator = make_user(db.session, Role.coordinator, "pkg-coordinator",
                                neighbourhoods=[neighbourhood])
        db.session.commit()
        ids = {"household": household.id, "skill": opera.id, "helper": helper.id,
               "today": today.isoformat(), "user": coordinator.id}
        db.session.remove()

    client = queued_app.test_client()
    with queued_app.app_context():
        token = quick_login(client, db.session.get(type(coordinator), ids["user"]))
    response = client.post("/admin/servicepackage/new/", data={
        **_item_form(None, ids, "10:00", weekday), "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)

    with queued_app.app_context():
        package = db.session.scalar(select(ServicePackage).where(
            ServicePackage.household_id == ids["household"]))
        assert package is not None
        ids["item"] = package.items[0].id
        package_id = package.id
        assert _starts(ids["household"]) == []  # nothing generated inside the request
        assert queue.pending_count() == 1

        start_consumer()
        wait_for(lambda: len(_starts(ids["household"])) == 5)
        visits = _starts(ids["household"])
        first = visits[0][0]
        assert first.date() == today + timedelta(days=2) and first.time() == time(10, 0)
        assert {status for _start, status in visits} == {AssignmentStatus.pending}

        # The helper confirms the first visit; then the coordinator moves the item to 15:00.
        seat = db.session.scalar(select(Assignment).join(Shift).join(Event).where(
            Event.household_id == ids["household"]).order_by(Event.start_at).limit(1))
        seat.status = AssignmentStatus.confirmed
        db.session.commit()
        mails_before = len(outbox(live_dir))

    response = client.post(f"/admin/servicepackage/edit/?id={package_id}", data={
        **_item_form(package_id, ids, "15:00", weekday), "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)

    with queued_app.app_context():
        def moved() -> bool:
            times = [start.time() for start, _status in _starts(ids["household"])]
            return times == [time(10, 0)] + [time(15, 0)] * 4
        wait_for(moved)
        assert _starts(ids["household"])[0] == (first, AssignmentStatus.confirmed)
        wait_for(lambda: len(outbox(live_dir)) == mails_before + 1)
        assert "wuguolan@example.cn" in outbox(live_dir)[-1].read_bytes().decode()
        db.session.rollback()
        told = list(db.session.scalars(select(Notification).where(
            Notification.volunteer_id == ids["helper"],
            Notification.template == "packages/changed")))
        wait_for(lambda: (db.session.rollback() or True) and all(
            db.session.get(Notification, n.id, populate_existing=True).status
            == NotificationStatus.sent for n in told))
        assert notify.DeliveryCounts.of(told).delivered_email == 1
        # Running the task again changes nothing and tells nobody twice.
        again = package_tasks.sync_package_visits([ids["household"]])
        assert again.get(blocking=True, timeout=60) == {
            "created": 0, "assigned": 0, "left": 0, "replaced": 0, "kept": 0, "messages": 0}
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.volunteer_id == ids["helper"])) == 1
