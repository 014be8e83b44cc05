"""The dashboard's figures on a small hand-built data set, for the town admin and for a
coordinator of one neighbourhood."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.enums import (
    AssignmentStatus,
    EventStatus,
    HoursKind,
    RequestStatus,
    Role,
    VisitOutcome,
)
from app.models import HoursEntry
from app.services.reports import dashboard
from tests import factories as f

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 20, 4, tzinfo=UTC)  # 12:00 in Shanghai
TODAY = date(2026, 3, 20)


@pytest.fixture
def data(db_session):
    s = db_session
    own, other = f.make_neighbourhood(s, name="佳虹"), f.make_neighbourhood(s, name="永业")
    admin = f.make_user(s, Role.admin)
    coordinator = f.make_user(s, Role.coordinator, neighbourhoods=[own])

    # Seats: shift 1 needs 3, holds 1 confirmed + 1 declined → 2 missing; shift 2 needs 1 and
    # has it; shift 3 (in 8 days) and a cancelled event's shift do not count; the other
    # neighbourhood's shift misses 4. Answers awaited: one pending on shift 2.
    vol = f.make_volunteer(s, neighbourhood=own)
    event = f.make_event(s, neighbourhood=own, start_at=NOW + timedelta(days=2))
    shift1 = f.make_shift(s, event, min_volunteers=3, max_volunteers=5)
    f.make_assignment(s, shift1, vol, status=AssignmentStatus.confirmed)
    f.make_assignment(s, shift1, f.make_volunteer(s, neighbourhood=own),
                      status=AssignmentStatus.declined)
    shift2 = f.make_shift(s, event, min_volunteers=1, max_volunteers=2)
    f.make_assignment(s, shift2, f.make_volunteer(s, neighbourhood=own),
                      status=AssignmentStatus.pending)
    later = f.make_event(s, neighbourhood=own, start_at=NOW + timedelta(days=8))
    f.make_shift(s, later, min_volunteers=2, max_volunteers=2)
    cancelled = f.make_event(s, neighbourhood=own, start_at=NOW + timedelta(days=1),
                             status=EventStatus.cancelled)
    f.make_shift(s, cancelled, min_volunteers=2, max_volunteers=2)
    foreign = f.make_event(s, neighbourhood=other, start_at=NOW + timedelta(days=3))
    f.make_shift(s, foreign, min_volunteers=4, max_volunteers=4)

    # Requests: own received overdue, own handling not yet due, own resolved (past due, not
    # open), other's overdue.
    f.make_resident_request(s, neighbourhood=own, due_at=NOW - timedelta(days=1))
    f.make_resident_request(s, neighbourhood=own, status=RequestStatus.handling,
                            due_at=NOW + timedelta(days=1))
    f.make_resident_request(s, neighbourhood=own, status=RequestStatus.resolved,
                            due_at=NOW - timedelta(days=5), resolved_at=NOW - timedelta(days=6))
    f.make_resident_request(s, neighbourhood=other, due_at=NOW - timedelta(days=2))

    # Contacts: March has 2 effective, 1 refused, 1 planned; February 1 effective (the last
    # evening of February in Shanghai, which is still February though UTC says the same);
    # 1 March 00:30 local (28 Feb 16:30 UTC) counts in March; the other neighbourhood's too.
    h = f.make_household(s, neighbourhood=own)
    g = f.make_household(s, neighbourhood=other)
    local = lambda m, d, hh=10, mm=0: datetime(2026, m, d, hh, mm, tzinfo=ZONE)  # noqa: E731
    f.make_visit(s, h, visited_at=local(3, 1, 0, 30))
    f.make_visit(s, h, visited_at=local(3, 5), outcome=VisitOutcome.phone_instead)
    f.make_visit(s, h, visited_at=local(3, 6), outcome=VisitOutcome.refused)
    f.make_visit(s, h, visited_at=local(3, 25), outcome=VisitOutcome.planned)
    f.make_visit(s, h, visited_at=local(2, 28, 23, 50))
    f.make_visit(s, g, visited_at=local(3, 7))

    # Hours: own volunteer 90 + 30 minutes in March, a -15 correction in January; other 60.
    def hours(v, minutes, day, kind=HoursKind.attendance, reason=None):
        s.add(HoursEntry(volunteer=v, kind=kind, minutes=minutes, service_on=day,
                         activity="量血压", reason=reason))
    hours(vol, 90, date(2026, 3, 2))
    hours(vol, 30, date(2026, 3, 31))
    hours(vol, -15, date(2026, 1, 10), HoursKind.correction, "多记了一刻钟")
    hours(f.make_volunteer(s, neighbourhood=other), 60, date(2026, 3, 3))
    s.flush()
    return {"admin": admin, "coordinator": coordinator}


def test_what_needs_doing_now(db_session, data) -> None:
    admin, coordinator = data["admin"], data["coordinator"]
    assert dashboard.unfilled_seats(db_session, admin, NOW) == 2 + 4
    assert dashboard.unfilled_seats(db_session, coordinator, NOW) == 2
    assert dashboard.overdue_requests(db_session, admin, NOW) == 2
    assert dashboard.overdue_requests(db_session, coordinator, NOW) == 1
    assert dashboard.answers_awaited(db_session, coordinator, NOW) == 1


def test_contacts_per_month_in_local_months(db_session, data) -> None:
    series = dashboard.contacts_by_month(db_session, data["coordinator"], TODAY, ZONE,
                                         months=3)
    assert series.categories == ["2026-01", "2026-02", "2026-03"]
    assert series.series == {"done": [0, 1, 2], "not_effective": [0, 0, 1],
                             "planned": [0, 0, 1]}
    everyone = dashboard.contacts_by_month(db_session, data["admin"], TODAY, ZONE, months=3)
    assert everyone.series["done"] == [0, 1, 3]


def test_requests_by_state_and_hours_by_month(db_session, data) -> None:
    states = dashboard.requests_by_state(db_session, data["coordinator"])
    counts = dict(zip(list(RequestStatus), states.series["requests"], strict=True))
    assert (counts[RequestStatus.received], counts[RequestStatus.handling],
            counts[RequestStatus.resolved], counts[RequestStatus.council]) == (1, 1, 1, 0)
    hours = dashboard.hours_by_month(db_session, data["coordinator"], TODAY, months=3)
    assert hours.series["hours"] == [-0.2, 0.0, 2.0]
    town = dashboard.hours_by_month(db_session, data["admin"], TODAY, months=3)
    assert town.series["hours"] == [-0.2, 0.0, 3.0]


def test_month_starts_cross_a_year() -> None:
    assert dashboard.month_starts(date(2026, 2, 14), 3) == [
        date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]


def test_requests_received_and_resolved_per_month(db_session, data) -> None:
    own = data["coordinator"].neighbourhoods[0]
    local = datetime(2026, 2, 28, 23, 30, tzinfo=ZONE)  # February in Shanghai
    f.make_resident_request(db_session, neighbourhood=own, received_at=local)
    f.make_resident_request(db_session, neighbourhood=own, received_at=local,
                            status=RequestStatus.resolved,
                            resolved_at=datetime(2026, 3, 2, tzinfo=ZONE))
    db_session.flush()
    monthly = dashboard.requests_by_month(db_session, data["coordinator"], TODAY, ZONE,
                                          months=3)
    # February: the two received; March: the fixture's request resolved on the 14th and the
    # one received in February resolved on the 2nd.
    assert monthly.series == {"received": [0, 2, 0], "resolved": [0, 0, 2]}


def test_buildings_by_days_since_the_last_contact(db_session, data) -> None:
    coordinator = data["coordinator"]
    own = coordinator.neighbourhoods[0]
    seen = f.make_building(db_session, neighbourhood=own, number="1")
    never = f.make_building(db_session, neighbourhood=own, number="2")
    f.make_building(db_session, number="9")  # another neighbourhood's
    household = f.make_household(db_session, neighbourhood=own, building=seen)
    f.make_visit(db_session, household, visited_at=datetime(2026, 3, 10, 23, tzinfo=ZONE))
    f.make_visit(db_session, household, visited_at=datetime(2026, 3, 15, tzinfo=ZONE),
                 outcome=VisitOutcome.missed)  # not effective: does not count
    f.make_household(db_session, neighbourhood=own, building=never)
    db_session.flush()
    rows = dashboard.buildings_since_contact(db_session, coordinator, TODAY, ZONE)
    assert [(r.building_id, r.days) for r in rows] == [(seen.id, 10), (never.id, None)]
    everyone = dashboard.buildings_since_contact(db_session, data["admin"], TODAY, ZONE)
    assert len(everyone) == 3


def _statements_of(db_session, call) -> tuple[int, object]:
    statements: list[str] = []

    def listener(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db_session.get_bind().engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        result = call()
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return len(statements), result


def test_buildings_grid_reads_the_coordinators_neighbourhood_only(db_session, data) -> None:
    """The coordinator's grid: her buildings' latest contacts, not those of the other
    neighbourhood's buildings (a later contact there changes nothing), in one statement
    however many buildings and contacts there are."""
    coordinator, admin = data["coordinator"], data["admin"]
    own = coordinator.neighbourhoods[0]
    mine = f.make_building(db_session, neighbourhood=own, number="1")
    theirs = f.make_building(db_session, number="9")
    household = f.make_household(db_session, neighbourhood=own, building=mine)
    f.make_visit(db_session, household, visited_at=datetime(2026, 3, 17, 10, tzinfo=ZONE))
    other = f.make_household(db_session, neighbourhood=theirs.neighbourhood, building=theirs)
    f.make_visit(db_session, other, visited_at=datetime(2026, 3, 19, 10, tzinfo=ZONE))
    db_session.flush()

    def grid(user):
        return _statements_of(db_session, lambda: dashboard.buildings_since_contact(
            db_session, user, TODAY, ZONE))

    count, rows = grid(coordinator)
    assert count == 1
    assert [(r.building_id, r.days) for r in rows] == [(mine.id, 3)]
    count, rows = grid(admin)
    assert count == 1
    assert {(r.building_id, r.days) for r in rows} == {(mine.id, 3), (theirs.id, 1)}
    for number in range(10, 13):
        building = f.make_building(db_session, neighbourhood=own, number=str(number))
        more = f.make_household(db_session, neighbourhood=own, building=building)
        f.make_visit(db_session, more, visited_at=datetime(2026, 3, number, 10, tzinfo=ZONE))
    db_session.flush()
    count, rows = grid(coordinator)
    assert count == 1
    assert [r.days for r in rows] == [3, 10, 9, 8]
