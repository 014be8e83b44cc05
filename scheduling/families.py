"""Instance families for the bench (issue 11): town-weeks of other shapes than ``generate``'s
(sparse or dense availability, long shifts, small teams, distance, heavy caps, a holiday),
and ``quickstart``, shaped like Timefold's employee-scheduling quickstart. Each is
deterministic for its seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from scheduling.generate import (
    TIMEZONE,
    WEEK_START,
    generate,
    pick_weighted,
    week_time,
    weekly_availability,
    with_attendance,
)
from scheduling.model import Interval, Location, Problem, Rules, Shift, Volunteer

# Each family is a town-week of a different shape than ``generate``; ``generate_family(name,
# volunteers, shifts, seed)`` is deterministic. The quickstart family ignores the size and is
# shaped like Timefold's employee-scheduling quickstart (see ``quickstart``).

FAMILY_SKILLS = [
    ("haircut", 0.12),
    ("blood_pressure", 0.10),
    ("repair", 0.15),
    ("patrol", 0.25),
    ("tutoring", 0.10),
    ("cooking", 0.12),
    ("driving", 0.08),
    ("sign_language", 0.03),
]


@dataclass(frozen=True)
class Family:
    """Knobs of one instance family (see FAMILIES)."""

    lengths: tuple[int, ...] = (60, 90, 120, 180)  # shift lengths in minutes, drawn uniformly
    windows: str = "normal"  # "normal" (generate's profiles), "sparse" (0-7), "dense"
    distance: bool = False  # locations and a 3 km radius, or none at all
    small_teams: bool = False  # many teams of 3-8 people, most shifts team-restricted
    heavy_caps: bool = False  # 1-2 shifts and 2-4 hours a week
    holiday: bool = False  # demand piled on three days, half the people away
    gap: int = 30
    households: float = 0.2  # share of shifts that are care visits of a household


# Families with dense availability are distance-bound (as real towns are): distance-free, every
# shift of a town-week would have ~1,000 candidates (over a million pairs).
FAMILIES: dict[str, Family] = {
    "mixed": Family(),
    "sparse": Family(windows="sparse"),
    "dense": Family(windows="dense", distance=True),
    "long": Family(lengths=(240, 300, 360, 480, 600), windows="dense", distance=True),
    "teams": Family(small_teams=True),
    "distance": Family(distance=True),
    "caps": Family(heavy_caps=True, windows="dense", distance=True),
    "holiday": Family(holiday=True),
}


def _family_windows(rng: random.Random, kind: str, away: bool) -> tuple[Interval, ...]:
    if away:
        days = sorted(rng.sample(range(7), rng.randint(0, 2)))
        spans = [(d, 9.0, rng.choice([13.0, 18.0])) for d in days]
    elif kind == "sparse":
        spans = []
        for _ in range(rng.randint(0, 7)):
            a = rng.choice([7.0, 8.0, 9.0, 10.0, 13.0, 14.0, 15.0, 18.0, 19.0])
            spans.append((rng.randrange(7), a, min(23.0, a + rng.choice([2.0, 3.0, 4.0, 6.0]))))
        # Merge windows of one day that touch or overlap (availability is a set of intervals).
        spans.sort()
        merged: list[tuple[int, float, float]] = []
        for d, a, b in spans:
            if merged and merged[-1][0] == d and a <= merged[-1][2]:
                merged[-1] = (d, merged[-1][1], max(b, merged[-1][2]))
            else:
                merged.append((d, a, b))
        spans = merged
    elif kind == "dense":
        spans = [
            (d, rng.choice([6.0, 7.0, 8.0]), rng.choice([20.0, 21.0, 22.0]))
            for d in range(7)
            if rng.random() < 0.8
        ]
    else:
        return weekly_availability(rng)
    return tuple(Interval(week_time(d, a), week_time(d, b)) for d, a, b in spans if b > a)


def generate_family(name: str, volunteers: int, shifts: int, seed: int = 0) -> Problem:
    """An instance of family ``name`` (a key of FAMILIES, "town" for ``generate`` or
    "quickstart")."""
    if name == "town":
        return generate(volunteers, shifts, seed=seed)
    if name == "quickstart":
        return quickstart(seed=seed, employees=volunteers, shifts=shifts)
    fam = FAMILIES[name]
    rng = random.Random(f"{name}-{seed}")
    teams = [f"team-{k}" for k in range(max(1, volunteers // 6))] if fam.small_teams else []
    n_nb = max(1, volunteers // 500)
    team_members: dict[str, int] = {}
    vols: list[Volunteer] = []
    side = 10.0 * max(1.0, (volunteers / 2000) ** 0.5)
    for i in range(volunteers):
        skills = tuple(sorted(s for s, share in FAMILY_SKILLS if rng.random() < share * 1.5))
        # Care visits are the work of a neighbourhood's service group (half of its people).
        group = f"group:nb-{i % max(1, volunteers // 500)}"
        vteams: tuple[str, ...] = (group,) if rng.random() < 0.5 else ()
        if teams:
            mine = sorted(set(rng.sample(teams, rng.choice([1, 1, 2]))))
            vteams = (*vteams, *mine)
            for t in mine:
                team_members[t] = team_members.get(t, 0) + 1
        away = fam.holiday and rng.random() < 0.5
        if fam.heavy_caps:
            caps = (rng.choice([120, 180, 240]), rng.choice([1, 2, 2]))
        else:
            caps = (rng.choice([240, 360, 480, 600, 720]), rng.choice([3, 4, 4, 5, 6]))
        vols.append(
            Volunteer(
                id=f"v{i:05d}",
                name=f"Volunteer {i}",
                skills=skills,
                teams=vteams,
                availability=_family_windows(rng, fam.windows, away),
                max_minutes_per_week=caps[0],
                max_shifts_per_week=caps[1],
                location=(
                    Location(round(rng.uniform(0, side), 3), round(rng.uniform(0, side), 3))
                    if fam.distance
                    else None
                ),
                neighbourhood=f"nb-{i % max(1, volunteers // 500)}",
            )
        )
    day_weights = [1, 1, 1, 1, 1, 1, 1]
    if fam.holiday:
        day_weights = [1, 4, 4, 4, 1, 1, 1]
    out: list[Shift] = []
    n_households = max(1, round(shifts * fam.households / 3))
    household_locs = [
        Location(round(rng.uniform(0, side), 3), round(rng.uniform(0, side), 3))
        for _ in range(n_households)
    ]
    for j in range(shifts):
        minutes_long = rng.choice(fam.lengths)
        day = rng.choices(range(7), weights=day_weights)[0]
        latest = max(7.0, 22.0 - minutes_long / 60)
        a = 7.0 + 0.5 * rng.randrange(int((latest - 7.0) * 2) + 1)
        care = rng.random() < fam.households
        skill = None if care or rng.random() < 0.05 else pick_weighted(rng, FAMILY_SKILLS)
        h = rng.randrange(n_households) if care else None
        # A household belongs to neighbourhood h % n_nb; its visits are that group's work.
        team = f"group:nb-{h % n_nb}" if h is not None else None
        if teams and not care and rng.random() < 0.6:
            team = rng.choice(teams)
        if care:
            lo = hi = 1
        else:
            lo = rng.choice([1, 1, 2])
            hi = lo + rng.choice([0, 1, 2])
            if fam.holiday and day in (1, 2, 3):
                hi += 1
        loc = None
        if fam.distance:
            loc = (
                household_locs[h]
                if h is not None
                else Location(round(rng.uniform(0, side), 3), round(rng.uniform(0, side), 3))
            )
        out.append(
            Shift(
                id=f"{name}-{j}",
                title=f"{name} shift {j}",
                start=week_time(day, a),
                end=week_time(day, a) + timedelta(minutes=minutes_long),
                skill=None if skill is None else str(skill),
                team=team,
                min_count=lo,
                max_count=hi,
                priority=3 if care else rng.choice([1, 2, 2, 3]),
                location=loc,
                household=None if h is None else f"hh-{h}",
                neighbourhood=f"nb-{j % max(1, volunteers // 500)}",
            )
        )
    history: dict[str, list[str]] = {}
    for h in range(n_households):
        group = [v for v in vols if f"group:nb-{h % n_nb}" in v.teams]
        if rng.random() < 0.7 and group:
            history[f"hh-{h}"] = sorted(
                v.id for v in rng.sample(group, min(len(group), rng.randint(1, 2)))
            )
    return with_attendance(Problem(
        name=f"{name}-{volunteers}x{shifts}-seed{seed}",
        timezone=TIMEZONE,
        volunteers=vols,
        shifts=out,
        household_history=history,
        rules=Rules(min_gap_minutes=fam.gap, max_distance_km=3.0 if fam.distance else None),
    ), f"{name}-{seed}")


QUICKSTART_LOCATIONS = ["Ambulatory care", "Critical care", "Pediatric care"]
QUICKSTART_SKILLS = ["Doctor", "Nurse"]
QUICKSTART_EXTRA = ["Anaesthetics", "Cardiology"]


def quickstart(seed: int = 0, *, employees: int = 15, shifts: int = 139, days: int = 14) -> Problem:
    """Shaped like Timefold's employee-scheduling quickstart demo data: ``employees`` people,
    ``shifts`` eight-hour one-person shifts (06-14, 14-22, 22-06) at three care locations over
    ``days`` days, each needing one skill (Doctor, Nurse, or a speciality); at least 10 hours of
    rest between two shifts of a person; each person has a few unavailable days (hard), desired
    and undesired days (soft: preferred/avoided shifts). No weekly caps beyond what rest allows."""
    rng = random.Random(f"quickstart-{seed}")
    people: list[tuple[str, tuple[str, ...], set[int], set[int], set[int]]] = []
    for i in range(employees):
        # Half doctors, half nurses; every other person has one of the two specialities.
        skills = {QUICKSTART_SKILLS[i % 2]}
        if i % 4 in (1, 2):
            skills.add(QUICKSTART_EXTRA[(i // 4) % 2])
        days_left = list(range(days))
        rng.shuffle(days_left)
        k = max(1, days // 7)
        unavailable = set(days_left[:k])
        desired = set(days_left[k : 2 * k])
        undesired = set(days_left[2 * k : 3 * k])
        people.append((f"e{i:03d}", tuple(sorted(skills)), unavailable, desired, undesired))
    # Shift slots: every (day, location, time slot) gets one shift first, then random extras.
    slots = [(d, loc, h) for d in range(days) for loc in range(3) for h in (6, 14, 22)]
    chosen = slots[:]
    rng.shuffle(chosen)
    chosen = chosen[:shifts] if shifts <= len(chosen) else chosen
    while len(chosen) < shifts:
        chosen.append(rng.choice(slots))
    chosen.sort()
    out: list[Shift] = []
    for j, (d, loc, h) in enumerate(chosen):
        skill = (
            rng.choice(QUICKSTART_SKILLS) if rng.random() < 0.8 else rng.choice(QUICKSTART_EXTRA)
        )
        out.append(
            Shift(
                id=f"qs-{j:04d}",
                title=f"{QUICKSTART_LOCATIONS[loc]} {h:02d}:00",
                start=week_time(d, h),
                end=week_time(d, h + 8),
                skill=skill,
                min_count=1,
                max_count=1,
                priority=1,
            )
        )
    vols = []
    for pid, skills, unavailable, desired, undesired in people:
        # One interval per run of available days (night shifts cross midnight).
        intervals: list[Interval] = []
        run_start = None
        for d in range(days + 2):
            ok = d < days and d not in unavailable
            if ok and run_start is None:
                run_start = d
            if not ok and run_start is not None:
                intervals.append(Interval(week_time(run_start, 0), week_time(d, 6)))
                run_start = None
        day_of = {s.id: (s.start - WEEK_START).days for s in out}
        vols.append(
            Volunteer(
                id=pid,
                name=pid,
                skills=skills,
                availability=tuple(intervals),
                max_minutes_per_week=7 * 24 * 60,
                max_shifts_per_week=7,
                preferred_shifts=tuple(s for s, d in day_of.items() if d in desired),
                avoided_shifts=tuple(s for s, d in day_of.items() if d in undesired),
            )
        )
    return Problem(
        name=f"quickstart-{employees}x{shifts}-seed{seed}",
        timezone=TIMEZONE,
        volunteers=vols,
        shifts=out,
        rules=Rules(min_gap_minutes=600),
    )
