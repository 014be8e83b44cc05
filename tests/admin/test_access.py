"""The access matrix: roles × views × paths, with a Jiahong coordinator (and a Jiahong team
lead) reaching for Yongye rows by id on every path.

One test per (role, view) walks every path and reports all the deviations at once.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import inspect

from admin import access
from app.enums import Role
from tests.admin.conftest import World, as_text, quick_login

pytestmark = pytest.mark.integration

FOREIGN = "永业"
OWN = "佳虹"

#: endpoint → (model name in the matrix, an ajax lookup field or None, a text field or None)
VIEWS: dict[str, tuple[str, str | None, str | None]] = {
    "volunteer": ("Volunteer", None, "name"),
    "team": ("Team", "members", "name"),
    "availability": ("Availability", "volunteer", None),
    "blackout": ("Blackout", "volunteer", "reason"),
    "event": ("Event", "household", "title"),
    "shift": ("Shift", None, "title"),
    "slot": ("Slot", None, "label"),
    "assignment": ("Assignment", "volunteer", None),
    "registration": ("Registration", None, "name"),
    "schedulerun": ("ScheduleRun", None, None),
    "household": ("Household", None, "address"),
    "visit": ("Visit", "household", "notes"),
    "neighbourhood": ("Neighbourhood", None, "name"),
    "building": ("Building", None, "address"),
    "servicegroup": ("ServiceGroup", None, "name"),
    "incident": ("Incident", None, "title"),
    "residentrequest": ("ResidentRequest", None, "place"),
    "householdauditentry": ("HouseholdAuditEntry", None, None),
    "attendancerecord": ("Attendance", None, None),
    "hoursentry": ("HoursEntry", "volunteer", "activity"),
    "pairing": ("Pairing", "household", "aim"),
    "servicepackage": ("ServicePackage", "household", "notes"),
    "packagevisit": ("PackageVisit", None, None),
    "project": ("Project", "events", "title"),
    "patrolsite": ("PatrolSite", None, "name"),
    "patrolgroup": ("PatrolGroup", None, "name"),
    "patrolseason": ("PatrolSeason", None, "name"),
    "patrolinspection": ("PatrolInspection", None, "findings"),
    "shiftchangerequest": ("ShiftChangeRequest", None, "reason"),
    "qualification": ("Qualification", "volunteer", "licence_number"),
    "festivalcampaign": ("FestivalCampaign", None, "title"),
    "donation": ("Donation", None, "donor"),
    "eventseries": ("EventSeries", "volunteer", "title"),
    "routingrule": ("RoutingRule", None, None),
}
#: Town-wide rows: nobody's "foreign" row, but only the admin may change them.
SHARED_VIEWS: dict[str, tuple[str, str | None]] = {
    "skill": ("Skill", "code"),
    "eventtemplate": ("EventTemplate", "name"),
    "visitpolicy": ("VisitPolicy", None),
    "user": ("User", "display_name"),
    "comparisonweights": ("ComparisonWeights", None),
    "hoursrule": ("HoursRule", "town"),
    "reliabilityrule": ("ReliabilityRule", "town"),
    "patrolchecklistitem": ("PatrolChecklistItem", "question"),
    "department": ("Department", "name"),
    "linkagelevel": ("LinkageLevel", "name_en"),
    "holidayperiod": ("HolidayPeriod", "name"),
    "requestdeadline": ("RequestDeadline", "working_days"),
}
ROLES = ["admin", "coordinator", "team_lead", "volunteer", "department"]


def _target(world: World, endpoint: str) -> Any:
    if endpoint in VIEWS:
        return world.yongye.rows[endpoint]
    if endpoint == "user":
        return world.users["admin"]
    return world.shared[endpoint]


def _still_there(db_session: Any, row: Any, field: str | None, before: Any) -> bool:
    db_session.expire_all()
    fresh = db_session.get(type(row), inspect(row).identity[0])
    return fresh is not None and (field is None or getattr(fresh, field) == before)


def _get(client: Any, path: str) -> tuple[int, str]:
    response = client.get(path)
    body = as_text(response)
    response.close()
    return response.status_code, body


@pytest.mark.parametrize("endpoint", [*VIEWS, *SHARED_VIEWS])
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(client, db_session, world, role: str, endpoint: str) -> None:
    user = world.users[role]
    token = quick_login(client, user)
    model_name, field = (VIEWS[endpoint][0], VIEWS[endpoint][2]) if endpoint in VIEWS \
        else SHARED_VIEWS[endpoint]
    ajax_field = VIEWS[endpoint][1] if endpoint in VIEWS else None
    granted = access.permissions(Role(role), model_name)
    row = _target(world, endpoint)
    row_id = inspect(row).identity[0]
    before = getattr(row, field) if field else None
    scoped = endpoint in VIEWS and role != "admin"
    base = f"/admin/{endpoint}"
    problems: list[str] = []

    def expect(path: str, status: int, wanted: int | set[int], body: str = "") -> None:
        wanted_set = wanted if isinstance(wanted, set) else {wanted}
        if status not in wanted_set:
            problems.append(f"{path}: status {status}, expected {sorted(wanted_set)}")
        if scoped and FOREIGN in body:
            problems.append(f"{path}: foreign row text {FOREIGN!r} in the response")

    if access.READ not in granted:
        for path in (f"{base}/", f"{base}/details/?id={row_id}", f"{base}/edit/?id={row_id}",
                     f"{base}/new/", f"{base}/export/csv/"):
            status, body = _get(client, path)
            expect(path, status, 403, body)
        for path, data in ((f"{base}/edit/?id={row_id}", {field or "id": "HACKED"}),
                           (f"{base}/delete/", {"id": row_id}),
                           (f"{base}/action/", {"action": "delete", "rowid": row_id})):
            response = client.post(path, data={**data, "csrf_token": token})
            expect(f"POST {path}", response.status_code, 403, as_text(response))
        assert not problems, problems
        assert _still_there(db_session, row, field, before)
        return

    # list and export: own rows yes, foreign rows never
    for path in (f"{base}/", f"{base}/export/csv/"):
        status, body = _get(client, path)
        expect(path, status, 200, body)
        if endpoint in VIEWS and role == "coordinator" and OWN not in body:
            problems.append(f"{path}: own rows missing")
        if role == "admin" and endpoint in VIEWS and FOREIGN not in body:
            problems.append(f"{path}: the admin should see every neighbourhood")

    # details of the foreign row
    status, body = _get(client, f"{base}/details/?id={row_id}")
    expect("details", status, 404 if scoped else 200, body)

    # create form: dropdowns hold only rows in scope
    status, body = _get(client, f"{base}/new/")
    expect("create GET", status, 200 if access.CREATE in granted else 403, body)

    # edit, GET and POST
    can_edit = access.EDIT in granted
    status, body = _get(client, f"{base}/edit/?id={row_id}")
    expect("edit GET", status, (404 if scoped else 200) if can_edit else 403, body)
    if role != "admin":
        response = client.post(f"{base}/edit/?id={row_id}",
                               data={field or "id": "HACKED", "csrf_token": token})
        expect("edit POST", response.status_code, 404 if (can_edit and scoped) else 403,
               as_text(response))

        # delete, one row and bulk
        response = client.post(f"{base}/delete/", data={"id": row_id, "csrf_token": token})
        expect("delete POST", response.status_code,
               404 if (access.DELETE in granted and scoped) else 403, as_text(response))
        response = client.post(f"{base}/action/", data={
            "action": "delete", "rowid": str(row_id), "csrf_token": token})
        expect("bulk delete POST", response.status_code, 302, as_text(response))
        if not _still_there(db_session, row, field, before):
            problems.append("the foreign/shared row was changed or deleted")

    # ajax lookups
    if ajax_field:
        status, body = _get(client, f"{base}/ajax/lookup/?name={ajax_field}&query=")
        may_lookup = bool(granted & {access.CREATE, access.EDIT})
        expect("ajax lookup", status, 200 if may_lookup else 403)
        if status == 200:
            labels = " ".join(label for _, label in json.loads(body))
            if scoped and FOREIGN in labels:
                problems.append(f"ajax lookup offers foreign rows: {labels}")
            if role == "admin" and FOREIGN not in labels:
                problems.append("ajax lookup should offer every row to the admin")

    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("endpoint", [*VIEWS, *SHARED_VIEWS])
def test_anonymous_is_sent_to_login(client, world, endpoint: str) -> None:
    response = client.get(f"/admin/{endpoint}/?page=1")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert f"/admin/{endpoint}/" in response.headers["Location"]


def test_anonymous_dashboard_redirects_and_volunteer_gets_403(client, world) -> None:
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    quick_login(client, world.users["volunteer"])
    assert client.get("/admin/").status_code == 403
