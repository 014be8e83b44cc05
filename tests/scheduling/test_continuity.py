"""Continuity: a household's paired volunteer gets its visits unless impossible (issue 11 §2)."""

from __future__ import annotations

import pytest

from scheduling import Pin, check, solve, solve_greedy
from scheduling.eligibility import build_index
from scheduling.greedy import State, improve_secondary
from tests.scheduling.helpers import problem, shift, vol

pytestmark = pytest.mark.unit


def _care_week():
    """Eight visits to one household over the week; 郭琴 (g) is its paired volunteer and is
    eligible for six of them. Three strangers with nothing else to do would balance the load
    far better (they are idle; g ends up with six visits and a station shift)."""
    days = [(d, 8, 20) for d in range(7)]
    g = vol(
        "g",
        skills=["care"],
        avail=[(d, 8, 20) for d in range(7) if d != 3],
        max_shifts=7,
        max_min=1000,
    )
    g = g.__class__(**{**{f: getattr(g, f) for f in g.__dataclass_fields__}, "name": "郭琴"})
    others = [
        vol(f"x{i}", skills=["care"], avail=days, max_shifts=7, max_min=1000) for i in range(3)
    ]
    visits = [shift(f"visit-{d}", d, 10, 11, household="hh", prio=1) for d in range(7)]
    visits.append(shift("visit-6b", 6, 15, 16, household="hh", prio=1))
    # g is pinned on a station shift overlapping the day-5 visit: that one is impossible for her.
    station = shift("station", 5, 9.5, 12, prio=1)
    p = problem(
        [g, *others],
        [*visits, station],
        household_history={"hh": ["g"]},
        pins=[Pin("g", "station")],
    )
    return p


@pytest.mark.parametrize("method", ["solve", "greedy"])
def test_paired_volunteer_gets_every_visit_she_is_eligible_for(method) -> None:
    p = _care_week()
    sol = solve(p, seconds=5.0, workers=1) if method == "solve" else solve_greedy(p)
    assert check(p, sol).ok
    on = {a.shift: a.volunteer for a in sol.assignments}
    # Every visit is filled; the six she can do are hers, fairness notwithstanding.
    assert all(f"visit-{d}" in on for d in range(7)) and "visit-6b" in on
    for sid in ["visit-0", "visit-1", "visit-2", "visit-4", "visit-6", "visit-6b"]:
        assert on[sid] == "g", sid
    assert on["visit-3"] != "g" and on["visit-5"] != "g"
    m = sol.metrics
    assert m.continuity_assignments == 6
    # Day 3 she is away (not eligible: not counted); day 5 she is eligible but pinned elsewhere.
    assert m.continuity_missed == 1
    reasons = {c.shift: c.reason for c in sol.continuity}
    assert reasons["visit-3"].code == "paired_not_available"
    assert reasons["visit-5"].code == "paired_booked_elsewhere"
    assert reasons["visit-5"].ids["shifts"] == ["station"]
    assert "郭琴" in reasons["visit-5"].message("zh_CN") and "station" in reasons[
        "visit-5"
    ].message("en")
    assert set(reasons) == {"visit-3", "visit-5"}


def test_local_search_frees_the_paired_volunteer_from_another_shift() -> None:
    # g holds the station (not pinned) at the visit's time and a stranger holds the visit; the
    # stranger can take the station instead: the chain move swaps them, fill unchanged.
    g = vol("g", skills=["care"], avail=[(0, 8, 20)])
    x = vol("x", skills=["care"], avail=[(0, 8, 20)])
    p = problem(
        [g, x],
        [shift("visit", 0, 10, 11, household="hh"), shift("station", 0, 9, 12)],
        household_history={"hh": ["g"]},
    )
    index = build_index(p)
    pair = {
        (index.volunteers[index.pair_v[q]].id, index.shifts[index.pair_s[q]].id): q
        for q in range(index.n_pairs)
    }
    start = State(index)
    start.try_add_all([pair[("x", "visit")], pair[("g", "station")]])
    better = improve_secondary(index, start.chosen)
    assert better.chosen == {pair[("g", "visit")], pair[("x", "station")]}


def test_the_paired_volunteer_leaves_another_shift_for_her_visit() -> None:
    """She holds a station shift at the time of her household's visit, which a stranger does:
    someone free takes the station over and she gets her visit; the headcounts stay. A
    station nobody else can take, or one she is pinned to, keeps her."""
    from dataclasses import replace

    from scheduling.greedy import prefer_paired

    g = vol("g", skills=["care", "station"], avail=[(0, 8, 20)])
    stranger = vol("y", skills=["care"], avail=[(0, 8, 20)])
    spare = vol("x", skills=["station"], avail=[(0, 8, 20)])
    visit = replace(shift("visit", 0, 10, 11, skill="care", household="hh"), paired="g")
    station = shift("station", 0, 9.5, 12, skill="station")
    p = problem([g, stranger, spare], [visit, station], household_history={"hh": ["g"]})
    index = build_index(p)

    def state_with(*pairs: tuple[str, str]) -> State:
        state = State(index)
        for v, s in pairs:
            state.add(index.pair_of[(index.v_pos[v], index.s_pos[s])])
        return state

    def held(state: State) -> set[tuple[str, str]]:
        return {(index.volunteers[index.pair_v[q]].id, index.shifts[index.pair_s[q]].id)
                for q in state.chosen}

    state = state_with(("g", "station"), ("y", "visit"))
    assert prefer_paired(state) == 1
    assert held(state) == {("g", "visit"), ("x", "station")}

    alone = problem([g, stranger], [visit, station], household_history={"hh": ["g"]})
    index = build_index(alone)
    state = state_with(("g", "station"), ("y", "visit"))
    assert prefer_paired(state) == 0  # nobody else can take the station: she stays
    assert held(state) == {("g", "station"), ("y", "visit")}

    pinned = problem([g, stranger, spare], [visit, station], household_history={"hh": ["g"]},
                     pins=[Pin("g", "station")])
    index = build_index(pinned)
    state = state_with(("g", "station"), ("y", "visit"))
    assert prefer_paired(state) == 0
