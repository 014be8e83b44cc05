"""The demo's internet-café supervision squad (the Yuepu squad of the article, placed in the
demo town): 14 supervisors in 4 patrol groups, 12 cafés with coordinates and opening hours,
the café checklist, and last summer holiday's inspection log whose figures are the article's:

- **200 certified group inspections**: every café 16 or 17 times (8 × 17 + 4 × 16), one
  every three or four evenings, by its group with two to four certified members present;
- **1,568 person-visits**: the group inspections' members present, plus the supervisors' own
  visits to the cafés near them between group inspections (one member present, so they are
  inspections but not certified group inspections).

The patrol groups are the squad's teams (same names, same members, all certified); each
café's usual group is the group of its neighbourhood. Keyed by natural keys (group and site
by neighbourhood and name, season by town and name, checklist by kind and question); the
inspections are written once, when the season has none. `app.services.patrols.stats` gives
back the figures (`tests/app/test_demo.py` checks them).
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.enums import ChecklistAnswer, PatrolSiteKind
from app.models import (
    Neighbourhood,
    PatrolChecklistItem,
    PatrolGroup,
    PatrolInspection,
    PatrolMember,
    PatrolSeason,
    PatrolSite,
    Team,
    patrol_inspection_members,
)
from app.services.demo import data as d
from app.services.demo.generate import patrol_group_name
from app.services.patrols.stats import season_bounds
from app.services.patrols.territory import KM_PER_DEGREE_LAT, map_origin

CERTIFIED_GROUP_INSPECTIONS = 200
PERSON_VISITS = 1568
REQUIRED_PER_SITE = 16
OPENS, CLOSES = time(8, 0), time(0, 0)

#: (question, English, the answer that is a finding)
CAFE_CHECKLIST: tuple[tuple[str, str, ChecklistAnswer], ...] = (
    ("有未成年人在场上网", "Minors present", ChecklistAnswer.yes),
    ("营业执照和网络文化经营许可证已悬挂", "Licences displayed", ChecklistAnswer.no),
    ("上网人员实名登记", "Users registered by identity card", ChecklistAnswer.no),
    ("场内有人吸烟", "Smoking inside", ChecklistAnswer.yes),
    ("安全出口畅通", "Fire exits clear", ChecklistAnswer.no),
    ("灭火器在有效期内", "Extinguishers in date", ChecklistAnswer.no),
)
#: Every so many group inspections found minors inside (and sent them home).
MINORS_EVERY = 9
FINDING = "发现{n}名疑似未成年人上网，已劝离并提醒业主查验身份证。"


def summer_of(today: date) -> tuple[date, date]:
    """The last summer holiday (1 July – 31 August) that has ended before `today`."""
    year = today.year if today > date(today.year, 8, 31) else today.year - 1
    return date(year, 7, 1), date(year, 8, 31)


def season_name(starts_on: date) -> str:
    return f"{starts_on.year}年暑期网吧监督"


def cafe_position(n: int, c: int, neighbourhood: d.NeighbourhoodSpec) -> tuple[float, float]:
    """A café `c` (0–2) near neighbourhood `n`, in degrees: a few hundred metres around its
    centre."""
    angle = 2 * math.pi * (c / 3 + n / 12)
    x = neighbourhood.x_km + 0.6 * math.cos(angle)
    y = neighbourhood.y_km + 0.6 * math.sin(angle)
    # Where the deployment's grid is on the map (`LINLI_MAP_ORIGIN`): the rota projects back.
    origin_lat, origin_lon = map_origin()
    lat = origin_lat + y / KM_PER_DEGREE_LAT
    lon = origin_lon + x / (KM_PER_DEGREE_LAT * math.cos(math.radians(origin_lat)))
    return round(lat, 6), round(lon, 6)


def load_patrols(session: Session, neighbourhoods: list[Neighbourhood], zone: ZoneInfo,
                 today: date) -> dict[str, int]:
    """Create what is missing of the squad's patrol records; flush only."""
    counts = dict.fromkeys(("patrol_groups", "patrol_sites", "patrol_checklist_items",
                            "patrol_seasons", "patrol_inspections"), 0)
    groups = _groups(session, neighbourhoods, counts)
    sites = _sites(session, neighbourhoods, groups, counts)
    _checklist(session, counts)
    starts_on, ends_on = summer_of(today)
    season = session.scalar(select(PatrolSeason).where(
        PatrolSeason.town == d.TOWN, PatrolSeason.name == season_name(starts_on)))
    if season is None:
        season = PatrolSeason(
            town=d.TOWN, name=season_name(starts_on), starts_on=starts_on, ends_on=ends_on,
            required_per_site=REQUIRED_PER_SITE, min_per_week=1,
            notes="暑期网吧监督:各小组就近巡查,持证集体检查须两名以上持证监督员在场。")
        session.add(season)
        session.flush()
        counts["patrol_seasons"] += 1
    start, end = season_bounds(season, zone)
    already = session.scalar(select(PatrolInspection.id).where(
        PatrolInspection.site_id.in_([s.id for s in sites]),
        PatrolInspection.started_at >= start, PatrolInspection.started_at < end).limit(1))
    if already is None:
        counts["patrol_inspections"] = _inspections(session, season, groups, sites, zone)
    return counts


def _groups(session: Session, neighbourhoods: list[Neighbourhood],
            counts: dict[str, int]) -> list[PatrolGroup]:
    groups = []
    for g in range(len(d.PATROL_GROUP_SIZES)):
        name = patrol_group_name(g)
        neighbourhood = neighbourhoods[g]
        group = session.scalar(select(PatrolGroup).where(
            PatrolGroup.neighbourhood_id == neighbourhood.id, PatrolGroup.name == name))
        if group is None:
            group = PatrolGroup(neighbourhood=neighbourhood, name=name,
                                notes=f"{d.PATROL_SQUAD}:就近巡查本居民区附近的网吧。")
            session.add(group)
            counts["patrol_groups"] += 1
        team = session.scalar(select(Team).where(Team.name == name))
        have = {m.volunteer_id for m in group.members}
        for volunteer in (team.members if team else []):
            if volunteer.id not in have:
                group.members.append(PatrolMember(volunteer=volunteer, certified=True))
        groups.append(group)
    session.flush()
    return groups


def _sites(session: Session, neighbourhoods: list[Neighbourhood], groups: list[PatrolGroup],
           counts: dict[str, int]) -> list[PatrolSite]:
    per_group = len(d.CAFES) // len(groups)
    sites = []
    for i, (name, address) in enumerate(d.CAFES):
        g, c = divmod(i, per_group)
        neighbourhood = neighbourhoods[g]
        site = session.scalar(select(PatrolSite).where(
            PatrolSite.neighbourhood_id == neighbourhood.id, PatrolSite.name == name))
        if site is None:
            lat, lon = cafe_position(g, c, d.NEIGHBOURHOODS[g])
            site = PatrolSite(
                neighbourhood=neighbourhood, name=name, kind=PatrolSiteKind.internet_cafe,
                address=address, latitude=lat, longitude=lon, opens_at=OPENS,
                closes_at=CLOSES, contact_name=f"{name}值班经理",
                contact_phone=f"021-5{8800000 + 1317 * i:07d}", group=groups[g])
            session.add(site)
            counts["patrol_sites"] += 1
        sites.append(site)
    session.flush()
    return sites


def _checklist(session: Session, counts: dict[str, int]) -> None:
    have = set(session.scalars(select(PatrolChecklistItem.question).where(
        PatrolChecklistItem.site_kind == PatrolSiteKind.internet_cafe)))
    for position, (question, english, concern) in enumerate(CAFE_CHECKLIST, start=1):
        if question not in have:
            session.add(PatrolChecklistItem(
                site_kind=PatrolSiteKind.internet_cafe, position=position, question=question,
                question_en=english, concern_answer=concern))
            counts["patrol_checklist_items"] += 1
    session.flush()


def _answers(items: list[PatrolChecklistItem], minors: bool) -> list[dict[str, object]]:
    return [{"item": item.id, "question": item.question, "question_en": item.question_en,
             "concern_answer": item.concern_answer.value,
             "answer": (ChecklistAnswer.yes if minors else ChecklistAnswer.no).value
             if item.position == 1 else
             (ChecklistAnswer.no if item.concern_answer == ChecklistAnswer.yes
              else ChecklistAnswer.yes).value}
            for item in items]


def _inspections(session: Session, season: PatrolSeason, groups: list[PatrolGroup],
                 sites: list[PatrolSite], zone: ZoneInfo) -> int:
    items = list(session.scalars(select(PatrolChecklistItem).where(
        PatrolChecklistItem.site_kind == PatrolSiteKind.internet_cafe,
        PatrolChecklistItem.active.is_(True)).order_by(PatrolChecklistItem.position)))
    days = (season.ends_on - season.starts_on).days + 1
    rows: list[dict[str, object]] = []
    present: list[list[int]] = []
    base, more = divmod(CERTIFIED_GROUP_INSPECTIONS, len(sites))
    # Group inspections: every café per_site (or one more) times, spread over the holiday.
    for i, site in enumerate(sites):
        group = next(g for g in groups if g.id == site.group_id)
        members = [m.volunteer_id for m in group.members]
        times = base + (1 if i < more else 0)
        for k in range(times):
            day = season.starts_on + timedelta(days=(k * days) // times + i % 3)
            at = datetime.combine(min(day, season.ends_on), time(19, 0), tzinfo=zone) \
                + timedelta(minutes=30 * ((i + k) % 5))
            count = 2 + (i + k) % (len(members) - 1)  # two to all members
            first = (i + k) % len(members)
            team = [members[(first + j) % len(members)] for j in range(count)]
            minors = (i * 17 + k) % MINORS_EVERY == 0
            rows.append(_row(site, group, at, 35, _answers(items, minors),
                             FINDING.format(n=1 + k % 3) if minors else None, team[0]))
            present.append(team)
    # The supervisors' own visits near home until the person-visits reach the figure.
    solo = PERSON_VISITS - sum(len(team) for team in present)
    supervisors = [(m.volunteer_id, g) for g in groups for m in g.members]
    for n in range(solo):
        volunteer_id, group = supervisors[n % len(supervisors)]
        own = [s for s in sites if s.group_id == group.id]
        site = own[(n // len(supervisors)) % len(own)]
        day = season.starts_on + timedelta(days=(n * days) // solo)
        at = datetime.combine(day, time(15, 0), tzinfo=zone) + timedelta(minutes=20 * (n % 9))
        rows.append(_row(site, group, at, 15, _answers(items, False), None, volunteer_id))
        present.append([volunteer_id])
    ids = session.scalars(insert(PatrolInspection).returning(
        PatrolInspection.id, sort_by_parameter_order=True), rows).all()
    session.execute(insert(patrol_inspection_members), [
        {"inspection_id": inspection_id, "volunteer_id": volunteer_id, "certified": True}
        for inspection_id, team in zip(ids, present, strict=True) for volunteer_id in team])
    return len(ids)


def _row(site: PatrolSite, group: PatrolGroup, at: datetime, minutes: int,
         checklist: list[dict[str, object]], findings: str | None,
         started_by: int) -> dict[str, object]:
    return {"site_id": site.id, "group_id": group.id, "started_at": at,
            "ended_at": at + timedelta(minutes=minutes), "started_by_id": started_by,
            "checklist": checklist, "findings": findings, "follow_up_needed": False,
            "created_at": at, "updated_at": at + timedelta(minutes=minutes)}
