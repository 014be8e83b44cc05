"""The patrol figures, each defined once and computed by SQL aggregates.

- **inspections**: inspections started within the season at the season's sites;
- **certified group inspections**: those with at least two members present who were
  certified on the day (the presence row keeps whether they were);
- **person-visits**: members present summed over inspections (members × inspections);
- each per site, per group, per member, and for the season as a whole.

A season covers the sites of its neighbourhood, or of every neighbourhood of its town when it
is town-wide; its days are local days in the deployment's zone. `neighbourhood_ids` narrows the
figures to a coordinator's own neighbourhoods (None: all the season covers). The admin, the
CLI and the demo's check all call these functions.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from app.i18n import deployment_zone
from app.models import (
    Neighbourhood,
    PatrolGroup,
    PatrolInspection,
    PatrolSeason,
    PatrolSite,
    Volunteer,
    patrol_inspection_members,
)
from app.services.patrols.requirement import site_requirement

#: Members certified on the day an inspection needs for it to count as certified.
CERTIFIED_MINIMUM = 2

_members = patrol_inspection_members


def season_bounds(season: PatrolSeason, zone: ZoneInfo | None = None) -> tuple[datetime,
                                                                                datetime]:
    """The season as a half-open interval of instants: its first local midnight to the
    midnight after its last day."""
    zone = zone or deployment_zone()
    start = datetime.combine(season.starts_on, time(0), tzinfo=zone)
    end = datetime.combine(season.ends_on + timedelta(days=1), time(0), tzinfo=zone)
    return start, end


def site_condition(season: PatrolSeason,
                   neighbourhood_ids: frozenset[int] | None = None) -> ColumnElement[bool]:
    """The sites a season covers (as a condition on `PatrolSite`)."""
    if season.neighbourhood_id is not None:
        condition = PatrolSite.neighbourhood_id == season.neighbourhood_id
    else:
        condition = PatrolSite.neighbourhood_id.in_(
            select(Neighbourhood.id).where(Neighbourhood.town == season.town))
    if neighbourhood_ids is not None:
        condition = condition & PatrolSite.neighbourhood_id.in_(neighbourhood_ids)
    return condition


def _facts(season: PatrolSeason, neighbourhood_ids: frozenset[int] | None,
           zone: ZoneInfo | None) -> Any:
    """One row per inspection of the season: its site, group, members present and how many
    of them were certified."""
    start, end = season_bounds(season, zone)
    present = func.count(_members.c.volunteer_id)
    certified = func.coalesce(func.sum(case((_members.c.certified, 1), else_=0)), 0)
    return (
        select(PatrolInspection.id.label("inspection_id"),
               PatrolInspection.site_id.label("site_id"),
               PatrolInspection.group_id.label("group_id"),
               present.label("present"),
               certified.label("certified_present"))
        .join(PatrolSite, PatrolSite.id == PatrolInspection.site_id)
        .outerjoin(_members, _members.c.inspection_id == PatrolInspection.id)
        .where(site_condition(season, neighbourhood_ids),
               PatrolInspection.started_at >= start, PatrolInspection.started_at < end)
        .group_by(PatrolInspection.id, PatrolInspection.site_id, PatrolInspection.group_id)
        .subquery("facts")
    )


def _certified(facts: Any) -> Any:
    return func.coalesce(func.sum(case((facts.c.certified_present >= CERTIFIED_MINIMUM, 1),
                                       else_=0)), 0)


def _totals(session: Session, season: PatrolSeason,
            neighbourhood_ids: frozenset[int] | None, zone: ZoneInfo | None) -> Any:
    facts = _facts(season, neighbourhood_ids, zone)
    return session.execute(select(
        func.count(facts.c.inspection_id),
        _certified(facts),
        func.coalesce(func.sum(facts.c.present), 0),
    )).one()


def inspection_count(session: Session, season: PatrolSeason, *,
                     neighbourhood_ids: frozenset[int] | None = None,
                     zone: ZoneInfo | None = None) -> int:
    """Inspections started within the season at its sites."""
    return int(_totals(session, season, neighbourhood_ids, zone)[0])


def certified_group_inspection_count(session: Session, season: PatrolSeason, *,
                                     neighbourhood_ids: frozenset[int] | None = None,
                                     zone: ZoneInfo | None = None) -> int:
    """Inspections with at least two members present who were certified on the day."""
    return int(_totals(session, season, neighbourhood_ids, zone)[1])


def person_visit_count(session: Session, season: PatrolSeason, *,
                       neighbourhood_ids: frozenset[int] | None = None,
                       zone: ZoneInfo | None = None) -> int:
    """Members present, summed over the season's inspections."""
    return int(_totals(session, season, neighbourhood_ids, zone)[2])


@dataclass(frozen=True)
class Figures:
    """The three figures for one site, group, member or the whole season."""

    id: int | None
    name: str
    inspections: int
    certified_group_inspections: int
    person_visits: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SiteFigures(Figures):
    required: int
    #: Certified group inspections still missing to reach the site's requirement (0 when
    #: met): a member's own visit is an inspection but does not count toward it.
    shortfall: int


@dataclass(frozen=True)
class SeasonFigures:
    season_id: int
    name: str
    starts_on: str
    ends_on: str
    sites: int
    inspections: int
    certified_group_inspections: int
    person_visits: int
    #: Inspections per site, one decimal.
    inspections_per_site: float
    #: Certified group inspections per site, one decimal (the article's "about 16 per café").
    certified_per_site: float
    per_site: list[SiteFigures]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["per_site"] = [s.to_json() for s in self.per_site]
        return data


def per_site(session: Session, season: PatrolSeason, *,
             neighbourhood_ids: frozenset[int] | None = None,
             zone: ZoneInfo | None = None) -> list[SiteFigures]:
    """Every active site of the season (and any inactive one inspected in it), with its
    figures and how far it is from its requirement (`requirement`); by name."""
    facts = _facts(season, neighbourhood_ids, zone)
    rows = session.execute(
        select(PatrolSite.id, PatrolSite.name, func.count(facts.c.inspection_id),
               _certified(facts), func.coalesce(func.sum(facts.c.present), 0),
               PatrolSite.required_per_season, PatrolSite.min_per_week)
        .outerjoin(facts, facts.c.site_id == PatrolSite.id)
        .where(site_condition(season, neighbourhood_ids))
        .group_by(PatrolSite.id, PatrolSite.name, PatrolSite.active,
                  PatrolSite.required_per_season, PatrolSite.min_per_week)
        .having(PatrolSite.active | (func.count(facts.c.inspection_id) > 0))
        .order_by(PatrolSite.name, PatrolSite.id)
    ).all()
    figures = []
    for site_id, name, n, c, p, own_required, own_per_week in rows:
        required = site_requirement(season, own_required, own_per_week).count
        figures.append(SiteFigures(site_id, name, int(n), int(c), int(p), required,
                                   max(0, required - c)))
    return figures


def per_group(session: Session, season: PatrolSeason, *,
              neighbourhood_ids: frozenset[int] | None = None,
              zone: ZoneInfo | None = None) -> list[Figures]:
    """Each group that inspected in the season, by name."""
    facts = _facts(season, neighbourhood_ids, zone)
    rows = session.execute(
        select(PatrolGroup.id, PatrolGroup.name, func.count(facts.c.inspection_id),
               _certified(facts), func.coalesce(func.sum(facts.c.present), 0))
        .join(facts, facts.c.group_id == PatrolGroup.id)
        .group_by(PatrolGroup.id, PatrolGroup.name)
        .order_by(PatrolGroup.name, PatrolGroup.id)
    ).all()
    return [Figures(*row[:2], *(int(v) for v in row[2:])) for row in rows]


def per_member(session: Session, season: PatrolSeason, *,
               neighbourhood_ids: frozenset[int] | None = None,
               zone: ZoneInfo | None = None) -> list[Figures]:
    """Each member present at least once: the inspections they were at, how many of those
    were certified group inspections, and their person-visits (one per inspection)."""
    facts = _facts(season, neighbourhood_ids, zone)
    visits = func.count(facts.c.inspection_id)
    rows = session.execute(
        select(Volunteer.id, Volunteer.name, visits, _certified(facts), visits)
        .join(_members, _members.c.volunteer_id == Volunteer.id)
        .join(facts, facts.c.inspection_id == _members.c.inspection_id)
        .group_by(Volunteer.id, Volunteer.name, Volunteer.name_sort)
        .order_by(Volunteer.name_sort, Volunteer.id)
    ).all()
    return [Figures(*row[:2], *(int(v) for v in row[2:])) for row in rows]


def season_figures(session: Session, season: PatrolSeason, *,
                   neighbourhood_ids: frozenset[int] | None = None,
                   zone: ZoneInfo | None = None) -> SeasonFigures:
    """The season's totals and its per-site table."""
    inspections, certified, visits = _totals(session, season, neighbourhood_ids, zone)
    sites = per_site(session, season, neighbourhood_ids=neighbourhood_ids, zone=zone)
    average = round(inspections / len(sites), 1) if sites else 0.0
    certified_average = round(certified / len(sites), 1) if sites else 0.0
    return SeasonFigures(season.id, season.name, season.starts_on.isoformat(),
                         season.ends_on.isoformat(), len(sites), int(inspections),
                         int(certified), int(visits), average, certified_average, sites)


def seasons(session: Session, *, neighbourhood_ids: frozenset[int] | None = None
            ) -> Select[Any]:
    """The seasons a user may read (their neighbourhoods' and town-wide ones), latest first."""
    statement = select(PatrolSeason).order_by(PatrolSeason.starts_on.desc(), PatrolSeason.id)
    if neighbourhood_ids is not None:
        statement = statement.where(PatrolSeason.neighbourhood_id.in_(neighbourhood_ids)
                                    | PatrolSeason.neighbourhood_id.is_(None))
    return statement
