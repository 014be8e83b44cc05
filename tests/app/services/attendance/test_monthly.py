"""The ledger's monthly totals: kept by every write, and a period's figures read through them
equal the ledger's own sums exactly, whole months or not."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.enums import AttendanceStatus, HoursKind
from app.models import HoursEntry, HoursMonth
from app.services.attendance import hours, monthly, recording
from app.services.attendance.monthly import Cut, cut
from app.services.attendance.recording import Mark
from app.services.reports import activity
from app.services.reports.five_comparisons import Period
from tests.factories import (
    make_assignment,
    make_event,
    make_neighbourhood,
    make_shift,
    make_team,
    make_user,
    make_volunteer,
)
from tests.helpers import in_english

ZONE = ZoneInfo("Asia/Shanghai")


def test_a_period_is_cut_into_whole_months_and_part_months() -> None:
    d = date
    assert cut(None, None) == Cut(True, None, None, ())
    assert cut(d(2026, 1, 1), d(2026, 12, 31)) == Cut(True, d(2026, 1, 1), d(2026, 12, 1), ())
    # a year from mid-month: both ends' part-months from the ledger
    assert cut(d(2025, 12, 2), d(2026, 12, 1)) == Cut(
        True, d(2026, 1, 1), d(2026, 11, 1),
        ((d(2025, 12, 2), d(2025, 12, 31)), (d(2026, 12, 1), d(2026, 12, 1))))
    assert cut(None, d(2026, 3, 15)) == Cut(True, None, d(2026, 2, 1),
                                            ((d(2026, 3, 1), d(2026, 3, 15)),))
    assert cut(d(2026, 2, 10), None) == Cut(True, d(2026, 3, 1), None,
                                            ((d(2026, 2, 10), d(2026, 2, 28)),))
    # the last day of February, leap year or not
    assert cut(d(2024, 2, 1), d(2024, 2, 29)) == Cut(True, d(2024, 2, 1), d(2024, 2, 1), ())
    assert cut(d(2026, 2, 1), d(2026, 2, 28)) == Cut(True, d(2026, 2, 1), d(2026, 2, 1), ())
    # no whole month: one part-month, or two that meet
    assert cut(d(2026, 5, 3), d(2026, 5, 30)) == Cut(False, None, None,
                                                     ((d(2026, 5, 3), d(2026, 5, 30)),))
    assert cut(d(2026, 5, 3), d(2026, 6, 2)) == Cut(
        False, None, None, ((d(2026, 5, 3), d(2026, 5, 31)), (d(2026, 6, 1), d(2026, 6, 2))))
    assert cut(d(2026, 5, 1), d(2026, 5, 1)) == Cut(False, None, None,
                                                    ((d(2026, 5, 1), d(2026, 5, 1)),))
    assert cut(d(2026, 5, 2), d(2026, 5, 1)) == Cut(False, None, None, ())
    # every day of a stretch is in exactly one piece
    for start in [d(2025, 12, 30) + timedelta(days=i) for i in range(70)]:
        for end in [start + timedelta(days=n) for n in (0, 1, 27, 31, 45, 400)]:
            pieces = cut(start, end)
            covered = [day for first, last in pieces.days
                       for day in (first + timedelta(days=i)
                                   for i in range((last - first).days + 1))]
            if pieces.whole:
                month = pieces.first_month
                while month <= pieces.last_month:
                    covered += [month + timedelta(days=i)
                                for i in range((monthly.next_month(month) - month).days)]
                    month = monthly.next_month(month)
            assert sorted(covered) == [start + timedelta(days=i)
                                       for i in range((end - start).days + 1)], (start, end)


def _attend(session, volunteers, start, *, coordinator, hours_long=3):
    """A shift starting at `start` (UTC) with the volunteers on it, recorded as present."""
    event = make_event(session, neighbourhood=volunteers[0].neighbourhood, start_at=start,
                       end_at=start + timedelta(hours=hours_long), title="便民服务日")
    shift = make_shift(session, event, title="量血压")
    seats = [make_assignment(session, shift, v, status="confirmed") for v in volunteers]
    recording.record_roster(session, shift, [Mark(s.id, AttendanceStatus.present)
                                             for s in seats],
                            zone=ZONE, actor_id=coordinator.id,
                            now=start + timedelta(hours=hours_long + 1))
    return shift, seats


@pytest.fixture
def ledger(app, db_session):
    """Shifts, a changed attendance and corrections around three month ends, for volunteers
    in two neighbourhoods and teams (one in both teams, one in none)."""
    here, there = make_neighbourhood(db_session), make_neighbourhood(db_session)
    ann, bo, cai = (make_volunteer(db_session, neighbourhood=here) for _ in range(3))
    dan = make_volunteer(db_session, neighbourhood=there)
    both = make_team(db_session, neighbourhood=here, members=[ann, bo])
    one = make_team(db_session, neighbourhood=here, members=[bo])
    coordinator = make_user(db_session)
    # 09:00 in Shanghai, or 07:30 (the day before in UTC): the service day is Shanghai's.
    days = [datetime(2026, 9, 30, 1, tzinfo=UTC), datetime(2026, 9, 30, 23, 30, tzinfo=UTC),
            datetime(2026, 10, 15, 1, tzinfo=UTC), datetime(2026, 10, 31, 1, tzinfo=UTC),
            datetime(2026, 11, 1, 1, tzinfo=UTC), datetime(2026, 11, 30, 1, tzinfo=UTC)]
    with in_english(app):
        for i, start in enumerate(days):
            _, seats = _attend(db_session, [ann, bo, dan] if i % 2 else [ann, cai],
                               start, coordinator=coordinator, hours_long=2 + i % 2)
        # the last shift's first seat recorded again: an hour late (a "change" entry)
        recording.record_roster(db_session, seats[0].shift, [
            Mark(seats[0].id, AttendanceStatus.late, late_minutes=60)], zone=ZONE,
            actor_id=coordinator.id, reason="签到表", now=days[-1] + timedelta(hours=5))
        for who, minutes, day in [(ann, 90, date(2026, 10, 1)), (bo, -30, date(2026, 10, 31)),
                                  (cai, 45, date(2026, 12, 1)), (dan, 120, date(2026, 9, 1))]:
            hours.add_correction(db_session, hours.Correction(who.id, minutes, day, "补录"),
                                 actor_id=coordinator.id, today=date(2026, 12, 2))
    db_session.expire_all()
    return {"here": here, "there": there, "people": [ann, bo, cai, dan],
            "teams": {both.name: [ann, bo], one.name: [bo]}}


def _entries(session):
    return session.execute(sa.select(HoursEntry.volunteer_id, HoursEntry.service_on,
                                     HoursEntry.kind, HoursEntry.minutes)).all()


def _months_from_the_ledger(session):
    found: dict = defaultdict(lambda: [0, 0, 0])
    for vid, day, kind, minutes in _entries(session):
        month = found[(vid, day.replace(day=1))]
        month[0] += minutes
        month[1] += kind == HoursKind.attendance
        month[2] += minutes if kind == HoursKind.correction else 0
    return {key: tuple(value) for key, value in found.items()}


def _kept_months(session):
    return {(m.volunteer_id, m.month): (m.minutes, m.shifts, m.corrected_minutes)
            for m in session.scalars(sa.select(HoursMonth))}


def test_every_write_adds_to_its_month(ledger, db_session) -> None:
    kept = _kept_months(db_session)
    assert kept == _months_from_the_ledger(db_session)
    kinds = {kind for _, _, kind, _ in _entries(db_session)}
    assert kinds == set(HoursKind)  # attendance, a change and corrections all went in
    ann = ledger["people"][0]
    # Shanghai's 30 September 07:30 was still 29 September 23:30 in UTC: it is October's.
    assert {month for vid, month in kept if vid == ann.id} == {
        date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)}
    # An entry added by any path of the ORM counts, and a rolled-back one does not.
    with db_session.begin_nested():
        db_session.add(HoursEntry(volunteer_id=ann.id, kind=HoursKind.correction, minutes=-15,
                                  service_on=date(2026, 11, 5), activity="x", reason="y"))
    with pytest.raises(RuntimeError), db_session.begin_nested():
        db_session.add(HoursEntry(volunteer_id=ann.id, kind=HoursKind.attendance, minutes=600,
                                  service_on=date(2026, 11, 6), activity="x"))
        db_session.flush()
        raise RuntimeError("rolled back")
    db_session.expire_all()
    assert _kept_months(db_session) == _months_from_the_ledger(db_session)
    assert _kept_months(db_session)[(ann.id, date(2026, 11, 1))] == (
        kept[(ann.id, date(2026, 11, 1))][0] - 15, kept[(ann.id, date(2026, 11, 1))][1],
        kept[(ann.id, date(2026, 11, 1))][2] - 15)


PERIODS = [
    (None, None), (date(2026, 9, 1), date(2026, 11, 30)), (date(2026, 10, 1), None),
    (None, date(2026, 10, 31)), (date(2026, 9, 30), date(2026, 11, 1)),
    (date(2026, 10, 2), date(2026, 10, 31)), (date(2026, 10, 31), date(2026, 11, 1)),
    (date(2026, 10, 15), date(2026, 10, 15)), (date(2026, 9, 15), date(2026, 12, 1)),
    (date(2025, 12, 2), date(2026, 12, 1)), (date(2026, 11, 2), date(2026, 11, 29)),
    (date(2026, 11, 1), date(2026, 10, 1)), (date(2027, 1, 1), date(2027, 3, 31)),
]


@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_the_report_equals_the_ledgers_sum(ledger, db_session, start, end) -> None:
    def within(day):
        return (start is None or day >= start) and (end is None or day <= end)

    for scope in [None, frozenset({ledger["here"].id})]:
        expected: dict = {}
        for vid, day, kind, minutes in _entries(db_session):
            volunteer = next(p for p in ledger["people"] if p.id == vid)
            if within(day) and (scope is None or volunteer.neighbourhood_id in scope):
                line = expected.setdefault(vid, [0, 0, 0])
                line[0] += minutes
                line[1] += kind == HoursKind.attendance
                line[2] += minutes if kind == HoursKind.correction else 0
        rows = hours.report(db_session, neighbourhood_ids=scope, start=start, end=end)
        assert {r.volunteer_id: [r.minutes, r.shifts, r.corrected_minutes] for r in rows} == (
            expected)
        assert [r.minutes for r in rows] == sorted((r.minutes for r in rows), reverse=True)


@pytest.mark.parametrize(("start", "end"), [p for p in PERIODS if None not in p
                                            and p[0] <= p[1]])
def test_hours_by_team_equals_the_ledgers_sum(app, ledger, db_session, start, end) -> None:
    _ann, _bo, cai, dan = ledger["people"]
    with in_english(app):
        table = activity.hours_by_team(db_session, Period.of_days(start, end, ZONE))
    per_month: dict = defaultdict(lambda: defaultdict(int))
    for vid, day, _kind, minutes in _entries(db_session):
        if start <= day <= end:
            per_month[vid][f"{day:%Y-%m}"] += minutes
    everyone = {}
    for key, _label in table.columns[:-1]:
        everyone[key] = round(sum(per_month[v][key] for v in per_month) / 60, 1)
    assert table.rows[-1].key == "all"
    # floats on both engines (PostgreSQL's sum of a bigint would be a Decimal)
    assert {type(row.values[key]) for row in table.rows for key in everyone} == {float}
    assert {k: v for k, v in table.rows[-1].values.items() if k != "total"} == everyone
    # A team's row when its members have entries in the period; bo counts in both teams, cai
    # and dan in none.
    in_period = {vid for vid, day, _kind, _minutes in _entries(db_session) if start <= day <= end}
    teams = {name: members for name, members in ledger["teams"].items()
             if in_period & {m.id for m in members}}
    if in_period & {cai.id, dan.id}:
        teams["No team"] = [cai, dan]
    assert {row.label: {k: v for k, v in row.values.items() if k != "total"}
            for row in table.rows[:-1]} == {
        name: {key: round(sum(per_month[m.id][key] for m in members) / 60, 1)
               for key in everyone} for name, members in teams.items()}
