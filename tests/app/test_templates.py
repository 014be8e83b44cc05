from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.enums import AssignmentStatus, EventKind, EventStatus
from app.services import signup
from app.services.templates import TemplateError, stamp_event
from tests import factories as f

pytestmark = pytest.mark.integration
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_lei_feng_template_stamps_stations_and_haircut_slots(db_session) -> None:
    haircut = f.make_skill(db_session, code="haircut_t")
    template = f.make_template(
        db_session,
        items=[
            {"title": "量血压", "duration_minutes": 180, "min_volunteers": 1, "max_volunteers": 2},
            {"title": "理发", "skill": haircut, "duration_minutes": 180, "max_volunteers": 3,
             "slot_minutes": 20, "slot_capacity": 3},
            {"title": "磨刀", "start_offset_minutes": 60, "duration_minutes": 50},
        ],
    )
    neighbourhood = f.make_neighbourhood(db_session)
    event = stamp_event(db_session, template, day=date(2027, 3, 5),
                        neighbourhood=neighbourhood, zone=SHANGHAI)

    assert event.status == EventStatus.draft
    assert event.kind == EventKind.service_day
    assert [s.title for s in event.shifts] == ["量血压", "理发", "磨刀"]
    assert event.start_at == datetime(2027, 3, 5, 9, 0, tzinfo=SHANGHAI)
    assert event.end_at == datetime(2027, 3, 5, 12, 0, tzinfo=SHANGHAI)
    knives = event.shifts[2]
    assert knives.start_at == datetime(2027, 3, 5, 10, 0, tzinfo=SHANGHAI)
    assert knives.end_at == datetime(2027, 3, 5, 10, 50, tzinfo=SHANGHAI)
    assert event.shifts[1].skill_id == haircut.id
    assert len(event.slots) == 9  # 180 minutes in 20-minute haircut slots
    assert {slot.capacity for slot in event.slots} == {3}


def test_four_session_course_spreads_over_days(db_session) -> None:
    template = f.make_template(
        db_session, kind=EventKind.training, start_time=datetime(2027, 1, 1, 14).time(),
        capacity=50,
        items=[{"title": t, "day_offset": 7 * i, "duration_minutes": 90, "slot_minutes": 90,
                "slot_capacity": 50} for i, t in enumerate(["美容", "营养", "礼仪", "插花"])],
    )
    event = stamp_event(db_session, template, day=date(2027, 4, 3),
                        neighbourhood=f.make_neighbourhood(db_session), zone=SHANGHAI)
    assert [s.start_at.astimezone(SHANGHAI).date() for s in event.shifts] == [
        date(2027, 4, 3), date(2027, 4, 10), date(2027, 4, 17), date(2027, 4, 24)]
    assert len(event.slots) == 4 and event.capacity == 50


def test_template_without_items_is_refused(db_session) -> None:
    template = f.make_template(db_session, items=[])
    template.items.clear()
    with pytest.raises(TemplateError):
        stamp_event(db_session, template, day=date(2027, 3, 5),
                    neighbourhood=f.make_neighbourhood(db_session), zone=SHANGHAI)


def test_places_that_follow_the_barbers_are_stamped_too(db_session) -> None:
    """A haircut station of 2 haircuts per barber per slot: the stamped slots have no place
    until barbers confirm, then 2 per confirmed barber."""
    template = f.make_template(db_session, items=[
        {"title": "理发", "duration_minutes": 60, "max_volunteers": 3, "slot_minutes": 20,
         "slot_capacity": 3, "places_per_volunteer": 2}])
    event = stamp_event(db_session, template, day=date(2027, 3, 5),
                        neighbourhood=f.make_neighbourhood(db_session), zone=SHANGHAI)
    db_session.flush()
    [shift] = event.shifts
    assert shift.places_per_volunteer == 2
    assert [slot.capacity for slot in event.slots] == [0, 0, 0]
    for _ in range(2):
        f.make_assignment(db_session, shift, f.make_volunteer(db_session),
                          status=AssignmentStatus.confirmed)
    signup.follow_staffing(db_session, event.id)
    assert [slot.capacity for slot in event.slots] == [4, 4, 4]


def _course_template(session, **kw):  # type: ignore[no-untyped-def]
    return f.make_template(
        session, kind=EventKind.training, capacity=200, **kw,
        items=[{"title": t, "day_offset": 7 * i, "duration_minutes": 90, "slot_minutes": 90,
                "slot_capacity": 0} for i, t in enumerate(["美容", "营养", "礼仪", "插花"])])


def test_a_course_template_makes_a_course(db_session) -> None:
    template = _course_template(db_session, completion_sessions=3)
    event = stamp_event(db_session, template, day=date(2027, 4, 3),
                        neighbourhood=f.make_neighbourhood(db_session), zone=SHANGHAI)
    assert event.is_course and event.completion_sessions == 3
    assert event.capacity == 200 and len(event.slots) == 4


def test_a_course_template_with_too_few_sessions_is_refused(db_session) -> None:
    template = _course_template(db_session, completion_sessions=5)
    with pytest.raises(TemplateError) as refused:
        stamp_event(db_session, template, day=date(2027, 4, 3),
                    neighbourhood=f.make_neighbourhood(db_session), zone=SHANGHAI)
    assert "5" in str(refused.value) and "4" in str(refused.value)


def test_the_database_refuses_a_course_template_without_places(db_session) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), db_session.begin_nested():
        f.make_template(db_session, kind=EventKind.training, completion_sessions=3)
