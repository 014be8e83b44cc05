"""Factories: build valid rows with sensible defaults; tests override only what they test."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import scheduling
from app.enums import (
    EventKind,
    HouseholdCategory,
    IncidentKind,
    PatrolSiteKind,
    RequestCategory,
    RequestStatus,
    Role,
    ServiceGroupKind,
    TeamKind,
    VisitKind,
    VisitOutcome,
)
from app.models import (
    Assignment,
    Availability,
    Building,
    CouncilAttendee,
    Department,
    Event,
    EventSeries,
    EventTemplate,
    Household,
    Incident,
    LinkageLevel,
    Neighbourhood,
    Pairing,
    PatrolGroup,
    PatrolInspection,
    PatrolMember,
    PatrolSite,
    Registration,
    ResidentRequest,
    ScheduleRun,
    ServiceGroup,
    ServicePackage,
    ServicePackageItem,
    Shift,
    Skill,
    Slot,
    Team,
    TemplateItem,
    User,
    Visit,
    Volunteer,
)
from app.services.accounts import create_user
from app.services.requests.council_vote import VoteInput

_counter = itertools.count(1)
PASSWORD = "correct horse battery"


def _n() -> int:
    return next(_counter)


def _save(session: Session, obj: Any) -> Any:
    session.add(obj)
    session.flush()
    return obj


def make_neighbourhood(session: Session, **kw: Any) -> Neighbourhood:
    kw.setdefault("town", "金桥镇")
    kw.setdefault("name", f"居民区{_n()}")
    return _save(session, Neighbourhood(**kw))


def make_skill(session: Session, **kw: Any) -> Skill:
    n = _n()
    kw.setdefault("code", f"skill_{n}")
    kw.setdefault("name_zh", f"技能{n}")
    kw.setdefault("name_en", f"Skill {n}")
    return _save(session, Skill(**kw))


def make_team(session: Session, **kw: Any) -> Team:
    kw.setdefault("name", f"服务队{_n()}")
    kw.setdefault("kind", TeamKind.repair)
    kw.setdefault("town", "金桥镇")
    return _save(session, Team(**kw))


def make_volunteer(session: Session, **kw: Any) -> Volunteer:
    if "neighbourhood" not in kw and "neighbourhood_id" not in kw:
        kw["neighbourhood"] = make_neighbourhood(session)
    kw.setdefault("name", f"志愿者{_n()}")
    kw.setdefault("phone", f"139{_n():08d}")
    return _save(session, Volunteer(**kw))


def make_availability(session: Session, volunteer: Volunteer, **kw: Any) -> Availability:
    kw.setdefault("weekday", 5)
    kw.setdefault("start_time", time(8, 0))
    kw.setdefault("end_time", time(17, 0))
    return _save(session, Availability(volunteer=volunteer, **kw))


def future(days: int = 7, hour: int = 1) -> datetime:
    base = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    return base.replace(hour=hour) + timedelta(days=days)


def make_event(session: Session, **kw: Any) -> Event:
    if "neighbourhood" not in kw and "neighbourhood_id" not in kw:
        kw["neighbourhood"] = make_neighbourhood(session)
    kw.setdefault("kind", EventKind.service_day)
    kw.setdefault("title", f"学雷锋便民服务{_n()}")
    kw.setdefault("start_at", future())
    kw.setdefault("end_at", kw["start_at"] + timedelta(hours=3))
    return _save(session, Event(**kw))


def make_shift(session: Session, event: Event | None = None, **kw: Any) -> Shift:
    event = event or make_event(session)
    kw.setdefault("title", f"岗位{_n()}")
    kw.setdefault("start_at", event.start_at)
    kw.setdefault("end_at", event.end_at)
    return _save(session, Shift(event=event, **kw))


def make_slot(session: Session, event: Event, **kw: Any) -> Slot:
    kw.setdefault("label", f"时段{_n()}")
    kw.setdefault("start_at", event.start_at)
    kw.setdefault("end_at", event.start_at + timedelta(minutes=20))
    return _save(session, Slot(event=event, **kw))


def make_assignment(session: Session, shift: Shift, volunteer: Volunteer, **kw: Any) -> Assignment:
    return _save(session, Assignment(shift=shift, volunteer=volunteer, **kw))


def make_household(session: Session, **kw: Any) -> Household:
    if "neighbourhood" not in kw and "neighbourhood_id" not in kw:
        kw["neighbourhood"] = make_neighbourhood(session)
    categories = kw.pop("categories", [HouseholdCategory.elderly_only])
    kw.setdefault("address", f"佳虹路{_n()}号")
    kw.setdefault("contact_name", "王阿婆")
    kw.setdefault("contact_phone", "13800000000")
    household = Household(**kw)
    household.categories.extend(categories)
    return _save(session, household)


def make_registration(session: Session, event: Event, **kw: Any) -> Registration:
    kw.setdefault("name", "张三")
    kw.setdefault("phone", f"137{_n():08d}")
    return _save(session, Registration(event=event, **kw))


def make_template(session: Session, items: list[dict[str, Any]] | None = None,
                  **kw: Any) -> EventTemplate:
    kw.setdefault("name", f"模板{_n()}")
    kw.setdefault("kind", EventKind.service_day)
    kw.setdefault("title", "学雷锋便民服务日")
    template = EventTemplate(**kw)
    for item in items or [{"title": "量血压"}]:
        template.items.append(TemplateItem(**item))
    return _save(session, template)


def make_user(session: Session, role: Role = Role.admin, **kw: Any) -> User:
    kw.setdefault("username", f"user{_n()}")
    kw.setdefault("password", PASSWORD)
    return create_user(session, role=role, **kw)


def make_service_group(session: Session, **kw: Any) -> ServiceGroup:
    if "neighbourhood" not in kw and "neighbourhood_id" not in kw:
        kw["neighbourhood"] = make_neighbourhood(session)
    kw.setdefault("name", f"第{_n()}团组")
    kw.setdefault("kind", ServiceGroupKind.resident_volunteers)
    return _save(session, ServiceGroup(**kw))


def make_building(session: Session, **kw: Any) -> Building:
    if "neighbourhood" not in kw and "neighbourhood_id" not in kw:
        kw["neighbourhood"] = make_neighbourhood(session)
    n = _n()
    kw.setdefault("number", str(n))
    kw.setdefault("address", f"佳虹路{n}弄{kw['number']}号")
    kw.setdefault("floors", 6)
    return _save(session, Building(**kw))


def make_visit(session: Session, household: Household, **kw: Any) -> Visit:
    kw.setdefault("kind", VisitKind.door)
    kw.setdefault("outcome", VisitOutcome.done)
    kw.setdefault("visited_at", datetime.now(UTC) - timedelta(days=10))
    return _save(session, Visit(household=household, **kw))


def make_incident(session: Session, **kw: Any) -> Incident:
    if "neighbourhood" not in kw and "neighbourhood_id" not in kw:
        kw["neighbourhood"] = make_neighbourhood(session)
    kw.setdefault("kind", IncidentKind.water_cut)
    kw.setdefault("title", "水管爆裂")
    kw.setdefault("started_at", datetime.now(UTC) - timedelta(hours=10))
    return _save(session, Incident(**kw))


def make_resident_request(session: Session, **kw: Any) -> ResidentRequest:
    """A request as the residents' form records it (received, with its first history entry);
    use `app.services.requests` to move it on."""
    from app.services.requests.workflow import record_change

    if "neighbourhood" not in kw and "neighbourhood_id" not in kw:
        kw["neighbourhood"] = make_neighbourhood(session)
    kw.setdefault("category", RequestCategory.public_facilities)
    kw.setdefault("text", "小区花园想搭一个花架，种些爬藤植物")
    request = ResidentRequest(**kw)
    session.add(request)
    record_change(session, request, None, request.status or RequestStatus.received, user=None,
                  note=None)
    session.flush()
    return request


def hold_meeting(session: Session, event_id: int, days_ago: int = 2) -> Event:
    """Move a council meeting (scheduled, as the admin does, in the future) `days_ago` days
    into the past: it has taken place, so its decision may be recorded."""
    event = session.get(Event, event_id)
    length = event.end_at - event.start_at
    event.start_at = datetime.now(UTC).replace(microsecond=0) - timedelta(days=days_ago)
    event.end_at = event.start_at + length
    session.flush()
    return event


def make_council_meeting(session: Session, request: ResidentRequest, *,
                         held_days_ago: int = 2, invited: tuple[str, ...] = ()) -> Event:
    """A residents' council meeting of `request` (its neighbourhood's), held `held_days_ago`
    days ago (negative: still to come), with `invited` representatives on its list; linked."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=held_days_ago)
    event = make_event(session, neighbourhood_id=request.neighbourhood_id,
                       kind=EventKind.other, title="居民议事会", start_at=start,
                       end_at=start + timedelta(minutes=90), is_public=False)
    session.add_all(CouncilAttendee(event_id=event.id, name=name) for name in invited)
    request.council_event_id = event.id
    session.flush()
    return event


#: The ranks the migration seeds the linkage's four levels with, by their former codes.
SEEDED_LEVELS = {"group": 1, "neighbourhood": 2, "town_department": 3, "district": 4}


def level(session: Session, code: str) -> LinkageLevel:
    """One of the four levels the migration seeds: "group" (the service group),
    "neighbourhood" (the committee), "town_department" or "district"."""
    return session.scalars(
        select(LinkageLevel).where(LinkageLevel.rank == SEEDED_LEVELS[code])).one()


def make_linkage_level(session: Session, **kw: Any) -> LinkageLevel:
    """A level handled by departments, added at the top of the linkage unless `rank` says."""
    kw.setdefault("rank", (session.scalar(select(func.max(LinkageLevel.rank))) or 0) + 1)
    kw.setdefault("name", f"市级{_n()}")
    kw.setdefault("name_en", f"City {_n()}")
    return _save(session, LinkageLevel(**kw))


def make_department(session: Session, **kw: Any) -> Department:
    """A town department (or, with `level=level(session, "district")`, a district office)."""
    kw.setdefault("name", f"镇城建办{_n()}")
    if "level_id" not in kw:
        kw.setdefault("level", level(session, "town_department"))
    return _save(session, Department(**kw))


def make_pairing(session: Session, household: Household, volunteer: Volunteer,
                 **kw: Any) -> Pairing:
    """A pairing as the admin form writes it (status proposed unless given)."""
    kw.setdefault("starts_on", date(2026, 12, 1))
    kw.setdefault("aim", "每周上门看望，帮助买菜")
    return _save(session, Pairing(household=household, volunteer=volunteer, **kw))


def make_package(session: Session, household: Household,
                 items: list[dict[str, Any]] | None = None, **kw: Any) -> ServicePackage:
    """A household's service package with its items (each a dict of item fields)."""
    kw.setdefault("starts_on", date(2026, 1, 1))
    package = ServicePackage(household=household, **kw)
    for fields in items or ():
        package.items.append(ServicePackageItem(**fields))
    return _save(session, package)


def make_patrol_site(session: Session, **kw: Any) -> PatrolSite:
    if "neighbourhood" not in kw and "neighbourhood_id" not in kw:
        kw["neighbourhood"] = make_neighbourhood(session)
    n = _n()
    kw.setdefault("name", f"网吧{n}")
    kw.setdefault("kind", PatrolSiteKind.internet_cafe)
    kw.setdefault("address", f"月浦路{n}号")
    return _save(session, PatrolSite(**kw))


def make_patrol_group(session: Session, members: Any = (), **kw: Any) -> PatrolGroup:
    """A patrol group; `members` are volunteers, or (volunteer, certified, certified_until)."""
    if "neighbourhood" not in kw and "neighbourhood_id" not in kw:
        kw["neighbourhood"] = make_neighbourhood(session)
    kw.setdefault("name", f"巡查小组{_n()}")
    group = PatrolGroup(**kw)
    for member in members:
        volunteer, certified, until = (member if isinstance(member, tuple)
                                       else (member, True, None))
        group.members.append(PatrolMember(volunteer=volunteer, certified=certified,
                                          certified_until=until))
    return _save(session, group)


def make_inspection(session: Session, site: PatrolSite, group: PatrolGroup,
                    present: Any = (), **kw: Any) -> PatrolInspection:
    """An inspection with its members present marked certified or not on its day."""
    from zoneinfo import ZoneInfo

    from app.services.patrols.log import refresh_certified

    kw.setdefault("started_at", datetime.now(UTC) - timedelta(hours=2))
    kw.setdefault("ended_at", kw["started_at"] + timedelta(hours=1))
    inspection = PatrolInspection(site=site, group=group, present=list(present), **kw)
    _save(session, inspection)
    refresh_certified(session, inspection, ZoneInfo("Asia/Shanghai"))
    return inspection


def make_series(session: Session, **kw: Any) -> EventSeries:
    """A weekly event series (every Monday 09:00 for 90 minutes unless told otherwise)."""
    if "neighbourhood" not in kw and "neighbourhood_id" not in kw:
        kw["neighbourhood"] = make_neighbourhood(session)
    kw.setdefault("kind", EventKind.patrol)
    kw.setdefault("title", f"小区巡查{_n()}")
    kw.setdefault("shift_title", "巡查")
    kw.setdefault("is_public", False)
    kw.setdefault("start_time", time(9, 0))
    kw.setdefault("duration_minutes", 90)
    kw.setdefault("weekdays_mask", 1)
    kw.setdefault("starts_on", date(2027, 1, 4))
    kw.setdefault("skipped_days", [])
    return _save(session, EventSeries(**kw))


def raise_request(session: Session, neighbourhood: Neighbourhood, text: str,
                  **contact: str) -> ResidentRequest:
    """A request as a resident raises it on the form, with `contact` (phone or email) given
    with consent, so they are told each step. Inside a request context (messages render)."""
    from app.services import requests

    return requests.create_request(session, requests.RequestInput(
        neighbourhood_id=neighbourhood.id, category=RequestCategory.public_facilities.value,
        text=text, consent=True, **contact))


def pergola_raised_twice(session: Session, neighbourhood: Neighbourhood, *, user: Any = None,
                         **second_contact: str) -> tuple[ResidentRequest, ResidentRequest]:
    """The pergola raised by two residents: the first request (its raiser's mobile
    13800138000) being improved, the second (contact `second_contact`) still received, to
    be merged into it. Inside a request context."""
    from app.services import requests

    first = raise_request(session, neighbourhood, "想搭个花架", phone="13800138000")
    second = raise_request(session, neighbourhood, "我也想要花架", **second_contact)
    requests.change_status(session, first, RequestStatus.handling, user=user)
    requests.change_status(session, first, RequestStatus.improving, user=user)
    return first, second


def build_pergola(session: Session, request: ResidentRequest, *, user: Any = None) -> None:
    """The pergola request resolved with its outcome, posted on the notice board."""
    from app.services import requests

    requests.change_status(session, request, RequestStatus.resolved, user=user,
                           note="花架已建成，欢迎来看", board_title="12号楼前的花架",
                           result="五月建成花架，种了紫藤")


def make_rota_run(session: Session, season: Any, site: PatrolSite, members: list[Volunteer],
                  starts: list[datetime], *,
                  staff: list[list[Volunteer]] | None = None) -> ScheduleRun:
    """A saved patrol rota of `season` (ready for review) without the engine: one slot at
    `site` per start, each staffed by `members` as the run's proposals (or by `staff[i]`,
    slot by slot); a slot left short says the engine's "not available" reason."""
    from app.services.patrols import rota, rota_runs

    slots = [rota.Slot(site.id, site.name, site.group_id, start,
                       start + timedelta(minutes=rota.SLOT_MINUTES)) for start in starts]
    staff = staff if staff is not None else [members] * len(slots)
    empty = [max(0, rota.SEATS - len(staff[i])) for i in range(len(slots))]
    proposal = rota.Rota(
        season.id, slots, {i: [m.id for m in staff[i]] for i in range(len(slots)) if staff[i]},
        [rota.SiteRota(site.id, site.name, len(slots),
                       sum(len(people) >= rota.SEATS for people in staff))],
        filled_seats=sum(min(len(people), rota.SEATS) for people in staff),
        total_seats=len(slots) * rota.SEATS, solver="hand",
        unfilled=[scheduling.UnfilledSeat(
            f"s{i}", empty[i], empty[i],
            scheduling.Reason("not_available", {"in_team": len(members)}))
            for i in range(len(slots)) if empty[i]])
    return rota_runs.save_rota(session, season, proposal)


def make_patrol_request(session: Session, member: Volunteer, *,
                        category: str = "public_facilities") -> ResidentRequest:
    """`member` inspects a new site of their neighbourhood and asks for a follow-up: the
    request their patrol raises (needs a request context, as intake does)."""
    from app.services.patrols import inspecting

    group = make_patrol_group(session, neighbourhood=member.neighbourhood, members=[member])
    site = make_patrol_site(session, neighbourhood=member.neighbourhood, group=group)
    inspection = inspecting.start_inspection(session, member, site.id, group.id)
    saved = inspecting.save_inspection(session, inspection, member, inspecting.InspectionInput(
        present_ids=[member.id], findings="网吧门口的井盖松动",
        follow_up_needed=True, follow_up_category=category))
    return saved.request_raised


def council_vote(agree: int = 3, disagree: int = 1, abstentions: int = 0, *,
                 proposal: str = "同意搭建花架") -> VoteInput:
    """A council's vote on a proposal as the handling page sends it: for, against, abstained."""
    return VoteInput(rows=[(proposal, str(agree)), ("不同意", str(disagree))],
                     abstentions=str(abstentions))


def council_vote_form(agree: int = 3, disagree: int = 1, abstentions: int = 0, *,
                      proposal: str = "同意搭建花架") -> dict[str, Any]:
    """The same vote as the handling page's step form posts it."""
    return {"option_label": [proposal, "不同意"], "option_votes": [str(agree), str(disagree)],
            "abstentions": str(abstentions)}
