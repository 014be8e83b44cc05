"""The audit trail of residents' files: every path that shows a whole file, changes one or
takes files out writes who did what; the trail is read-only and scoped like the files."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from admin.export import xlsx_bytes
from app.enums import AuditAction
from app.models import Household, HouseholdAuditEntry
from tests.admin.conftest import as_text, quick_login
from tests.admin.test_visits_admin import _household_form

pytestmark = pytest.mark.integration


def _entries(session, **where) -> list[HouseholdAuditEntry]:
    session.expire_all()
    statement = select(HouseholdAuditEntry).order_by(HouseholdAuditEntry.id)
    for name, value in where.items():
        statement = statement.where(getattr(HouseholdAuditEntry, name) == value)
    return list(session.scalars(statement))


def test_view_change_export_and_delete_are_recorded(client, db_session, world) -> None:
    coordinator = world.users["coordinator"]
    token = quick_login(client, coordinator)
    household = world.jiahong.rows["household"]
    before = len(_entries(db_session))

    assert client.get(f"/admin/household/details/?id={household.id}").status_code == 200
    assert client.get("/admin/household/").status_code == 200  # lists are not recorded
    viewed = _entries(db_session, action=AuditAction.viewed, household_id=household.id,
                      user_id=coordinator.id)
    assert len(viewed) == 1 and viewed[0].user_name == str(coordinator)

    response = client.post(f"/admin/household/edit/?id={household.id}",
                           data=_household_form(token, household, contact_phone="021-58881234"))
    assert response.status_code == 302, as_text(response)
    changed = _entries(db_session, action=AuditAction.changed, household_id=household.id)
    assert len(changed) == 1
    assert set(changed[0].fields.split(",")) >= {"contact_phone", "members_count", "unit",
                                                 "contact_windows"}

    export = client.get("/admin/household/export/csv/")
    assert export.status_code == 200
    exported = _entries(db_session, action=AuditAction.exported)
    assert [e.household_id for e in exported] == [household.id]  # her neighbourhood's only

    label = str(household)
    response = client.post("/admin/household/delete/", data={"id": household.id,
                                                              "csrf_token": token})
    assert response.status_code == 302
    deleted = _entries(db_session, action=AuditAction.deleted)
    assert len(deleted) == 1 and deleted[0].household_label == label
    assert deleted[0].household_id is None  # the entry outlives the file
    assert all(e.household_id is None for e in viewed + changed + exported
               for e in _entries(db_session, id=e.id))
    assert len(_entries(db_session)) == before + 4


def test_an_import_records_each_household_it_writes(client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    existing = world.jiahong.rows["household"]
    data = xlsx_bytes("档案", ["楼号", "室号", "地址", "联系人", "家庭人数"], [
        ["1", "301", existing.address, existing.contact_name, 4],
        ["1", "302", "佳虹路1号302室", "新住户", 1],
    ])
    preview = client.post("/admin/household/import/", data={
        "csrf_token": token, "file": (io.BytesIO(data), "档案.xlsx")},
        content_type="multipart/form-data")
    rows = re.search(r'name="rows" value="([^"]+)"', as_text(preview)).group(1)
    assert client.post("/admin/household/import/",
                       data={"csrf_token": token, "rows": rows}).status_code == 302
    imported = _entries(db_session, action=AuditAction.imported)
    new = db_session.scalar(select(Household).where(Household.contact_name == "新住户"))
    assert {(e.household_id, e.fields) for e in imported} == {
        (existing.id, "members_count"), (new.id, None)}


def test_the_trail_is_read_only_and_scoped(client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    listing = client.get("/admin/householdauditentry/")
    body = as_text(listing)
    assert listing.status_code == 200
    assert "佳虹协调员" in body and "永业" not in body
    entry = world.jiahong.rows["householdauditentry"]
    assert client.get("/admin/householdauditentry/new/").status_code == 403
    assert client.post(f"/admin/householdauditentry/edit/?id={entry.id}",
                       data={"csrf_token": token, "user_name": "x"}).status_code == 403
    assert client.post("/admin/householdauditentry/delete/",
                       data={"csrf_token": token, "id": entry.id}).status_code == 403
    assert _entries(db_session, id=entry.id)[0].user_name == "佳虹协调员"
