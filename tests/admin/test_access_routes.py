"""Admin routes beyond the model views (the hand-assignment page, the five comparisons report,
the dashboard's figures, inspection photos, council invitations, a request's handling steps):
each role's answer, and a Jiahong coordinator reaching for Yongye's by id.

The model views' matrix is `test_access.py`; the roles and the two neighbourhoods are the same.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.admin.conftest import as_text, quick_login
from tests.admin.test_access import FOREIGN, OWN, ROLES

pytestmark = pytest.mark.integration


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
        "follow-up": ("POST", f"{base}/follow-up/?id={foreign.id}",
                      {"outcome": "reached", "note": "HACKED"}),
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
            wanted = {403} if name in ("merge", "reroute", "follow-up") else {404}
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
