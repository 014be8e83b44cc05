"""The demonstration town as tests see it: one day and zone for every demo test, so the demo
is loaded once per test session (`loaded_demo` in tests/conftest.py) and shared."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import EventKind
from app.models import Event, Neighbourhood, Shift
from app.services.demo import DemoReport
from app.services.demo import data as d

DEMO_ZONE = ZoneInfo("Asia/Shanghai")
#: A Monday; 5 March 2027 (a Friday) is 53 days ahead: the service day falls on a weekday.
DEMO_TODAY = date(2027, 1, 11)


@dataclass(frozen=True)
class LoadedDemo:
    """The app bound to the demo's database, and what the one load reported."""

    app: Flask
    report: DemoReport


def demo_shifts(session: Session, *, care_visits: bool = False) -> list[Shift]:
    """The demo's shifts to staff: the service day, training and patrols (and the care
    visits); the past quarter's mornings (`history`) were held already."""
    kinds = {EventKind.care_visit} if care_visits else set(EventKind) - {EventKind.care_visit}
    return list(session.scalars(
        select(Shift).join(Shift.event).join(Event.neighbourhood)
        .where(Neighbourhood.town == d.TOWN, Event.kind.in_(kinds),
               Shift.start_at >= datetime.combine(DEMO_TODAY, datetime.min.time(), DEMO_ZONE))
        .order_by(Shift.start_at, Shift.id)
    ))
