"""A town's rounding and cap apply when hours are credited, by check-out and by roster alike;
a town that set nothing credits the checked minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.enums import AttendanceStatus, HoursRounding
from app.models import HoursRule
from app.services.attendance import hours, recording
from app.services.attendance.recording import Mark
from app.services.attendance.rules import CreditRules
from tests.app.services.attendance.test_recording import START, ZONE, _seat
from tests.factories import make_neighbourhood, make_user

pytestmark = pytest.mark.integration


@pytest.mark.unit
@pytest.mark.parametrize("rounding, minutes, expected", [
    (HoursRounding.down, 173, 150), (HoursRounding.nearest, 173, 180),
    (HoursRounding.nearest, 164, 150), (HoursRounding.nearest, 165, 180),
    (HoursRounding.up, 151, 180), (HoursRounding.up, 150, 150), (HoursRounding.down, 0, 0),
])
def test_rounding_to_a_step(rounding: HoursRounding, minutes: int, expected: int) -> None:
    assert CreditRules(30, rounding).apply(minutes) == expected


@pytest.mark.unit
def test_the_cap_comes_after_rounding() -> None:
    assert CreditRules(15, HoursRounding.up, 120).apply(119) == 120
    assert CreditRules(15, HoursRounding.up, 120).apply(300) == 120
    assert CreditRules().apply(173) == 173


def _seat_in(db_session, town: str):  # type: ignore[no-untyped-def]
    seat = _seat(db_session)
    seat.shift.event.neighbourhood = make_neighbourhood(db_session, town=town)
    db_session.flush()
    return seat


def test_the_towns_rules_apply_to_roster_and_check_out(app, db_session) -> None:
    db_session.add(HoursRule(town="曹路镇", step_minutes=30, rounding=HoursRounding.down,
                             max_minutes_per_shift=150))
    coordinator = make_user(db_session)
    late = _seat_in(db_session, "曹路镇")
    recording.record_roster(db_session, late.shift, [Mark(late.id, AttendanceStatus.late, 7)],
                            zone=ZONE, actor_id=coordinator.id, now=START + timedelta(hours=4))
    # 180 - 7 = 173 minutes, rounded down to 150 (and the cap of 150 holds).
    assert hours.volunteer_minutes(db_session, late.volunteer_id) == 150
    whole = _seat_in(db_session, "曹路镇")
    recording.check_in(db_session, whole, zone=ZONE, now=START - timedelta(minutes=5))
    attendance = recording.check_out(db_session, whole, zone=ZONE,
                                     now=START + timedelta(hours=3))
    assert attendance.credited_minutes == 150  # three hours served, capped at 150
    elsewhere = _seat_in(db_session, "金桥镇")
    recording.record_roster(db_session, elsewhere.shift,
                            [Mark(elsewhere.id, AttendanceStatus.late, 7)], zone=ZONE,
                            actor_id=coordinator.id, now=START + timedelta(hours=4))
    assert hours.volunteer_minutes(db_session, elsewhere.volunteer_id) == 173
