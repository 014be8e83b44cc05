"""Realistic synthetic instances drawn from the Jinqiao article (see /work/shared/seed/DOMAIN.md).

A week of work in one or more towns, each with up to four neighbourhoods (居民区): "Learn from
Lei Feng" convenience stations, elder-care home visits to households (recurring, ideally by the
same volunteer), and internet-café patrols in groups. Towns lie 30 km apart and volunteers travel
at most 3 km, so towns are independent components; neighbourhoods of a town overlap.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from scheduling import reliability
from scheduling.model import (
    Forbidden,
    Interval,
    Location,
    Problem,
    Rules,
    Shift,
    Volunteer,
)

TIMEZONE = "Asia/Shanghai"
WEEK_START = datetime(2025, 3, 3, tzinfo=ZoneInfo(TIMEZONE))  # Monday; Lei Feng day is Wed 5 Mar
TOWNS = ["jinqiao", "yuepu", "situan", "meilong", "gaoqiao", "zhangjiang", "tangzhen", "beicai"]
NEIGHBOURHOODS = ["jiahong", "yongye", "xincheng", "chengshi-jiayuan"]

# Lei Feng day stations: (skill, share of station shifts, share of volunteers with the skill).
STATIONS = [
    ("blood_pressure", 0.16, 0.05),
    ("haircut", 0.14, 0.06),
    ("knife_sharpening", 0.10, 0.03),
    ("key_copying", 0.08, 0.025),
    ("umbrella_repair", 0.08, 0.006),
    ("shoe_repair", 0.08, 0.02),
    ("appliance_repair", 0.12, 0.04),
    ("mending", 0.12, 0.05),
    ("family_planning", 0.06, 0.015),
    ("food_safety", 0.06, 0.02),
]
# Care-visit services: (service, skill, team restriction, share of visits).
CARE = [
    ("groceries", None, None, 0.40),
    ("chat", None, None, 0.30),
    ("haircut", "haircut", "home_haircut", 0.12),
    ("opera", "opera", None, 0.08),
    ("medical", "blood_pressure", "home_medical", 0.10),
]
OTHER_SKILLS = [("opera", 0.04), ("patrol", 0.3)]


def _at(day: int, hour: float) -> datetime:
    return WEEK_START + timedelta(days=day, minutes=round(hour * 60))


def _pick(rng: random.Random, weighted: list[tuple[object, float]]) -> object:
    return rng.choices([w[0] for w in weighted], weights=[w[1] for w in weighted])[0]


def _availability(rng: random.Random) -> tuple[Interval, ...]:
    profile = rng.choices(["retired", "working", "student"], weights=[0.45, 0.4, 0.15])[0]
    windows: list[tuple[int, float, float]] = []
    if profile == "retired":
        for day in sorted(rng.sample(range(7), rng.randint(3, 5))):
            windows.append((day, rng.choice([7.5, 8.0, 8.5]), rng.choice([12.0, 17.0, 17.5])))
    elif profile == "working":
        for day in sorted(rng.sample(range(5), rng.randint(2, 3))):
            windows.append((day, 18.0, rng.choice([21.0, 21.5])))
        for day in rng.sample([5, 6], rng.randint(1, 2)):
            windows.append((day, rng.choice([8.0, 9.0, 13.0]), rng.choice([12.5, 17.5])))
    else:
        for day in rng.sample([5, 6], rng.randint(1, 2)):
            windows.append((day, 8.0, 18.0))
        if rng.random() < 0.5:
            windows.append((2, 13.0, 17.0))
    windows.sort()
    return tuple(Interval(_at(d, a), _at(d, b)) for d, a, b in windows if b > a)


def generate(
    volunteers: int = 200, shifts: int = 150, seed: int = 0, *, neighbourhood_size: int = 500
) -> Problem:
    """A week of neighbourhood service work; deterministic for a given seed."""
    rng = random.Random(seed)
    n_nb = max(1, round(volunteers / neighbourhood_size))
    nbs: list[tuple[str, float, float]] = []
    for i in range(n_nb):
        town, k = divmod(i, len(NEIGHBOURHOODS))
        tname = TOWNS[town % len(TOWNS)] + (str(town // len(TOWNS)) if town >= len(TOWNS) else "")
        tx, ty = (town % 5) * 30.0, (town // 5) * 30.0
        nbs.append((f"{tname}/{NEIGHBOURHOODS[k]}", tx + (k % 2) * 4.0, ty + (k // 2) * 4.0))

    vols: list[Volunteer] = []
    vol_nb: list[int] = []
    for i in range(volunteers):
        nb = i % n_nb
        name, cx, cy = nbs[nb]
        skills: set[str] = set()
        for skill, _share, vshare in STATIONS:
            if rng.random() < vshare * 1.6:
                skills.add(skill)
        for skill, share in OTHER_SKILLS:
            if rng.random() < share:
                skills.add(skill)
        teams: set[str] = set()
        if "haircut" in skills and rng.random() < 0.6:
            teams.add("home_haircut")
        if "blood_pressure" in skills and rng.random() < 0.6:
            teams.add("home_medical")
        if "patrol" in skills:
            teams.add(f"patrol:{name}")
        if skills & {"appliance_repair", "key_copying"} and rng.random() < 0.5:
            teams.add("property_repair")
        if rng.random() < 0.2:
            teams.add("elderly_help")
        if rng.random() < 0.5:
            teams.add(f"group:{name}")
        vols.append(
            Volunteer(
                id=f"v{i:05d}",
                name=f"Volunteer {i}",
                skills=tuple(sorted(skills)),
                teams=tuple(sorted(teams)),
                availability=_availability(rng),
                max_minutes_per_week=rng.choice([240, 360, 480, 600, 720]),
                max_shifts_per_week=rng.choice([3, 4, 4, 5, 6]),
                location=Location(round(rng.gauss(cx, 0.8), 3), round(rng.gauss(cy, 0.8), 3)),
                neighbourhood=name,
            )
        )
        vol_nb.append(nb)

    out: list[Shift] = []
    history: dict[str, list[str]] = {}
    per_nb = [shifts // n_nb + (1 if i < shifts % n_nb else 0) for i in range(n_nb)]
    for nb, count in enumerate(per_nb):
        name, cx, cy = nbs[nb]
        n_station = round(count * 0.35)
        n_patrol = round(count * 0.25)
        n_care = count - n_station - n_patrol
        site = Location(
            round(cx + rng.uniform(-0.3, 0.3), 3), round(cy + rng.uniform(-0.3, 0.3), 3)
        )
        station_types = [(s, share) for s, share, _ in STATIONS]
        for j in range(n_station):
            skill = str(_pick(rng, station_types))
            day = rng.choices(range(7), weights=[1, 1, 4, 1, 1, 2, 2])[0]
            a, b = rng.choice([(8.5, 11.5), (13.5, 16.5), (9.0, 12.0), (14.0, 17.0)])
            mx = rng.choice([2, 3, 4, 4]) if skill != "umbrella_repair" else 2
            out.append(
                Shift(
                    id=f"{name}/leifeng-{j}",
                    title=f"学雷锋便民服务 {skill}",
                    start=_at(day, a),
                    end=_at(day, b),
                    skill=skill,
                    min_count=1,
                    max_count=mx,
                    priority=2,
                    location=site,
                    neighbourhood=name,
                )
            )
        n_households = max(1, n_care // 2)
        households = []
        local = [i for i, n in enumerate(vol_nb) if n == nb]
        for h in range(n_households):
            hid = f"{name}/hh-{h}"
            loc = Location(round(rng.gauss(cx, 0.7), 3), round(rng.gauss(cy, 0.7), 3))
            households.append((hid, loc))
        care_types = [(c, c[3]) for c in CARE]
        for j in range(n_care):
            hid, loc = households[j % n_households]
            service, skill, team, _ = _pick(rng, care_types)  # type: ignore[misc]
            if team is None:
                # Plain visits are the neighbourhood service group's (团组) work.
                team = f"group:{name}"
            day = (j // n_households * 3 + rng.randint(0, 2)) % 7
            a = rng.choice([9.0, 10.0, 14.0, 15.0, 18.5, 19.0])
            dur = 1.0 if service in ("chat", "groceries") else 1.5
            out.append(
                Shift(
                    id=f"{name}/care-{j}",
                    title=f"上门服务 {service}",
                    start=_at(day, a),
                    end=_at(day, a + dur),
                    skill=skill,
                    team=team if rng.random() < 0.7 else None,
                    min_count=1,
                    max_count=1,
                    priority=3,
                    location=loc,
                    household=hid,
                    neighbourhood=name,
                )
            )
        visits: dict[str, list[Shift]] = {}
        for sh in out:
            if sh.household is not None and sh.neighbourhood == name:
                visits.setdefault(sh.household, []).append(sh)
        for hid, hv in visits.items():
            if rng.random() >= 0.7:
                continue
            # Earlier visitors are people who could do these visits: skilled and free then.
            fits = [
                i
                for i in local
                if any(
                    (sh.skill is None or sh.skill in vols[i].skills)
                    and any(
                        iv.start <= sh.start and sh.end <= iv.end for iv in vols[i].availability
                    )
                    for sh in hv
                )
            ]
            if fits:
                history[hid] = sorted(
                    vols[i].id for i in rng.sample(fits, min(len(fits), rng.randint(1, 2)))
                )
        for j in range(n_patrol):
            day = rng.randrange(7)
            a, b = rng.choice([(19.0, 21.0), (14.0, 16.0), (9.0, 11.0)])
            out.append(
                Shift(
                    id=f"{name}/patrol-{j}",
                    title="网吧巡查",
                    start=_at(day, a),
                    end=_at(day, b),
                    skill="patrol",
                    team=f"patrol:{name}" if rng.random() < 0.5 else None,
                    min_count=2,
                    max_count=3,
                    priority=1,
                    location=Location(
                        round(cx + rng.uniform(-1, 1), 3), round(cy + rng.uniform(-1, 1), 3)
                    ),
                    neighbourhood=name,
                )
            )

    by_nb: dict[str, list[str]] = {}
    for s in out:
        by_nb.setdefault(s.neighbourhood or "", []).append(s.id)
    final_vols = []
    for v in vols:
        local_shifts = by_nb.get(v.neighbourhood or "", [])
        pref: tuple[str, ...] = ()
        avoid: tuple[str, ...] = ()
        if local_shifts and rng.random() < 0.1:
            pref = tuple(rng.sample(local_shifts, min(2, len(local_shifts))))
        if local_shifts and rng.random() < 0.05:
            avoid = (rng.choice(local_shifts),)
        final_vols.append(
            Volunteer(**{**_fields(v), "preferred_shifts": pref, "avoided_shifts": avoid})
        )
    forbidden = (
        [
            Forbidden(rng.choice(final_vols).id, rng.choice(out).id)
            for _ in range(max(1, volunteers // 100))
        ]
        if out and final_vols
        else []
    )
    return with_attendance(Problem(
        name=f"generated-{volunteers}x{shifts}-seed{seed}",
        timezone=TIMEZONE,
        volunteers=final_vols,
        shifts=out,
        forbidden=forbidden,
        household_history=history,
        rules=Rules(min_gap_minutes=30, max_distance_km=3.0),
    ), seed)


def with_attendance(problem: Problem, seed: object) -> Problem:
    """Past attendance for every volunteer (most always come, one in five misses some) and
    the default reliability weight. Its own random stream: the rest of the instance is the
    same as without it."""
    rng = random.Random(f"attendance-{seed}")
    vols = []
    for v in problem.volunteers:
        recorded = rng.choice([0, 0, 2, 4, 8, 12, 20])
        rate = rng.choice([0.0] * 8 + [0.1, 0.4])
        vols.append(replace(v, recorded_shifts=recorded, no_shows=round(recorded * rate)))
    return replace(problem, volunteers=vols, reliability_weight=reliability.DEFAULT_WEIGHT)


def _fields(v: Volunteer) -> dict[str, object]:
    return {name: getattr(v, name) for name in Volunteer.__dataclass_fields__}


# -- Instance families for the bench (issue 11) ----------------------------------------------
#
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
        return _availability(rng)
    return tuple(Interval(_at(d, a), _at(d, b)) for d, a, b in spans if b > a)


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
        skill = None if care or rng.random() < 0.05 else _pick(rng, FAMILY_SKILLS)
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
                start=_at(day, a),
                end=_at(day, a) + timedelta(minutes=minutes_long),
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
                start=_at(d, h),
                end=_at(d, h + 8),
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
                intervals.append(Interval(_at(run_start, 0), _at(d, 6)))
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
