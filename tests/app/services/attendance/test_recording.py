"""Attendance on shifts and the service-hours ledger: check-in/out, the roster, corrections."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.enums import AssignmentStatus, AttendanceStatus, HoursKind
from app.models import Attendance, HoursEntry
from app.models.attendance import LedgerIsAppendOnly
from app.services import links
from app.services.attendance import hours, recording
from app.services.attendance.recording import AttendanceError, Mark
from tests.factories import make_assignment, make_event, make_shift, make_user, make_volunteer
from tests.helpers import in_english

ZONE = ZoneInfo("Asia/Shanghai")
#: 09:00–12:00 in Shanghai on a Saturday.
START = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)


def _seat(session, *, status=AssignmentStatus.confirmed, start=START, hours_long=3, **kw):
    event = make_event(session, start_at=start, end_at=start + timedelta(hours=hours_long),
                       title=kw.pop("event_title", "学雷锋便民服务日"))
    shift = make_shift(session, event, title=kw.pop("shift_title", "量血压"))
    volunteer = kw.pop("volunteer", None) or make_volunteer(session,
                                                            neighbourhood=event.neighbourhood)
    return make_assignment(session, shift, volunteer, status=status)


def _ledger(session, volunteer_id):
    return session.scalars(sa.select(HoursEntry).where(HoursEntry.volunteer_id == volunteer_id)
                           .order_by(HoursEntry.id)).all()


def test_check_in_and_out_credit_the_time_served(app, db_session) -> None:
    seat = _seat(db_session)
    with in_english(app):
        attendance = recording.check_in(db_session, seat, zone=ZONE,
                                        now=START + timedelta(minutes=25))
        assert (attendance.status, attendance.late_minutes) == (AttendanceStatus.late, 25)
        assert seat.status == AssignmentStatus.attended
        assert _ledger(db_session, seat.volunteer_id) == []  # credited at check-out
        with pytest.raises(AttendanceError, match="already recorded"):
            recording.check_in(db_session, seat, zone=ZONE, now=START + timedelta(minutes=30))
        attendance = recording.check_out(db_session, seat, zone=ZONE,
                                         now=START + timedelta(hours=2, minutes=30))
    assert attendance.early_leave_minutes == 30
    assert attendance.credited_minutes == 180 - 25 - 30
    [entry] = _ledger(db_session, seat.volunteer_id)
    assert (entry.kind, entry.minutes, entry.service_on) == (HoursKind.attendance, 125,
                                                              date(2026, 11, 28))
    assert entry.activity == "学雷锋便民服务日 · 量血压" and entry.created_by_id is None
    assert hours.volunteer_minutes(db_session, seat.volunteer_id) == 125


def test_on_time_within_the_grace_and_the_window_is_kept(app, db_session) -> None:
    seat = _seat(db_session)
    with in_english(app):
        with pytest.raises(AttendanceError, match="an hour before"):
            recording.check_in(db_session, seat, zone=ZONE, now=START - timedelta(minutes=61))
        with pytest.raises(AttendanceError, match="an hour before"):
            recording.check_in(db_session, seat, zone=ZONE,
                               now=START + timedelta(hours=3, seconds=1))
        with pytest.raises(AttendanceError, match="Check in first"):
            recording.check_out(db_session, seat, zone=ZONE, now=START)
        attendance = recording.check_in(db_session, seat, zone=ZONE,
                                        now=START + timedelta(minutes=9))
        assert (attendance.status, attendance.late_minutes) == (AttendanceStatus.present, 0)
        with pytest.raises(AttendanceError, match="closed"):
            recording.check_out(db_session, seat, zone=ZONE,
                                now=START + timedelta(hours=5, minutes=1))


def test_only_a_seat_holder_checks_in(app, db_session) -> None:
    seat = _seat(db_session, status=AssignmentStatus.proposed)
    stranger = make_volunteer(db_session)
    with in_english(app):
        with pytest.raises(AttendanceError, match="not on this shift"):
            recording.assignment_for_checkin(db_session, seat.shift_id, seat.volunteer_id)
        with pytest.raises(AttendanceError, match="not on this shift"):
            recording.assignment_for_checkin(db_session, seat.shift_id, stranger.id)


def test_station_code_is_for_one_shift_and_its_window(app, db_session) -> None:
    seat = _seat(db_session)
    shift = seat.shift
    with app.app_context():
        opens, closes = recording.check_in_window(shift)
        token = links.checkin_token(shift.id, opens, closes)
        assert links.read_checkin_token(token, now=START) == shift.id
        assert links.read_checkin_token(token, now=opens - timedelta(seconds=1)) is None
        assert links.read_checkin_token(token, now=closes + timedelta(seconds=1)) is None
        assert links.read_checkin_token(token[:-2] + "xx", now=START) is None
        # A token of another kind (an assignment answer link) is worthless here.
        other = links.assignment_token(shift.id, shift.end_at)
        assert links.read_checkin_token(other, now=START) is None


def test_roster_proposes_no_shows_and_records_the_shift(app, db_session) -> None:
    came = _seat(db_session)
    shift = came.shift
    late = make_assignment(db_session, shift, make_volunteer(db_session), status="confirmed")
    missing = make_assignment(db_session, shift, make_volunteer(db_session), status="pending")
    make_assignment(db_session, shift, make_volunteer(db_session), status="declined")
    coordinator = make_user(db_session)
    after = START + timedelta(hours=4)
    with in_english(app):
        recording.check_in(db_session, came, zone=ZONE, now=START)
        lines = {ln.assignment.id: ln for ln in recording.roster(db_session, shift, now=after)}
        assert set(lines) == {came.id, late.id, missing.id}  # the declined seat is not on it
        assert lines[came.id].proposed == AttendanceStatus.present
        assert lines[missing.id].proposed == AttendanceStatus.absent
        assert {a.id for a in recording.proposed_no_shows(db_session, shift, now=after)} == {
            late.id, missing.id}
        # During the shift nobody is proposed absent yet.
        during = recording.roster(db_session, shift, now=START + timedelta(hours=1))
        assert {ln.proposed for ln in during if ln.attendance is None} == {None}

        result = recording.record_roster(db_session, shift, [
            Mark(came.id, AttendanceStatus.present),
            Mark(late.id, AttendanceStatus.late, late_minutes=40),
            Mark(missing.id, AttendanceStatus.absent, late_minutes=99),
        ], zone=ZONE, actor_id=coordinator.id, now=after)
    assert (result.recorded, result.unchanged, result.minutes_added) == (3, 0, 180 + 140)
    db_session.expire_all()
    assert missing.status == AssignmentStatus.no_show and late.status == AssignmentStatus.attended
    assert hours.volunteer_minutes(db_session, came.volunteer_id) == 180
    assert hours.volunteer_minutes(db_session, late.volunteer_id) == 140
    assert _ledger(db_session, missing.volunteer_id) == []
    absent = db_session.scalar(sa.select(Attendance).where(Attendance.assignment_id == missing.id))
    assert (absent.late_minutes, absent.credited_minutes) == (0, 0)
    assert recording.no_show_rates(db_session, [missing.volunteer_id, came.volunteer_id]) == {
        missing.volunteer_id: (1, 1), came.volunteer_id: (0, 1)}


def test_changing_recorded_hours_needs_a_reason_and_adds_the_difference(app, db_session) -> None:
    seat = _seat(db_session)
    other = make_assignment(db_session, seat.shift, make_volunteer(db_session),
                            status="confirmed")
    coordinator = make_user(db_session)
    after = START + timedelta(hours=4)
    with in_english(app):
        recording.record_roster(db_session, seat.shift, [Mark(seat.id, AttendanceStatus.present)],
                                zone=ZONE, actor_id=coordinator.id, now=after)
        # No reason: refused, and nothing else of the roster is saved either.
        with pytest.raises(AttendanceError, match="needs a reason"):
            recording.record_roster(db_session, seat.shift, [
                Mark(other.id, AttendanceStatus.present),
                Mark(seat.id, AttendanceStatus.late, late_minutes=60)],
                zone=ZONE, actor_id=coordinator.id, now=after)
        assert db_session.scalar(sa.select(Attendance).where(
            Attendance.assignment_id == other.id)) is None
        result = recording.record_roster(
            db_session, seat.shift, [Mark(seat.id, AttendanceStatus.late, late_minutes=60)],
            zone=ZONE, actor_id=coordinator.id, reason="签到表上写的是十点到", now=after)
        # Recording the same again changes nothing.
        same = recording.record_roster(
            db_session, seat.shift, [Mark(seat.id, AttendanceStatus.late, late_minutes=60)],
            zone=ZONE, actor_id=coordinator.id, now=after)
    assert result.minutes_added == -60 and same.unchanged == 1
    entries = _ledger(db_session, seat.volunteer_id)
    assert [(e.kind, e.minutes, e.reason, e.created_by_id) for e in entries] == [
        (HoursKind.attendance, 180, None, coordinator.id),
        (HoursKind.change, -60, "签到表上写的是十点到", coordinator.id)]


def test_roster_refusals_change_nothing(app, db_session) -> None:
    seat = _seat(db_session)
    stranger = _seat(db_session)
    coordinator = make_user(db_session)
    after = START + timedelta(hours=4)
    with in_english(app):
        with pytest.raises(AttendanceError, match="not started"):
            recording.record_roster(db_session, seat.shift, [
                Mark(seat.id, AttendanceStatus.present)], zone=ZONE, actor_id=coordinator.id,
                now=START - timedelta(minutes=1))
        with pytest.raises(AttendanceError, match="not on this shift"):
            recording.record_roster(db_session, seat.shift, [
                Mark(stranger.id, AttendanceStatus.present)], zone=ZONE,
                actor_id=coordinator.id, now=after)
        with pytest.raises(AttendanceError, match="between 0 and"):
            recording.record_roster(db_session, seat.shift, [
                Mark(seat.id, AttendanceStatus.late, late_minutes=181)], zone=ZONE,
                actor_id=coordinator.id, now=after)
        with pytest.raises(AttendanceError, match="how many minutes late"):
            recording.record_roster(db_session, seat.shift, [
                Mark(seat.id, AttendanceStatus.late)], zone=ZONE,
                actor_id=coordinator.id, now=after)
    assert db_session.scalar(sa.select(sa.func.count(Attendance.id))) == 0
    assert db_session.scalar(sa.select(sa.func.count(HoursEntry.id))) == 0


def test_corrections_are_new_entries_and_the_ledger_is_append_only(app, db_session) -> None:
    volunteer = make_volunteer(db_session)
    coordinator = make_user(db_session)
    today = date(2026, 12, 1)
    with in_english(app):
        entry = hours.add_correction(db_session, hours.Correction(
            volunteer.id, 90, date(2026, 11, 20), "纸质签到表补录"), actor_id=coordinator.id,
            today=today)
        for bad, message in [
            (hours.Correction(volunteer.id, 30, today, "  "), "Say why"),
            (hours.Correction(volunteer.id, 0, today, "x"), "not zero"),
            (hours.Correction(volunteer.id, 30, today + timedelta(days=1), "x"), "future"),
            (hours.Correction(volunteer.id, -91, today, "x"), "fewer than zero"),
        ]:
            with pytest.raises(AttendanceError, match=message):
                hours.add_correction(db_session, bad, actor_id=coordinator.id, today=today)
        hours.add_correction(db_session, hours.Correction(
            volunteer.id, -30, today, "重复记录"), actor_id=coordinator.id, today=today)
    assert (entry.kind, entry.activity, entry.created_by_id) == (
        HoursKind.correction, "Correction", coordinator.id)
    assert hours.volunteer_minutes(db_session, volunteer.id) == 60
    assert hours.volunteer_minutes(db_session, volunteer.id, start=date(2026, 11, 21)) == -30
    assert hours.totals(db_session, neighbourhood_ids=frozenset(
        {volunteer.neighbourhood_id})) == {volunteer.id: 60}
    assert hours.totals(db_session, neighbourhood_ids=frozenset({-1})) == {}
    # Nothing edits or deletes a line, whatever path tries.
    with pytest.raises(LedgerIsAppendOnly), db_session.begin_nested():
        entry.minutes = 9999
        db_session.flush()
    with pytest.raises(LedgerIsAppendOnly), db_session.begin_nested():
        db_session.delete(db_session.get(HoursEntry, entry.id))
        db_session.flush()
    db_session.expire_all()
    assert hours.volunteer_minutes(db_session, volunteer.id) == 60


def test_the_database_refuses_a_change_without_a_reason(db_session) -> None:
    volunteer = make_volunteer(db_session)
    db_session.add(HoursEntry(volunteer_id=volunteer.id, kind=HoursKind.correction, minutes=5,
                              service_on=date(2026, 11, 1), activity="x"))
    with pytest.raises(sa.exc.IntegrityError), db_session.begin_nested():
        db_session.flush()
