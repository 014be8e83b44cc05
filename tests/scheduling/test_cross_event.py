"""Volunteers booked at another event: busy then, and named in the explanation (issue 11)."""

from __future__ import annotations

import dataclasses

import pytest

from scheduling import (
    Commitment,
    check,
    dumps_problem,
    loads_problem,
    solve,
)
from tests.scheduling.helpers import at, problem, shift, vol

pytestmark = pytest.mark.unit


def _with(v, **changes):
    return dataclasses.replace(v, **changes)


def _knife_sharpening():
    # 佳虹's knife-sharpening seat needs two; three people have the skill. One is on it; the
    # other two are booked at 永业's event at the same time (outside this schedule).
    busy = Commitment(at(2, 9), at(2, 11), label="永业 学雷锋", shift="s-yongye-7")
    people = [
        _with(vol("a", skills=["knife"], avail=[(2, 8, 12)]), name="A"),
        _with(vol("b", skills=["knife"], avail=[(2, 8, 12)]), commitments=(busy,)),
        _with(vol("c", skills=["knife"], avail=[(2, 8, 12)]), commitments=(busy,)),
    ]
    seat = dataclasses.replace(
        shift("jiahong-knife", 2, 9.5, 11.5, skill="knife", lo=2, hi=2), event="佳虹 学雷锋"
    )
    return problem(people, [seat])


def test_booked_at_another_event_is_named() -> None:
    p = _knife_sharpening()
    sol = solve(p, seconds=2.0, workers=1)
    assert check(p, sol).ok
    assert [a.volunteer for a in sol.assignments] == ["a"]
    (seat,) = sol.unfilled
    reason = seat.reason
    assert reason.code == "booked_elsewhere"
    assert reason.counts["booked"] == 2 and reason.counts["free"] == 2
    assert reason.ids["events"] == ["永业 学雷锋"]
    assert reason.ids["shifts"] == ["s-yongye-7"]
    assert "永业 学雷锋" in reason.message("zh_CN") and "永业 学雷锋" in reason.message("en")


def test_commitment_blocks_with_the_gap_and_check_catches_it() -> None:
    p = _knife_sharpening()
    # The commitment ends at 11:00; a shift from 11:15 is still blocked by a 30-minute gap.
    later = shift("late", 2, 11.25, 11.75, skill="knife")
    p = dataclasses.replace(
        p, shifts=[later], rules=dataclasses.replace(p.rules, min_gap_minutes=30)
    )
    sol = solve(p, seconds=1.0, workers=1)
    assert {a.volunteer for a in sol.assignments} == {"a"}
    bad = dataclasses.replace(sol, assignments=[*sol.assignments])
    bad.assignments.append(type(sol.assignments[0])("b", "late"))
    assert any("commitment" in v for v in check(p, bad).violations)


def test_commitments_and_events_survive_json() -> None:
    p = _knife_sharpening()
    back = loads_problem(dumps_problem(p))
    assert back.volunteers[1].commitments == p.volunteers[1].commitments
    assert back.shifts[0].event == "佳虹 学雷锋"
