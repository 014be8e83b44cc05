"""Incidents (突发事件) and the follow-up contact after them.

Affected households are chosen by building and floor range ("building 12, floors 7–14";
"buildings 3–9"). An area that matches no household is refused with a message naming it, and
nothing is written. On restoration every affected household gets a follow-up due N days later
(the incident's `follow_up_days`); the visit-round planner proposes those contacts first, and
an effective contact recorded on or after the restoration completes the follow-up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from app.enums import EFFECTIVE, IncidentKind
from app.i18n import deployment_zone
from app.models import (
    Building,
    Household,
    Incident,
    IncidentArea,
    IncidentHousehold,
    Visit,
)


class IncidentError(ValueError):
    """The incident cannot be recorded or changed; the message says why."""


@dataclass(frozen=True)
class AreaSpec:
    """Buildings ``first``–``last`` (numbers; equal for one building), floors optional."""

    first: str
    last: str
    floor_from: int | None = None
    floor_to: int | None = None

    def __str__(self) -> str:
        text = self.first if self.first == self.last else f"{self.first}-{self.last}"
        if self.floor_from is not None:
            text += f" {self.floor_from}-{self.floor_to}"
        return text


_AREA = re.compile(r"^\s*([\w]+)(?:\s*[-–~]\s*([\w]+))?(?:\s+(-?\d+)\s*[-–~]\s*(-?\d+))?\s*$")


def parse_areas(text: str) -> list[AreaSpec]:
    """One area a line or separated by ``;``: ``12 7-14`` (building 12, floors 7–14),
    ``3-9`` (buildings 3 to 9, every floor)."""
    areas = []
    for part in re.split(r"[;\n；]", text or ""):
        if not part.strip():
            continue
        match = _AREA.match(part)
        if not match:
            raise IncidentError(str(_l(
                "Cannot read the area “%(area)s”: write a building number or range, then "
                "optionally a floor range, e.g. “12 7-14” or “3-9”.", area=part.strip())))
        first, last, floor_from, floor_to = match.groups()
        f_from = int(floor_from) if floor_from is not None else None
        f_to = int(floor_to) if floor_to is not None else None
        if f_from is not None and f_to is not None and f_from > f_to:
            raise IncidentError(str(_l("Floors %(a)s–%(b)s: the first floor is above the last.",
                                       a=f_from, b=f_to)))
        areas.append(AreaSpec(first, last or first, f_from, f_to))
    if not areas:
        raise IncidentError(str(_l("Name at least one affected building.")))
    return areas


def _buildings_of(buildings: list[Building], spec: AreaSpec) -> list[Building]:
    if spec.first == spec.last:
        return [b for b in buildings if b.number == spec.first]
    try:
        low, high = int(spec.first), int(spec.last)
    except ValueError:
        return []
    return [b for b in buildings if b.number.isdigit() and low <= int(b.number) <= high]


def resolve_areas(
    session: Session, neighbourhood_id: int, specs: list[AreaSpec]
) -> list[tuple[IncidentArea, list[int]]]:
    """Each area as rows to store, with its households; an area matching nothing is refused."""
    buildings = list(session.scalars(
        select(Building).where(Building.neighbourhood_id == neighbourhood_id)))
    out = []
    for spec in specs:
        matched = _buildings_of(buildings, spec)
        if not matched:
            raise IncidentError(str(_l("No building matches “%(area)s” in this neighbourhood.",
                                       area=str(spec))))
        rows = []
        for building in matched:
            statement = select(Household.id).where(Household.building_id == building.id)
            if spec.floor_from is not None:
                statement = statement.where(Household.floor.between(spec.floor_from,
                                                                    spec.floor_to))
            ids = list(session.scalars(statement))
            rows.append((IncidentArea(building_id=building.id, floor_from=spec.floor_from,
                                      floor_to=spec.floor_to), ids))
        if not any(ids for _, ids in rows):
            raise IncidentError(str(_l(
                "The area “%(area)s” matches no household: check the building and floors.",
                area=str(spec))))
        out.extend(rows)
    return out


def affected_households(session: Session, neighbourhood_id: int, text: str) -> list[int]:
    """The households an area text selects (for a preview); refuses what matches nothing."""
    ids: set[int] = set()
    for _area, household_ids in resolve_areas(session, neighbourhood_id, parse_areas(text)):
        ids.update(household_ids)
    return sorted(ids)


def record_incident(
    session: Session, *, neighbourhood_id: int, kind: IncidentKind, title: str,
    started_at: datetime, areas: str, actions: str | None = None, follow_up_days: int = 3,
    restored_at: datetime | None = None, zone: ZoneInfo | None = None,
) -> Incident:
    """Record an incident and its affected households (restored already: follow-ups too)."""
    if not title.strip():
        raise IncidentError(str(_l("Give the incident a title.")))
    resolved = resolve_areas(session, neighbourhood_id, parse_areas(areas))
    incident = Incident(neighbourhood_id=neighbourhood_id, kind=kind, title=title.strip(),
                        started_at=started_at, actions=actions, follow_up_days=follow_up_days)
    seen: set[int] = set()
    for area, ids in resolved:
        incident.areas.append(area)
        for hid in ids:
            if hid not in seen:
                seen.add(hid)
                incident.households.append(IncidentHousehold(household_id=hid))
    session.add(incident)
    session.flush()
    if restored_at is not None:
        mark_restored(session, incident, restored_at, zone=zone)
    return incident


def mark_restored(
    session: Session, incident: Incident, restored_at: datetime,
    follow_up_days: int | None = None, *, zone: ZoneInfo | None = None,
) -> int:
    """Restoration: every affected household's follow-up falls due N days later (local day).
    Returns how many follow-ups were set. Marking again moves the open ones."""
    if restored_at < incident.started_at:
        raise IncidentError(str(_l("The restoration cannot be before the incident started.")))
    if follow_up_days is not None:
        if follow_up_days < 0:
            raise IncidentError(str(_l("The number of days cannot be negative.")))
        incident.follow_up_days = follow_up_days
    incident.restored_at = restored_at
    due = restored_at.astimezone(zone or deployment_zone()).date() + timedelta(
        days=incident.follow_up_days)
    count = 0
    for row in incident.households:
        if row.follow_up_visit_id is None:
            row.follow_up_due_on = due
            count += 1
    session.flush()
    return count


def complete_follow_ups(session: Session, visit: Visit) -> int:
    """An effective contact completes the household's open follow-ups of incidents restored
    before it. Returns how many."""
    if visit.outcome not in EFFECTIVE:
        return 0
    rows = session.scalars(
        select(IncidentHousehold)
        .join(Incident, Incident.id == IncidentHousehold.incident_id)
        .where(
            IncidentHousehold.household_id == visit.household_id,
            IncidentHousehold.follow_up_visit_id.is_(None),
            Incident.restored_at.is_not(None),
            Incident.restored_at <= visit.visited_at,
        )
    ).all()
    for row in rows:
        row.follow_up_visit_id = visit.id
    session.flush()
    return len(rows)


@dataclass(frozen=True)
class FollowUpProgress:
    total: int
    done: int
    due: int

    def __str__(self) -> str:
        return str(_l("follow-up: %(done)s / %(total)s done, %(due)s due",
                      done=self.done, total=self.total, due=self.due))


def follow_up_progress(
    session: Session, incident_ids: list[int], *, today: date
) -> dict[int, FollowUpProgress]:
    """Per incident: affected households, follow-ups done, and open ones already due. One
    query."""
    rows = session.execute(
        select(
            IncidentHousehold.incident_id,
            func.count(),
            func.count(IncidentHousehold.follow_up_visit_id),
            func.sum(case((and_(IncidentHousehold.follow_up_visit_id.is_(None),
                                IncidentHousehold.follow_up_due_on <= today), 1), else_=0)),
        )
        .where(IncidentHousehold.incident_id.in_(incident_ids))
        .group_by(IncidentHousehold.incident_id)
    ).tuples()
    out = {i: FollowUpProgress(0, 0, 0) for i in incident_ids}
    for incident_id, total, done, due in rows:
        out[incident_id] = FollowUpProgress(total, done, int(due or 0))
    return out


def open_follow_ups(
    session: Session, household_ids: list[int], *, until: date
) -> dict[int, date]:
    """Households with an open follow-up due by `until`: the earliest due day of each."""
    rows = session.execute(
        select(IncidentHousehold.household_id, func.min(IncidentHousehold.follow_up_due_on))
        .where(
            IncidentHousehold.household_id.in_(household_ids),
            IncidentHousehold.follow_up_visit_id.is_(None),
            IncidentHousehold.follow_up_due_on.is_not(None),
            IncidentHousehold.follow_up_due_on <= until,
        )
        .group_by(IncidentHousehold.household_id)
    ).tuples()
    return dict(rows.all())
