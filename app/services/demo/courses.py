"""The demo's training course held as a series: Meilong's second round of the women's training
(美容、营养、社交礼仪、插花), four Saturday afternoons before `today`, booked once for the whole
course by over 200 women (200 places, the rest on the waitlist, a few cancelled). Each session's
attendance was taken (most women came to most sessions), so the course has its sign-in sheets,
completers (3 of 4 sessions) and people who did not complete. The third round, ahead, is the
template's course (`loader`). Keyed by the course's title: loading again adds nothing.

Rows go in as ORM objects in one flush each (a few hundred), so the demo stays quick to load.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.enums import AttendanceMethod, EventKind, EventStatus, RegistrationStatus
from app.models import Event, Neighbourhood, Registration, SessionAttendance, Slot
from app.services.demo import data as d
from app.services.demo.residents import _name, _phone

PLACES = 200
WAITING = 14
CANCELLED = 9
#: How likely a woman with a place came to a session.
TURNOUT = 0.86


def sessions_held(today: date) -> list[date]:
    """Four Saturdays a week apart, the last at least two days before `today`."""
    last = today - timedelta(days=2)
    last -= timedelta(days=(last.weekday() - d.TRAINING_WEEKDAY) % 7)
    return [last - timedelta(weeks=k) for k in reversed(range(len(d.TRAINING_SESSIONS)))]


def load_courses(session: Session, neighbourhoods: list[Neighbourhood], zone: ZoneInfo,
                 today: date, *, seed: int = 1202) -> dict[str, int]:
    created = {"events": 0, "slots": 0, "registrations": 0, "session_attendances": 0}
    if len(neighbourhoods) < 4:
        return created
    host = neighbourhoods[3]
    if session.scalar(select(Event.id).where(Event.title == d.TRAINING_ROUND_TWO_TITLE,
                                             Event.neighbourhood_id == host.id)):
        return created
    rng = random.Random(seed)
    days = sessions_held(today)

    def at(day: date) -> datetime:
        return datetime.combine(day, d.TRAINING_START, tzinfo=zone)

    minutes = timedelta(minutes=d.TRAINING_MINUTES)
    course = Event(
        neighbourhood=host, kind=EventKind.training, title=d.TRAINING_ROUND_TWO_TITLE,
        description=d.TRAINING_DESCRIPTION, place=d.TRAINING_PLACE,
        contact=f"{host.name}居委会", start_at=at(days[0]), end_at=at(days[-1]) + minutes,
        is_public=True, status=EventStatus.published, capacity=PLACES,
        completion_sessions=d.TRAINING_COMPLETION, waitlist_enabled=True,
        registration_opens_at=at(days[0]) - timedelta(days=30),
        registration_closes_at=at(days[0]))
    session.add(course)
    slots = [Slot(event=course, label=f"第{n + 1}期 {topic}", start_at=at(day),
                  end_at=at(day) + minutes, capacity=0)
             for n, ((topic, _skill), day) in enumerate(zip(d.TRAINING_SESSIONS, days,
                                                            strict=True))]
    session.add_all(slots)
    opened = at(days[0]) - timedelta(days=30)
    phones: set[str] = set()
    registrations: list[Registration] = []
    for n in range(PLACES + WAITING + CANCELLED):
        phone = _phone(rng)
        while phone in phones:
            phone = _phone(rng)
        phones.add(phone)
        status = (RegistrationStatus.confirmed if n < PLACES + CANCELLED
                  else RegistrationStatus.waitlisted)
        signed_at = opened + timedelta(minutes=7 * n + rng.randint(0, 6))
        registrations.append(Registration(
            event=course, slot_key=0, name=_name(rng), phone=phone,
            building=f"{rng.randint(1, 40)}号楼", room=f"{rng.randint(1, 18)}0{rng.randint(1, 4)}",
            status=status, consent_at=signed_at, created_at=signed_at, updated_at=signed_at,
            locale="zh_CN", session_notices=rng.random() < 0.6))
    for registration in rng.sample(registrations[:PLACES + CANCELLED], CANCELLED):
        registration.status = RegistrationStatus.cancelled
        registration.cancelled_at = registration.created_at + timedelta(days=rng.randint(1, 9))
    session.add_all(registrations)
    session.flush()
    rows = []
    for registration in registrations:
        if registration.status != RegistrationStatus.confirmed:
            continue
        keen = rng.random() < 0.9  # a few came once and never again
        for slot in slots:
            if rng.random() < (TURNOUT if keen else 0.2):
                rows.append({
                    "registration_id": registration.id, "event_id": course.id,
                    "slot_id": slot.id, "slot_key": slot.id,
                    "method": rng.choice((AttendanceMethod.sheet_qr, AttendanceMethod.sheet_qr,
                                          AttendanceMethod.staff, AttendanceMethod.code)),
                    "attended_at": slot.start_at - timedelta(minutes=rng.randint(0, 20))})
    if rows:
        session.execute(insert(SessionAttendance), rows)
        attended = {row["registration_id"] for row in rows}
        for registration in registrations:
            if registration.id in attended:
                registration.status = RegistrationStatus.attended
    session.flush()
    created.update(events=1, slots=len(slots), registrations=len(registrations),
                   session_attendances=len(rows))
    return created
