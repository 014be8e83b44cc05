"""The linkage's levels in the admin: the town admin renames a level in both languages (the
escalation form and the request's history read the new name), adds a community area and
moves it down between the committee and the town, and is told why the committee's level
stays in use and why a level with history is not deleted (nothing changes); a coordinator
reads the levels and changes none. (The access matrix, `test_access.py`, walks every path.)"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import LinkageLevel, ReportDataVersion
from tests import factories as f
from tests.admin.conftest import as_text, quick_login
from tests.helpers import csrf_token_from, form_fields

pytestmark = pytest.mark.integration

LIST = "/admin/linkagelevel/"


def _names(db_session) -> list[str]:
    db_session.expire_all()
    return list(db_session.scalars(select(LinkageLevel.name).order_by(LinkageLevel.rank)))


def _edit(client, level: LinkageLevel, **changes: str | None):
    page = f"{LIST}edit/?id={level.id}"
    fields = form_fields(as_text(client.get(page)))
    fields.update(changes)
    return client.post(page, data={k: v for k, v in fields.items() if v is not None})


def _act(client, action: str, *levels: LinkageLevel):
    token = csrf_token_from(as_text(client.get(LIST)))
    return client.post(f"{LIST}action/", data={
        "action": action, "rowid": [str(level.id) for level in levels], "csrf_token": token},
        follow_redirects=True)


def test_the_town_admin_renames_adds_and_moves_levels(client, db_session, world) -> None:
    quick_login(client, world.users["admin"])
    town = f.level(db_session, "town_department")
    renamed = _edit(client, town, name="镇级职能部门", name_en="Town office")
    assert renamed.status_code == 302, as_text(renamed)[-600:]
    request = world.jiahong.rows["residentrequest"]
    handle = as_text(client.get(f"/admin/residentrequest/handle/?id={request.id}"))
    assert "镇级职能部门" in handle

    new = f"{LIST}new/"
    added = client.post(new, data={**form_fields(as_text(client.get(new))),
                                   "name": "社区片区", "name_en": "Community area",
                                   "grassroots": "y"})
    assert added.status_code == 302, as_text(added)[-600:]
    # The world has a city level (市级) above the district already.
    assert _names(db_session) == ["团组", "居委会", "镇级职能部门", "区级", "市级", "社区片区"]
    assert "上移一级" in as_text(client.get(LIST))
    area = db_session.scalars(select(LinkageLevel).where(LinkageLevel.name == "社区片区")).one()
    assert (area.by_department, area.grassroots, area.active) == (True, True, True)
    for _ in range(3):
        _act(client, "move_down", area)
    assert _names(db_session) == ["团组", "居委会", "社区片区", "镇级职能部门", "区级", "市级"]
    refused = as_text(_act(client, "move_down", area))
    assert "“社区片区”已是由职能部门办理的最低层级" in refused
    assert _names(db_session) == ["团组", "居委会", "社区片区", "镇级职能部门", "区级", "市级"]
    handle = as_text(client.get(f"/admin/residentrequest/handle/?id={request.id}"))
    assert handle.index("社区片区") < handle.index("镇级职能部门") < handle.index("区级")


def test_refusals_say_why_and_change_nothing(client, db_session, world) -> None:
    quick_login(client, world.users["admin"])
    committee, town = f.level(db_session, "neighbourhood"), f.level(db_session, "town_department")
    kept = _edit(client, committee, active=None)
    assert kept.status_code == 200 and "居委会" in as_text(kept)
    db_session.expire_all()
    assert committee.active
    # The world's town department works at the town's level: it has history.
    deleted = client.post(f"{LIST}delete/", data={
        "id": str(town.id), "csrf_token": csrf_token_from(as_text(client.get(LIST)))},
        follow_redirects=True)
    assert "不能删除" in as_text(deleted)
    assert db_session.get(LinkageLevel, town.id) is not None
    unused = f.make_linkage_level(db_session).id
    client.post(f"{LIST}delete/", data={
        "id": str(unused), "csrf_token": csrf_token_from(as_text(client.get(LIST)))})
    db_session.expire_all()
    assert db_session.get(LinkageLevel, unused) is None


def test_counting_a_level_as_grassroots_renews_the_reports(client, db_session, world) -> None:
    quick_login(client, world.users["admin"])
    before = db_session.scalar(select(ReportDataVersion.version))
    town = f.level(db_session, "town_department")
    assert _edit(client, town, grassroots="y").status_code == 302
    db_session.expire_all()
    assert town.grassroots
    assert db_session.scalar(select(ReportDataVersion.version)) != before


def test_a_coordinator_reads_the_levels_and_changes_none(client, db_session, world) -> None:
    quick_login(client, world.users["coordinator"])
    listed = as_text(client.get(LIST))
    assert "居委会" in listed and "区级" in listed and "上移一级" not in listed
    district = f.level(db_session, "district")
    _act(client, "move_up", district)
    assert client.get(f"{LIST}edit/?id={district.id}").status_code == 403
    assert _names(db_session) == ["团组", "居委会", "镇职能部门", "区级", "市级"]
