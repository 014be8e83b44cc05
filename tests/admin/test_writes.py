"""Writes stay inside the user's scope: forged posts, moves, dropdowns, lookups, users."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.models import Assignment, Event, Team, User
from app.security import verify_password
from tests.admin.conftest import as_text, quick_login

pytestmark = pytest.mark.integration


def _event_form(world, neighbourhood_id: int, title: str, token: str) -> dict[str, str]:
    return {
        "csrf_token": token, "title": title, "kind": "service_day",
        "neighbourhood": str(neighbourhood_id), "start_at": "2027-03-05 09:00:00",
        "end_at": "2027-03-05 12:00", "status": "draft", "max_party_size": "1",
        "is_public": "y", "waitlist_enabled": "y",
    }


def _count(db_session, model, *where) -> int:
    return db_session.scalar(select(func.count()).select_from(model).where(*where))


def test_coordinator_creates_event_in_local_time(client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    response = client.post("/admin/event/new/",
                           data=_event_form(world, world.jiahong.neighbourhood.id, "新活动", token))
    assert response.status_code == 302, as_text(response)
    event = db_session.scalar(select(Event).where(Event.title == "新活动"))
    # 09:00 in Shanghai is 01:00 UTC; 12:00 entered without seconds is accepted too.
    assert event.start_at == datetime(2027, 3, 5, 1, 0, tzinfo=UTC)
    assert event.end_at == datetime(2027, 3, 5, 4, 0, tzinfo=UTC)
    # and it is shown again in local time, in the list and in the form
    assert "2027-03-05 09:00" in as_text(client.get("/admin/event/"))
    assert 'value="2027-03-05 09:00:00"' in as_text(client.get(f"/admin/event/edit/?id={event.id}"))


def test_forged_create_with_foreign_neighbourhood_is_refused(client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    response = client.post("/admin/event/new/",
                           data=_event_form(world, world.yongye.neighbourhood.id, "伪造", token))
    assert response.status_code == 200
    assert "Not a valid choice" in as_text(response) or "不是有效的选项" in as_text(response)
    assert _count(db_session, Event, Event.title == "伪造") == 0


def test_moving_an_own_event_to_a_foreign_neighbourhood_changes_nothing(
        client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    event = world.jiahong.rows["event"]
    data = _event_form(world, world.yongye.neighbourhood.id, "搬走", token)
    response = client.post(f"/admin/event/edit/?id={event.id}", data=data)
    assert response.status_code == 200
    db_session.expire_all()
    assert db_session.get(Event, event.id).neighbourhood_id == world.jiahong.neighbourhood.id
    assert _count(db_session, Event, Event.title == "搬走") == 0


def test_town_wide_team_cannot_be_created_or_changed_by_a_coordinator(
        client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    response = client.post("/admin/team/new/", data={
        "csrf_token": token, "name": "野队", "kind": "repair", "town": "金桥镇",
        "neighbourhood": "__None"})
    assert response.status_code == 200
    assert "只能修改本居民区或本团队的记录" in as_text(response)
    assert _count(db_session, Team, Team.name == "野队") == 0
    town_team = world.shared["town_team"]
    response = client.post(f"/admin/team/edit/?id={town_team.id}", data={
        "csrf_token": token, "name": "改名", "kind": "repair", "town": "金桥镇"})
    # Readable but not hers: refused saying why (a row out of her sight would be a 404).
    assert response.status_code == 403 and "但不能修改" in as_text(response)
    assert _count(db_session, Team, Team.name == "改名") == 0
    # but the town-wide team is readable, and offered when editing an own volunteer
    assert "镇级法律服务队" in as_text(client.get(f"/admin/team/details/?id={town_team.id}"))


def test_relation_dropdowns_and_lookups_hold_only_own_rows(client, world) -> None:
    quick_login(client, world.users["coordinator"])
    form = as_text(client.get("/admin/shift/new/"))
    assert "佳虹便民服务日" in form and "永业" not in form
    form = as_text(client.get("/admin/event/new/"))
    assert "佳虹居民区" in form and "永业" not in form
    lookup = "/admin/assignment/ajax/lookup/?name="
    found = json.loads(as_text(client.get(lookup + "volunteer&query=志愿者")))
    assert [label for _, label in found] == ["佳虹志愿者"]
    found = json.loads(as_text(client.get(lookup + "shift&query=量血压")))
    assert [label for _, label in found] == ["佳虹量血压"]


def test_forged_ajax_id_for_a_foreign_shift_is_refused(client, db_session, world) -> None:
    token = quick_login(client, world.users["team_lead"])
    before = _count(db_session, Assignment)
    response = client.post("/admin/assignment/new/", data={
        "csrf_token": token, "shift": str(world.yongye.rows["shift"].id),
        "volunteer": str(world.jiahong.rows["volunteer"].id), "status": "proposed",
        "source": "manual"})
    assert response.status_code == 200
    assert _count(db_session, Assignment) == before


def test_team_lead_edits_a_member_but_cannot_move_them(client, db_session, world) -> None:
    token = quick_login(client, world.users["team_lead"])
    volunteer = world.jiahong.rows["volunteer"]
    form = as_text(client.get(f"/admin/volunteer/edit/?id={volunteer.id}"))
    assert 'name="neighbourhood"' not in form and 'name="teams"' not in form
    response = client.post(f"/admin/volunteer/edit/?id={volunteer.id}", data={
        "csrf_token": token, "name": "佳虹志愿者改", "phone": volunteer.phone,
        "neighbourhood": str(world.yongye.neighbourhood.id), "locale": "zh_CN",
        "max_minutes_per_week": "5", "max_shifts_per_week": "3", "active": "y"})
    assert response.status_code == 302, as_text(response)
    db_session.expire_all()
    assert volunteer.name == "佳虹志愿者改"
    assert volunteer.max_minutes_per_week == 300  # entered in hours, stored in minutes
    assert volunteer.neighbourhood_id == world.jiahong.neighbourhood.id


def test_admin_creates_a_user_with_a_hashed_password(client, db_session, world) -> None:
    token = quick_login(client, world.users["admin"])
    response = client.post("/admin/user/new/", data={
        "csrf_token": token, "username": "new-coord", "display_name": "新协调员",
        "role": "coordinator", "active": "y", "locale": "",
        "neighbourhoods": [str(world.jiahong.neighbourhood.id)],
        "password": "a long enough secret"})
    assert response.status_code == 302, as_text(response)
    user = db_session.scalar(select(User).where(User.username == "new-coord"))
    assert verify_password(user.password_hash, "a long enough secret")
    for path in (f"/admin/user/details/?id={user.id}", "/admin/user/export/csv/",
                 f"/admin/user/edit/?id={user.id}", "/admin/user/"):
        body = as_text(client.get(path))
        assert "$argon2" not in body and "password_hash" not in body
    # a too-short password is refused with the service's message and creates nothing
    response = client.post("/admin/user/new/", data={
        "csrf_token": token, "username": "short", "display_name": "x", "role": "admin",
        "password": "short"})
    assert _count(db_session, User, User.username == "short") == 0
    assert "10" in as_text(response)
