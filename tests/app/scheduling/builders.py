"""Row builders for scheduler tests: a small town with volunteers, windows and shifts."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app.enums import EventStatus
from app.models import Availability, Event, Neighbourhood, Shift, Skill, Volunteer
from tests import factories

ZONE = ZoneInfo("Asia/Shanghai")


def next_monday(days_ahead: int = 14) -> date:
    start = datetime.now(ZONE).date() + timedelta(days=days_ahead)
    return start + timedelta(days=(7 - start.weekday()) % 7)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)


@dataclass
class Town:
    neighbourhood: Neighbourhood
    skills: list[Skill]
    volunteers: list[Volunteer] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    shifts: list[Shift] = field(default_factory=list)


def build_town(
    session: Session,
    *,
    volunteers: int = 6,
    days: int = 1,
    slots: tuple[int, ...] = (9,),
    stations: int = 2,
    seats: int = 1,
    skills: int = 1,
    seed: int = 1,
    start: date | None = None,
    hours: int = 2,
    email: bool = True,
    caps: tuple[int, int] = (8 * 60, 4),
) -> Town:
    """`days` events from `start`, each with `stations` shifts per slot hour; volunteers
    available 8:00–20:00 every day with 1–2 random skills."""
    rng = random.Random(seed)
    start = start or next_monday()
    n = factories.make_neighbourhood(session, x_km=0.0, y_km=0.0)
    skill_rows = [factories.make_skill(session) for _ in range(skills)]
    town = Town(n, skill_rows)
    for i in range(volunteers):
        own = rng.sample(skill_rows, k=min(len(skill_rows), rng.choice((1, 2))))
        v = Volunteer(
            name=f"志愿者{i}", phone=f"139{rng.randrange(10**8):08d}",
            email=f"v{i}-{rng.randrange(10**6)}@example.test" if email else None,
            neighbourhood=n, skills=own, locale="zh_CN" if i % 2 == 0 else "en",
            max_minutes_per_week=caps[0], max_shifts_per_week=caps[1],
            x_km=rng.uniform(-2, 2), y_km=rng.uniform(-2, 2),
            availabilities=[Availability(weekday=d, start_time=time(8), end_time=time(20))
                            for d in range(7)],
        )
        session.add(v)
        town.volunteers.append(v)
    for d in range(days):
        day = start + timedelta(days=d)
        event = Event(neighbourhood=n, kind="service_day", title=f"服务日{d}",
                      start_at=local(day, 8), end_at=local(day, 21),
                      status=EventStatus.published, place="广场")
        for hour in slots:
            for s in range(stations):
                event.shifts.append(Shift(
                    title=f"岗位{s}@{hour}", start_at=local(day, hour),
                    end_at=local(day, hour + hours), skill=skill_rows[s % len(skill_rows)],
                    min_volunteers=1, max_volunteers=seats,
                ))
        session.add(event)
        town.events.append(event)
    session.flush()
    town.shifts = [s for e in town.events for s in e.shifts]
    return town
