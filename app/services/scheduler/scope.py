"""What a scheduler run covers: explicit events, or neighbourhoods between two local dates
(`Scope`, stored on the run as JSON), and the shifts that scope holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.enums import EventStatus
from app.models import Event, Shift


@dataclass(frozen=True)
class Scope:
    """Either explicit events, or neighbourhoods (empty: all) between two local dates."""

    event_ids: tuple[int, ...] = ()
    neighbourhood_ids: tuple[int, ...] = ()
    date_from: date | None = None
    date_to: date | None = None

    def to_json(self) -> dict[str, Any]:
        if self.event_ids:
            return {"events": list(self.event_ids)}
        return {
            "neighbourhoods": list(self.neighbourhood_ids),
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Scope:
        if data.get("events"):
            return cls(event_ids=tuple(int(i) for i in data["events"]))
        return cls(
            neighbourhood_ids=tuple(int(i) for i in data.get("neighbourhoods") or ()),
            date_from=date.fromisoformat(data["from"]) if data.get("from") else None,
            date_to=date.fromisoformat(data["to"]) if data.get("to") else None,
        )


def scope_shifts(session: Session, scope: Scope, zone: ZoneInfo) -> list[Shift]:
    """The shifts to schedule: of events that are not cancelled, in the scope."""
    statement = (
        select(Shift)
        .join(Event, Shift.event_id == Event.id)
        .where(Event.status != EventStatus.cancelled)
        .options(selectinload(Shift.skill), selectinload(Shift.event))
        .order_by(Shift.start_at, Shift.id)
    )
    if scope.event_ids:
        statement = statement.where(Event.id.in_(scope.event_ids))
    else:
        if scope.neighbourhood_ids:
            statement = statement.where(Event.neighbourhood_id.in_(scope.neighbourhood_ids))
        if scope.date_from:
            start = datetime.combine(scope.date_from, time(0), tzinfo=zone)
            statement = statement.where(Shift.start_at >= start)
        if scope.date_to:
            end = datetime.combine(scope.date_to + timedelta(days=1), time(0), tzinfo=zone)
            statement = statement.where(Shift.start_at < end)
    return list(session.scalars(statement))
