"""Admin pages of step 1: household files (phone), incidents (area, restoration), the due page
and visit rounds — each through the coordinator's scope."""

from __future__ import annotations

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.enums import RoundStatus, VisitOutcome
from app.models import Household, Incident, Visit, VisitRound
from app.services.visits.rounds import plan_round
from tests import factories as f
from tests.admin.conftest import as_text, quick_login
from tests.helpers import count_page_statements

pytestmark = pytest.mark.integration


def _household_form(token, household, **overrides):
    data = {"csrf_token": token, "address": household.address,
            "contact_name": household.contact_name,
            "neighbourhood": household.neighbourhood_id, "members_count": "2",
            "building": household.building_id, "floor": "3", "room": "301", "unit": "1",
            "contact_phone": "138 1234 5678", "categories": ["living_alone"],
            "contact_windows": ["weekday_evening"]}
    data.update(overrides)
    return data


def test_household_phone_is_validated_and_masked_in_lists(client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    household = world.jiahong.rows["household"]
    url = f"/admin/household/edit/?id={household.id}"
    response = client.post(url, data=_household_form(token, household, contact_phone="12345"))
    assert response.status_code == 200
    assert "大陆电话号码" in as_text(response)
    db_session.expire_all()
    assert db_session.get(Household, household.id).contact_phone == "13812345678"

    response = client.post(url, data=_household_form(token, household,
                                                     contact_phone="021-5888 1234"))
    assert response.status_code == 302, as_text(response)
    db_session.expire_all()
    saved = db_session.get(Household, household.id)
    assert saved.contact_phone == "021-58881234"
    assert list(saved.contact_windows) == ["weekday_evening"]

    listing = as_text(client.get("/admin/household/"))
    assert "021*******34" in listing and "021-58881234" not in listing
    assert "021-58881234" in as_text(client.get(f"/admin/household/details/?id={household.id}"))


def test_household_building_must_be_its_neighbourhoods(client, db_session, world) -> None:
    token = quick_login(client, world.users["admin"])
    household = world.jiahong.rows["household"]
    foreign = world.yongye.rows["building"]
    response = client.post(f"/admin/household/edit/?id={household.id}",
                           data=_household_form(token, household, building=foreign.id))
    assert response.status_code == 200
    db_session.expire_all()
    assert db_session.get(Household, household.id).building_id != foreign.id


def test_incident_recorded_by_area_and_restored(client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    n = world.jiahong.neighbourhood
    building = world.jiahong.rows["building"]
    for floor in range(4, 10):
        f.make_household(db_session, neighbourhood=n, building=building, floor=floor,
                         room=f"{floor}01")
    form = {"csrf_token": token, "neighbourhood": n.id, "kind": "power_cut",
            "title": "佳虹停电", "started_at": "2026-07-01 14:00", "follow_up_days": "3",
            "area_text": "1 30-40"}
    response = client.post("/admin/incident/new/", data=form, follow_redirects=True)
    assert "没有对应的住户" in as_text(response)
    assert db_session.scalar(select(func.count()).select_from(Incident).where(
        Incident.title == "佳虹停电")) == 0

    response = client.post("/admin/incident/new/", data={**form, "area_text": "1 4-7"})
    assert response.status_code == 302, as_text(response)
    incident = db_session.scalar(select(Incident).where(Incident.title == "佳虹停电"))
    assert len(incident.households) == 4

    response = client.post("/admin/incident/action/", data={
        "csrf_token": token, "action": "mark_restored", "rowid": [incident.id]})
    assert response.status_code == 302
    db_session.expire_all()
    incident = db_session.get(Incident, incident.id)
    assert incident.restored_at is not None
    assert all(row.follow_up_due_on is not None for row in incident.households)
    assert "0 / 4" in as_text(client.get("/admin/incident/"))

    # A coordinator cannot restore another neighbourhood's incident.
    foreign = world.yongye.rows["incident"]
    client.post("/admin/incident/action/", data={
        "csrf_token": token, "action": "mark_restored", "rowid": [foreign.id]})
    db_session.expire_all()
    assert db_session.get(Incident, foreign.id).restored_at is None


def test_due_page_plan_review_publish(client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    group = world.jiahong.rows["servicegroup"]
    member = world.jiahong.rows["volunteer"]
    for weekday in range(7):
        f.make_availability(db_session, member, weekday=weekday, start_time=time(9),
                            end_time=time(21))
    household = world.jiahong.rows["household"]
    household.created_at = household.created_at - timedelta(days=800)
    db_session.flush()

    page = as_text(client.get("/admin/visits/?within=14"))
    assert "佳虹王阿婆" in page and "永业" not in page
    assert client.get(f"/admin/visits/?group={world.yongye.rows['servicegroup'].id}"
                      ).status_code == 404

    starts = (f.future(1)).date().isoformat()
    response = client.post("/admin/visits/plan", data={
        "csrf_token": token, "group": group.id, "starts_on": starts, "weeks": "2"})
    assert response.status_code == 302, as_text(response)
    round_ = db_session.scalar(select(VisitRound).where(VisitRound.service_group_id == group.id))
    assert round_ is not None and round_.status == RoundStatus.draft
    visit = db_session.scalar(select(Visit).where(Visit.round_id == round_.id,
                                                  Visit.household_id == household.id))
    assert visit.outcome == VisitOutcome.planned and visit.volunteer_id == member.id

    body = as_text(client.get(f"/admin/visits/round/{round_.id}"))
    assert "佳虹王阿婆" in body
    # Each row's member list is the group's, with the proposed member chosen.
    assert f'<option value="{member.id}" selected>{member.name}</option>' in body
    assert body.count('<option value="">—</option>') == len(round_.visits)
    response = client.post(f"/admin/visits/round/{round_.id}/reassign/{visit.id}",
                           data={"csrf_token": token, "volunteer": ""})
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(Visit, visit.id).volunteer_id is None
    # The count without a member follows the change (it is not the one stored at planning).
    without = db_session.scalar(select(func.count()).select_from(Visit).where(
        Visit.round_id == round_.id, Visit.volunteer_id.is_(None)))
    assert without >= 1
    assert f"其中 {without} 次尚无人负责" in as_text(client.get(f"/admin/visits/round/{round_.id}"))
    response = client.post(f"/admin/visits/round/{round_.id}/publish", data={"csrf_token": token})
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(VisitRound, round_.id).status == RoundStatus.published

    # The other neighbourhood's coordinator path: a foreign group cannot be planned.
    response = client.post("/admin/visits/plan", data={
        "csrf_token": token, "group": world.yongye.rows["servicegroup"].id,
        "starts_on": starts, "weeks": "2"})
    assert response.status_code == 302
    assert db_session.scalar(select(func.count()).select_from(VisitRound).where(
        VisitRound.service_group_id == world.yongye.rows["servicegroup"].id)) == 0


def test_the_planning_form_labels_its_inputs_and_names_the_field_it_refuses(
        client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    page = as_text(client.get("/admin/visits/"))
    for name, label in (("group", "团组"), ("starts_on", "开始日期"), ("weeks", "周数")):
        assert f'<label class="mr-1" for="{name}">{label}</label>' in page
    group = world.jiahong.rows["servicegroup"]
    response = client.post("/admin/visits/plan", data={
        "csrf_token": token, "group": group.id, "starts_on": "", "weeks": "40"},
        follow_redirects=True)
    body = as_text(response)
    assert "开始日期：" in body and "周数：" in body
    assert db_session.scalar(select(func.count()).select_from(VisitRound)) == 0


def test_foreign_round_is_not_found(client, db_session, world) -> None:
    group = world.yongye.rows["servicegroup"]
    round_ = plan_round(db_session, group_id=group.id, starts_on=f.future(1).date(), weeks=1,
                        zone=ZoneInfo("Asia/Shanghai")).round
    token = quick_login(client, world.users["coordinator"])
    assert client.get(f"/admin/visits/round/{round_.id}").status_code == 404
    assert client.post(f"/admin/visits/round/{round_.id}/discard",
                       data={"csrf_token": token}).status_code == 404



def test_due_page_statements_do_not_grow_with_households(app, client, db_session,
                                                         world) -> None:
    """The due page of a neighbourhood, for a group and for a building: as many statements
    with one due household as with many more, in other buildings and groups."""
    quick_login(client, world.users["coordinator"])
    n = world.jiahong.neighbourhood
    group = world.jiahong.rows["servicegroup"]
    building = world.jiahong.rows["building"]
    long_ago = f.future(-800)
    world.jiahong.rows["household"].created_at = long_ago
    db_session.flush()
    paths = ["/admin/visits/", f"/admin/visits/?group={group.id}&within=28",
             f"/admin/visits/?building={building.id}"]
    before = [count_page_statements(app, client, path) for path in paths]
    for number in range(3):
        other_group = f.make_service_group(db_session, neighbourhood=n)
        other = f.make_building(db_session, neighbourhood=n, service_group=other_group)
        for room in range(4):
            for at in (building, other):
                household = f.make_household(db_session, neighbourhood=n, building=at,
                                             room=f"{number}{room}", created_at=long_ago)
                f.make_visit(db_session, household, visited_at=f.future(-400 + room))
    assert [count_page_statements(app, client, path) for path in paths] == before
    page = as_text(client.get("/admin/visits/"))
    assert page.count("佳虹路") >= 24  # the new households are on it


def test_team_lead_has_no_visits_page(client, world) -> None:
    quick_login(client, world.users["team_lead"])
    assert client.get("/admin/visits/").status_code == 403


def test_dashboard_counts_due_contacts_of_own_neighbourhood(client, db_session, world) -> None:
    household = world.jiahong.rows["household"]
    household.created_at = household.created_at - timedelta(days=800)
    for visit in household.visits:
        visit.visited_at = visit.visited_at - timedelta(days=30)
    foreign = world.yongye.rows["household"]
    for visit in foreign.visits:
        visit.visited_at = visit.visited_at - timedelta(days=30)
    db_session.flush()
    quick_login(client, world.users["coordinator"])
    body = as_text(client.get("/admin/"))
    assert 'id="dashboard-due"' in body
    assert "佳虹第一团组" in body and "永业第一团组" not in body
