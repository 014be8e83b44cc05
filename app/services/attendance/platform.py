"""The hours as the city's volunteer-service platform takes them in: one row per volunteer,
day and activity, with the columns (and their order) the platform's import expects.

The column mapping lives here only; the admin's export writes these rows as XLSX or CSV.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import HoursEntry, Volunteer


@dataclass(frozen=True)
class PlatformRow:
    volunteer_id: int
    name: str
    phone: str
    activity: str
    day: date
    minutes: int


#: (header, value) in the platform's order. Hours are a number with one decimal.
COLUMNS: tuple[tuple[Any, Callable[[PlatformRow], Any]], ...] = (
    (_l("Volunteer ID"), lambda r: r.volunteer_id),
    (_l("Name"), lambda r: r.name),
    (_l("Mobile"), lambda r: r.phone),
    (_l("Activity"), lambda r: r.activity),
    (_l("Date of service"), lambda r: r.day),
    (_l("Service hours"), lambda r: round(r.minutes / 60, 1)),
)


def headers() -> list[str]:
    return [str(header) for header, _value in COLUMNS]


def rows(session: Session, start: date, end: date, *,
         neighbourhood_ids: frozenset[int] | None = None) -> list[PlatformRow]:
    """The period's ledger summed per volunteer, day and activity (corrections included; lines
    that add up to nothing left out). One query."""
    total = func.sum(HoursEntry.minutes)
    statement = (
        select(Volunteer.id, Volunteer.name, Volunteer.phone, HoursEntry.activity,
               HoursEntry.service_on, total)
        .join(Volunteer, Volunteer.id == HoursEntry.volunteer_id)
        .where(HoursEntry.service_on >= start, HoursEntry.service_on <= end)
        .group_by(Volunteer.id, Volunteer.name, Volunteer.phone, HoursEntry.activity,
                  HoursEntry.service_on)
        .having(total != 0)
        .order_by(HoursEntry.service_on, Volunteer.id, HoursEntry.activity))
    if neighbourhood_ids is not None:
        statement = statement.where(Volunteer.neighbourhood_id.in_(neighbourhood_ids))
    return [PlatformRow(vid, name, phone or "", activity, day, int(minutes))
            for vid, name, phone, activity, day, minutes in session.execute(statement)]


def table(found: list[PlatformRow]) -> list[list[Any]]:
    return [[value(row) for _header, value in COLUMNS] for row in found]
