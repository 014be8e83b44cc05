"""The pairing engine on small instances whose answer is checked by hand."""

from __future__ import annotations

import pytest

from scheduling.model import Location
from scheduling.pairing import (
    AT_CAPACITY,
    NO_MEMBERS,
    NO_SKILL,
    TOO_FAR,
    Family,
    Member,
    Pair,
    PairingProblem,
    PairingSolution,
    Unpaired,
    check_pairing,
    explain,
    solve_pairing,
)
from scheduling.pairing.bench import generate

pytestmark = pytest.mark.unit


def at(x: float, y: float = 0.0) -> Location:
    return Location(x, y)


def member(id: str, x: float | None, *, capacity: int = 2, held: int = 0,
           skills: tuple[str, ...] = (), party: bool = True) -> Member:
    return Member(id=id, capacity=capacity, held=held, skills=frozenset(skills),
                  location=None if x is None else at(x), party_member=party, name=id)


def family(id: str, x: float | None, *, needs: tuple[str, ...] = (), priority: int = 1,
           previous: tuple[str, ...] = ()) -> Family:
    return Family(id=id, needs=frozenset(needs), location=None if x is None else at(x),
                  priority=priority, previous=previous)


def solve(members, families, max_km=1.0) -> PairingSolution:
    problem = PairingProblem(members=tuple(members), families=tuple(families), max_km=max_km)
    solution = solve_pairing(problem)
    assert check_pairing(problem, solution) == []
    return solution


def pairs(solution: PairingSolution) -> set[tuple[str, str]]:
    return {(p.family, p.member) for p in solution.pairs}


def test_nearest_member_walks() -> None:
    # A lives at 0.1 km, B at 0.9 km; m1 at 0, m2 at 1: each walks 0.1 km.
    solution = solve([member("m1", 0.0), member("m2", 1.0)],
                     [family("A", 0.1), family("B", 0.9)])
    assert pairs(solution) == {("A", "m1"), ("B", "m2")}
    assert sorted(p.distance_km for p in solution.pairs) == [0.1, 0.1]


def test_load_is_spread_counting_families_already_held() -> None:
    # Both members next door to both families, two places each: one family each.
    solution = solve([member("m1", 0.0), member("m2", 0.0)], [family("A", 0.0),
                                                             family("B", 0.0)])
    assert {p.member for p in solution.pairs} == {"m1", "m2"}
    # m1 already holds two families (places left 2): m2, holding none, takes both.
    solution = solve([member("m1", 0.0, held=2), member("m2", 0.0)],
                     [family("A", 0.0), family("B", 0.0)])
    assert {p.member for p in solution.pairs} == {"m2"}
    assert solution.metrics["max_load"] == 2


def test_as_many_families_as_possible_before_distance() -> None:
    # X is next to m1 and 0.8 km from m2; Y reaches only m1. One place each: the closer pair
    # X–m1 would leave Y out, so X walks to m2 and Y gets m1.
    solution = solve([member("m1", 0.0, capacity=1), member("m2", 0.8, capacity=1)],
                     [family("X", 0.0), family("Y", -0.5)])
    assert pairs(solution) == {("X", "m2"), ("Y", "m1")}


def test_existing_pair_is_kept_over_a_closer_member() -> None:
    solution = solve([member("near", 0.0), member("before", 0.9)],
                     [family("A", 0.0, previous=("before",))])
    assert pairs(solution) == {("A", "before")}
    assert solution.pairs[0].kept and solution.metrics["kept"] == 1


def test_skills_against_needs() -> None:
    # The nearer member cuts hair; the family needs groceries: the farther one who delivers
    # them is chosen, and the covered need is named.
    solution = solve([member("barber", 0.0, skills=("haircut",)),
                      member("grocer", 0.7, skills=("grocery_delivery", "opera"))],
                     [family("A", 0.0, needs=("grocery_delivery",))])
    assert solution.pairs == [Pair("A", "grocer", 0.7, ("grocery_delivery",), False)]
    # More needs covered wins over a little distance.
    solution = solve([member("one", 0.0, skills=("opera",)),
                      member("both", 0.2, skills=("opera", "haircut"))],
                     [family("A", 0.0, needs=("opera", "haircut"))])
    assert pairs(solution) == {("A", "both")}


def test_priority_when_members_run_short() -> None:
    solution = solve([member("m1", 0.0, capacity=1)],
                     [family("low", 0.0), family("high", 0.5, priority=2)])
    assert pairs(solution) == {("high", "m1")}
    assert solution.unpaired == [Unpaired("low", AT_CAPACITY, {"suitable": 1,
                                                              "names": ("m1",)})]


def test_every_family_left_out_says_why() -> None:
    members = [member("m1", 0.0, skills=("haircut",), capacity=1),
               member("full", 0.1, capacity=0, held=3)]
    families = [
        family("far", 5.0),                                # nearest member 4.9 km away
        family("needs", 0.2, needs=("legal_advice",)),     # within reach, nobody offers it
        family("first", 0.0, priority=2),                  # takes m1's one place
        family("second", 0.05),                            # m1 full, "full" is full
    ]
    solution = solve(members, families)
    assert pairs(solution) == {("first", "m1")}
    reasons = {u.family: (u.code, u.params) for u in solution.unpaired}
    assert reasons["far"] == (TOO_FAR, {"members": 2, "max_km": 1.0, "nearest_km": 4.9})
    assert reasons["needs"] == (NO_SKILL, {"within": 2, "needs": ("legal_advice",)})
    assert reasons["second"] == (AT_CAPACITY, {"suitable": 2, "names": ("m1", "full")})
    assert solution.metrics["reasons"] == {TOO_FAR: 1, NO_SKILL: 1, AT_CAPACITY: 1}

    nobody = solve([], [family("A", 0.0)])
    assert nobody.unpaired == [Unpaired("A", NO_MEMBERS, {"members": 0})]


def test_unknown_location_is_not_excluded_by_distance() -> None:
    solution = solve([member("somewhere", None)], [family("A", 3.0)])
    assert solution.pairs == [Pair("A", "somewhere", None, (), False)]


def test_explain_without_proposing() -> None:
    problem = PairingProblem(members=(member("m1", 0.0, capacity=0, held=2),),
                             families=(family("A", 0.0), family("B", 2.0)))
    assert [(u.family, u.code) for u in explain(problem)] == [("A", AT_CAPACITY),
                                                              ("B", TOO_FAR)]


def test_checker_catches_broken_solutions() -> None:
    problem = PairingProblem(members=(member("m1", 0.0, capacity=1, skills=("haircut",)),),
                             families=(family("A", 0.0), family("B", 2.0),
                                       family("C", 0.0, needs=("opera",)), family("D", 0.0)))
    bad = PairingSolution(pairs=[Pair("A", "m1", 0.0), Pair("A", "m1", 0.0),
                                 Pair("B", "m1", 2.0), Pair("C", "m1", 0.0)],
                          unpaired=[Unpaired("C", "whatever")])
    found = "\n".join(check_pairing(problem, bad))
    for expected in ("family A paired 2 times", "given 4 families, 1 places",
                     "2.00 km > 1.0 km", "C ↔ m1: no needed skill", "both paired and unpaired",
                     "D is neither paired nor explained", "unknown reason whatever"):
        assert expected in found


@pytest.mark.parametrize("clustered", [False, True])
def test_generated_instances_are_valid_and_use_every_free_place(clustered: bool) -> None:
    problem = generate(families=300, members=60, seed=7, clustered=clustered)
    solution = solve_pairing(problem)
    assert check_pairing(problem, solution) == []
    # Optimal max flow: a family left "not chosen" with a free suitable member cannot exist.
    assert "not_chosen" not in solution.metrics["reasons"]
    assert solution.metrics["paired"] + solution.metrics["unpaired"] == 300
