"""Which group patrols which site this season: the bridge to `scheduling.territory`.

Sites are placed on the phone's map (WGS-84 degrees); members' homes are on the town's
kilometre grid (`Volunteer.x_km`, `y_km`, as every other bridge uses them). The setting
``LINLI_MAP_ORIGIN`` says where the grid's (0, 0) is on the map, so a site's degrees become
grid kilometres (an equirectangular projection: exact to metres over a town).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

import scheduling
from app.config import DEFAULTS
from app.models import PatrolGroup, PatrolMember, PatrolSite, Volunteer
from scheduling import territory as engine

KM_PER_DEGREE_LAT = 111.2
SEATS = 2


def to_grid(latitude: float, longitude: float,
            origin: tuple[float, float]) -> scheduling.Location:
    """Degrees on the map → kilometres on the town's grid."""
    lat0, lon0 = origin
    return scheduling.Location(
        (longitude - lon0) * KM_PER_DEGREE_LAT * math.cos(math.radians(lat0)),
        (latitude - lat0) * KM_PER_DEGREE_LAT)


def map_origin() -> tuple[float, float]:
    """The deployment's ``LINLI_MAP_ORIGIN``; its default outside an app (a bare demo load)."""
    setting = (current_app.config["LINLI_MAP_ORIGIN"] if has_app_context()
               else DEFAULTS["LINLI_MAP_ORIGIN"])
    lat, lon = setting
    return float(lat), float(lon)


def site_location(site: PatrolSite, origin: tuple[float, float]) -> scheduling.Location | None:
    if site.latitude is None or site.longitude is None:
        return None
    return to_grid(site.latitude, site.longitude, origin)


@dataclass(frozen=True)
class SiteTerritory:
    site_id: int
    group_id: int | None
    group: str
    km: float | None
    #: The engine's reason code and its words in the reader's language.
    code: str
    reason: str
    counts: dict[str, int]
    params: dict[str, str]


def territories(session: Session, sites: list[PatrolSite], *,
                locale: str = "zh_CN") -> dict[int, SiteTerritory]:
    """Each site's group for the season: its usual group unless that group cannot staff an
    inspection, else the able group living nearest (loads kept even)."""
    neighbourhoods = {s.neighbourhood_id for s in sites}
    groups = list(session.scalars(
        select(PatrolGroup).where(
            PatrolGroup.neighbourhood_id.in_(neighbourhoods)
            | PatrolGroup.id.in_({s.group_id for s in sites if s.group_id is not None}))
        .order_by(PatrolGroup.id)))
    homes: dict[int, list[scheduling.Location]] = defaultdict(list)
    members: dict[int, int] = defaultdict(int)
    for group_id, x_km, y_km in session.execute(
            select(PatrolMember.group_id, Volunteer.x_km, Volunteer.y_km)
            .join(Volunteer, Volunteer.id == PatrolMember.volunteer_id)
            .where(PatrolMember.group_id.in_([g.id for g in groups]),
                   PatrolMember.certified.is_(True), Volunteer.active.is_(True))).tuples():
        members[group_id] += 1
        if x_km is not None and y_km is not None:
            homes[group_id].append(scheduling.Location(x_km, y_km))
    origin = map_origin()
    answer = engine.assign_territories(
        [engine.PatrolGroup(f"g{g.id}", members[g.id], tuple(homes[g.id]), g.name)
         for g in groups],
        [engine.PatrolSite(f"site{s.id}", site_location(s, origin),
                           f"g{s.group_id}" if s.group_id is not None else None, s.name)
         for s in sites], seats=SEATS)
    names = {g.id: g.name for g in groups}
    out = {}
    for row in answer:
        site_id = int(row.site[4:])
        group_id = int(row.group[1:]) if row.group else None
        out[site_id] = SiteTerritory(site_id, group_id, names.get(group_id, "") if group_id
                                     else "", row.km, row.reason.code,
                                     row.reason.message(locale), dict(row.reason.counts),
                                     dict(row.reason.params))
    return out
