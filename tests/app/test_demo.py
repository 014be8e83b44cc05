from __future__ import annotations

import itertools
import random
import re
import stat
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.enums import EventKind, EventStatus, HouseholdCategory, Role, TeamKind
from app.models import (
    Base,
    CareSubscription,
    Event,
    Household,
    Neighbourhood,
    ServiceGroup,
    ServicePackage,
    ServicePackageItem,
    Team,
    User,
    Visit,
    VisitPolicy,
    Volunteer,
)
from app.security import verify_password
from app.services.demo import DEFAULT_SEED, lei_feng_day, load_demo
from app.services.demo import data as d
from app.services.demo.generate import build_plan
from tests import factories as f
from tests.demo import DEMO_TODAY, demo_shifts

pytestmark = pytest.mark.integration

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: 5 March 2027 (a Friday) is 53 days ahead: the service day falls on a weekday.
TODAY = DEMO_TODAY
MOBILE = re.compile(r"^1[358]\d{9}$")
DEMO_USERNAMES = {"jinqiao", "jiahong", "yongye", "xincheng", "chengshijiayuan", "yiliao"}


def _load(session: Session):
    return load_demo(session, zone=SHANGHAI, today=TODAY)


def _row_counts(session: Session) -> dict[str, int]:
    return {
        table.name: session.scalar(select(func.count()).select_from(table))
        for table in Base.metadata.sorted_tables
    }


def test_loading_twice_creates_nothing_twice(demo_session, loaded_demo) -> None:
    first = loaded_demo.report
    counts = _row_counts(demo_session)
    assert first.created["volunteers"] == counts["volunteers"] >= 150
    assert first.created["availabilities"] == counts["availabilities"]
    care_visits = len(demo_shifts(demo_session, care_visits=True))
    # Care visits come from the service packages' items only, and the make-ups of the
    # packages' missed visits.
    assert first.created["package_visits"] + first.created["makeup_visits"] == care_visits
    assert first.created["package_visits"] > 0
    assert "care_visits" not in first.created and "care_subscriptions" not in first.created
    held = first.created["shifts"] - len(demo_shifts(demo_session))
    assert held == 4 * 6 * 2  # the past quarter's mornings
    assert first.created["shifts"] + care_visits + first.created[
        "package_visits_missed"] == counts["shifts"]
    assert first.created["attendances"] == counts["attendances"] == 4 * 6 * 5
    assert len(first.logins) == 6 and not first.existing_logins

    second = _load(demo_session)
    assert second.total_created == 0
    assert set(second.created.values()) == {0}
    assert _row_counts(demo_session) == counts
    assert second.logins == []
    assert set(second.existing_logins) == DEMO_USERNAMES


def test_same_seed_draws_the_same_people(demo_session) -> None:
    names = sorted(demo_session.execute(select(Volunteer.name, Volunteer.phone)).tuples())
    plan = build_plan(random.Random(DEFAULT_SEED), today=TODAY,
                      lei_feng_weekday=lei_feng_day(TODAY).weekday())
    assert sorted(v.key for v in plan.volunteers) == names


def test_demo_sizes(demo_session, loaded_demo) -> None:
    report = loaded_demo.report
    neighbourhoods = demo_session.scalars(
        select(Neighbourhood).where(Neighbourhood.town == d.TOWN)).all()
    assert {n.name for n in neighbourhoods} >= {"佳虹", "永业", "新城", "城市家园"}
    assert all(n.name_en and n.x_km is not None and n.duty_phone for n in neighbourhoods)
    assert demo_session.scalar(select(func.count()).select_from(Volunteer)) >= 150

    teams = {t.name: t for t in demo_session.scalars(select(Team))}
    for spec in d.PROFESSIONAL_TEAMS:
        team = teams[spec.name]
        assert team.neighbourhood_id is None and team.kind == spec.kind
        assert team.lead is not None and team.lead in team.members
        assert all(spec.skill in {s.code for s in m.skills} for m in team.members)
    assert {s.kind for s in d.PROFESSIONAL_TEAMS} == {
        TeamKind.medical, TeamKind.haircut, TeamKind.elder_care, TeamKind.repair,
        TeamKind.environment, TeamKind.youth, TeamKind.counselling}
    patrol = [t for t in teams.values() if t.kind == TeamKind.patrol]
    assert len(patrol) == 4 and sum(len(t.members) for t in patrol) == 14
    # The 团组 are service groups, not teams (issue 12): teams are professional or patrols.
    assert len(teams) == len(d.PROFESSIONAL_TEAMS) + len(patrol)
    party = demo_session.scalars(select(ServiceGroup).where(
        ServiceGroup.name == d.PARTY_GROUP)).all()
    assert {g.neighbourhood_id for g in party} == {n.id for n in neighbourhoods}
    assert all(len(g.members) >= 6 and all(m.is_party_member for m in g.members)
               for g in party)

    jiang = demo_session.scalar(select(Volunteer).where(Volunteer.name == "江洁志"))
    assert jiang.is_party_member and jiang.neighbourhood.name == "永业"
    [yongye_party] = [g for g in party if g.neighbourhood_id == jiang.neighbourhood_id]
    assert jiang in yongye_party.members
    assert any(a.weekday == 0 for a in jiang.availabilities)
    assert {"patrol", "grocery_delivery"} <= {s.code for s in jiang.skills}

    lei_feng = demo_session.scalar(select(Event).where(Event.kind == EventKind.service_day,
                                                     Event.title.contains("学雷锋")))
    assert lei_feng.start_at.astimezone(SHANGHAI).date() == date(2027, 3, 5)
    assert lei_feng.status == EventStatus.published and lei_feng.is_public
    assert len(lei_feng.shifts) >= 10
    haircut = next(s for s in lei_feng.shifts if s.skill.code == "haircut")
    haircut_slots = [s for s in lei_feng.slots if s.label.startswith(haircut.title)]
    assert haircut_slots and all(
        s.end_at - s.start_at == timedelta(minutes=20) for s in haircut_slots)

    training = demo_session.scalar(select(Event).where(Event.title == d.TRAINING_TITLE))
    assert training.is_public and training.status == EventStatus.published
    assert len(training.shifts) == 4 and len(training.slots) == 4
    # A course: one sign-up for all four sessions, whose slots have no places of their own.
    assert training.is_course and training.capacity == d.TRAINING_PLACES
    assert {s.capacity for s in training.slots} == {0}
    days = [s.start_at.astimezone(SHANGHAI).date() for s in training.shifts]
    assert [b - a for a, b in itertools.pairwise(days)] == [timedelta(days=7)] * 3
    assert [s.skill.code for s in training.shifts] == [c for _t, c in d.TRAINING_SESSIONS]
    assert report.training_day == days[0] and days[0].weekday() == 5

    patrol_shifts = [s for s in demo_shifts(demo_session)
                     if s.event.kind == EventKind.patrol and s.title.startswith("巡查")]
    cafes = {s.title for s in patrol_shifts}
    assert len(cafes) == 12
    assert all(s.team.kind == TeamKind.patrol and s.skill.code == "patrol" for s in patrol_shifts)
    assert all(not s.event.is_public and s.event.contact for s in patrol_shifts)
    assert lei_feng.contact == "佳虹居委会"

    # The care-package households (the resident files with buildings: test_demo_residents).
    households = demo_session.scalars(select(Household).where(
        Household.building_id.is_(None))).all()
    assert len(households) >= 20
    packages = {p.household_id: p for p in demo_session.scalars(select(ServicePackage))}
    assert all(packages[h.id].items for h in households)
    elderly = {HouseholdCategory.elderly_only, HouseholdCategory.living_alone}
    assert all(elderly & set(h.categories) for h in households)
    for package in packages.values():
        for item in package.items:
            assert item.volunteer.neighbourhood_id == package.household.neighbourhood_id
            assert item.skill in item.volunteer.skills
            assert any(a.weekday == item.weekday for a in item.volunteer.availabilities)
    assert demo_session.scalar(select(func.count()).select_from(CareSubscription)) == 0
    assert demo_session.scalar(select(func.count()).select_from(Visit)) >= 20
    policies = {p.category: p.interval_days for p in demo_session.scalars(select(VisitPolicy))}
    assert policies[HouseholdCategory.ordinary] == 365
    assert policies[HouseholdCategory.resource] == 180
    assert set(policies) == set(HouseholdCategory)
    # Some households are overdue: last visit longer ago than their strictest policy.
    overdue = [
        h for h in households
        if max(v.visited_at for v in h.visits)
        < datetime.combine(TODAY, datetime.min.time(), tzinfo=SHANGHAI)
        - timedelta(days=min(policies[c] for c in h.categories))
    ]
    assert 0 < len(overdue) < len(households)


def test_volunteer_phones_are_valid_and_unique(demo_session) -> None:
    phones = list(demo_session.scalars(select(Volunteer.phone)))
    assert all(p and MOBILE.match(p) for p in phones)
    assert len(set(phones)) == len(phones)
    names = list(demo_session.scalars(select(Volunteer.name)))
    assert len(set(names)) == len(names)
    assert all(2 <= len(n) <= 3 for n in names)
    emails = [e for e in demo_session.scalars(select(Volunteer.email)) if e]
    assert emails and all(e.endswith("@example.com") for e in emails)


def test_passwords_are_not_stored_in_plain_text(demo_session, loaded_demo) -> None:
    report = loaded_demo.report
    assert {login.username for login in report.logins} == DEMO_USERNAMES
    assert len({login.password for login in report.logins}) == len(report.logins)
    for login in report.logins:
        user = demo_session.scalar(select(User).where(User.username == login.username))
        assert user.role == login.role
        assert user.password_hash.startswith("$argon2")
        assert login.password not in user.password_hash
        assert verify_password(user.password_hash, login.password)
        assert login.password not in repr(login)
    coordinators = demo_session.scalars(select(User).where(User.role == Role.coordinator)).all()
    assert len(coordinators) == 4 and all(len(u.neighbourhoods) == 1 for u in coordinators)
    lead = demo_session.scalar(select(User).where(User.role == Role.team_lead))
    assert lead.volunteer is not None and lead.teams[0].lead == lead.volunteer


def test_lei_feng_day_rule() -> None:
    assert lei_feng_day(date(2027, 1, 11)) == date(2027, 3, 5)
    assert lei_feng_day(date(2026, 11, 30)) == date(2027, 3, 5)  # 95 days ahead
    # Too close (under a week) or too far: the next Saturday at least a week ahead.
    for today in (date(2027, 3, 1), date(2027, 6, 15), date(2026, 11, 20)):
        day = lei_feng_day(today)
        assert day.weekday() == 5 and 7 <= (day - today).days < 14


def test_if_empty_on_a_non_empty_database_adds_nothing(app: Flask, db_session) -> None:
    f.make_neighbourhood(db_session, town="月浦镇", name="某居民区")
    db_session.flush()
    before = _row_counts(db_session)
    result = app.test_cli_runner().invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "not loaded" in result.output
    assert _row_counts(db_session) == before


def test_cli_prints_logins_on_first_run_only(
    app: Flask, db_session, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load", "--today", TODAY.isoformat()])
    assert first.exit_code == 0, first.output
    assert "volunteers" in first.output

    logins_file = tmp_path / "demo-logins.txt"
    assert stat.S_IMODE(logins_file.stat().st_mode) == 0o600
    rows = [line.split("\t") for line in logins_file.read_text("utf-8").splitlines()
            if not line.startswith("#")]
    assert {row[0] for row in rows} == DEMO_USERNAMES
    for username, password, _role, _name in rows:
        assert password in first.output
        user = db_session.scalar(select(User).where(User.username == username))
        assert verify_password(user.password_hash, password)

    second = runner.invoke(args=["demo", "load", "--today", TODAY.isoformat()])
    assert second.exit_code == 0, second.output
    assert "nothing created" in second.output
    assert "already exist" in second.output
    assert all(password not in second.output for _u, password, _r, _n in rows)
    # The file still holds the passwords of the first run.
    assert {row[1] for row in rows} <= set(logins_file.read_text("utf-8").split())

    third = runner.invoke(args=["demo", "load", "--if-empty"])
    assert "not loaded" in third.output


def test_the_past_quarter_has_attendance_and_hours(demo_session) -> None:
    """Six fortnightly mornings per neighbourhood were held: rosters recorded, the ledger holds
    each attendance's credited time, a paper-sheet correction says why."""
    from app.enums import AttendanceStatus, HoursKind
    from app.models import Attendance, HoursEntry
    from app.services.demo.history import held_days

    days = held_days(TODAY)
    assert len(days) == 6 and all(day.weekday() == 5 and day < TODAY for day in days)
    assert [b - a for a, b in itertools.pairwise(days)] == [timedelta(days=14)] * 5
    statuses = list(demo_session.scalars(select(Attendance.status)))
    assert len(statuses) == 120
    assert {AttendanceStatus.present, AttendanceStatus.late,
            AttendanceStatus.absent} <= set(statuses)
    credited = demo_session.scalar(select(func.sum(Attendance.credited_minutes)))
    ledger = demo_session.scalar(select(func.sum(HoursEntry.minutes)).where(
        HoursEntry.kind == HoursKind.attendance))
    assert credited == ledger > 0
    [correction] = demo_session.scalars(select(HoursEntry).where(
        HoursEntry.kind == HoursKind.correction))
    assert correction.minutes == 90 and "纸质签到表" in correction.reason


def test_home_medical_visits_need_a_licence_every_medic_holds(demo_session) -> None:
    from app.models import Qualification, Skill
    from app.services import qualifications

    skill = demo_session.scalar(select(Skill).where(Skill.code == "home_medical"))
    assert skill.requires_qualification
    team = demo_session.scalar(select(Team).where(Team.name == "上门医疗队"))
    held = {q.volunteer_id for q in demo_session.scalars(select(Qualification))}
    assert {m.id for m in team.members if skill in m.skills} == held
    [soon] = qualifications.expiring(demo_session, TODAY)
    assert soon.valid_until == TODAY + timedelta(days=20)
    paired = set(demo_session.scalars(select(ServicePackageItem.volunteer_id)))
    assert soon.volunteer_id not in paired  # the care packages keep their person


def test_meilong_second_round_was_held_as_a_course_with_attendance(
        demo_session, loaded_demo) -> None:
    """Booked once for all four sessions by over 200 women; each session's attendance taken;
    most completed (3 of 4), some did not; the sign-in sheet counts each woman once."""
    from app.enums import RegistrationStatus
    from app.models import Registration, SessionAttendance
    from app.services import courses
    from app.services.demo.courses import sessions_held

    report = loaded_demo.report
    course = demo_session.scalar(select(Event).where(Event.title == d.TRAINING_ROUND_TWO_TITLE))
    assert course.is_course and course.capacity == 200 and course.completion_sessions == 3
    assert [s.label.split()[1] for s in course.slots] == [t for t, _c in d.TRAINING_SESSIONS]
    days = [s.start_at.astimezone(SHANGHAI).date() for s in course.slots]
    assert days == sessions_held(TODAY) and days[-1] < TODAY
    registrations = demo_session.scalars(select(Registration).where(
        Registration.event_id == course.id)).all()
    assert len(registrations) >= 200 and all(r.slot_id is None for r in registrations)
    assert len({r.phone for r in registrations}) == len(registrations)
    holding = [r for r in registrations if r.status in (RegistrationStatus.confirmed,
                                                        RegistrationStatus.attended)]
    assert len(holding) == 200
    assert any(r.status == RegistrationStatus.waitlisted for r in registrations)
    marks = demo_session.scalar(select(func.count()).select_from(SessionAttendance).where(
        SessionAttendance.event_id == course.id))
    assert marks == report.created["session_attendances"] > 400
    counts = courses.attended_counts(demo_session, course)
    completed = sum(1 for n in counts.values() if n >= 3)
    assert 100 < completed < 200
    sheet = courses.sign_in_sheet(demo_session, course)
    assert sheet.people == 200 and [s.people for s in sheet.sections] == [200] * 4
    assert all(0 < s.present < 200 for s in sheet.sections)
