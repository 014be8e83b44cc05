"""Creates whatever part of the demo plan is missing, matching every row on its natural key."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.enums import EventKind, EventStatus, Role, ServiceGroupKind, TeamKind, VisitOutcome
from app.models import (
    Availability,
    Event,
    EventTemplate,
    Household,
    Neighbourhood,
    ServiceGroup,
    ServicePackage,
    ServicePackageItem,
    Shift,
    Skill,
    Team,
    TemplateItem,
    User,
    Visit,
    VisitPolicy,
    Volunteer,
)
from app.services.accounts import create_user, generate_password
from app.services.demo import data as d
from app.services.demo.generate import (
    DemoPlan,
    HouseholdPlan,
    VolunteerPlan,
    patrol_group_name,
)
from app.services.demo.report import (
    ADMIN_USERNAME,
    TEAM_LEAD_TEAM,
    TEAM_LEAD_USERNAME,
    DemoLogin,
    DemoReport,
)
from app.services.templates import stamp_event


class Loader:
    def __init__(self, session: Session, zone: ZoneInfo, today: date) -> None:
        self.session = session
        self.zone = zone
        self.today = today
        self.report = DemoReport()
        self.neighbourhoods: list[Neighbourhood] = []
        self.skills: dict[str, Skill] = {}
        self.teams: dict[str, Team] = {}
        self.volunteers: dict[tuple[str, str], Volunteer] = {}
        #: Each neighbourhood's service group of party members on posts (`d.PARTY_GROUP`).
        self.party_groups: list[ServiceGroup] = []

    def count(self, key: str, n: int = 1) -> None:
        self.report.created[key] += n

    def local(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=self.zone)

    def run(self, plan: DemoPlan) -> None:
        self.load_neighbourhoods()
        self.load_skills()
        self.load_policies()
        self.load_teams(plan)
        self.load_volunteers(plan)
        self.load_party_groups(plan)
        self.load_templates_and_events()
        self.load_patrols(plan)
        self.load_households(plan.households)
        self.load_users()
        self.session.flush()

    # -- reference data ---------------------------------------------------------------------

    def load_neighbourhoods(self) -> None:
        existing = {
            n.name: n for n in self.session.scalars(
                select(Neighbourhood).where(Neighbourhood.town == d.TOWN))
        }
        for spec in d.NEIGHBOURHOODS:
            neighbourhood = existing.get(spec.name)
            if neighbourhood is None:
                neighbourhood = Neighbourhood(town=d.TOWN, name=spec.name, name_en=spec.name_en,
                                              x_km=spec.x_km, y_km=spec.y_km,
                                              duty_phone=d.DUTY_PHONES.get(spec.name))
                self.session.add(neighbourhood)
                self.count("neighbourhoods")
            self.neighbourhoods.append(neighbourhood)
        self.session.flush()

    def load_skills(self) -> None:
        self.skills = {s.code: s for s in self.session.scalars(select(Skill))}
        for code, name_zh, name_en in d.SKILLS:
            if code not in self.skills:
                self.skills[code] = Skill(code=code, name_zh=name_zh, name_en=name_en)
                self.session.add(self.skills[code])
                self.count("skills")
        self.session.flush()

    def load_policies(self) -> None:
        policies = set(self.session.scalars(select(VisitPolicy.category)))
        for category, interval, kind, notes in d.VISIT_POLICIES:
            if category not in policies:
                self.session.add(VisitPolicy(category=category, interval_days=interval,
                                             preferred_kind=kind, notes=notes))
                self.count("visit_policies")
        self.session.flush()

    def load_teams(self, plan: DemoPlan) -> None:
        self.teams = {t.name: t for t in self.session.scalars(select(Team))}

        def ensure(name: str, **fields: object) -> None:
            if name not in self.teams:
                self.teams[name] = Team(name=name, town=d.TOWN, **fields)
                self.session.add(self.teams[name])
                self.count("teams")

        for spec in d.PROFESSIONAL_TEAMS:
            ensure(spec.name, kind=spec.kind, description=spec.description)
        for g, cafes in enumerate(_cafes_by_group()):
            ensure(patrol_group_name(g), kind=TeamKind.patrol,
                   description=f"{d.PATROL_SQUAD}:就近巡查{'、'.join(c for c, _a in cafes)},"
                               "制止未成年人进入网吧。")
        self.session.flush()

    # -- volunteers -------------------------------------------------------------------------

    def load_volunteers(self, plan: DemoPlan) -> None:
        phones = [v.phone for v in plan.volunteers]
        for volunteer in self.session.scalars(select(Volunteer).where(Volunteer.phone.in_(phones))):
            self.volunteers[(volunteer.name, volunteer.phone or "")] = volunteer
        for vp in plan.volunteers:
            if vp.key not in self.volunteers:
                self.volunteers[vp.key] = self.new_volunteer(vp)
        self.session.flush()
        for team_name, lead in plan.leads.items():
            team = self.teams[team_name]
            if team.lead_id is None:
                team.lead = self.volunteers[lead.key]

    def new_volunteer(self, vp: VolunteerPlan) -> Volunteer:
        volunteer = Volunteer(
            name=vp.name, phone=vp.phone, email=vp.email,
            neighbourhood=self.neighbourhoods[vp.neighbourhood],
            max_minutes_per_week=vp.max_minutes_per_week,
            max_shifts_per_week=vp.max_shifts_per_week, max_families=vp.max_families,
            x_km=vp.x_km, y_km=vp.y_km, is_party_member=vp.is_party_member,
            is_dual_registered=vp.is_dual_registered, notes=vp.notes,
            skills=[self.skills[code] for code in sorted(vp.skills)],
            teams=[self.teams[name] for name in vp.teams],
            availabilities=[
                Availability(weekday=weekday, start_time=start, end_time=end)
                for weekday, windows in sorted(vp.windows.items())
                for start, end in windows
            ],
        )
        self.session.add(volunteer)
        self.count("volunteers")
        self.count("team_members", len(vp.teams))
        self.count("availabilities", len(volunteer.availabilities))
        return volunteer

    def load_party_groups(self, plan: DemoPlan) -> None:
        """The service group (团组) of party members in each neighbourhood; the resident files
        (`residents`) add the neighbourhood's other groups and deal them the other volunteers."""
        existing = {(g.neighbourhood_id, g.name): g for g in self.session.scalars(
            select(ServiceGroup).where(ServiceGroup.name == d.PARTY_GROUP))}
        for n, neighbourhood in enumerate(self.neighbourhoods):
            group = existing.get((neighbourhood.id, d.PARTY_GROUP))
            if group is None:
                group = ServiceGroup(neighbourhood=neighbourhood, name=d.PARTY_GROUP,
                                     kind=ServiceGroupKind.party_posts)
                self.session.add(group)
                self.count("service_groups")
            for vp in plan.volunteers:
                volunteer = self.volunteers[vp.key]
                if vp.in_party_group and vp.neighbourhood == n and volunteer not in group.members:
                    group.members.append(volunteer)
            self.party_groups.append(group)
        self.session.flush()

    # -- templates and events ---------------------------------------------------------------

    def load_templates_and_events(self) -> None:
        lei_feng = self.template(d.LEI_FENG_TEMPLATE, lambda: EventTemplate(
            name=d.LEI_FENG_TEMPLATE, kind=EventKind.service_day, title="学雷锋便民服务日",
            description="各服务团组招募志愿者自出项目,为居民提供义务量血压、理发、磨刀、配钥匙、"
                        "修伞、修鞋、小家电维修、缝补衣物、计生咨询、食品安全宣传等十数项便民服务。",
            place="居委会门前广场", start_time=d.LEI_FENG_START, is_public=True,
            registration_opens_days_before=14,
            items=[
                TemplateItem(title=title, skill=self.skills[skill],
                             duration_minutes=d.LEI_FENG_MINUTES, min_volunteers=1,
                             max_volunteers=seats, priority=2 if skill == "blood_pressure" else 1,
                             slot_minutes=slot, slot_capacity=seats if slot else 1)
                for title, skill, seats, slot in d.LEI_FENG_STATIONS
            ],
        ))
        training = self.template(d.TRAINING_TEMPLATE, lambda: EventTemplate(
            name=d.TRAINING_TEMPLATE, kind=EventKind.training, title=d.TRAINING_TITLE,
            description=d.TRAINING_DESCRIPTION, place=d.TRAINING_PLACE,
            start_time=d.TRAINING_START, is_public=True, capacity=d.TRAINING_PLACES,
            registration_opens_days_before=30,
            items=[
                # A session of the course: its slot has no places of its own.
                TemplateItem(title=f"第{n + 1}期 {title}", skill=self.skills[skill],
                             day_offset=7 * n, duration_minutes=d.TRAINING_MINUTES,
                             min_volunteers=1, max_volunteers=2,
                             slot_minutes=d.TRAINING_MINUTES, slot_capacity=0)
                for n, (title, skill) in enumerate(d.TRAINING_SESSIONS)
            ],
        ))
        service_day = self.report.lei_feng_day
        assert service_day is not None and self.report.training_day is not None
        self.report.lei_feng_day = self.stamp(lei_feng, service_day, self.neighbourhoods[0],
                                              f"{service_day.year}年学雷锋便民服务日")
        self.report.training_day = self.stamp(training, self.report.training_day,
                                              self.neighbourhoods[3], d.TRAINING_TITLE)
        course = self.session.scalar(select(Event).where(
            Event.title == d.TRAINING_TITLE, Event.neighbourhood_id == self.neighbourhoods[3].id))
        if course is not None and course.completion_sessions is None and course.capacity:
            course.completion_sessions = d.TRAINING_COMPLETION

    def template(self, name: str, build) -> EventTemplate:
        template = self.session.scalar(select(EventTemplate).where(EventTemplate.name == name))
        if template is None:
            template = build()
            self.session.add(template)
            self.session.flush()
            self.count("templates")
        return template

    def stamp(self, template: EventTemplate, day: date, neighbourhood: Neighbourhood,
              title: str) -> date:
        """Stamp the event unless one of that title exists; return the (existing) event's day."""
        existing = self.session.scalar(select(Event.start_at).where(
            Event.title == title, Event.neighbourhood_id == neighbourhood.id).limit(1))
        if existing is not None:
            return existing.astimezone(self.zone).date()
        event = stamp_event(self.session, template, day=day, neighbourhood=neighbourhood,
                            zone=self.zone, title=title)
        event.status = EventStatus.published
        event.contact = f"{neighbourhood.name}居委会"
        self.count("events")
        self.count("shifts", len(event.shifts))
        self.count("slots", len(event.slots))
        return day

    def load_patrols(self, plan: DemoPlan) -> None:
        monday = self.today + timedelta(days=7 - self.today.weekday())
        wanted: list[tuple[str, datetime, int, str, Team | ServiceGroup, str]] = []
        for g, cafes in enumerate(_cafes_by_group()):
            team = self.teams[plan.patrol_groups[g]]
            for c, (cafe, address) in enumerate(cafes):
                weekday = d.PATROL_GROUP_DAYS[g][c]
                for week in range(d.PATROL_WEEKS):
                    start = self.local(monday + timedelta(days=7 * week + weekday), d.PATROL_START)
                    wanted.append((f"网吧巡查 · {cafe}", start, g, f"{cafe}({address})", team,
                                   f"巡查{cafe}"))
        # Jiang Jiezhi's Monday round is an event series (`demo.series`), not events by hand.
        titles = {title for title, *_rest in wanted}
        existing = set(self.session.execute(
            select(Event.title, Event.start_at).where(Event.title.in_(titles))).tuples())
        for title, start, n, place, by, shift_title in wanted:
            if (title, start) in existing:
                continue
            # A patrol group's lead answers for its round; the committee for its 团组's.
            lead = by.lead if isinstance(by, Team) else None
            contact = (f"{lead.name} {lead.phone}" if lead
                       else f"{self.neighbourhoods[n].name}居委会")
            end = start + timedelta(minutes=d.PATROL_MINUTES)
            event = Event(
                neighbourhood=self.neighbourhoods[n], kind=EventKind.patrol, title=title,
                description="持证集体检查:观察网吧附近,及时制止未成年人进入网吧。",
                place=place, start_at=start, end_at=end, is_public=False,
                contact=contact, status=EventStatus.published,
                shifts=[Shift(title=shift_title, start_at=start, end_at=end,
                              skill=self.skills["patrol"],
                              team=by if isinstance(by, Team) else None,
                              service_group=by if isinstance(by, ServiceGroup) else None,
                              min_volunteers=1, max_volunteers=2)],
            )
            self.session.add(event)
            self.count("events")
            self.count("shifts")
        self.session.flush()

    # -- households -------------------------------------------------------------------------

    def load_households(self, households: list[HouseholdPlan]) -> None:
        existing = set(self.session.execute(
            select(Household.neighbourhood_id, Household.address)).tuples())
        for hp in households:
            neighbourhood = self.neighbourhoods[hp.neighbourhood]
            if (neighbourhood.id, hp.address) in existing:
                continue
            household = Household(
                neighbourhood=neighbourhood, address=hp.address, contact_name=hp.contact_name,
                contact_phone=hp.contact_phone, members_count=hp.members_count,
                x_km=hp.x_km, y_km=hp.y_km, notes=hp.notes,
            )
            household.categories.extend(hp.categories)
            for vp in hp.visits:
                household.visits.append(Visit(
                    visited_at=self.local(self.today - timedelta(days=vp.days_ago), time(10, 0)),
                    kind=vp.kind, outcome=VisitOutcome.done, notes=vp.notes,
                    volunteer=self.volunteers[vp.volunteer.key] if vp.volunteer else None,
                ))
            self.session.add(household)
            self.count("households")
            if hp.package_items:
                self.session.add(self.package(household, hp))
                self.count("service_packages")
                self.count("package_items", len(hp.package_items))
            self.count("visits", len(household.visits))
        self.session.flush()

    def package(self, household: Household, hp: HouseholdPlan) -> ServicePackage:
        """The household's service package: an item for each service it receives, by its
        helper (visits are generated once everything is loaded, `packages.load_packages`)."""
        services = {name: rest for name, *rest in d.CARE_PACKAGES}
        package = ServicePackage(household=household,
                                 starts_on=min(p.starts_on for p in hp.package_items))
        for p in hp.package_items:
            skill, cadence, nth, minutes, description = services[p.service]
            package.items.append(ServicePackageItem(
                skill=self.skills[skill], volunteer=self.volunteers[p.volunteer.key],
                cadence=cadence, weekday=p.weekday, nth=nth, time_of_day=p.preferred_time,
                duration_minutes=minutes, description=description))
        return package

    # -- accounts ---------------------------------------------------------------------------

    def load_users(self) -> None:
        lead_team = self.teams[TEAM_LEAD_TEAM]
        wanted: list[tuple[str, Role, str, list[Neighbourhood], list[Team]]] = [
            (ADMIN_USERNAME, Role.admin, f"{d.TOWN}管理员", [], []),
            *[(spec.slug, Role.coordinator, f"{spec.name}居委协调员", [n], [])
              for spec, n in zip(d.NEIGHBOURHOODS, self.neighbourhoods, strict=True)],
            (TEAM_LEAD_USERNAME, Role.team_lead,
             f"{lead_team.lead.name if lead_team.lead else TEAM_LEAD_TEAM}({TEAM_LEAD_TEAM}队长)",
             [], [lead_team]),
        ]
        taken = set(self.session.scalars(select(func.lower(User.username))))
        for username, role, display_name, neighbourhoods, teams in wanted:
            if username in taken:
                self.report.existing_logins.append(username)
                continue
            password = generate_password()
            user = create_user(self.session, username=username, password=password, role=role,
                               display_name=display_name, neighbourhoods=neighbourhoods,
                               teams=teams)
            if role == Role.team_lead and lead_team.lead is not None:
                linked = self.session.scalar(
                    select(User.id).where(User.volunteer_id == lead_team.lead.id))
                if linked is None:
                    user.volunteer = lead_team.lead
            self.report.logins.append(DemoLogin(username, password, role, display_name))
            self.count("users")


def _cafes_by_group() -> list[list[tuple[str, str]]]:
    per_group = len(d.CAFES) // len(d.PATROL_GROUP_SIZES)
    return [list(d.CAFES[g * per_group:(g + 1) * per_group])
            for g in range(len(d.PATROL_GROUP_SIZES))]
