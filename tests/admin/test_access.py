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


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_assign_by_hand_page(client, db_session, world, role: str) -> None:
    """The candidates page of a run: the schedulers of the run's neighbourhood (and the town
    admin) only; another neighbourhood's run is not found; team leads and volunteers are
    refused; nobody anonymous."""
    from app.enums import RunStatus
    from app.models import ScheduleRun

    def run_of(side: Any) -> ScheduleRun:
        run = ScheduleRun(neighbourhood=side.neighbourhood, status=RunStatus.succeeded,
                          scope={"events": [side.rows["event"].id]}, metrics={})
        db_session.add(run)
        db_session.flush()
        return run

    own, foreign = run_of(world.jiahong), run_of(world.yongye)
    if role != "anonymous":
        quick_login(client, world.users[role])
    own_page = client.get(f"/admin/schedule/run/{own.id}/hand?shift="
                          f"{world.jiahong.rows['shift'].id}")
    foreign_page = client.get(f"/admin/schedule/run/{foreign.id}/hand?shift="
                              f"{world.yongye.rows['shift'].id}")
    expected = {"admin": (200, 200), "coordinator": (200, 404), "team_lead": (403, 403),
                "volunteer": (403, 403), "department": (403, 403),
                "anonymous": (302, 302)}[role]
    assert (own_page.status_code, foreign_page.status_code) == expected
    if role == "coordinator":
        assert 'id="hand-candidates"' in as_text(own_page)


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_five_comparisons_report(client, db_session, world, role: str) -> None:
    """The report page, its JSON, XLSX and CSV: the admin sees both neighbourhoods' groups, a
    coordinator only their own (a foreign neighbourhood asked for is 404), others nothing."""
    from admin.export import read_xlsx

    if role != "anonymous":
        quick_login(client, world.users[role])
    paths = ["/admin/reports/", "/admin/reports/data.json", "/admin/reports/export.xlsx",
             "/admin/reports/export.csv"]
    expected = {"admin": 200, "coordinator": 200, "team_lead": 403, "volunteer": 403,
                "department": 403, "anonymous": 302}[role]
    for path in paths:
        response = client.get(path)
        assert response.status_code == expected, path
        if expected != 200:
            continue
        if path.endswith(".xlsx"):
            body = " ".join(" ".join(row) for row in read_xlsx(response.data))
        elif path.endswith(".json"):
            body = json.dumps(response.get_json(), ensure_ascii=False)
        else:
            body = response.get_data(as_text=True)
        assert f"{OWN}第一团组" in body, path
        assert (f"{FOREIGN}第一团组" in body) == (role == "admin"), path
        assert role == "admin" or FOREIGN not in body, path
    foreign = world.yongye.neighbourhood.id
    response = client.get(f"/admin/reports/?neighbourhood={foreign}")
    assert response.status_code == {"admin": 200, "coordinator": 404}.get(role, expected)
    for path in paths[1:]:
        response = client.get(f"{path}?neighbourhood={foreign}")
        assert response.status_code == {"admin": 200, "coordinator": 404}.get(role, expected)


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_dashboard_figure_rows_and_their_exports(client, world, role: str) -> None:
    """The rows behind a dashboard figure (a building's households) as a page, CSV and XLSX:
    the admin reaches both neighbourhoods' buildings, a coordinator only their own (the
    other's is 404 like a building that does not exist); a team lead or a department, who
    see no such chart, get 404; a volunteer is refused the admin."""
    from admin.export import read_xlsx

    if role != "anonymous":
        quick_login(client, world.users[role])
    own, foreign = (f"chart=buildings&category={side.rows['building'].id}&series=days"
                    for side in (world.jiahong, world.yongye))
    expected = {"admin": (200, 200), "coordinator": (200, 404), "team_lead": (404, 404),
                "volunteer": (403, 403), "department": (404, 404),
                "anonymous": (302, 302)}[role]
    for path in ("/admin/chart-rows", "/admin/chart-rows.csv", "/admin/chart-rows.xlsx"):
        statuses = []
        for query, name in ((own, OWN), (foreign, FOREIGN)):
            response = client.get(f"{path}?{query}")
            statuses.append(response.status_code)
            if response.status_code != 200:
                continue
            if path.endswith(".xlsx"):
                body = " ".join(" ".join(row) for row in read_xlsx(response.data))
            else:
                body = as_text(response)
            assert f"{name}路1号" in body, (path, query)
            assert role == "admin" or FOREIGN not in body, path
        assert tuple(statuses) == expected, path


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_inspection_photo_upload(client, db_session, world, role: str) -> None:
    """Adding a photo to a patrol inspection (POST, CSRF): the town admin to any, a
    coordinator to their own neighbourhood's only (another's is not found), nobody else."""
    from io import BytesIO

    from app.models import PatrolInspection
    from tests.app.services.requests.test_photos import jpeg_with_gps
    from tests.helpers import csrf_token

    token = quick_login(client, world.users[role]) if role != "anonymous" \
        else csrf_token(client)
    statuses = []
    for side in (world.jiahong, world.yongye):
        response = client.post(
            f"/admin/patrolinspection/photo/upload/?id={side.rows['patrolinspection'].id}",
            content_type="multipart/form-data",
            data={"csrf_token": token, "photo": (BytesIO(jpeg_with_gps()), "a.jpg")})
        statuses.append(response.status_code)
        if role == "anonymous":
            assert "/login" in response.headers["Location"]
    expected = {"admin": (302, 302), "coordinator": (302, 404), "team_lead": (403, 403),
                "volunteer": (403, 403), "department": (403, 403),
                "anonymous": (302, 302)}[role]
    assert tuple(statuses) == expected
    db_session.expire_all()
    added = [len(db_session.get(PatrolInspection, side.rows["patrolinspection"].id).photos)
             for side in (world.jiahong, world.yongye)]
    assert added == [1 if status == 302 and role != "anonymous" else 0
                     for status in statuses]


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_council_meeting_invite(client, db_session, world, role: str) -> None:
    """Inviting more representatives to a request's council meeting (POST, CSRF): the town
    admin to any, a coordinator to their own neighbourhood's only (another's is not found), a
    department handler to none it does not hold, nobody else."""
    from sqlalchemy import func, select

    from app.enums import RequestStatus
    from app.models import CouncilAttendee
    from tests import factories as f
    from tests.helpers import csrf_token

    for side in (world.jiahong, world.yongye):
        row = side.rows["residentrequest"]
        meeting = f.make_event(db_session, neighbourhood_id=row.neighbourhood_id)
        db_session.add(CouncilAttendee(event_id=meeting.id, name="王建国"))
        row.status, row.council_event_id = RequestStatus.council, meeting.id
    db_session.flush()
    token = quick_login(client, world.users[role]) if role != "anonymous" \
        else csrf_token(client)
    statuses = []
    for side in (world.jiahong, world.yongye):
        response = client.post(
            f"/admin/residentrequest/meeting/invite/?id={side.rows['residentrequest'].id}",
            data={"csrf_token": token, "representatives": "李秀英"})
        statuses.append(response.status_code)
        if role == "anonymous":
            assert "/login" in response.headers["Location"]
    expected = {"admin": (302, 302), "coordinator": (302, 404), "team_lead": (403, 403),
                "volunteer": (403, 403), "department": (404, 404),
                "anonymous": (302, 302)}[role]
    assert tuple(statuses) == expected
    db_session.expire_all()
    added = [db_session.scalar(select(func.count()).select_from(CouncilAttendee).where(
        CouncilAttendee.event_id == side.rows["residentrequest"].council_event_id,
        CouncilAttendee.name == "李秀英")) for side in (world.jiahong, world.yongye)]
    assert added == [1 if status == 302 and role != "anonymous" else 0
                     for status in statuses]


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_request_handling_routes(client, db_session, world, role: str) -> None:
    """Every route of a resident request's handling page, on another neighbourhood's request:
    the town admin reaches it, a coordinator does not find it, a department handler does not
    find what is not escalated to it (and may not merge or re-route at all), nobody else gets
    in; the request, its group, its history and its photos stay as they were."""
    from io import BytesIO

    from app.models import RequestPhoto, ResidentRequest
    from tests.app.services.requests.test_photos import jpeg_with_gps
    from tests.helpers import csrf_token

    foreign = world.yongye.rows["residentrequest"]
    photo = RequestPhoto(request_id=foreign.id, content_type="image/jpeg", width=1, height=1,
                         size=3, data=b"abc")
    db_session.add(photo)
    db_session.flush()
    before = (foreign.status, len(foreign.changes), foreign.service_group_id)
    token = quick_login(client, world.users[role]) if role != "anonymous" \
        else csrf_token(client)
    base = "/admin/residentrequest"
    routes = {
        "handle GET": ("GET", f"{base}/handle/?id={foreign.id}", {}),
        "handle POST": ("POST", f"{base}/handle/?id={foreign.id}",
                        {"status": "handling", "note": "", "expected": "received"}),
        "escalate": ("POST", f"{base}/escalate/?id={foreign.id}",
                     {"level": "district", "reason": "HACKED"}),
        "merge": ("POST", f"{base}/merge/?id={foreign.id}", {"into": "QXXXXXXX"}),
        "reroute": ("POST", f"{base}/reroute/?id={foreign.id}",
                    {"group": str(world.yongye.rows["servicegroup"].id), "reason": "HACKED",
                     "expected": ""}),
        "meeting": ("POST", f"{base}/meeting/?id={foreign.id}",
                    {"starts_at": "2027-05-08 19:00", "place": "会议室",
                     "representatives": "王建国"}),
        "invite": ("POST", f"{base}/meeting/invite/?id={foreign.id}",
                   {"representatives": "王建国"}),
        "photo GET": ("GET", f"{base}/photo/?id={foreign.id}&photo={photo.id}", {}),
        "photo upload": ("POST", f"{base}/photo/upload/?id={foreign.id}",
                         {"photo": (BytesIO(jpeg_with_gps()), "a.jpg")}),
        "photo publish": ("POST", f"{base}/photo/publish/?id={foreign.id}&photo={photo.id}",
                          {"publish": "1", "no_people": "y"}),
    }
    problems = []
    for name, (method, path, data) in routes.items():
        if method == "GET":
            response = client.get(path)
        else:
            upload = "photo" in data
            response = client.post(path, data={**data, "csrf_token": token},
                                   content_type="multipart/form-data" if upload else None)
        status = response.status_code
        body = as_text(response)
        response.close()
        if role == "anonymous":
            wanted = {302}
            if "/login" not in response.headers.get("Location", ""):
                problems.append(f"{name}: not sent to login")
        elif role == "admin":
            wanted = {200, 302, 409, 422}
        elif role == "coordinator":
            wanted = {404}
        elif role == "department":
            wanted = {403} if name in ("merge", "reroute") else {404}
        else:
            wanted = {403}
        if status not in wanted:
            problems.append(f"{name}: status {status}, expected {sorted(wanted)}")
        if role not in ("admin", "anonymous") and FOREIGN in body:
            problems.append(f"{name}: foreign text in the response")
    assert not problems, "\n".join(problems)
    if role != "admin":
        db_session.expire_all()
        fresh = db_session.get(ResidentRequest, foreign.id)
        assert (fresh.status, len(fresh.changes), fresh.service_group_id) == before
        assert [p.id for p in fresh.photos] == [photo.id]
        assert db_session.get(RequestPhoto, photo.id).published_at is None
