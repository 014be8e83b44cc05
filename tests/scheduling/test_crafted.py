from __future__ import annotations

import pytest

from scheduling import (
    MESSAGES,
    Forbidden,
    InfeasiblePinError,
    Pin,
    Rules,
    check,
    explain,
    solve,
    solve_greedy,
)
from tests.scheduling.helpers import problem, shift, vol

pytestmark = pytest.mark.unit


def _reason(prob, sid: str):
    sol = solve(prob, seconds=1.0, workers=1)
    assert check(prob, sol).ok
    [seat] = [u for u in sol.unfilled if u.shift == sid]
    return seat


def test_no_skill() -> None:
    p = problem([vol("a"), vol("b")], [shift("s", 0, 9, 10, skill="opera")])
    seat = _reason(p, "s")
    assert seat.reason.code == "no_skill"
    assert seat.reason.counts["volunteers"] == 2
    assert "opera" in seat.reason.message("en") and "opera" in seat.reason.message("zh_CN")


def test_team_excludes_everyone() -> None:
    p = problem(
        [vol("a", skills=["haircut"]), vol("b", skills=["haircut"], teams=["x"])],
        [shift("s", 0, 9, 10, skill="haircut", team="home_haircut")],
    )
    seat = _reason(p, "s")
    assert seat.reason.code == "team_excludes"
    assert seat.reason.counts["skilled"] == 2


def test_skilled_not_available() -> None:
    p = problem(
        [vol("a", skills=["haircut"], avail=[(1, 8, 12)]), vol("b", avail=[(0, 8, 12)])],
        [shift("s", 0, 9, 10, skill="haircut")],
    )
    seat = _reason(p, "s")
    assert seat.reason.code == "not_available"
    assert seat.reason.counts["in_team"] == 1


def test_available_at_weekly_cap() -> None:
    p = problem(
        [vol("a", max_shifts=1, avail=[(0, 8, 20), (1, 8, 20)])],
        [shift("s1", 0, 9, 10, prio=3), shift("s2", 1, 9, 10, prio=1)],
    )
    seat = _reason(p, "s2")
    assert seat.reason.code == "weekly_cap"
    assert seat.reason.ids["at_cap"] == ["a"]


def test_available_booked_on_overlapping_shift_names_it() -> None:
    p = problem(
        [vol("a")],
        [shift("s1", 0, 9, 11, prio=3), shift("s2", 0, 10, 12, prio=1)],
    )
    seat = _reason(p, "s2")
    assert seat.reason.code == "booked_elsewhere"
    assert seat.reason.ids["shifts"] == ["s1"]
    assert "s1" in seat.reason.message("en") and "s1" in seat.reason.message("zh_CN")


def test_min_gap_counts_as_overlap() -> None:
    p = problem(
        [vol("a")],
        [shift("s1", 0, 9, 10, prio=3), shift("s2", 0, 10.25, 11, prio=1)],
        rules=Rules(min_gap_minutes=30),
    )
    assert _reason(p, "s2").reason.code == "booked_elsewhere"


def test_too_far_and_forbidden_and_not_enough() -> None:
    far = problem(
        [vol("a", loc=(0, 0))],
        [shift("s", 0, 9, 10, loc=(10, 0))],
        rules=Rules(max_distance_km=3),
    )
    assert _reason(far, "s").reason.code == "too_far"
    forb = problem([vol("a")], [shift("s", 0, 9, 10)], forbidden=[Forbidden("a", "s")])
    assert _reason(forb, "s").reason.code == "forbidden"
    few = problem([vol("a")], [shift("s", 0, 9, 10, lo=2, hi=3)])
    seat = _reason(few, "s")
    assert seat.reason.code == "not_enough_eligible"
    assert (seat.empty, seat.below_min) == (2, 1)


def test_every_code_has_both_languages() -> None:
    assert set(MESSAGES["en"]) == set(MESSAGES["zh_CN"])


def test_explain_matches_solution_reasons() -> None:
    p = problem(
        [vol("a", max_shifts=1, avail=[(0, 8, 20), (1, 8, 20)])],
        [shift("s1", 0, 9, 10), shift("s2", 1, 9, 10)],
    )
    sol = solve_greedy(p)
    assert explain(p, sol) == sol.unfilled


def test_pins_are_kept_even_against_the_objective() -> None:
    # Without the pin, 'a' would take the priority-3 shift; the pin forces the other one.
    p = problem(
        [vol("a")],
        [shift("hi", 0, 9, 11, prio=3), shift("lo", 0, 10, 12, prio=1)],
        pins=[Pin("a", "lo")],
    )
    for sol in (solve_greedy(p), solve(p, seconds=1, workers=1)):
        assert check(p, sol).ok
        assert [(x.volunteer, x.shift) for x in sol.assignments] == [("a", "lo")]


def test_pins_past_a_weekly_cap_are_all_kept_and_nothing_more_is_added() -> None:
    # Two back-to-back pins of a volunteer whose cap (work elsewhere counted) leaves one shift:
    # the coordinator's pins stand; the cap only keeps her off the third shift.
    p = problem(
        [vol("a", max_shifts=1, max_min=60), vol("b")],
        [shift("visit", 0, 8, 9), shift("make_up", 0, 9, 10), shift("other", 0, 10, 11)],
        pins=[Pin("a", "visit"), Pin("a", "make_up")],
    )
    for sol in (solve_greedy(p), solve(p, seconds=1, workers=1)):
        assert check(p, sol).ok, check(p, sol).violations
        assert sorted((x.volunteer, x.shift) for x in sol.assignments) == [
            ("a", "make_up"), ("a", "visit"), ("b", "other")]


def test_overlapping_pins_of_one_volunteer_are_rejected() -> None:
    p = problem([vol("a")], [shift("s1", 0, 9, 11), shift("s2", 0, 10, 12)],
                pins=[Pin("a", "s1"), Pin("a", "s2")])
    with pytest.raises(InfeasiblePinError, match="overlap"):
        solve(p, seconds=1, workers=1)


def test_forbidden_pairs_are_respected() -> None:
    p = problem(
        [vol("a"), vol("b")],
        [shift("s", 0, 9, 10, hi=2)],
        forbidden=[Forbidden("a", "s")],
    )
    for sol in (solve_greedy(p), solve(p, seconds=1, workers=1)):
        assert ("a", "s") not in {(x.volunteer, x.shift) for x in sol.assignments}
        assert check(p, sol).ok


def test_ineligible_pin_is_rejected() -> None:
    p = problem([vol("a")], [shift("s", 0, 9, 10, skill="opera")], pins=[Pin("a", "s")])
    with pytest.raises(InfeasiblePinError):
        solve_greedy(p)


def test_checker_catches_violations() -> None:
    from scheduling import Assignment, Solution

    p = problem(
        [vol("a", max_shifts=1)],
        [shift("s1", 0, 9, 10), shift("s2", 0, 9.5, 11), shift("s3", 3, 9, 10, skill="x")],
        pins=[Pin("a", "s1")],
    )
    bad = Solution([Assignment("a", "s2"), Assignment("a", "s3"), Assignment("zz", "s1")])
    report = check(p, bad)
    text = "\n".join(report.violations)
    assert "lacks skill" in text
    assert "not inside one availability" in text
    assert "exceeds cap" in text
    assert "pin a->s1 not kept" in text
    assert "unknown volunteer" in text
