"""The attendance roster pages of the admin: a coordinator lists, records and prints the station
code of her own neighbourhood's shifts only; a refusal changes nothing; the ledger follows."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.enums import AssignmentStatus, AttendanceStatus
from app.models import Attendance, HoursCertificate, HoursEntry
from tests import factories as f
from tests.admin.conftest import as_text, quick_login

pytestmark = pytest.mark.integration

ZONE = ZoneInfo("Asia/Shanghai")


def _past_seat(session, side, *, days_ago: int = 2, title: str = "量血压"):
    """A three-hour shift that ended `days_ago` days ago, with the side's volunteer on it."""
    start = f.future(-days_ago)
    prefix = side.neighbourhood.name[:2]
    event = f.make_event(session, neighbourhood=side.neighbourhood, start_at=start,
                         end_at=start + timedelta(hours=3), title=f"{prefix}上周服务日")
    shift = f.make_shift(session, event, title=f"{prefix}{title}")
    return f.make_assignment(session, shift, side.rows["volunteer"],
                             status=AssignmentStatus.confirmed)


def _ledger_minutes(session, volunteer_id: int) -> int:
    session.expire_all()
    return int(session.scalar(select(func.coalesce(func.sum(HoursEntry.minutes), 0))
                              .where(HoursEntry.volunteer_id == volunteer_id)))


def _attendance(session, assignment_id: int) -> Attendance | None:
    session.expire_all()
    return session.scalar(select(Attendance).where(Attendance.assignment_id == assignment_id))


def test_the_list_shows_own_shifts_only(client, db_session, world) -> None:
    own = _past_seat(db_session, world.jiahong)
    foreign = _past_seat(db_session, world.yongye)
    quick_login(client, world.users["coordinator"])
    body = as_text(client.get("/admin/attendance/"))
    assert f'id="shift-{own.shift_id}"' in body and "佳虹上周服务日" in body
    assert f'id="shift-{foreign.shift_id}"' not in body and "永业" not in body


@pytest.mark.parametrize("path", ["/admin/attendance/shift/{id}",
                                  "/admin/attendance/shift/{id}/code"])
def test_another_neighbourhoods_shift_is_not_found(client, db_session, world, path) -> None:
    foreign = _past_seat(db_session, world.yongye)
    quick_login(client, world.users["coordinator"])
    response = client.get(path.format(id=foreign.shift_id))
    assert response.status_code == 404
    assert "永业" not in as_text(response)


def test_recording_another_neighbourhoods_shift_changes_nothing(client, db_session,
                                                                 world) -> None:
    foreign = _past_seat(db_session, world.yongye)
    token = quick_login(client, world.users["coordinator"])
    response = client.post(f"/admin/attendance/shift/{foreign.shift_id}", data={
        "csrf_token": token, "assignment": str(foreign.id), "all_present": "1"})
    assert response.status_code == 404
    assert _attendance(db_session, foreign.id) is None
    assert _ledger_minutes(db_session, foreign.volunteer_id) == 60  # the fixture's correction


def test_a_seat_of_another_shift_cannot_be_smuggled_in(client, db_session, world) -> None:
    own = _past_seat(db_session, world.jiahong)
    foreign = _past_seat(db_session, world.yongye)
    token = quick_login(client, world.users["coordinator"])
    response = client.post(f"/admin/attendance/shift/{own.shift_id}", data={
        "csrf_token": token, "assignment": [str(own.id), str(foreign.id)],
        "all_present": "1"}, follow_redirects=True)
    assert response.status_code == 200
    assert "名单中有志愿者不在该岗位上" in as_text(response)
    assert _attendance(db_session, own.id) is None
    assert _attendance(db_session, foreign.id) is None


def test_all_present_records_everyone_and_credits_the_ledger(client, db_session,
                                                             world) -> None:
    seat = _past_seat(db_session, world.jiahong)
    token = quick_login(client, world.users["coordinator"])
    before = _ledger_minutes(db_session, seat.volunteer_id)
    roster = client.get(f"/admin/attendance/shift/{seat.shift_id}")
    assert roster.status_code == 200 and f'id="line-{seat.id}"' in as_text(roster)

    response = client.post(f"/admin/attendance/shift/{seat.shift_id}", data={
        "csrf_token": token, "assignment": str(seat.id), "all_present": "1"})
    assert response.status_code == 302
    attendance = _attendance(db_session, seat.id)
    assert attendance is not None and attendance.status == AttendanceStatus.present
    assert attendance.recorded_by_id == world.users["coordinator"].id
    assert _ledger_minutes(db_session, seat.volunteer_id) == before + 180

    # Saying it again adds nothing: the ledger holds each shift's hours once.
    client.post(f"/admin/attendance/shift/{seat.shift_id}", data={
        "csrf_token": token, "assignment": str(seat.id), "all_present": "1"})
    assert _ledger_minutes(db_session, seat.volunteer_id) == before + 180


def test_changing_recorded_hours_needs_a_reason(client, db_session, world) -> None:
    seat = _past_seat(db_session, world.jiahong)
    token = quick_login(client, world.users["coordinator"])
    url = f"/admin/attendance/shift/{seat.shift_id}"
    client.post(url, data={"csrf_token": token, "assignment": str(seat.id), "all_present": "1"})
    credited = _ledger_minutes(db_session, seat.volunteer_id)

    late = {"csrf_token": token, "assignment": str(seat.id), f"status-{seat.id}": "late",
            f"late-{seat.id}": "30"}
    refused = client.post(url, data=late, follow_redirects=True)
    assert "修改需要填写原因" in as_text(refused)
    assert _ledger_minutes(db_session, seat.volunteer_id) == credited
    assert _attendance(db_session, seat.id).status == AttendanceStatus.present

    client.post(url, data={**late, "reason": "签到表记错了"})
    assert _attendance(db_session, seat.id).status == AttendanceStatus.late
    assert _ledger_minutes(db_session, seat.volunteer_id) == credited - 30
    reasons = db_session.scalars(select(HoursEntry.reason).where(
        HoursEntry.volunteer_id == seat.volunteer_id)).all()
    assert "签到表记错了" in reasons


@pytest.mark.parametrize("minutes", ["-5", "abc", "99999999999"])
def test_bad_minutes_are_refused_in_chinese(client, db_session, world, minutes) -> None:
    seat = _past_seat(db_session, world.jiahong)
    token = quick_login(client, world.users["coordinator"])
    response = client.post(f"/admin/attendance/shift/{seat.shift_id}", data={
        "csrf_token": token, "assignment": str(seat.id), f"status-{seat.id}": "late",
        f"late-{seat.id}": minutes}, follow_redirects=True)
    assert response.status_code == 200
    assert "迟到或早退分钟须为整数" in as_text(response)
    assert _attendance(db_session, seat.id) is None


def test_a_post_without_the_csrf_token_changes_nothing(client, db_session, world) -> None:
    seat = _past_seat(db_session, world.jiahong)
    quick_login(client, world.users["coordinator"])
    response = client.post(f"/admin/attendance/shift/{seat.shift_id}", data={
        "assignment": str(seat.id), "all_present": "1"})
    assert response.status_code == 400
    assert _attendance(db_session, seat.id) is None


def test_a_shift_not_yet_started_cannot_be_recorded(client, db_session, world) -> None:
    seat = _past_seat(db_session, world.jiahong, days_ago=-3)  # in three days
    token = quick_login(client, world.users["coordinator"])
    response = client.post(f"/admin/attendance/shift/{seat.shift_id}", data={
        "csrf_token": token, "assignment": str(seat.id), "all_present": "1"},
        follow_redirects=True)
    assert "该岗位尚未开始" in as_text(response)
    assert _attendance(db_session, seat.id) is None


def test_volunteers_cannot_open_the_roster(client, db_session, world) -> None:
    seat = _past_seat(db_session, world.jiahong)
    quick_login(client, world.users["volunteer"])
    assert client.get("/admin/attendance/").status_code in (302, 403)
    assert client.get(f"/admin/attendance/shift/{seat.shift_id}").status_code in (302, 403)


def test_certificates_for_own_volunteers_only(client, db_session, world) -> None:
    own = _past_seat(db_session, world.jiahong)
    token = quick_login(client, world.users["coordinator"])
    client.post(f"/admin/attendance/shift/{own.shift_id}", data={
        "csrf_token": token, "assignment": str(own.id), "all_present": "1"})
    url = f"/admin/attendance/certificate/{own.volunteer_id}"
    page = client.get(url)
    assert page.status_code == 200 and 'id="certificate-form"' in as_text(page)
    assert db_session.scalar(select(func.count()).select_from(HoursCertificate)) == 0
    day = f.future(0).date()
    start = (day - timedelta(days=30)).isoformat()
    response = client.post(url, data={"csrf_token": token, "starts_on": start,
                                      "ends_on": day.isoformat()})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    [issued] = db_session.scalars(select(HoursCertificate)).all()
    assert issued.issued_by_id == world.users["coordinator"].id and issued.minutes >= 180

    foreign = world.yongye.rows["volunteer"]
    assert client.get(f"/admin/attendance/certificate/{foreign.id}").status_code == 404
    assert client.post(f"/admin/attendance/certificate/{foreign.id}", data={
        "csrf_token": token, "starts_on": start, "ends_on": day.isoformat()}).status_code == 404
    ledger = as_text(client.get("/admin/hoursentry/"))
    assert url in ledger


def test_platform_export_in_the_citys_columns_for_own_volunteers(client, db_session,
                                                                 world) -> None:
    from admin.export import read_csv, read_xlsx

    own = _past_seat(db_session, world.jiahong)
    foreign = _past_seat(db_session, world.yongye)
    token = quick_login(client, world.users["coordinator"])
    client.post(f"/admin/attendance/shift/{own.shift_id}", data={
        "csrf_token": token, "assignment": str(own.id), "all_present": "1"})
    day = own.shift.start_at.astimezone(ZONE).date()
    assert client.get("/admin/attendance/platform-export").status_code == 200
    args = {"starts_on": (day - timedelta(days=1)).isoformat(), "ends_on": day.isoformat()}

    xlsx = client.get("/admin/attendance/platform-export", query_string={**args,
                                                                         "format": "xlsx"})
    assert xlsx.status_code == 200 and "filename*=UTF-8''" in xlsx.headers[
        "Content-Disposition"]
    [header, *lines] = read_xlsx(xlsx.data)
    assert header == ["志愿者编号", "姓名", "手机号", "服务内容", "服务日期", "服务时长"]
    volunteer = world.jiahong.rows["volunteer"]
    assert lines == [[str(volunteer.id), volunteer.name, volunteer.phone,
                      "佳虹上周服务日 · 佳虹量血压", day.isoformat(), "3"]]
    assert foreign.volunteer.name not in str(lines)

    csv = client.get("/admin/attendance/platform-export", query_string={**args,
                                                                        "format": "csv"})
    assert csv.data.startswith("\ufeff".encode())
    rows = read_csv(csv.data)
    assert rows[1][2].strip() == volunteer.phone  # kept as text, not 1.38E+10

    bad = client.get("/admin/attendance/platform-export", query_string={
        "starts_on": day.isoformat(), "ends_on": (day - timedelta(days=3)).isoformat()})
    assert bad.status_code == 200 and "结束日期早于开始日期" in as_text(bad)
    junk = client.get("/admin/attendance/platform-export", query_string={"starts_on": "x",
                                                                         "ends_on": "y"})
    assert junk.status_code == 200 and 'id="platform-export"' in as_text(junk)
