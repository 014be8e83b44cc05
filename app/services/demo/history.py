"""The demo's past quarter: weekend service mornings already held, with what happened on them.

Each of the first four neighbourhoods held a 周末便民服务 every other Saturday over the last
quarter (six mornings). Their volunteers were confirmed, and the coordinator recorded the
roster afterwards — most present, some late or leaving early, a few no-shows — through the
same `record_roster` a coordinator uses, so the hours ledger, the no-show rates and the
attendance list all have something to show. One volunteer's paper sign-in sheet is entered as
a correction. Keyed by (title, neighbourhood): loading again adds nothing.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import AssignmentSource, AssignmentStatus, AttendanceStatus, EventKind, EventStatus
from app.models import Assignment, Event, Neighbourhood, Shift, User, Volunteer
from app.services.attendance import hours, recording
from app.services.demo.report import ADMIN_USERNAME

MORNINGS = 6
FORTNIGHT = 14
START, END = time(9, 0), time(11, 30)
#: The morning's two posts and how many volunteers each takes.
POSTS = (("秩序引导", 2), ("便民咨询", 3))
TITLE = "周末便民服务"


def held_days(today: date) -> list[date]:
    """Every other Saturday of the last quarter, oldest first, the latest at least 2 days ago."""
    last = today - timedelta(days=2)
    last -= timedelta(days=(last.weekday() - 5) % 7)
    return [last - timedelta(days=FORTNIGHT * k) for k in reversed(range(MORNINGS))]


def load_history(session: Session, neighbourhoods: list[Neighbourhood], zone: ZoneInfo,
                 today: date, *, seed: int = 16) -> dict[str, int]:
    """Create the past mornings that are missing; returns counts of what was created."""
    created = {"events": 0, "shifts": 0, "assignments": 0, "attendances": 0,
               "hours_corrections": 0}
    actor = session.scalar(select(User.id).where(User.username == ADMIN_USERNAME))
    if actor is None:
        return created
    rng = random.Random(seed)
    for neighbourhood in neighbourhoods[:4]:
        people = list(session.scalars(
            select(Volunteer).where(Volunteer.neighbourhood_id == neighbourhood.id)
            .order_by(Volunteer.id)))
        if len(people) < sum(n for _title, n in POSTS):
            continue
        for day in held_days(today):
            title = f"{TITLE} {day:%m}月{day:%d}日"
            if session.scalar(select(Event.id).where(
                    Event.title == title, Event.neighbourhood_id == neighbourhood.id)):
                continue
            _hold(session, rng, neighbourhood, people, title, day, zone, actor, created)
    if created["attendances"]:
        _paper_sheet(session, neighbourhoods[0], today, actor, created)
    return created


def _hold(session: Session, rng: random.Random, neighbourhood: Neighbourhood,
          people: list[Volunteer], title: str, day: date, zone: ZoneInfo, actor: int,
          created: dict[str, int]) -> None:
    start = datetime.combine(day, START, tzinfo=zone)
    end = datetime.combine(day, END, tzinfo=zone)
    event = Event(neighbourhood=neighbourhood, kind=EventKind.service_day, title=title,
                  place=f"{neighbourhood.name}居委会门前广场", start_at=start, end_at=end,
                  status=EventStatus.published, is_public=False,
                  contact=f"{neighbourhood.name}居委会")
    session.add(event)
    created["events"] += 1
    chosen = iter(rng.sample(people, sum(n for _title, n in POSTS)))
    for post, seats in POSTS:
        shift = Shift(event=event, title=post, start_at=start, end_at=end,
                      min_volunteers=1, max_volunteers=seats)
        session.add(shift)
        created["shifts"] += 1
        assignments = [Assignment(shift=shift, volunteer=next(chosen),
                                  status=AssignmentStatus.confirmed,
                                  source=AssignmentSource.manual) for _ in range(seats)]
        session.add_all(assignments)
        session.flush()
        created["assignments"] += seats
        result = recording.record_roster(
            session, shift, [_mark(rng, a.id) for a in assignments], zone=zone,
            actor_id=actor, now=end + timedelta(hours=2))
        created["attendances"] += result.recorded


def _mark(rng: random.Random, assignment_id: int) -> recording.Mark:
    draw = rng.random()
    if draw < 0.08:
        return recording.Mark(assignment_id, AttendanceStatus.absent)
    if draw < 0.2:
        return recording.Mark(assignment_id, AttendanceStatus.late,
                              late_minutes=rng.choice((15, 20, 30)))
    if draw < 0.28:
        return recording.Mark(assignment_id, AttendanceStatus.present,
                              early_leave_minutes=rng.choice((30, 45)))
    return recording.Mark(assignment_id, AttendanceStatus.present)


def _paper_sheet(session: Session, neighbourhood: Neighbourhood, today: date, actor: int,
                 created: dict[str, int]) -> None:
    """A morning's helper who signed the paper sheet only: the coordinator adds the hours."""
    volunteer_id = session.scalar(
        select(Volunteer.id).where(Volunteer.neighbourhood_id == neighbourhood.id)
        .order_by(Volunteer.id).limit(1))
    if volunteer_id is None:
        return
    hours.add_correction(session, hours.Correction(
        volunteer_id=volunteer_id, minutes=90, service_on=held_days(today)[-1],
        reason="纸质签到表补录（当天未扫码）", activity=f"{TITLE} · 布置场地"),
        actor_id=actor, today=today)
    created["hours_corrections"] += 1
