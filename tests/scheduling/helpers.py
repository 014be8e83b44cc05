"""Builders for small hand-made and random problems."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from scheduling import Interval, Location, Problem, Rules, Shift, Volunteer

TZ = ZoneInfo("Asia/Shanghai")
BASE = datetime(2025, 3, 3, tzinfo=TZ)


def at(day: int, hour: float) -> datetime:
    return BASE + timedelta(days=day, minutes=round(hour * 60))


def vol(vid: str, *, skills=(), teams=(), avail=((0, 8, 20),), max_min=600, max_shifts=5, loc=None):
    return Volunteer(
        id=vid,
        skills=tuple(skills),
        teams=tuple(teams),
        availability=tuple(Interval(at(d, a), at(d, b)) for d, a, b in avail),
        max_minutes_per_week=max_min,
        max_shifts_per_week=max_shifts,
        location=None if loc is None else Location(*loc),
    )


def shift(
    sid: str,
    day: int,
    a: float,
    b: float,
    *,
    skill=None,
    team=None,
    lo=1,
    hi=1,
    prio=1,
    loc=None,
    household=None,
):
    return Shift(
        id=sid,
        start=at(day, a),
        end=at(day, b),
        skill=skill,
        team=team,
        min_count=lo,
        max_count=hi,
        priority=prio,
        location=None if loc is None else Location(*loc),
        household=household,
    )


def problem(vols, shifts, **kw) -> Problem:
    return Problem(timezone="Asia/Shanghai", volunteers=list(vols), shifts=list(shifts), **kw)


SKILLS = [None, "haircut", "patrol"]


@st.composite
def small_problems(draw, max_vols: int = 5, max_shifts: int = 6) -> Problem:
    n_v = draw(st.integers(1, max_vols))
    n_s = draw(st.integers(1, max_shifts))
    vols = []
    for i in range(n_v):
        windows = []
        for d in draw(st.lists(st.integers(0, 8), min_size=1, max_size=2, unique=True)):
            a = draw(st.integers(7, 14))
            windows.append((d, a, a + draw(st.integers(2, 8))))
        vols.append(
            vol(
                f"v{i}",
                skills=draw(st.sets(st.sampled_from(["haircut", "patrol"]), max_size=2)),
                teams=draw(st.sets(st.sampled_from(["t1"]), max_size=1)),
                avail=windows,
                max_min=draw(st.sampled_from([60, 120, 240, 600])),
                max_shifts=draw(st.integers(1, 3)),
            )
        )
    shifts = []
    for j in range(n_s):
        d = draw(st.integers(0, 8))
        a = draw(st.integers(7, 16))
        lo = draw(st.integers(0, 2))
        shifts.append(
            shift(
                f"s{j}",
                d,
                a,
                a + draw(st.sampled_from([1, 1.5, 2])),
                skill=draw(st.sampled_from(SKILLS)),
                team=draw(st.sampled_from([None, None, "t1"])),
                lo=lo,
                hi=lo + draw(st.integers(0, 2)) or 1,
                prio=draw(st.integers(1, 3)),
            )
        )
    gap = draw(st.sampled_from([0, 30, 60]))
    return problem(vols, shifts, rules=Rules(min_gap_minutes=gap))
