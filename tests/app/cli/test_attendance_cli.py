"""`flask hours report` and `flask attendance sheet`, on a small ledger whose totals are known."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.enums import AssignmentStatus, AttendanceStatus
from app.services.attendance import hours, recording
from app.services.attendance.recording import Mark
from tests import factories as f

pytestmark = pytest.mark.integration

ZONE = ZoneInfo("Asia/Shanghai")
#: Saturday 2026-11-28, 09:00–12:00 in Shanghai.
START = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)


@pytest.fixture
def ledger(db_session):
    """佳虹: 王芳 present (180 min) and 李强 30 min late (150 min) on one shift; 王芳 a +60
    correction on 2026-12-01. 永业: 赵敏 present (180 min) on her own event."""
    coordinator = f.make_user(db_session)
    jiahong = f.make_neighbourhood(db_session, name="佳虹报表")
    yongye = f.make_neighbourhood(db_session, name="永业报表")
    wang = f.make_volunteer(db_session, neighbourhood=jiahong, name="王芳")
    li = f.make_volunteer(db_session, neighbourhood=jiahong, name="李强")
    zhao = f.make_volunteer(db_session, neighbourhood=yongye, name="赵敏")
    event = f.make_event(db_session, neighbourhood=jiahong, start_at=START,
                         end_at=START + timedelta(hours=3), title="学雷锋服务日")
    shift = f.make_shift(db_session, event, title="量血压")
    seats = [f.make_assignment(db_session, shift, v, status=AssignmentStatus.confirmed)
             for v in (wang, li)]
    recording.record_roster(db_session, shift, [
        Mark(seats[0].id, AttendanceStatus.present),
        Mark(seats[1].id, AttendanceStatus.late, late_minutes=30)],
        zone=ZONE, actor_id=coordinator.id, now=START + timedelta(hours=4))
    other = f.make_event(db_session, neighbourhood=yongye, start_at=START,
                         end_at=START + timedelta(hours=3), title="永业服务日")
    other_shift = f.make_shift(db_session, other, title="理发")
    seat = f.make_assignment(db_session, other_shift, zhao,
                              status=AssignmentStatus.confirmed)
    recording.record_roster(db_session, other_shift, [Mark(seat.id, AttendanceStatus.present)],
                            zone=ZONE, actor_id=coordinator.id, now=START + timedelta(hours=4))
    hours.add_correction(db_session, hours.Correction(
        volunteer_id=wang.id, minutes=60, service_on=date(2026, 12, 1), reason="纸质签到表"),
        actor_id=coordinator.id, today=date(2026, 12, 1))
    db_session.flush()
    return {"wang": wang, "li": li, "zhao": zhao, "event": event, "seats": seats}


def test_report_totals_per_volunteer(db_session, ledger) -> None:
    rows = hours.report(db_session)
    by_name = {r.name: r for r in rows}
    assert (by_name["王芳"].minutes, by_name["王芳"].shifts,
            by_name["王芳"].corrected_minutes) == (240, 1, 60)
    assert (by_name["李强"].minutes, by_name["李强"].shifts) == (150, 1)
    assert by_name["赵敏"].neighbourhood == "永业报表"
    assert rows[0].name == "王芳"  # most hours first

    november = hours.report(db_session, start=date(2026, 11, 1), end=date(2026, 11, 30))
    assert {r.name: r.minutes for r in november}["王芳"] == 180
    only_jiahong = hours.report(db_session, neighbourhood_ids=frozenset(
        {ledger["wang"].neighbourhood_id}))
    assert {r.name for r in only_jiahong} == {"王芳", "李强"}


def test_a_shift_recorded_again_counts_once(db_session, ledger) -> None:
    """李强 was late, then the coordinator corrects the roster to present: the ledger gets a
    "changed" line of +30, the report still one shift."""
    li, seat = ledger["li"], ledger["seats"][1]
    recording.record_roster(db_session, seat.shift, [Mark(seat.id, AttendanceStatus.present)],
                            zone=ZONE, actor_id=None, reason="其实准时到了",
                            now=START + timedelta(hours=5))
    row = next(r for r in hours.report(db_session) if r.volunteer_id == li.id)
    assert (row.minutes, row.shifts, row.corrected_minutes) == (180, 1, 0)


def test_hours_report_command(app, db_session, ledger) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["hours", "report", "--from", "2026-11-01", "--to",
                                 "2026-12-31", "--neighbourhood", "佳虹报表", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["total_minutes"] == 390
    assert [(v["name"], v["hours"]) for v in data["volunteers"]] == [("王芳", 4.0),
                                                                    ("李强", 2.5)]
    table = runner.invoke(args=["hours", "report", "--neighbourhood", "佳虹报表"])
    assert table.exit_code == 0 and "2 volunteers, 6.5 hours" in table.output


@pytest.mark.parametrize("args, message", [
    (["--neighbourhood", "没有这个"], "no neighbourhood named"),
    (["--from", "2026-12-31", "--to", "2026-01-01"], "--to is before --from"),
    (["--from", "31/12/2026"], "Invalid value"),
])
def test_hours_report_refuses_bad_options(app, db_session, ledger, args, message) -> None:
    result = app.test_cli_runner().invoke(args=["hours", "report", *args])
    assert result.exit_code != 0 and message in result.output


def test_attendance_sheet_command(app, db_session, ledger) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["attendance", "sheet", "--event", str(ledger["event"].id),
                                 "--json"])
    assert result.exit_code == 0, result.output
    [shift] = json.loads(result.output)["shifts"]
    assert shift["title"] == "量血压" and shift["start_at"].startswith("2026-11-28T09:00")
    lines = {ln["volunteer"]: (ln["status"], ln["credited_minutes"]) for ln in shift["lines"]}
    assert lines == {"王芳": ("present", 180), "李强": ("late", 150)}
    missing = runner.invoke(args=["attendance", "sheet", "--event", "999999"])
    assert missing.exit_code != 0 and "no event with id 999999" in missing.output


def test_attendance_sheet_counts_residents_per_session(app, db_session) -> None:
    """A course's sheet: every participant at every session, each counted once."""
    from app.enums import AttendanceMethod, EventKind, EventStatus, RegistrationStatus
    from app.models import Registration
    from app.services import courses

    start = datetime(2026, 11, 7, 6, 0, tzinfo=UTC)
    course = f.make_event(db_session, kind=EventKind.training, status=EventStatus.published,
                          title="插花班", capacity=20, completion_sessions=2, start_at=start,
                          end_at=start + timedelta(days=7, hours=2))
    slots = [f.make_slot(db_session, course, label=f"第{n + 1}期",
                         start_at=start + timedelta(days=7 * n),
                         end_at=start + timedelta(days=7 * n, hours=2), capacity=0)
             for n in range(2)]
    db_session.refresh(course)
    people = [Registration(event=course, name=f"学员{n}", phone=f"1350000000{n}",
                           status=RegistrationStatus.confirmed) for n in range(3)]
    db_session.add_all(people)
    db_session.flush()
    courses.mark_present(db_session, course, people[0], slots[0],
                         method=AttendanceMethod.staff)
    db_session.commit()
    result = app.test_cli_runner().invoke(args=["attendance", "sheet", "--event",
                                                str(course.id), "--json"])
    assert result.exit_code == 0, result.output
    residents = json.loads(result.output)["residents"]
    assert residents["people"] == 3
    assert [(s["label"], s["people"], s["present"]) for s in residents["sessions"]] == [
        ("第1期", 3, 1), ("第2期", 3, 0)]
