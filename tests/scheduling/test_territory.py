"""Which group patrols which site: continuity first, then the nearest able group, loads even."""

from __future__ import annotations

from scheduling.model import Location
from scheduling.territory import PatrolGroup, PatrolSite, assign_territories


def _group(gid: str, x: float, members: int = 3) -> PatrolGroup:
    return PatrolGroup(gid, members, tuple(Location(x + 0.1 * k, 0.0) for k in range(members)),
                       name=gid.upper())


def test_a_site_keeps_its_usual_group_even_when_another_lives_nearer() -> None:
    groups = [_group("west", 0.0), _group("east", 10.0)]
    sites = [PatrolSite("cafe", Location(10.0, 0.0), usual="west")]
    (answer,) = assign_territories(groups, sites)
    assert answer.group == "west" and answer.reason.code == "kept_usual"
    assert answer.km is not None and answer.km > 9


def test_new_sites_go_to_the_nearest_group() -> None:
    groups = [_group("west", 0.0), _group("east", 10.0)]
    sites = [PatrolSite("a", Location(9.5, 0.0)), PatrolSite("b", Location(0.5, 0.0))]
    a, b = assign_territories(groups, sites)
    assert (a.group, b.group) == ("east", "west")
    assert a.reason.code == "nearest_group" and a.reason.params["km"] == "0.6"
    assert "EAST" in a.reason.message("en") and "公里" in a.reason.message("zh_CN")


def test_a_group_too_small_loses_its_site_to_the_nearest_able_one_and_says_why() -> None:
    groups = [_group("west", 0.0), _group("east", 10.0), _group("tiny", 10.0, members=1)]
    (answer,) = assign_territories(groups, [PatrolSite("cafe", Location(10.0, 0.0),
                                                       usual="tiny")])
    assert answer.group == "east" and answer.reason.code == "usual_too_small"
    assert answer.reason.counts == {"seats": 2, "members": 1}
    assert "TINY" in answer.reason.message("en")


def test_loads_stay_even_the_next_nearest_group_takes_the_overflow() -> None:
    groups = [_group("west", 0.0), _group("east", 10.0)]
    sites = [PatrolSite(f"w{k}", Location(0.2 * k, 0.0)) for k in range(3)] + \
        [PatrolSite("e", Location(10.0, 0.0))]
    answers = {t.site: t for t in assign_territories(groups, sites)}
    assert sum(t.group == "west" for t in answers.values()) == 2
    moved = [t for t in answers.values() if t.site.startswith("w") and t.group == "east"]
    assert len(moved) == 1 and moved[0].reason.code == "nearest_full"
    assert moved[0].reason.params["nearest"] == "WEST"


def test_without_locations_or_able_groups_every_site_still_has_an_answer() -> None:
    groups = [PatrolGroup("a", 2), PatrolGroup("b", 2)]
    answers = assign_territories(groups, [PatrolSite("x"), PatrolSite("y")])
    assert {t.group for t in answers} == {"a", "b"}
    assert {t.reason.code for t in answers} == {"nearest_unknown"}
    (none,) = assign_territories([PatrolGroup("solo", 1)], [PatrolSite("x", usual="solo")])
    assert none.group is None and none.reason.code == "no_group_able"
