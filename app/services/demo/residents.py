"""The demo's resident files: buildings, service groups and their patches, households across
the twelve categories (~1,500 in each neighbourhood), a year of contacts (some households
overdue), and the article's two incidents in Jiahong (a burst main: buildings 3–9, 380
households without water until 18:00; a power cut: building 12, floors 7–14, 16 households,
power back at 23:00).

Rows go in with bulk inserts (a few statements per neighbourhood) so the whole demo stays quick
to load. A neighbourhood that already has buildings is left as it is, and an incident is
matched on its title: loading twice creates nothing twice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.enums import (
    ContactWindow,
    HouseholdCategory,
    IncidentKind,
    ServiceGroupKind,
    VisitKind,
    VisitOutcome,
)
from app.models import (
    Building,
    Household,
    HouseholdCategoryLink,
    HouseholdContactWindow,
    Incident,
    IncidentHousehold,
    Neighbourhood,
    ServiceGroup,
    Visit,
    VisitPolicy,
    Volunteer,
    service_group_members,
    utcnow,
)
from app.services.demo import data as d
from app.services.incidents import record_incident

#: Households of each demo neighbourhood: a believable one. Bulk inserts keep the four at about
#: a second and a half more than 1,500 + 3 × 500 took on first start (15–19 s in all on a loaded
#: machine, most of it elsewhere).
HOUSEHOLDS_PER_NEIGHBOURHOOD = 1500

#: (kind, name) of each neighbourhood's service groups.
GROUPS: tuple[tuple[ServiceGroupKind, str], ...] = (
    (ServiceGroupKind.officials, "居委干部团组"),
    (ServiceGroupKind.party_posts, d.PARTY_GROUP),
    (ServiceGroupKind.in_service_party, "在职党员团组"),
    (ServiceGroupKind.resident_volunteers, "居民志愿者一组"),
    (ServiceGroupKind.resident_volunteers, "居民志愿者二组"),
)

#: Category mixes drawn for households, with their weights (most are ordinary).
MIXES: tuple[tuple[tuple[HouseholdCategory, ...], int], ...] = (
    ((HouseholdCategory.ordinary,), 680),
    ((HouseholdCategory.resource,), 60),
    ((HouseholdCategory.elderly_only,), 80),
    ((HouseholdCategory.elderly_only, HouseholdCategory.very_old), 25),
    ((HouseholdCategory.living_alone,), 30),
    ((HouseholdCategory.living_alone, HouseholdCategory.very_old), 15),
    ((HouseholdCategory.disabled,), 25),
    ((HouseholdCategory.intellectual_disability,), 8),
    ((HouseholdCategory.special_population,), 8),
    ((HouseholdCategory.group_renting,), 30),
    ((HouseholdCategory.poor_and_ill,), 12),
    ((HouseholdCategory.laid_off,), 15),
    ((HouseholdCategory.major_misfortune,), 5),
)

WATER_TITLE = "金高路2131弄水管爆裂停水"
POWER_TITLE = "12号楼7—14层停电"


@dataclass(frozen=True)
class BuildingSpec:
    number: int
    floors: int
    units: int
    flats_per_floor: int
    #: Extra flats on the top floor (a rooftop extension), to make the article's 380.
    extra_top: int = 0

    def flats(self) -> list[tuple[str, int, str]]:
        out = []
        for unit in range(1, self.units + 1):
            for floor in range(1, self.floors + 1):
                for flat in range(1, self.flats_per_floor + 1):
                    out.append((str(unit), floor, f"{floor}{flat:02d}"))
        for flat in range(self.extra_top):
            out.append(("1", self.floors + 1, f"{self.floors + 1}{flat + 1:02d}"))
        return out


def building_specs(jiahong: bool, target: int) -> list[BuildingSpec]:
    """Jiahong's numbering matches the article: buildings 3–9 hold 380 households, building
    12 is a tower with two flats a floor in one unit (floors 7–14: 16 households)."""
    specs: list[BuildingSpec] = []
    total = 0
    number = 1
    while total < target:
        if jiahong and 3 <= number <= 9:
            spec = BuildingSpec(number, 6, 3, 3, extra_top=2 if number == 9 else 0)
        elif jiahong and number == 12:
            spec = BuildingSpec(number, 18, 1, 2)
        else:
            spec = BuildingSpec(number, 6, 3, 2)
        specs.append(spec)
        total += len(spec.flats())
        number += 1
    return specs


def load_residents(session: Session, neighbourhoods: list[Neighbourhood], zone: ZoneInfo,
                   today: date, *, seed: int = 12) -> dict[str, int]:
    """Create the missing resident files; returns counts of what was created."""
    created: dict[str, int] = {}
    done = set(session.scalars(select(Building.neighbourhood_id).distinct()))
    intervals = dict(session.execute(
        select(VisitPolicy.category, VisitPolicy.interval_days)).tuples().all())
    for index, (spec, neighbourhood) in enumerate(zip(d.NEIGHBOURHOODS, neighbourhoods,
                                                      strict=True)):
        if neighbourhood.id in done:
            continue
        rng = random.Random(seed * 100 + index)
        _load_neighbourhood(session, rng, spec, neighbourhood, index == 0, zone, today,
                            intervals, created)
    if neighbourhoods:
        _load_incidents(session, neighbourhoods[0], zone, today, created)
    return created


def _add(created: dict[str, int], key: str, n: int) -> None:
    created[key] = created.get(key, 0) + n


def _load_neighbourhood(
    session: Session, rng: random.Random, spec: d.NeighbourhoodSpec,
    neighbourhood: Neighbourhood, jiahong: bool, zone: ZoneInfo, today: date,
    intervals: dict[HouseholdCategory, int], created: dict[str, int],
) -> None:
    specs = building_specs(jiahong, HOUSEHOLDS_PER_NEIGHBOURHOOD)
    # The party members' group is there already (the loader: it patrols), with its members.
    existing = {g.name: g for g in session.scalars(select(ServiceGroup).where(
        ServiceGroup.neighbourhood_id == neighbourhood.id))}
    new_groups = [ServiceGroup(neighbourhood=neighbourhood, name=name, kind=kind)
                  for kind, name in GROUPS if name not in existing]
    session.add_all(new_groups)
    groups = [existing.get(name) or next(g for g in new_groups if g.name == name)
              for _kind, name in GROUPS]
    street = spec.streets[0]
    cx, cy = neighbourhood.x_km or 0.0, neighbourhood.y_km or 0.0
    per_group = -(-len(specs) // len(groups))
    buildings = []
    for k, b in enumerate(specs):
        buildings.append(Building(
            neighbourhood=neighbourhood, number=str(b.number), floors=b.floors + (
                1 if b.extra_top else 0),
            address=f"{street}{b.number}号", name=f"{spec.name}{b.number}号楼",
            x_km=round(cx - 0.3 + 0.08 * (k % 8), 3), y_km=round(cy - 0.3 + 0.1 * (k // 8), 3),
            service_group=groups[k // per_group],
        ))
    session.add_all(buildings)
    session.flush()
    _add(created, "service_groups", len(new_groups))
    _add(created, "buildings", len(buildings))

    # Members: the neighbourhood's volunteers in no group yet, dealt round the groups without
    # members.
    empty = [g for g in groups if not g.members]
    volunteers = list(session.scalars(select(Volunteer.id).where(
        Volunteer.neighbourhood_id == neighbourhood.id,
        Volunteer.id.not_in(select(service_group_members.c.volunteer_id))).order_by(Volunteer.id)))
    members: dict[int, list[int]] = {g.id: [] for g in empty}
    for k, vid in enumerate(volunteers if empty else []):
        members[empty[k % len(empty)].id].append(vid)
    rows = [{"group_id": g, "volunteer_id": v} for g, vs in members.items() for v in vs]
    if rows:
        session.execute(insert(service_group_members), rows)
        # Written past the ORM: the groups' member lists loaded above are stale.
        for group in empty:
            session.expire(group, ["members"])

    # Households, in bulk.
    mixes = [m for m, _w in MIXES]
    weights = [w for _m, w in MIXES]
    now = utcnow()
    household_rows = []
    categories_of: dict[tuple[int, str, str], tuple[HouseholdCategory, ...]] = {}
    for building, b in zip(buildings, specs, strict=True):
        for unit, floor, room in b.flats():
            cats = rng.choices(mixes, weights)[0]
            key = (building.id, unit, room)
            categories_of[key] = cats
            alone = HouseholdCategory.living_alone in cats
            household_rows.append({
                "neighbourhood_id": neighbourhood.id, "building_id": building.id,
                "unit": unit, "floor": floor, "room": room,
                "address": f"{building.address}{unit}单元{room}室",
                "contact_name": _name(rng), "contact_phone": _phone(rng),
                "members_count": 1 if alone else rng.choice((1, 2, 2, 3, 3, 4)),
                "x_km": building.x_km, "y_km": building.y_km,
                "notes": _notes(cats, rng),
                "created_at": now - timedelta(days=400), "updated_at": now,
            })
    session.execute(Household.__table__.insert(), household_rows)
    ids = {(b, u, r): i for i, b, u, r in session.execute(
        select(Household.id, Household.building_id, Household.unit, Household.room)
        .where(Household.neighbourhood_id == neighbourhood.id,
               Household.building_id.is_not(None))).tuples()}
    _add(created, "households", len(household_rows))

    link_rows, window_rows, visit_rows = [], [], []
    group_of_building = {b.id: b.service_group_id for b in buildings}
    for key, hid in ids.items():
        cats = categories_of[key]
        for c in cats:
            link_rows.append({"household_id": hid, "category": c})
        for w in _windows(cats, rng):
            window_rows.append({"household_id": hid, "window": w})
        team = members.get(group_of_building[key[0]]) or volunteers
        visitor = rng.choice(team) if team else None
        interval = min((intervals.get(c, 365) for c in cats), default=365)
        visit_rows.extend(_history(rng, hid, visitor, interval, today, zone, now))
    session.execute(HouseholdCategoryLink.__table__.insert(), link_rows)
    if window_rows:
        session.execute(HouseholdContactWindow.__table__.insert(), window_rows)
    session.execute(Visit.__table__.insert(), visit_rows)
    _add(created, "visits", len(visit_rows))


def _history(rng: random.Random, hid: int, visitor: int | None, interval: int, today: date,
             zone: ZoneInfo, now: datetime) -> list[dict]:
    """A year of contacts at the household's interval; about one household in twelve fell
    behind (its last contacts stop early), some contacts found nobody at home."""
    rows = []
    behind = rng.random() < 0.08
    stop = today - timedelta(days=int(interval * rng.uniform(1.2, 2.0))) if behind else today
    day = today - timedelta(days=365) + timedelta(days=rng.randint(0, min(interval, 364)))
    while day < stop:
        outcome = rng.choices(
            (VisitOutcome.done, VisitOutcome.not_at_home, VisitOutcome.phone_instead,
             VisitOutcome.refused), (85, 9, 5, 1))[0]
        kind = VisitKind.phone if outcome == VisitOutcome.phone_instead else (
            VisitKind.phone if interval >= 180 and rng.random() < 0.4 else VisitKind.door)
        at = datetime.combine(day, time(rng.choice((10, 14, 15, 19)), rng.choice((0, 30))),
                              tzinfo=zone)
        rows.append({"household_id": hid, "volunteer_id": visitor, "visited_at": at,
                     "kind": kind, "outcome": outcome, "created_at": now, "updated_at": now})
        # A contact that found nobody is tried again within days.
        day += timedelta(days=rng.randint(2, 6)) if outcome == VisitOutcome.not_at_home \
            else timedelta(days=max(1, int(interval * rng.uniform(0.75, 1.0))))
    return rows


def _windows(cats: tuple[HouseholdCategory, ...], rng: random.Random) -> list[ContactWindow]:
    if HouseholdCategory.resource in cats:
        return [ContactWindow.weekday_evening, ContactWindow.weekend_daytime]
    if HouseholdCategory.group_renting in cats:
        return [ContactWindow.weekday_evening, ContactWindow.weekend_evening]
    if HouseholdCategory.ordinary in cats:
        return [ContactWindow.weekday_evening] if rng.random() < 0.3 else []
    return [ContactWindow.weekday_daytime]


def _notes(cats: tuple[HouseholdCategory, ...], rng: random.Random) -> str | None:
    if HouseholdCategory.ordinary in cats or HouseholdCategory.resource in cats:
        return None
    if rng.random() < 0.15:
        return None  # an incomplete file: the completeness score shows it
    return rng.choice(("子女在外地,每周电话联系。", "行动不便,需上门。", "有慢性病,定期量血压。",
                       "租客较多,注意消防安全。", "需帮助买菜。"))


_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾"
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英建华国庆玉兰文"


def _name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.randint(1, 2)))


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}"


def _load_incidents(session: Session, jiahong: Neighbourhood, zone: ZoneInfo, today: date,
                    created: dict[str, int]) -> None:
    titles = set(session.scalars(select(Incident.title).where(
        Incident.neighbourhood_id == jiahong.id)))
    if not session.scalar(select(Building.id).where(Building.neighbourhood_id == jiahong.id,
                                                    Building.number == "12")):
        return
    water_day = today - timedelta(days=12)
    power_day = today - timedelta(days=5)
    plans = (
        (WATER_TITLE, IncidentKind.water_cut, "3-9",
         datetime.combine(water_day, time(7, 40), tzinfo=zone),
         datetime.combine(water_day, time(18, 0), tzinfo=zone),
         "抢修自来水总管,居委会组织送桶装水到户,当天18点恢复供水。", 342),
        (POWER_TITLE, IncidentKind.power_cut, "12 7-14",
         datetime.combine(power_day, time(19, 10), tzinfo=zone),
         datetime.combine(power_day, time(23, 0), tzinfo=zone),
         "联系供电所抢修,团组成员逐户敲门安抚,23点恢复供电。", 9),
    )
    for title, kind, areas, start, restored, actions, done in plans:
        if title in titles:
            continue
        incident = record_incident(session, neighbourhood_id=jiahong.id, kind=kind,
                                   title=title, started_at=start, areas=areas,
                                   actions=actions, follow_up_days=3, restored_at=restored,
                                   zone=zone)
        _add(created, "incidents", 1)
        rows: list[IncidentHousehold] = sorted(incident.households,
                                               key=lambda r: r.household_id)[:done]
        at = restored + timedelta(days=2, hours=16)
        now = utcnow()
        session.execute(Visit.__table__.insert(), [
            {"household_id": row.household_id, "kind": VisitKind.follow_up,
             "outcome": VisitOutcome.done, "notes": "回访确认已恢复正常。", "visited_at": at,
             "created_at": now, "updated_at": now} for row in rows])
        visit_ids = dict(session.execute(
            select(Visit.household_id, Visit.id).where(
                Visit.kind == VisitKind.follow_up, Visit.visited_at == at,
                Visit.household_id.in_([row.household_id for row in rows]))).tuples().all())
        for row in rows:
            row.follow_up_visit_id = visit_ids[row.household_id]
        _add(created, "visits", len(rows))
    session.flush()
