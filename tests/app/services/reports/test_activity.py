"""The period reports (hours, coverage, visits, requests) on hand-built data whose answers are
worked out in the comments."""

from __future__ import annotations

from datetime import date

import pytest

from app.enums import AssignmentStatus, EventStatus, HoursKind
from app.models import HoursEntry
from app.services.reports import activity
from app.services.reports.five_comparisons import Period
from tests.app.services.reports.town import MARCH, ZONE, at, build_town
from tests.factories import (
    make_assignment,
    make_event,
    make_neighbourhood,
    make_service_group,
    make_shift,
    make_skill,
    make_team,
    make_volunteer,
)

SPRING = Period.of_days(date(2026, 3, 1), date(2026, 4, 30), ZONE)


def _rows(table):
    return {row.key: row.values for row in table.rows}


@pytest.fixture
def volunteers(db_session):
    """n1: v1 in T1, v2 in T1 and T2; n2: v3 in no team."""
    s = db_session
    n1, n2 = make_neighbourhood(s, name="佳虹"), make_neighbourhood(s, name="永业")
    t1 = make_team(s, name="T1", neighbourhood_id=n1.id)
    t2 = make_team(s, name="T2", neighbourhood_id=n1.id)
    v1 = make_volunteer(s, neighbourhood=n1, teams=[t1])
    v2 = make_volunteer(s, neighbourhood=n1, teams=[t1, t2])
    v3 = make_volunteer(s, neighbourhood=n2)
    return {"n1": n1, "n2": n2, "v1": v1, "v2": v2, "v3": v3}


def _hours(s, volunteer, day, minutes, kind=HoursKind.attendance):
    reason = "多记了半小时" if kind == HoursKind.correction else None
    s.add(HoursEntry(volunteer_id=volunteer.id, kind=kind, minutes=minutes, service_on=day,
                     activity="量血压", reason=reason))


def test_hours_by_team_and_month(db_session, volunteers) -> None:
    s, v = db_session, volunteers
    _hours(s, v["v1"], date(2026, 3, 5), 120)
    _hours(s, v["v1"], date(2026, 4, 2), 90)
    _hours(s, v["v2"], date(2026, 3, 10), 60)
    _hours(s, v["v2"], date(2026, 3, 11), -30, HoursKind.correction)
    _hours(s, v["v3"], date(2026, 4, 30), 180)
    _hours(s, v["v1"], date(2026, 2, 28), 600)  # before the period
    _hours(s, v["v3"], date(2026, 5, 1), 600)  # after it
    s.flush()
    table = activity.hours_by_team(s, SPRING)
    t1, t2 = (team.id for team in v["v2"].teams)
    rows = _rows(table)
    # T1: March v1 120 + v2 (60 − 30) = 150 min; April v1 90.  T2: v2's 30 in March.
    assert rows[t1] == {"2026-03": 2.5, "2026-04": 1.5, "total": 4.0}
    assert rows[t2] == {"2026-03": 0.5, "2026-04": 0.0, "total": 0.5}
    assert rows[None] == {"2026-03": 0.0, "2026-04": 3.0, "total": 3.0}  # v3, no team
    # Each hour once: v2's half hour in both teams counts once.
    assert rows["all"] == {"2026-03": 2.5, "2026-04": 4.5, "total": 7.0}
    assert [r.label for r in table.rows][:2] == ["T1", "T2"]
    scoped = _rows(activity.hours_by_team(s, SPRING, frozenset({v["n1"].id})))
    assert set(scoped) == {t1, t2, "all"}
    assert scoped["all"]["total"] == 4.0


def test_coverage_by_event_and_skill(db_session, volunteers) -> None:
    s, v = db_session, volunteers
    aid = make_skill(s, name_zh="急救", name_en="First aid")
    fair = make_event(s, neighbourhood=v["n1"], title="便民服务", start_at=at(3, 15),
                      end_at=at(3, 15, 12))
    first = make_shift(s, fair, skill_id=aid.id, min_volunteers=2, max_volunteers=3)
    second = make_shift(s, fair, skill_id=aid.id, min_volunteers=2, max_volunteers=2)
    make_shift(s, fair, min_volunteers=1)
    # first: three hold a seat, but only its two needed seats count; second: one of two.
    for volunteer, status in ((v["v1"], AssignmentStatus.confirmed),
                              (v["v2"], AssignmentStatus.confirmed),
                              (v["v3"], AssignmentStatus.pending)):
        make_assignment(s, first, volunteer, status=status)
    make_assignment(s, second, v["v1"], status=AssignmentStatus.attended)
    make_assignment(s, second, v["v2"], status=AssignmentStatus.declined)
    other = make_event(s, neighbourhood=v["n2"], title="义诊", start_at=at(4, 1),
                       end_at=at(4, 1, 12))
    make_assignment(s, make_shift(s, other, min_volunteers=3, max_volunteers=3), v["v3"],
                    status=AssignmentStatus.attended)
    cancelled = make_event(s, neighbourhood=v["n1"], title="取消", start_at=at(3, 20),
                           end_at=at(3, 20, 12), status=EventStatus.cancelled)
    make_shift(s, cancelled, min_volunteers=5, max_volunteers=5)
    late = make_event(s, neighbourhood=v["n1"], title="五月", start_at=at(5, 1),
                      end_at=at(5, 1, 12))
    make_shift(s, late, min_volunteers=5, max_volunteers=5)
    s.flush()
    table = activity.coverage(s, SPRING, ZONE)
    rows = _rows(table)
    with_skill, without, elsewhere = f"{fair.id}-{aid.id}", f"{fair.id}-0", f"{other.id}-0"
    assert set(rows) == {with_skill, without, elsewhere}
    assert table.rows[0].label.startswith("03-15 便民服务 · 急救")
    assert rows[with_skill] == {"shifts": 2, "needed": 4, "filled": 3, "missing": 1,
                                "share": 0.75}
    assert (rows[without]["needed"], rows[without]["share"]) == (1, 0.0)
    assert rows[elsewhere]["share"] == pytest.approx(0.3333)
    scoped = activity.coverage(s, SPRING, ZONE, frozenset({v["n2"].id}))
    assert [r.key for r in scoped.rows] == [elsewhere]


def test_visits_by_group(db_session) -> None:
    town = build_town(db_session)
    table = activity.visits_by_group(db_session, MARCH)
    rows = _rows(table)
    a, b, c = (town[k].id for k in "abc")
    # A: h1 phone call, visit, follow-up and h2's last evening; the missed visit; the
    # planned one.  B: h4's follow-up, h5's refusal.  C: four.  Building X: five, no group.
    assert {k: rows[a][k] for k in ("done", "not_effective", "planned")} == {
        "done": 4, "not_effective": 1, "planned": 1}
    assert (rows[b]["done"], rows[b]["not_effective"], rows[b]["planned"]) == (1, 1, 0)
    assert rows[c]["done"] == 4
    assert rows[None]["done"] == 5
    assert table.rows[0].label == "佳虹 · A组"
    assert all(isinstance(r["due_now"], int) and r["overdue_now"] <= r["due_now"]
               for r in rows.values())
    scoped = _rows(activity.visits_by_group(db_session, MARCH, frozenset({town["n2"].id})))
    assert set(scoped) == {c}


def test_requests_by_way_and_state(db_session) -> None:
    town = build_town(db_session)
    rows = _rows(activity.requests_by_way(db_session, MARCH))
    # By a visit: three received in March (one in February is not); by the form one; by
    # phone A's two resolved and one being handled, B's three resolved (A's resolved
    # request received in February is not in the period).
    assert (rows["visit"]["received"], rows["visit"]["total"]) == (3, 3)
    assert rows["form"]["total"] == 1
    assert (rows["call"]["resolved"], rows["call"]["handling"], rows["call"]["total"]) == (
        5, 1, 6)
    assert sum(r["total"] for r in rows.values()) == 10
    scoped = _rows(activity.requests_by_way(db_session, MARCH, frozenset({town["n2"].id})))
    assert sum(r["total"] for r in scoped.values()) == 0


def test_months_of_a_period() -> None:
    assert activity.months_of(Period.of_days(date(2025, 12, 30), date(2026, 2, 1), ZONE)) == [
        date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert activity.months_of(MARCH) == [date(2026, 3, 1)]


def test_a_service_groups_hours_have_a_row_of_their_own(db_session, volunteers) -> None:
    """The 团组 are service groups, not teams (issue 12): their members' hours are theirs."""
    s, v = db_session, volunteers
    group = make_service_group(s, neighbourhood=v["n2"], name="党员责任岗团组",
                               members=[v["v1"], v["v3"]])
    _hours(s, v["v1"], date(2026, 3, 5), 120)
    _hours(s, v["v3"], date(2026, 4, 30), 180)
    s.flush()
    table = activity.hours_by_team(s, SPRING)
    rows = _rows(table)
    t1 = v["v1"].teams[0].id
    assert rows[f"g{group.id}"] == {"2026-03": 2.0, "2026-04": 3.0, "total": 5.0}
    assert rows[t1]["total"] == 2.0 and None not in rows  # v3 is in a group now
    assert rows["all"]["total"] == 5.0
    assert "永业 · 党员责任岗团组" in [r.label for r in table.rows]
    # A coordinator of the first neighbourhood sees the hours of her volunteers only.
    scoped = _rows(activity.hours_by_team(s, SPRING, frozenset({v["n1"].id})))
    assert scoped[f"g{group.id}"]["total"] == 2.0 and scoped["all"]["total"] == 2.0
