"""Residents' places in the admin go through the sign-up service, like everywhere else."""

from __future__ import annotations

import pytest

from app.enums import RegistrationStatus
from app.models import Registration, Slot
from tests import factories as f
from tests.admin.conftest import as_text, quick_login
from tests.helpers import form_fields

pytestmark = pytest.mark.integration


def _full_slot(db_session, world, *, capacity: int = 2) -> Slot:
    event = world.jiahong.rows["event"]
    slot = f.make_slot(db_session, event, label="理发10点", capacity=capacity)
    for i in range(capacity):
        f.make_registration(db_session, event, slot=slot, phone=f"1390000000{i}")
    waiting = f.make_registration(db_session, event, slot=slot, phone="13900000009",
                                  status=RegistrationStatus.waitlisted)
    db_session.flush()
    return slot, waiting


def test_event_list_links_to_sign_up_sheet_and_poster(client, world) -> None:
    quick_login(client, world.users["coordinator"])
    event = world.jiahong.rows["event"]
    page = as_text(client.get("/admin/event/"))
    for path in (f"/staff/events/{event.id}/register", f"/staff/events/{event.id}/sheet",
                 f"/staff/events/{event.id}/poster"):
        assert path in page
        assert client.get(path).status_code == 200


def test_lowering_capacity_below_bookings_is_refused_with_the_count(
        client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    slot, _ = _full_slot(db_session, world)
    path = f"/admin/slot/edit/?id={slot.id}"
    data = form_fields(as_text(client.get(path)))
    data.update(capacity="1", label="改了名字", csrf_token=token)
    page = as_text(client.post(path, data=data, follow_redirects=True))
    assert "已有 2 个名额确认" in page
    db_session.expire_all()
    assert db_session.get(Slot, slot.id).capacity == 2
    assert db_session.get(Slot, slot.id).label == "理发10点"


def test_raising_capacity_promotes_the_waitlist(client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    slot, waiting = _full_slot(db_session, world)
    path = f"/admin/slot/edit/?id={slot.id}"
    data = form_fields(as_text(client.get(path)))
    data.update(capacity="3", csrf_token=token)
    assert client.post(path, data=data).status_code == 302
    db_session.expire_all()
    assert db_session.get(Slot, slot.id).capacity == 3
    assert db_session.get(Registration, waiting.id).status == RegistrationStatus.confirmed


def test_cancel_action_frees_places_and_leaves_other_neighbourhoods_alone(
        client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    slot, waiting = _full_slot(db_session, world)
    confirmed = db_session.query(Registration).filter_by(
        slot_id=slot.id, status=RegistrationStatus.confirmed).first()
    foreign = world.yongye.rows["registration"]
    response = client.post("/admin/registration/action/", data={
        "action": "cancel_registrations",
        "rowid": [str(confirmed.id), str(foreign.id), "x", "1e9"], "csrf_token": token})
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(Registration, confirmed.id).status == RegistrationStatus.cancelled
    assert db_session.get(Registration, waiting.id).status == RegistrationStatus.confirmed
    assert db_session.get(Registration, foreign.id).status == RegistrationStatus.confirmed


def test_places_cannot_be_created_or_deleted_around_the_service(client, world) -> None:
    token = quick_login(client, world.users["admin"])
    registration = world.jiahong.rows["registration"]
    assert client.get("/admin/registration/new/").status_code == 403
    response = client.post("/admin/registration/delete/",
                           data={"id": registration.id, "csrf_token": token})
    assert response.status_code == 403


def test_the_list_shows_who_said_still_coming_after_a_move(client, db_session, world) -> None:
    from datetime import UTC, datetime

    quick_login(client, world.users["coordinator"])
    event = world.jiahong.rows["event"]
    answered = f.make_registration(db_session, event, name="佳虹已答复")
    silent = f.make_registration(db_session, event, name="佳虹未答复")
    moved = datetime(2026, 12, 1, 2, tzinfo=UTC)
    answered.moved_at = silent.moved_at = moved
    answered.still_coming_at = datetime(2026, 12, 1, 3, 30, tzinfo=UTC)
    db_session.flush()
    page = as_text(client.get("/admin/registration/"))
    assert "活动改期后" in page
    assert "仍会参加（2026/12/1 11:30 答复）" in page or "仍会参加" in page
    assert "尚未答复" in page
