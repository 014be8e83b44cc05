"""Series occurrences: real events made once per day over the horizon (the 2027 Spring
Festival Monday skipped), the regular volunteer on each; a series edit moves or calls off the
future ones with the people on them told; one occurrence edited or deleted on its own is an
exception the series keeps."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.enums import AssignmentStatus, EventStatus
from app.models import Assignment, Event, EventSeries, Notification, Shift
from app.services.scheduler import changes
from app.services.series import exceptions, generation
from tests import factories

pytestmark = pytest.mark.integration

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2027, 1, 4)  # a Monday
NOW = datetime(2027, 1, 4, 8, 0, tzinfo=SHANGHAI)
#: The Mondays of the eight weeks from TODAY, less 8 February (Spring Festival 2027).
MONDAYS = [date(2027, 1, 4), date(2027, 1, 11), date(2027, 1, 18), date(2027, 1, 25),
           date(2027, 2, 1), date(2027, 2, 15), date(2027, 2, 22)]


def _setup(session: Session, **series: object) -> EventSeries:
    neighbourhood = factories.make_neighbourhood(session, name="永业居民区")
    jiang = factories.make_volunteer(session, neighbourhood=neighbourhood, name="江洁志",
                                     email="jiang@example.cn")
    factories.make_availability(session, jiang, weekday=0, start_time=time(8, 0),
                                end_time=time(12, 0))
    series.setdefault("volunteer", jiang)
    return factories.make_series(session, neighbourhood=neighbourhood,
                                 title="永业居民区小区巡查", **series)


def _sync(session: Session, series: EventSeries, *, days: int = 0) -> generation.SyncResult:
    return generation.sync(session, [series.id], today=TODAY + timedelta(days=days),
                           zone=SHANGHAI, horizon_days=56,
                           now=NOW + timedelta(days=days))


def _occurrences(session: Session, series: EventSeries) -> list[Event]:
    session.expire_all()
    return list(session.scalars(select(Event).where(Event.series_id == series.id)
                                .order_by(Event.series_day)))


def _told(session: Session, template: str) -> int:
    return len(session.scalars(select(Notification).where(
        Notification.template == template)).all())


def test_made_once_each_with_the_regular_volunteer_and_the_holiday_skipped(
        app: Flask, db_session: Session) -> None:
    series = _setup(db_session)
    with app.app_context():
        first = _sync(db_session, series)
        second = _sync(db_session, series)
    assert (first.created, first.assigned) == (7, 7)
    assert second.as_dict() == dict.fromkeys(second.as_dict(), 0)
    events = _occurrences(db_session, series)
    assert [e.series_day for e in events] == MONDAYS
    assert events[0].start_at == datetime(2027, 1, 4, 9, 0, tzinfo=SHANGHAI)
    assert events[0].end_at - events[0].start_at == timedelta(minutes=90)
    assert all(e.status == EventStatus.published and not e.is_public for e in events)
    [seat] = events[0].shifts[0].assignments
    assert (seat.volunteer.name, seat.status, seat.pinned) == (
        "江洁志", AssignmentStatus.pending, True)
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.add(Event(neighbourhood_id=series.neighbourhood_id, kind=series.kind,
                             title="重复", start_at=events[0].start_at,
                             end_at=events[0].end_at, series_id=series.id,
                             series_day=MONDAYS[0]))


def test_a_new_time_moves_the_future_occurrences_and_tells_her(
        app: Flask, db_session: Session) -> None:
    series = _setup(db_session)
    with app.app_context():
        _sync(db_session, series)
        before = {e.series_day: (e.id, e.shifts[0].assignments[0].sequence)
                  for e in _occurrences(db_session, series)}
        series.start_time = time(10, 0)
        a_week_on = _sync(db_session, series, days=7)
    events = {e.series_day: e for e in _occurrences(db_session, series)}
    # The first Monday is past: left as it was. The six ahead moved, keeping their rows.
    assert events[MONDAYS[0]].start_at.astimezone(SHANGHAI).hour == 9
    assert (a_week_on.updated, a_week_on.created) == (6, 1)  # and 1 March joins the horizon
    for day in MONDAYS[1:]:
        event = events[day]
        assert event.id == before[day][0]
        assert event.start_at == datetime.combine(day, time(10, 0), tzinfo=SHANGHAI)
        assert event.shifts[0].start_at == event.start_at
        [seat] = event.shifts[0].assignments
        assert seat.status == AssignmentStatus.pending  # 10:00–11:30 is still in her hours
        assert seat.sequence > before[day][1]
    assert len(a_week_on.notifications) == 6
    assert _told(db_session, "scheduler/changed") == 6


def test_days_the_rule_drops_are_called_off_and_new_ones_made(
        app: Flask, db_session: Session) -> None:
    series = _setup(db_session)
    with app.app_context():
        _sync(db_session, series)
        series.weekdays_mask = 1 << 1  # Tuesdays instead
        result = _sync(db_session, series)
    assert (result.cancelled, result.deleted) == (7, 0)
    assert result.created == 8  # Tuesdays (9 February is no statutory holiday)
    assert result.assigned == 0  # she has no Tuesday hours: the scheduler's seats
    events = _occurrences(db_session, series)
    mondays = [e for e in events if e.series_day.weekday() == 0]
    assert all(e.status == EventStatus.cancelled for e in mondays)
    assert all(a.status == AssignmentStatus.cancelled
               for e in mondays for a in e.shifts[0].assignments)
    assert _told(db_session, "scheduler/event_cancelled") == 7


def test_drafts_nobody_is_on_are_deleted_when_their_day_goes(
        app: Flask, db_session: Session) -> None:
    series = _setup(db_session, publish=False, volunteer=None)
    with app.app_context():
        _sync(db_session, series)
        series.ends_on = date(2027, 1, 20)
        result = _sync(db_session, series)
    assert (result.deleted, result.cancelled) == (4, 0)
    assert [e.series_day for e in _occurrences(db_session, series)] == MONDAYS[:3]


def test_one_occurrence_on_its_own_is_kept_by_the_series(app: Flask,
                                                         db_session: Session) -> None:
    series = _setup(db_session)
    with app.app_context():
        _sync(db_session, series)
        events = _occurrences(db_session, series)
        moved, removed = events[1], events[2]
        moved.place = "永业居民区东门"
        assert exceptions.detach_if_changed(moved)
        exceptions.forget_occurrence(db_session, removed)
        db_session.delete(removed)
        db_session.flush()
        series.place = "永业居民区活动室"
        result = _sync(db_session, series)
    by_day = {e.series_day: e for e in _occurrences(db_session, series)}
    assert by_day[MONDAYS[1]].place == "永业居民区东门"
    assert MONDAYS[2] not in by_day  # not made again
    assert result.updated == 5 and result.created == 0
    assert all(by_day[d].place == "永业居民区活动室" for d in (MONDAYS[0], *MONDAYS[3:]))


def test_ending_a_series_calls_off_its_future(app: Flask, db_session: Session) -> None:
    series = _setup(db_session)
    with app.app_context():
        _sync(db_session, series)
        result = generation.end_series(db_session, series, today=TODAY + timedelta(days=7),
                                       now=NOW + timedelta(days=7))
    assert result.cancelled == 6
    statuses = [e.status for e in _occurrences(db_session, series)]
    assert statuses == [EventStatus.published] + [EventStatus.cancelled] * 6
    assert db_session.scalar(select(Assignment.status).join(Shift).join(Event).where(
        Event.series_day == MONDAYS[0])) == AssignmentStatus.pending


def test_an_occurrence_changed_by_any_path_is_kept_by_the_series(app: Flask,
                                                                 db_session: Session) -> None:
    """Not only the events admin: a reschedule (the shifts page, `flask events reschedule`),
    a shift edited on its own and a cancellation each make the occurrence an exception, so
    the next series edit does not undo them; publishing a drafted one keeps it in the series."""
    series = _setup(db_session, publish=False)
    with app.app_context():
        _sync(db_session, series)
        events = _occurrences(db_session, series)
        rescheduled, own_shift, called_off, published = events[1], events[2], events[3], events[4]
        later = rescheduled.start_at + timedelta(hours=2)
        changes.reschedule_event(db_session, rescheduled, later)
        own_shift.shifts[0].title = "巡查（东片）"
        changes.cancel_event(db_session, called_off)
        published.status = EventStatus.published
        db_session.flush()
        series.start_time = time(9, 30)
        _sync(db_session, series)
    by_day = {e.series_day: e for e in _occurrences(db_session, series)}
    assert by_day[MONDAYS[1]].start_at == later
    assert by_day[MONDAYS[2]].shifts[0].title == "巡查（东片）"
    assert by_day[MONDAYS[2]].start_at.astimezone(SHANGHAI).time() == time(9, 0)
    assert by_day[MONDAYS[3]].status == EventStatus.cancelled
    assert [e.series_detached for e in (by_day[d] for d in MONDAYS[1:5])] == [
        True, True, True, False]
    assert by_day[MONDAYS[4]].status == EventStatus.published
    assert by_day[MONDAYS[4]].start_at.astimezone(SHANGHAI).time() == time(9, 30)
