"""A season's patrol rota, built by the scheduling engine (the bridge: rows → problem →
answer; the engine's rules — availability, no overlap, weekly caps, fair load — are its own).

1. **Slots**: each active site of the season gets its required inspections (and at least
   its weekly minimum in every week: the site's own counts, else the season's), spread over
   the weeks, on varied weekdays and at varied times within its opening hours (afternoon,
   early and late evening).
2. **Territories** (`territory`): each site's group for the season — its usual group unless
   that group cannot staff an inspection (continuity), else the able group whose members
   live nearest, loads kept even; each site's answer says why.
3. **Problem**: each slot is an engine shift of two seats (a certified group inspection needs
   two certified members), restricted to the site's group (the shift's team), at the site's
   place on the grid, so among the group the engine prefers members living nearer (its
   distance term) once seats and fairness are settled. The volunteers are the groups'
   members certified on the day, with their weekly availability minus blackouts and the
   shifts they already hold; a certificate that ends during the season forbids the later
   slots.
4. **Answer**: the slots the engine staffed with two members, per site how many of its
   required inspections are planned, and for every slot left short the engine's reason in
   the reader's language.

Engine ids: ``v<volunteer id>``, ``s<slot index>``, team ``g<group id>``, household
``site<site id>``. Nothing is written here: `rota_runs.save_rota` keeps a proposal as a
scheduler run to review and publish.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import scheduling
from app.enums import HOLDS_SEAT
from app.models import (
    Assignment,
    Availability,
    PatrolGroup,
    PatrolMember,
    PatrolSeason,
    PatrolSite,
    Shift,
    Volunteer,
)
from app.services.patrols.requirement import Requirement, season_weeks, site_requirement
from app.services.patrols.stats import site_condition
from app.services.patrols.territory import (
    SEATS,
    SiteTerritory,
    map_origin,
    site_location,
    territories,
)
from app.services.scheduler.availability import free_spans

SLOT_MINUTES = 60
#: Start times tried in turn, each used when it fits the site's opening hours.
START_TIMES = (time(19, 0), time(15, 0), time(20, 30), time(16, 30))
CERTIFIED_SKILL = "certified_patrol"
#: Why a site has no slot at all.
NO_TIME = _l("Its opening hours leave no time for an inspection.")
#: Between two inspections of one member (walking from one café to the next).
MIN_GAP_MINUTES = 30
#: The engine stops a search that found nothing better for this long: the demo summer's
#: answer (seats, balance, distance) was the same as with the whole budget, in half of it.
PATIENCE_SECONDS = 1.0


@dataclass(frozen=True)
class Slot:
    site_id: int
    site_name: str
    group_id: int | None
    start: datetime
    end: datetime


@dataclass
class SiteRota:
    site_id: int
    name: str
    required: int
    planned: int
    #: Why slots stayed short (distinct messages, in the reader's language).
    reasons: list[str] = field(default_factory=list)
    #: The group patrolling it this season, its members' mean distance from it, and why
    #: that group (continuity, distance, or its usual group being unable).
    group_id: int | None = None
    group: str = ""
    km: float | None = None
    territory: str = ""
    #: The territory's reason as the engine gives it (code, counts, params), for a saved run.
    why: dict[str, Any] = field(default_factory=dict)

    @property
    def shortfall(self) -> int:
        return max(0, self.required - self.planned)


@dataclass
class Rota:
    season_id: int
    slots: list[Slot]
    #: slot index → volunteer ids assigned (two for a staffed slot)
    assigned: dict[int, list[int]]
    per_site: list[SiteRota]
    filled_seats: int
    total_seats: int
    solver: str
    #: The engine's empty seats (shift ids are ``s<slot index>``), for a saved run's review.
    unfilled: list[scheduling.UnfilledSeat] = field(default_factory=list)

    @property
    def planned(self) -> int:
        return sum(s.planned for s in self.per_site)

    @property
    def required(self) -> int:
        return sum(s.required for s in self.per_site)

    def to_json(self, names: dict[int, str] | None = None) -> dict[str, Any]:
        names = names or {}
        return {
            "season_id": self.season_id, "required": self.required, "planned": self.planned,
            "filled_seats": self.filled_seats, "total_seats": self.total_seats,
            "solver": self.solver,
            "per_site": [{**asdict(s), "shortfall": s.shortfall} for s in self.per_site],
            "slots": [{"site": slot.site_name, "start": slot.start.isoformat(),
                       "end": slot.end.isoformat(),
                       "members": [names.get(v, str(v)) for v in self.assigned.get(i, [])]}
                      for i, slot in enumerate(self.slots)],
        }


def _fits(site: PatrolSite, start: time) -> bool:
    """Whether an inspection starting at `start` fits in the site's opening hours."""
    if site.opens_at is None or site.closes_at is None:
        return True
    end_minutes = start.hour * 60 + start.minute + SLOT_MINUTES
    opens = site.opens_at.hour * 60 + site.opens_at.minute
    closes = site.closes_at.hour * 60 + site.closes_at.minute
    if closes <= opens:  # open past midnight
        closes += 24 * 60
    begin = start.hour * 60 + start.minute
    return opens <= begin and end_minutes <= closes


#: How many of a group's members are free for a slot: (group id or None, weekday, start) → n.
FreeCount = Callable[[int | None, int, time], int]


def requirement(season: PatrolSeason, site: PatrolSite) -> Requirement:
    return site_requirement(season, site.required_per_season, site.min_per_week)


def plan_slots(season: PatrolSeason, sites: list[PatrolSite], zone: ZoneInfo,
               free_count: FreeCount | None = None,
               group_of: dict[int, int | None] | None = None) -> list[Slot]:
    """Each site's required inspections over the season's weeks, at least its weekly minimum
    in each (`requirement`), on varied weekdays and times within its opening hours — where
    two of its group's members are usually free (`free_count`), and not two of a group's at
    once.
    The site's group is `group_of[site id]` (the season's territories), else its usual one."""
    weeks = season_weeks(season)
    taken: set[tuple[int | None, datetime]] = set()
    slots: list[Slot] = []
    for i, site in enumerate(sites):
        group_id = (group_of or {}).get(site.id, site.group_id)
        times = [t for t in START_TIMES if _fits(site, t)]
        if not times:
            continue
        need = requirement(season, site)
        per_week = [need.per_week] * len(weeks)
        spare = need.total - sum(per_week)
        for k in range(spare):  # spread the rest evenly over the weeks
            per_week[(k * len(weeks)) // spare] += 1
        n = 0
        for w, first in enumerate(weeks):
            last = min(first + timedelta(days=6), season.ends_on)
            candidates = [datetime.combine(first + timedelta(days=d_), t, tzinfo=zone)
                          for d_ in range((last - first).days + 1) for t in times]
            if free_count is not None:
                staffed = [c for c in candidates
                           if free_count(group_id, c.weekday(), c.time()) >= SEATS]
                candidates = staffed or candidates
            used_days: set[date] = set()
            for _j in range(per_week[w]):
                # Rotate through the candidates: a different day and time each time.
                order = candidates[(i + 5 * n) % len(candidates):] + \
                    candidates[:(i + 5 * n) % len(candidates)]
                pick = next((c for c in order if (group_id, c) not in taken
                             and c.date() not in used_days), order[0])
                taken.add((group_id, pick))
                used_days.add(pick.date())
                slots.append(Slot(site.id, site.name, group_id, pick,
                                  pick + timedelta(minutes=SLOT_MINUTES)))
                n += 1
    return slots


def weekly_free_count(session: Session, sites: list[PatrolSite],
                      group_ids: set[int] | None = None) -> FreeCount:
    """From the groups' members' weekly windows: how many are free for a slot."""
    if group_ids is None:
        group_ids = {s.group_id for s in sites if s.group_id is not None}
    windows: dict[int, list[tuple[int, int, time, time]]] = defaultdict(list)
    rows = session.execute(
        select(PatrolMember.group_id, Availability.volunteer_id, Availability.weekday,
               Availability.start_time, Availability.end_time)
        .join(Availability, Availability.volunteer_id == PatrolMember.volunteer_id)
        .where(PatrolMember.group_id.in_(group_ids), PatrolMember.certified.is_(True))).all()
    for group_id, volunteer_id, weekday, start, end in rows:
        windows[group_id].append((volunteer_id, weekday, start, end))

    def count(group_id: int | None, weekday: int, start: time) -> int:
        if group_id is None:
            return SEATS
        end = (datetime.combine(date(2000, 1, 1), start)
               + timedelta(minutes=SLOT_MINUTES)).time()
        return len({v for v, day, s, e in windows.get(group_id, [])
                    if day == weekday and s <= start and end <= e and end > start})

    return count


def _busy(session: Session, volunteer_ids: list[int], start: datetime,
          end: datetime) -> dict[int, list[tuple[datetime, datetime]]]:
    busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for volunteer_id, s, e in session.execute(
        select(Assignment.volunteer_id, Shift.start_at, Shift.end_at)
        .join(Shift, Shift.id == Assignment.shift_id)
        .where(Assignment.volunteer_id.in_(volunteer_ids), Assignment.status.in_(HOLDS_SEAT),
               Shift.end_at > start, Shift.start_at < end)).tuples():
        busy[volunteer_id].append((s, e))
    return busy


def season_sites(session: Session, season: PatrolSeason) -> list[PatrolSite]:
    return list(session.scalars(select(PatrolSite).where(
        site_condition(season), PatrolSite.active.is_(True))
        .order_by(PatrolSite.name, PatrolSite.id)))


def build_problem(session: Session, season: PatrolSeason, slots: list[Slot],
                  zone: ZoneInfo) -> tuple[scheduling.Problem, dict[int, str]]:
    """The engine's problem, and the volunteers' names by id."""
    group_ids = {s.group_id for s in slots if s.group_id is not None}
    sites = season_sites(session, season)
    neighbourhood_ids = {site.neighbourhood_id for site in sites}
    origin = map_origin()
    where = {site.id: site_location(site, origin) for site in sites}
    memberships = list(session.scalars(
        select(PatrolMember).join(PatrolGroup, PatrolGroup.id == PatrolMember.group_id)
        .where(PatrolMember.certified.is_(True),
               PatrolGroup.id.in_(group_ids) | PatrolGroup.neighbourhood_id.in_(
                   neighbourhood_ids))))
    by_volunteer: dict[int, list[PatrolMember]] = defaultdict(list)
    for membership in memberships:
        by_volunteer[membership.volunteer_id].append(membership)
    members = list(session.scalars(
        select(Volunteer).where(Volunteer.id.in_(by_volunteer), Volunteer.active.is_(True))
        .options(selectinload(Volunteer.availabilities), selectinload(Volunteer.blackouts))
        .order_by(Volunteer.id)))
    start = datetime.combine(season.starts_on, time(0), tzinfo=zone)
    end = datetime.combine(season.ends_on + timedelta(days=1), time(0), tzinfo=zone)
    busy = _busy(session, [m.id for m in members], start, end)
    volunteers = []
    forbidden = []
    for member in members:
        spans = free_spans(member, season.starts_on, season.ends_on, zone,
                           busy.get(member.id, []))
        own = by_volunteer[member.id]
        volunteers.append(scheduling.Volunteer(
            id=f"v{member.id}", skills=(CERTIFIED_SKILL,),
            teams=tuple(sorted({f"g{m.group_id}" for m in own})),
            availability=tuple(scheduling.Interval(s, e) for s, e in spans),
            max_minutes_per_week=member.max_minutes_per_week,
            max_shifts_per_week=member.max_shifts_per_week, name=member.name,
            # Home: the engine prefers the member living nearer the site (−2 per km).
            location=(scheduling.Location(member.x_km, member.y_km)
                      if member.x_km is not None and member.y_km is not None else None)))
        for index, slot in enumerate(slots):
            day = slot.start.astimezone(zone).date()
            valid = [m for m in own if slot.group_id in (None, m.group_id)]
            if valid and not any(m.certified_on(day) for m in valid):
                forbidden.append(scheduling.Forbidden(f"v{member.id}", f"s{index}"))
    usual: dict[str, list[str]] = defaultdict(list)
    for membership in memberships:
        usual[f"g{membership.group_id}"].append(f"v{membership.volunteer_id}")
    shifts = [scheduling.Shift(
        id=f"s{index}", start=slot.start, end=slot.end, skill=CERTIFIED_SKILL,
        team=f"g{slot.group_id}" if slot.group_id is not None else None,
        min_count=SEATS, max_count=SEATS, household=f"site{slot.site_id}",
        location=where.get(slot.site_id), title=slot.site_name, event=slot.site_name)
        for index, slot in enumerate(slots)]
    history = {f"site{slot.site_id}": usual.get(f"g{slot.group_id}", [])
               for slot in slots if slot.group_id is not None}
    problem = scheduling.Problem(
        timezone=str(zone), volunteers=volunteers, shifts=shifts, forbidden=forbidden,
        household_history=history, rules=scheduling.Rules(min_gap_minutes=MIN_GAP_MINUTES),
        name=f"patrol rota {season.name}")
    return problem, {m.id: m.name for m in members}


@dataclass
class PlannedRota:
    """A season's slots and the engine's problem, read from the database: what `solve_rota`
    needs, with no row in it (a task ends its read transaction before solving)."""

    season_id: int
    season_name: str
    slots: list[Slot]
    problem: scheduling.Problem
    names: dict[int, str]
    #: (site id, name, territory) of each active site, in the order the rota lists them.
    sites: list[tuple[int, str, SiteTerritory]]
    #: Inspections each site needs (site id → count).
    required: dict[int, int]
    #: The run's own inspections (shift ids, slot by slot) when it is planned again
    #: (`replan`); None: new events are made for the slots.
    shift_ids: list[int] | None = None


def plan_rota(session: Session, season: PatrolSeason, *, zone: ZoneInfo,
              locale: str = "zh_CN") -> PlannedRota:
    """Each site's group and slots, and the engine's problem over them."""
    sites = season_sites(session, season)
    chosen = territories(session, sites, locale=locale)
    group_of = {site_id: t.group_id for site_id, t in chosen.items()}
    free = weekly_free_count(session, sites, {g for g in group_of.values() if g is not None})
    slots = plan_slots(season, sites, zone, free, group_of)
    problem, names = build_problem(session, season, slots, zone)
    return PlannedRota(season.id, season.name, slots, problem, names,
                       [(site.id, site.name, chosen[site.id]) for site in sites],
                       {site.id: requirement(season, site).total for site in sites})


def solve_rota(planned: PlannedRota, *, seconds: float = 10.0, locale: str = "zh_CN",
               progress: Callable[[scheduling.Progress], None] | None = None) -> Rota:
    """Solve, and say per site what is planned and why not more."""
    slots = planned.slots
    solution = scheduling.solve(planned.problem, seconds=seconds, workers=2,
                                progress=progress, patience=PATIENCE_SECONDS)
    assigned: dict[int, list[int]] = defaultdict(list)
    for a in solution.assignments:
        assigned[int(a.shift[1:])].append(int(a.volunteer[1:]))
    reasons: dict[int, list[str]] = defaultdict(list)
    for seat in solution.unfilled:
        site_id = slots[int(seat.shift[1:])].site_id
        message = seat.reason.message(locale)
        if message not in reasons[site_id]:
            reasons[site_id].append(message)
    planned_per_site: dict[int, int] = defaultdict(int)
    for index, volunteer_ids in assigned.items():
        if len(volunteer_ids) >= SEATS:
            planned_per_site[slots[index].site_id] += 1
    per_site = []
    for site_id, name, mine in planned.sites:
        row = SiteRota(site_id, name, planned.required[site_id], planned_per_site[site_id],
                       reasons[site_id], mine.group_id, mine.group, mine.km, mine.reason,
                       {"code": mine.code, "counts": mine.counts, "params": mine.params})
        if not any(slot.site_id == site_id for slot in slots):
            row.reasons.append(str(NO_TIME))
        per_site.append(row)
    return Rota(planned.season_id, slots, dict(assigned), per_site,
                solution.metrics.filled_seats, solution.metrics.total_seats, solution.solver,
                list(solution.unfilled))


def build_rota(session: Session, season: PatrolSeason, *, zone: ZoneInfo,
               seconds: float = 10.0, locale: str = "zh_CN") -> tuple[Rota, dict[int, str]]:
    """Plan the season's slots, solve, and say per site what is planned and why not more."""
    planned = plan_rota(session, season, zone=zone, locale=locale)
    return solve_rota(planned, seconds=seconds, locale=locale), planned.names
