"""Admin test fixtures: two neighbourhoods full of rows, users of every role, quick logins.

Every Yongye (永业) row carries 永业 in the text the admin shows, every Jiahong (佳虹) row 佳虹,
so "the foreign row's text is absent from the body" is a plain substring check (Chinese
characters cannot appear in tokens or ids by accident).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.enums import (
    AttendanceStatus,
    AuditAction,
    ChecklistAnswer,
    DonorKind,
    EventKind,
    Festival,
    HolidayKind,
    HoursKind,
    HouseholdCategory,
    PatrolSiteKind,
    ProjectTarget,
    RequestCategory,
    Role,
    RunStatus,
    VisitKind,
)
from app.extensions import login_manager
from app.models import (
    Attendance,
    Blackout,
    ComparisonWeights,
    Donation,
    FestivalCampaign,
    HolidayPeriod,
    HoursEntry,
    HoursRule,
    HouseholdAuditEntry,
    Neighbourhood,
    PackageVisit,
    Pairing,
    PatrolChecklistItem,
    PatrolSeason,
    Project,
    Qualification,
    ReliabilityRule,
    RequestDeadline,
    RoutingRule,
    ScheduleRun,
    ServicePackage,
    ServicePackageItem,
    ShiftChangeRequest,
    User,
    Visit,
    VisitPolicy,
)
from app.security import hash_password
from tests import factories as f
from tests.helpers import csrf_token


@functools.cache
def _password_hash() -> str:
    # Argon2 takes ~0.1 s a hash; the suite makes hundreds of users, all with one password.
    return hash_password(f.PASSWORD)


def make_user(session: Any, role: Role, username: str, **kw: Any) -> User:
    user = User(username=username, display_name=kw.pop("display_name", username),
                password_hash=_password_hash(), role=role, **kw)
    session.add(user)
    session.flush()
    return user


@dataclass
class Side:
    """The rows of one neighbourhood, keyed by admin endpoint."""

    neighbourhood: Neighbourhood
    rows: dict[str, Any] = field(default_factory=dict)


@dataclass
class World:
    jiahong: Side
    yongye: Side
    shared: dict[str, Any]
    users: dict[str, User]


def _side(session: Any, prefix: str, skill: Any) -> Side:
    n = f.make_neighbourhood(session, name=f"{prefix}居民区", name_en=f"{prefix} area")
    volunteer = f.make_volunteer(session, neighbourhood=n, name=f"{prefix}志愿者",
                                 notes=f"{prefix}备注")
    team = f.make_team(session, name=f"{prefix}服务队", neighbourhood=n)
    team.members.append(volunteer)
    availability = f.make_availability(session, volunteer)
    blackout = Blackout(volunteer=volunteer, start_at=f.future(3), end_at=f.future(4),
                        reason=f"{prefix}出差")
    session.add(blackout)
    event = f.make_event(session, neighbourhood=n, title=f"{prefix}便民服务日",
                         place=f"{prefix}广场")
    shift = f.make_shift(session, event, title=f"{prefix}量血压", team=team, skill=skill)
    slot = f.make_slot(session, event, label=f"{prefix}理发时段")
    assignment = f.make_assignment(session, shift, volunteer)
    registration = f.make_registration(session, event, name=f"{prefix}居民")
    group = f.make_service_group(session, neighbourhood=n, name=f"{prefix}第一团组")
    group.members.append(volunteer)
    building = f.make_building(session, neighbourhood=n, number="1",
                               address=f"{prefix}路1号楼", service_group=group)
    household = f.make_household(session, neighbourhood=n, address=f"{prefix}路1号",
                                 contact_name=f"{prefix}王阿婆", building=building, floor=3,
                                 room="301", contact_phone="13812345678",
                                 categories=[HouseholdCategory.living_alone])
    incident = f.make_incident(session, neighbourhood=n, title=f"{prefix}停水")
    resident_request = f.make_resident_request(session, neighbourhood=n,
                                               text=f"{prefix}花架建议", place=f"{prefix}1号楼")
    patrol_group = f.make_patrol_group(session, neighbourhood=n, name=f"{prefix}巡查小组",
                                       members=[volunteer])
    patrol_site = f.make_patrol_site(session, neighbourhood=n, name=f"{prefix}星空网吧",
                                     address=f"{prefix}路8号", group=patrol_group)
    patrol_season = PatrolSeason(town=n.town, neighbourhood=n, name=f"{prefix}暑期巡查",
                                 starts_on=date(2027, 7, 1), ends_on=date(2027, 8, 31))
    session.add(patrol_season)
    inspection = f.make_inspection(session, patrol_site, patrol_group, [volunteer],
                                   findings=f"{prefix}发现未成年人")
    session.flush()
    visit = Visit(household=household, visited_at=f.future(-3), kind=VisitKind.door,
                  volunteer=volunteer, notes=f"{prefix}走访")
    run = ScheduleRun(neighbourhood=n, status=RunStatus.succeeded, log=f"{prefix}日志")
    audit_entry = HouseholdAuditEntry(neighbourhood=n, household_id=household.id,
                                      household_label=str(household), user_name=f"{prefix}协调员",
                                      action=AuditAction.viewed)
    attendance = Attendance(assignment=assignment, status=AttendanceStatus.present)
    entry = HoursEntry(volunteer=volunteer, kind=HoursKind.correction, minutes=60,
                       service_on=date(2026, 11, 1), activity=f"{prefix}补录",
                       reason=f"{prefix}纸质签到表")
    pairing = Pairing(household=household, volunteer=volunteer, starts_on=date(2026, 12, 1),
                      aim=f"{prefix}结对帮扶")
    change = ShiftChangeRequest(assignment=assignment, volunteer_id=volunteer.id,
                                reason=f"{prefix}家里有事")
    qualification = Qualification(volunteer=volunteer, skill=skill,
                                  licence_number=f"{prefix}执业证001", issued_by=f"{prefix}卫健委",
                                  valid_until=date(2030, 12, 31))
    session.add_all([blackout, visit, run, audit_entry, attendance, entry,
                     pairing, change, qualification])
    # The member filed the request for the household on the visit (the crawls see the links).
    resident_request.household, resident_request.volunteer = household, volunteer
    resident_request.visit = visit
    service_package = ServicePackage(household=household, starts_on=date(2027, 1, 1),
                                     notes=f"{prefix}套餐备注", items=[ServicePackageItem(
                                         skill=skill, volunteer=volunteer,
                                         description=f"{prefix}上门量血压")])
    package_event = f.make_event(session, neighbourhood=n, kind=EventKind.care_visit,
                                 title=f"{prefix}套餐上门", household=household,
                                 is_public=False)
    session.add(service_package)
    session.flush()
    package_visit = PackageVisit(item=service_package.items[0], event=package_event,
                                 due_on=package_event.start_at.date(), helper=volunteer)
    session.add(package_visit)
    project = Project(neighbourhood=n, title=f"{prefix}少儿绘画比赛",
                      target=ProjectTarget.children_families, starts_on=date(2027, 3, 1),
                      goal_events=1, goal_participants=30, events=[event],
                      organisers=[volunteer])
    session.add(project)
    campaign = FestivalCampaign(neighbourhood=n, festival=Festival.mid_autumn,
                                title=f"{prefix}中秋走访", starts_on=date(2026, 9, 23),
                                ends_on=date(2026, 9, 26),
                                categories=[HouseholdCategory.living_alone])
    donation = Donation(neighbourhood=n, campaign=campaign, donor=f"{prefix}食品公司",
                        donor_kind=DonorKind.company, received_on=date(2026, 9, 21),
                        value_yuan=2000, recipients_count=20, recipients=f"{prefix}20位老人")
    session.add_all([campaign, donation])
    series = f.make_series(session, neighbourhood=n, title=f"{prefix}每周一巡查",
                           volunteer=volunteer, starts_on=date(2030, 9, 30))
    routing_rule = RoutingRule(category=RequestCategory.property_repair, neighbourhood=n,
                               service_group=group)
    session.add(routing_rule)
    session.flush()
    return Side(n, {
        "neighbourhood": n, "volunteer": volunteer, "team": team,
        "availability": availability, "blackout": blackout, "event": event, "shift": shift,
        "slot": slot, "assignment": assignment, "registration": registration,
        "household": household, "visit": visit,
        "schedulerun": run, "building": building, "servicegroup": group,
        "incident": incident, "residentrequest": resident_request,
        "householdauditentry": audit_entry, "attendancerecord": attendance,
        "hoursentry": entry, "pairing": pairing, "project": project,
        "patrolsite": patrol_site, "patrolgroup": patrol_group, "patrolseason": patrol_season,
        "patrolinspection": inspection,
        "shiftchangerequest": change,
        "qualification": qualification,
        "servicepackage": service_package, "packagevisit": package_visit,
        "festivalcampaign": campaign, "donation": donation, "eventseries": series,
        "routingrule": routing_rule,
    })


@pytest.fixture
def world(db_session) -> World:
    skill = f.make_skill(db_session, code="blood_pressure", name_zh="量血压技能",
                         name_en="Blood pressure")
    policy = VisitPolicy(category=HouseholdCategory.living_alone, interval_days=7)
    checklist_item = PatrolChecklistItem(site_kind=PatrolSiteKind.internet_cafe,
                                         question="有未成年人上网吗",
                                         concern_answer=ChecklistAnswer.yes)
    rule = HoursRule(town="示例镇", step_minutes=15)
    holiday = HolidayPeriod(name="示例节", kind=HolidayKind.holiday,
                            first_day=date(2030, 10, 1), last_day=date(2030, 10, 3))
    reliability = ReliabilityRule(town="示例镇", no_show_weight=30)
    db_session.add_all([policy, checklist_item, rule, holiday, reliability])
    template = f.make_template(
        db_session, name="学雷锋模板", kind=EventKind.service_day,
        start_time=time(9, 0),
        items=[{"title": "量血压", "skill": skill, "duration_minutes": 180,
                "max_volunteers": 2},
               {"title": "理发", "duration_minutes": 60, "slot_minutes": 20,
                "slot_capacity": 1}],
    )
    town_team = f.make_team(db_session, name="镇级法律服务队", neighbourhood=None)
    department = f.make_department(db_session, name="镇城建办")
    jiahong = _side(db_session, "佳虹", skill)
    yongye = _side(db_session, "永业", skill)
    users = {
        "admin": make_user(db_session, Role.admin, "town-admin", display_name="镇管理员"),
        "coordinator": make_user(db_session, Role.coordinator, "jh-coordinator",
                                 display_name="佳虹协调员",
                                 neighbourhoods=[jiahong.neighbourhood]),
        "team_lead": make_user(db_session, Role.team_lead, "jh-lead", display_name="队长",
                               teams=[jiahong.rows["team"]]),
        "volunteer": make_user(db_session, Role.volunteer, "volunteer-user",
                               display_name="普通志愿者"),
        "department": make_user(db_session, Role.department, "town-works",
                                display_name="城建办经办人", department=department),
    }
    shared = {"skill": skill,
              "visitpolicy": policy, "eventtemplate": template, "town_team": town_team,
              "comparisonweights": db_session.get(ComparisonWeights, 1),
              "patrolchecklistitem": checklist_item, "department": department,
              "linkagelevel": f.make_linkage_level(db_session, name="市级", name_en="City"),
              "hoursrule": rule, "holidayperiod": holiday, "reliabilityrule": reliability,
              # The migration writes one per category.
              "requestdeadline": db_session.scalars(select(RequestDeadline)).first()}
    return World(jiahong, yongye, shared, users)


def quick_login(client: FlaskClient, user: User) -> str:
    """Log a user in by writing the Flask-Login session directly; returns a CSRF token.

    The real login form (tests.helpers.login) costs an Argon2 verification; tests of the login
    itself and a few end-to-end flows use it, the big access matrix uses this.
    """
    token = csrf_token(client, "/login")
    with client.application.test_request_context(environ_base=client.environ_base):
        identifier = login_manager._session_identifier_generator()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["_id"] = identifier
    return token


def as_text(response: Any) -> str:
    return response.get_data(as_text=True)


def later(days: int) -> Any:
    return f.future(days) + timedelta(hours=1)
