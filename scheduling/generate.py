"""Realistic synthetic instances drawn from the Jinqiao article (see /work/shared/seed/DOMAIN.md).

A week of work in one or more towns, each with up to four neighbourhoods (居民区): "Learn from
Lei Feng" convenience stations, elder-care home visits to households (recurring, ideally by the
same volunteer), and internet-café patrols in groups. Towns lie 30 km apart and volunteers travel
at most 3 km, so towns are independent components; neighbourhoods of a town overlap.
"""

from __future__ import annotations

import random
from dataclasses import replace
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


def week_time(day: int, hour: float) -> datetime:
    return WEEK_START + timedelta(days=day, minutes=round(hour * 60))


def pick_weighted(rng: random.Random, weighted: list[tuple[object, float]]) -> object:
    return rng.choices([w[0] for w in weighted], weights=[w[1] for w in weighted])[0]


def weekly_availability(rng: random.Random) -> tuple[Interval, ...]:
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
    return tuple(Interval(week_time(d, a), week_time(d, b)) for d, a, b in windows if b > a)


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
                availability=weekly_availability(rng),
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
            skill = str(pick_weighted(rng, station_types))
            day = rng.choices(range(7), weights=[1, 1, 4, 1, 1, 2, 2])[0]
            a, b = rng.choice([(8.5, 11.5), (13.5, 16.5), (9.0, 12.0), (14.0, 17.0)])
            mx = rng.choice([2, 3, 4, 4]) if skill != "umbrella_repair" else 2
            out.append(
                Shift(
                    id=f"{name}/leifeng-{j}",
                    title=f"学雷锋便民服务 {skill}",
                    start=week_time(day, a),
                    end=week_time(day, b),
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
            service, skill, team, _ = pick_weighted(rng, care_types)  # type: ignore[misc]
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
                    start=week_time(day, a),
                    end=week_time(day, a + dur),
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
                    start=week_time(day, a),
                    end=week_time(day, b),
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
