"""Routing rules in the admin: a coordinator keeps only their own neighbourhood's rules (never
a town-wide one, never another neighbourhood's group), the town admin keeps the town-wide
rules; a refused rule says why in the user's language and writes nothing; a call the
coordinator enters is routed by the rules, and its history says which rule routed it.
(The access matrix, `test_access.py`, walks every path with a foreign row.)"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.enums import RequestCategory
from app.models import ResidentRequest, RoutingRule
from tests import factories as f
from tests.admin.conftest import as_text, quick_login
from tests.helpers import form_fields

pytestmark = pytest.mark.integration

C = RequestCategory
NEW = "/admin/routingrule/new/"


def _count(db_session) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(RoutingRule))


def _login_as(client, user) -> None:
    with client.session_transaction() as session:
        session.clear()
    quick_login(client, user)


def _post(client, **data: str):
    fields = form_fields(as_text(client.get(NEW)))
    return client.post(NEW, data={**fields, **data})


def test_a_coordinator_routes_a_category_to_a_group_and_a_call_follows_it(
        client, db_session, world) -> None:
    jiahong = world.jiahong.neighbourhood
    repairs = f.make_service_group(db_session, neighbourhood=jiahong, name="佳虹维修组")
    quick_login(client, world.users["coordinator"])
    page = as_text(client.get(NEW))
    assert "佳虹维修组" in page and "永业" not in page
    done = _post(client, category="safety", neighbourhood=str(jiahong.id),
                 service_group=str(repairs.id))
    assert done.status_code == 302, as_text(done)[-800:]
    rule = db_session.scalars(select(RoutingRule).where(RoutingRule.category == C.safety)).one()
    assert (rule.neighbourhood_id, rule.service_group_id, rule.department_id) == (
        jiahong.id, repairs.id, None)

    # A call about safety at a building of the first group's patch goes to the repair group.
    call = form_fields(as_text(client.get("/admin/residentrequest/new/")))
    entered = client.post("/admin/residentrequest/new/", data={
        **call, "neighbourhood": str(jiahong.id), "category": "safety", "channel": "call",
        "text": "楼道里堆满杂物", "building": str(world.jiahong.rows["building"].id)})
    assert entered.status_code == 302, as_text(entered)[-800:]
    created = db_session.scalars(select(ResidentRequest).where(
        ResidentRequest.text == "楼道里堆满杂物")).one()
    assert created.service_group_id == repairs.id
    handling = as_text(client.get(f"/admin/residentrequest/handle/?id={created.id}"))
    assert "按本居委“治安安全”类规则分派给佳虹维修组" in handling, handling[-1500:]


def test_a_coordinator_cannot_make_a_town_wide_rule_or_use_another_neighbourhoods_group(
        client, db_session, world) -> None:
    jiahong = world.jiahong.neighbourhood
    quick_login(client, world.users["coordinator"])
    before = _count(db_session)
    town_wide = _post(client, category="safety", neighbourhood="",
                      department=str(world.shared["department"].id))
    assert town_wide.status_code == 200
    assert "全镇规则只能由镇管理员设置" in as_text(town_wide)
    foreign_group = _post(client, category="safety", neighbourhood=str(jiahong.id),
                          service_group=str(world.yongye.rows["servicegroup"].id))
    assert foreign_group.status_code == 200 and "永业" not in as_text(foreign_group)
    foreign_place = _post(client, category="safety",
                          neighbourhood=str(world.yongye.neighbourhood.id),
                          department=str(world.shared["department"].id))
    assert foreign_place.status_code == 200 and "永业" not in as_text(foreign_place)
    assert _count(db_session) == before


def test_the_town_admin_keeps_town_wide_rules_and_clashes_are_refused(
        client, db_session, world) -> None:
    department = world.shared["department"]
    quick_login(client, world.users["admin"])
    done = _post(client, category="public_facilities", neighbourhood="",
                 department=str(department.id))
    assert done.status_code == 302, as_text(done)[-800:]
    before = _count(db_session)
    again = _post(client, category="public_facilities", neighbourhood="",
                  department=str(department.id))
    body = as_text(again)
    assert again.status_code == 200 and "这里已有该类别的规则" in body
    to_group = _post(client, category="health", neighbourhood="",
                     service_group=str(world.jiahong.rows["servicegroup"].id))
    assert "全镇规则只能分派给部门" in as_text(to_group)
    both = _post(client, category="health", neighbourhood=str(world.jiahong.neighbourhood.id),
                 service_group=str(world.jiahong.rows["servicegroup"].id),
                 department=str(department.id))
    assert "二选一" in as_text(both)
    assert _count(db_session) == before

    # The coordinator neither lists nor opens the town's rule.
    town_rule = db_session.scalars(select(RoutingRule).where(
        RoutingRule.neighbourhood_id.is_(None))).one()
    _login_as(client, world.users["coordinator"])
    listed = as_text(client.get("/admin/routingrule/"))
    assert "公共设施与绿化" not in listed and "镇城建办" not in listed
    assert client.get(f"/admin/routingrule/details/?id={town_rule.id}").status_code == 404
    assert client.get(f"/admin/routingrule/edit/?id={town_rule.id}").status_code == 404
    exported = as_text(client.get("/admin/routingrule/export/csv/"))
    assert "镇城建办" not in exported and "佳虹" in exported

    # A request of that category is passed on to the department as it comes in.
    _login_as(client, world.users["admin"])
    call = form_fields(as_text(client.get("/admin/residentrequest/new/")))
    client.post("/admin/residentrequest/new/", data={
        **call, "neighbourhood": str(world.yongye.neighbourhood.id),
        "category": "public_facilities", "channel": "call", "text": "路灯不亮"})
    created = db_session.scalars(select(ResidentRequest).where(
        ResidentRequest.text == "路灯不亮")).one()
    assert (created.level, created.department_id) == (
        f.level(db_session, "town_department"), department.id)
