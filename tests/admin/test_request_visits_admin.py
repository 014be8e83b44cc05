"""Requests raised on a visit in the admin: the request's list and details name the visit,
the household and the member who filed it (linked), the visit's details list its requests;
a coordinator sees none of another neighbourhood's, and a department handler sees the
escalated request without links to the committee's household, visit and member."""

from __future__ import annotations

import pytest
from flask import Flask

from app.models import ResidentRequest, Visit
from app.services.requests import from_visits
from app.services.requests.escalation import escalate
from tests import factories as f
from tests.admin.conftest import World, as_text, quick_login

pytestmark = pytest.mark.integration


def _raised(app: Flask, session, visit: Visit, text: str) -> ResidentRequest:
    with app.test_request_context():
        return from_visits.file(session, from_visits.check(
            session, visit, visit.volunteer_id,
            from_visits.VisitRequestInput(category="health", text=text))).request


def test_the_request_and_its_visit_point_at_each_other(app, client, db_session,
                                                       world: World) -> None:
    mine = _raised(app, db_session, world.jiahong.rows["visit"], "佳虹想请医生量血压")
    theirs = _raised(app, db_session, world.yongye.rows["visit"], "永业想请医生量血压")
    quick_login(client, world.users["coordinator"])
    visit = world.jiahong.rows["visit"]

    details = as_text(client.get(f"/admin/residentrequest/details/?id={mine.id}"))
    assert f'href="/admin/household/details/?id={visit.household_id}"' in details
    assert f'href="/admin/volunteer/details/?id={visit.volunteer_id}">佳虹志愿者</a>' in details
    assert f'href="/admin/visit/details/?id={visit.id}"' in details
    assert "填报人" in details and "来自走访" in details  # the labels, in Chinese
    listed = as_text(client.get("/admin/residentrequest/"))
    assert mine.reference_code in listed and "佳虹王阿婆" in listed
    assert theirs.reference_code not in listed and "永业王阿婆" not in listed

    visit_page = as_text(client.get(f"/admin/visit/details/?id={visit.id}"))
    assert (f'<a href="/admin/residentrequest/details/?id={mine.id}">{mine.reference_code}</a>'
            in visit_page)
    assert theirs.reference_code not in visit_page
    # Another neighbourhood's request and visit are not found, by any path.
    assert client.get(f"/admin/residentrequest/details/?id={theirs.id}").status_code == 404
    assert client.get(
        f"/admin/visit/details/?id={world.yongye.rows['visit'].id}").status_code == 404
    exported = as_text(client.get("/admin/residentrequest/export/csv/"))
    assert mine.reference_code in exported and theirs.reference_code not in exported

    town_admin = app.test_client()
    quick_login(town_admin, world.users["admin"])
    town = as_text(town_admin.get(
        f"/admin/visit/details/?id={world.yongye.rows['visit'].id}"))
    assert theirs.reference_code in town and mine.reference_code not in town


def test_a_department_handler_does_not_see_the_household_or_the_member(
        app, client, db_session, world: World) -> None:
    raised = _raised(app, db_session, world.jiahong.rows["visit"], "佳虹路面塌陷")
    with app.test_request_context():
        escalate(db_session, raised, f.level(db_session, "town_department"),
                 user=world.users["coordinator"], reason="需要镇里维修",
                 department=world.shared["department"])
    quick_login(client, world.users["department"])
    details = as_text(client.get(f"/admin/residentrequest/details/?id={raised.id}"))
    assert "佳虹路面塌陷" in details
    # The history still says who took it in (the member), as for every step, after how the
    # request was routed.
    assert "佳虹王阿婆" not in details
    assert "已收到，等待处理 · 按楼栋所属片区分派给佳虹第一团组 · 佳虹志愿者" in details
    for linked in ("/admin/visit/", "/admin/household/", "/admin/volunteer/"):
        assert linked not in details
    listed = as_text(client.get("/admin/residentrequest/"))
    assert raised.reference_code in listed and "佳虹王阿婆" not in listed
