"""A series' regular volunteer changes: her future series seats (source "series") are
cancelled with her told of each and her feed marking them CANCELLED, the new one takes them
and is asked once to confirm; a coordinator's seat of hers and the past stay as they were."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import AssignmentSource, AssignmentStatus
from app.models import Assignment, Event, EventSeries, Notification, Shift, Volunteer, utcnow
from app.services.series import generation
from tests import factories

pytestmark = pytest.mark.integration

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2027, 1, 4)  # a Monday
NOW = datetime(2027, 1, 4, 8, 0, tzinfo=SHANGHAI)
#: The Mondays of the eight weeks from TODAY, less 8 February (Spring Festival 2027).
MONDAYS = [date(2027, 1, 4), date(2027, 1, 11), date(2027, 1, 18), date(2027, 1, 25),
           date(2027, 2, 1), date(2027, 2, 15), date(2027, 2, 22)]


def _free_on_mondays(session: Session, neighbourhood: object, name: str) -> Volunteer:
    volunteer = factories.make_volunteer(session, neighbourhood=neighbourhood, name=name,
                                         email=f"{name}@example.cn")
    factories.make_availability(session, volunteer, weekday=0, start_time=time(8, 0),
                                end_time=time(12, 0))
    return volunteer


def _sync(session: Session, series: EventSeries, *, days: int = 0) -> generation.SyncResult:
    return generation.sync(session, [series.id], today=TODAY + timedelta(days=days),
                           zone=SHANGHAI, horizon_days=56, now=NOW + timedelta(days=days))


def _seats(session: Session, series: EventSeries) -> dict[tuple[date, str], Assignment]:
    session.expire_all()
    rows = session.scalars(select(Assignment).join(Shift).join(Event)
                           .where(Event.series_id == series.id))
    return {(a.shift.event.series_day, a.volunteer.name): a for a in rows}


def _told(session: Session, volunteer: Volunteer, template: str) -> int:
    return len(session.scalars(select(Notification).where(
        Notification.template == template,
        Notification.volunteer_id == volunteer.id)).all())


def test_a_new_regular_volunteer_takes_the_future_series_seats(
        app: Flask, db_session: Session) -> None:
    hood = factories.make_neighbourhood(db_session, name="永业居民区")
    jiang = _free_on_mondays(db_session, hood, "江洁志")
    wang = _free_on_mondays(db_session, hood, "王丽")
    series = factories.make_series(db_session, neighbourhood=hood, volunteer=jiang)
    with app.app_context():
        _sync(db_session, series)
        seats = _seats(db_session, series)
        assert {a.source for a in seats.values()} == {AssignmentSource.series}
        # 25 January: the coordinator made the seat hers (confirmed by hand).
        kept = seats[(MONDAYS[3], "江洁志")]
        kept.source, kept.status = AssignmentSource.manual, AssignmentStatus.confirmed
        db_session.flush()

        series.volunteer = wang
        result = _sync(db_session, series, days=7)  # 4 January is past now
        again = _sync(db_session, series, days=7)

    future = [MONDAYS[1], MONDAYS[2], MONDAYS[4], MONDAYS[5], MONDAYS[6]]
    assert (result.released, result.handed_over, result.created, result.assigned) == (5, 5, 1, 1)
    assert again.as_dict() == dict.fromkeys(again.as_dict(), 0)
    seats = _seats(db_session, series)
    assert seats[(MONDAYS[0], "江洁志")].status == AssignmentStatus.pending  # the past
    assert seats[(MONDAYS[3], "江洁志")].status == AssignmentStatus.confirmed  # the coordinator's
    assert (MONDAYS[3], "王丽") not in seats
    for day in future:
        assert seats[(day, "江洁志")].status == AssignmentStatus.cancelled
        new = seats[(day, "王丽")]
        assert (new.status, new.source, new.pinned) == (
            AssignmentStatus.pending, AssignmentSource.series, True)
    assert seats[(date(2027, 3, 1), "王丽")].source == AssignmentSource.series
    assert _told(db_session, jiang, "scheduler/cancelled") == 5
    assert _told(db_session, wang, "scheduler/publish") == 1
    assert len(result.notifications) == 6


def test_back_to_the_first_volunteer_gives_her_seats_back_and_clearing_frees_them(
        app: Flask, db_session: Session) -> None:
    hood = factories.make_neighbourhood(db_session)
    jiang = _free_on_mondays(db_session, hood, "江洁志")
    wang = _free_on_mondays(db_session, hood, "王丽")
    series = factories.make_series(db_session, neighbourhood=hood, volunteer=jiang)
    with app.app_context():
        _sync(db_session, series)
        series.volunteer = wang
        _sync(db_session, series)
        series.volunteer = jiang
        back = _sync(db_session, series)
        series.volunteer = None
        cleared = _sync(db_session, series)
    assert (back.released, back.handed_over) == (7, 7)  # her cancelled rows taken up again
    assert (cleared.released, cleared.handed_over) == (7, 0)
    assert all(a.status == AssignmentStatus.cancelled
               for a in _seats(db_session, series).values())


def test_the_former_volunteers_feed_cancels_the_seats_and_the_new_ones_has_them(
        app: Flask, client: FlaskClient, db_session: Session) -> None:
    today = utcnow().astimezone(SHANGHAI).date()
    day = today + timedelta(days=2)
    hood = factories.make_neighbourhood(db_session)
    people = []
    for name in ("江洁志", "王丽"):
        volunteer = factories.make_volunteer(db_session, neighbourhood=hood, name=name)
        factories.make_availability(db_session, volunteer, weekday=day.weekday(),
                                    start_time=time(7, 0), end_time=time(13, 0))
        people.append(volunteer)
    jiang, wang = people
    series = factories.make_series(db_session, neighbourhood=hood, volunteer=jiang,
                                   starts_on=day, weekdays_mask=1 << day.weekday(),
                                   occurrences=2)
    with app.app_context():
        generation.sync(db_session, [series.id], today=today, zone=SHANGHAI, horizon_days=14)
        before = icalendar.Calendar.from_ical(
            client.get(f"/feeds/v/{jiang.feed_token}.ics").data).walk("VEVENT")
        series.volunteer = wang
        generation.sync(db_session, [series.id], today=today, zone=SHANGHAI, horizon_days=14)
    hers = icalendar.Calendar.from_ical(
        client.get(f"/feeds/v/{jiang.feed_token}.ics").data).walk("VEVENT")
    his = icalendar.Calendar.from_ical(
        client.get(f"/feeds/v/{wang.feed_token}.ics").data).walk("VEVENT")
    assert len(before) == 2 and all(str(e.get("STATUS")) != "CANCELLED" for e in before)
    assert {str(e["UID"]) for e in hers} == {str(e["UID"]) for e in before}
    assert [str(e.get("STATUS")) for e in hers] == ["CANCELLED", "CANCELLED"]
    assert len(his) == 2 and all(str(e.get("STATUS")) != "CANCELLED" for e in his)


def test_back_to_her_a_seat_cancelled_by_a_coordinator_or_declined_stays_so(
        app: Flask, db_session: Session) -> None:
    from app.services.scheduler import publish
    from app.services.scheduler import seats as seat_service

    hood = factories.make_neighbourhood(db_session)
    jiang = _free_on_mondays(db_session, hood, "江洁志")
    wang = _free_on_mondays(db_session, hood, "王丽")
    series = factories.make_series(db_session, neighbourhood=hood, volunteer=jiang)
    with app.app_context():
        _sync(db_session, series)
        mine = _seats(db_session, series)
        # The coordinator calls her off 18 January; she says no to 1 February herself.
        publish.cancel_assignment(db_session, mine[(MONDAYS[2], "江洁志")])
        assert seat_service.respond(db_session, mine[(MONDAYS[4], "江洁志")].id,
                                    "decline") == "declined"
        series.volunteer = wang
        _sync(db_session, series)
        # Back to her, and the place changed too: every occurrence is looked at again.
        series.volunteer, series.place = jiang, "永业小区东门"
        back = _sync(db_session, series)
    # 王丽 had only the five seats the handover freed; those come back to 江洁志.
    assert (back.released, back.handed_over, back.updated) == (5, 5, 7)
    seats = _seats(db_session, series)
    assert seats[(MONDAYS[2], "江洁志")].status == AssignmentStatus.cancelled
    assert seats[(MONDAYS[4], "江洁志")].status == AssignmentStatus.declined
    for day in (MONDAYS[0], MONDAYS[1], MONDAYS[3], MONDAYS[5], MONDAYS[6]):
        again = seats[(day, "江洁志")]
        assert (again.status, again.released_by_handover) == (AssignmentStatus.pending, False)
    assert {day for day, name in seats if name == "王丽"} == {
        MONDAYS[0], MONDAYS[1], MONDAYS[3], MONDAYS[5], MONDAYS[6]}
    assert all(a.status == AssignmentStatus.cancelled
               for (_day, name), a in seats.items() if name == "王丽")


def test_an_occurrence_edited_on_its_own_keeps_its_volunteer_when_the_regular_one_changes(
        app: Flask, db_session: Session) -> None:
    """An exception is the coordinator's: what she set on that day (its place, its people)
    is not the series' to change, so the former regular volunteer keeps that seat and the
    new one is not put on it; the other days are handed over."""
    from app.services.series import exceptions

    hood = factories.make_neighbourhood(db_session)
    jiang = _free_on_mondays(db_session, hood, "江洁志")
    wang = _free_on_mondays(db_session, hood, "王丽")
    series = factories.make_series(db_session, neighbourhood=hood, volunteer=jiang)
    with app.app_context():
        _sync(db_session, series)
        own = db_session.scalars(select(Event).where(
            Event.series_id == series.id, Event.series_day == MONDAYS[2])).one()
        own.place = "永业小区东门"
        assert exceptions.detach_if_changed(own)
        db_session.flush()
        series.volunteer = wang
        result = _sync(db_session, series)
    assert (result.released, result.handed_over) == (6, 6)
    seats = _seats(db_session, series)
    assert seats[(MONDAYS[2], "江洁志")].status == AssignmentStatus.pending
    assert (MONDAYS[2], "王丽") not in seats
    assert all(seats[(day, "王丽")].status == AssignmentStatus.pending
               for day in MONDAYS if day != MONDAYS[2])
