"""CSRF, languages, template stamping, household categories and list query counts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.enums import HouseholdCategory, Role
from app.models import Event, Household, Volunteer
from tests import factories as f
from tests.admin.conftest import as_text, make_user, quick_login
from tests.helpers import count_page_statements, csrf_token_from, login

pytestmark = pytest.mark.integration


def test_posts_without_csrf_token_are_refused_and_change_nothing(
        client, db_session, world) -> None:
    quick_login(client, world.users["coordinator"])
    event = world.jiahong.rows["event"]
    for path, data in (
        (f"/admin/event/edit/?id={event.id}", {"title": "无令牌"}),
        ("/admin/event/delete/", {"id": event.id}),
        ("/admin/event/action/", {"action": "delete", "rowid": event.id}),
        ("/admin/event/new/", {"title": "无令牌"}),
    ):
        assert client.post(path, data=data).status_code == 400, path
        assert client.post(path, data={**data, "csrf_token": "forged"}).status_code == 400
    db_session.expire_all()
    assert db_session.get(Event, event.id).title == "佳虹便民服务日"
    assert db_session.scalar(select(func.count()).select_from(Event)
                             .where(Event.title == "无令牌")) == 0


def test_list_delete_and_bulk_forms_carry_the_token(client, db_session, world) -> None:
    quick_login(client, world.users["coordinator"])
    page = as_text(client.get("/admin/slot/"))
    token = csrf_token_from(page)
    slot = world.jiahong.rows["slot"]
    response = client.post("/admin/slot/delete/", data={"id": slot.id, "csrf_token": token})
    assert response.status_code == 302
    event = world.jiahong.rows["event"]
    response = client.post("/admin/event/action/", data={
        "action": "delete", "rowid": str(event.id), "csrf_token": token})
    assert response.status_code == 302
    assert db_session.scalar(select(func.count()).select_from(Event)
                             .where(Event.id == event.id)) == 0


def test_real_login_chinese_by_default_and_english_after_the_switch(client, world) -> None:
    assert login(client, "jh-coordinator", f.PASSWORD).status_code == 302
    page = as_text(client.get("/admin/event/"))
    assert "列表" in page and "创建" in page  # Flask-Admin's own strings
    assert "草稿" in page  # our enum label (Draft)
    assert "佳虹协调员" in page and "/logout" in page  # the user and the logout form
    token = csrf_token_from(page)
    response = client.post("/language", data={"locale": "en", "next": "/admin/event/",
                                               "csrf_token": token})
    assert response.status_code == 302
    page = as_text(client.get("/admin/event/"))
    assert "List" in page and "Create" in page and "Draft" in page
    assert "Volunteers" in page and "Log out" in page
    assert "列表" not in page


def test_stamping_a_template_creates_the_event_with_shifts_and_slots(
        client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    template = world.shared["eventtemplate"]
    response = client.post("/admin/eventtemplate/action/", data={
        "action": "stamp", "rowid": str(template.id), "csrf_token": token})
    assert response.status_code == 302
    form_url = response.headers["Location"]
    page = as_text(client.get(form_url))
    assert "佳虹居民区" in page and "永业" not in page
    # a forged foreign neighbourhood is refused and stamps nothing
    count = db_session.scalar(select(func.count()).select_from(Event))
    response = client.post(form_url, data={"csrf_token": token, "day": "2027-03-05",
                                           "neighbourhood": world.yongye.neighbourhood.id})
    assert response.status_code == 400
    assert db_session.scalar(select(func.count()).select_from(Event)) == count
    response = client.post(form_url, data={"csrf_token": token, "day": "2027-03-05",
                                           "neighbourhood": world.jiahong.neighbourhood.id})
    assert response.status_code == 302
    event = db_session.scalar(select(Event).where(Event.template_id == template.id))
    assert response.headers["Location"].startswith(f"/admin/event/edit/?id={event.id}")
    assert event.neighbourhood_id == world.jiahong.neighbourhood.id
    assert [s.title for s in event.shifts] == ["量血压", "理发"]
    assert event.start_at == datetime(2027, 3, 5, 1, 0, tzinfo=UTC)  # 09:00 Shanghai
    assert len(event.slots) == 3  # 60 minutes in 20-minute slots
    # GET never stamps
    assert client.get(form_url).status_code == 200
    assert db_session.scalar(select(func.count()).select_from(Event)
                             .where(Event.template_id == template.id)) == 1


def test_team_lead_cannot_stamp(client, world) -> None:
    token = quick_login(client, world.users["team_lead"])
    template = world.shared["eventtemplate"]
    assert client.get(f"/admin/eventtemplate/stamp/?id={template.id}").status_code == 403
    assert client.post(f"/admin/eventtemplate/stamp/?id={template.id}", data={
        "csrf_token": token, "day": "2027-03-05",
        "neighbourhood": world.jiahong.neighbourhood.id}).status_code == 403


def test_household_categories_multi_select(client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    household = world.jiahong.rows["household"]
    response = client.post(f"/admin/household/edit/?id={household.id}", data={
        "csrf_token": token, "address": household.address, "contact_name": "佳虹王阿婆",
        "neighbourhood": world.jiahong.neighbourhood.id, "members_count": "2",
        "categories": ["living_alone", "very_old"]})
    assert response.status_code == 302, as_text(response)
    db_session.expire_all()
    household = db_session.get(Household, household.id)
    assert sorted(household.categories) == [HouseholdCategory.living_alone,
                                            HouseholdCategory.very_old]


@pytest.mark.parametrize("endpoint", ["volunteer", "assignment", "household", "shift", "user",
                                      "incident", "building", "servicegroup"])
def test_list_queries_do_not_grow_with_rows(app, client, db_session, world, endpoint) -> None:
    quick_login(client, world.users["admin"])
    one = count_page_statements(app, client, f"/admin/{endpoint}/")
    for _ in range(2):
        _add_row(db_session, world, endpoint)
    three = count_page_statements(app, client, f"/admin/{endpoint}/")
    assert one == three


def _add_row(db_session, world, endpoint: str) -> None:
    n = f.make_neighbourhood(db_session)
    volunteer = f.make_volunteer(db_session, neighbourhood=n,
                                 skills=[world.shared["skill"]])
    team = f.make_team(db_session, neighbourhood=n)
    team.members.append(volunteer)
    shift = f.make_shift(db_session, f.make_event(db_session, neighbourhood=n), team=team,
                         skill=world.shared["skill"])
    if endpoint == "assignment":
        f.make_assignment(db_session, shift, volunteer)
    elif endpoint == "household":
        f.make_household(db_session, neighbourhood=n)
    elif endpoint == "user":
        make_user(db_session, Role.coordinator, f"u{volunteer.id}", neighbourhoods=[n])
    elif endpoint == "incident":
        f.make_incident(db_session, neighbourhood=n)
    elif endpoint in ("building", "servicegroup"):
        group = f.make_service_group(db_session, neighbourhood=n)
        group.members.append(volunteer)
        f.make_building(db_session, neighbourhood=n, service_group=group)
    db_session.flush()
    assert db_session.get(Volunteer, volunteer.id)
