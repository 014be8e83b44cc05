"""Build the admin inside the application factory (never at import time)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

from admin import i18n as admin_i18n
from admin.dashboard import LinliIndexView
from admin.scheduling import ScheduleView
from admin.views.attendance import (
    AttendanceListView,
    AttendanceView,
    HoursEntryView,
    HoursRuleView,
    ReliabilityRuleView,
)
from admin.views.events import (
    AssignmentView,
    EventView,
    RegistrationView,
    ScheduleRunView,
    ShiftView,
    SlotView,
)
from admin.views.festivals import DonationView, FestivalCampaignView
from admin.views.holidays import HolidayPeriodView
from admin.views.households import (
    HouseholdAuditView,
    HouseholdView,
    VisitView,
)
from admin.views.incidents import IncidentView
from admin.views.linkage_levels import LinkageLevelView
from admin.views.notifications import RefusedAddressView
from admin.views.packages import PackageVisitView, ServicePackageView
from admin.views.pairing import PairingView
from admin.views.pairing_proposals import PairingProposalView
from admin.views.patrols import (
    PatrolChecklistItemView,
    PatrolGroupView,
    PatrolInspectionView,
    PatrolSeasonView,
    PatrolSiteView,
)
from admin.views.people import (
    AvailabilityView,
    BlackoutView,
    QualificationView,
    TeamView,
    VolunteerView,
)
from admin.views.projects import ProjectView
from admin.views.reports import ComparisonWeightsView, FiveComparisonsView
from admin.views.request_routing_rules import RoutingRuleView
from admin.views.requests import DepartmentView, ResidentRequestView
from admin.views.series import EventSeriesView
from admin.views.service_groups import BuildingView, ServiceGroupView
from admin.views.settings import (
    EventTemplateView,
    NeighbourhoodView,
    RequestDeadlineView,
    SkillView,
    UserView,
    VisitPolicyView,
)
from admin.views.swaps import ShiftChangeRequestView
from admin.views.visits import VisitsView
from app.models import (
    Assignment,
    Attendance,
    Availability,
    Blackout,
    Building,
    ComparisonWeights,
    Department,
    Donation,
    Event,
    EventSeries,
    EventTemplate,
    FestivalCampaign,
    HolidayPeriod,
    HoursEntry,
    HoursRule,
    Household,
    HouseholdAuditEntry,
    Incident,
    LinkageLevel,
    Neighbourhood,
    PackageVisit,
    Pairing,
    PatrolChecklistItem,
    PatrolGroup,
    PatrolInspection,
    PatrolSeason,
    PatrolSite,
    Project,
    Qualification,
    Registration,
    ReliabilityRule,
    RequestDeadline,
    ResidentRequest,
    RoutingRule,
    ScheduleRun,
    ServiceGroup,
    ServicePackage,
    Shift,
    ShiftChangeRequest,
    Skill,
    Slot,
    Team,
    User,
    Visit,
    VisitPolicy,
    Volunteer,
)

TEMPLATES = Path(__file__).parent / "templates"


def init_admin(app: Flask) -> Admin:
    # Our templates (the admin's base with user, logout and language switch; the stamping
    # form; the dashboard) live in admin/templates, found through a template-only blueprint.
    app.register_blueprint(
        Blueprint("linli_admin_templates", __name__, template_folder=str(TEMPLATES))
    )
    admin_i18n.install()
    admin = Admin(
        app,
        name="邻里 Linli",
        theme=Bootstrap4Theme(base_template="linli_admin/master.html", swatch="default",
                              fluid=True),
        index_view=LinliIndexView(name=_l("Dashboard"), url="/admin"),
    )
    people, events, households, reports, patrols, settings = (
        _l("People"), _l("Events"), _l("Households"), _l("Reports"), _l("Patrols"),
        _l("Settings"),
    )
    views = [
        VolunteerView(Volunteer, name=_l("Volunteers"), category=people),
        TeamView(Team, name=_l("Teams"), category=people),
        AvailabilityView(Availability, name=_l("Availability"), category=people),
        BlackoutView(Blackout, name=_l("Blackouts"), category=people),
        EventView(Event, name=_l("Events"), category=events),
        EventSeriesView(EventSeries, name=_l("Event series"), category=events),
        ShiftView(Shift, name=_l("Shifts"), category=events),
        SlotView(Slot, name=_l("Resident slots"), category=events),
        AssignmentView(Assignment, name=_l("Assignments"), category=events),
        RegistrationView(Registration, name=_l("Registrations"), category=events),
        ProjectView(Project, name=_l("Service projects"), category=events),
        AttendanceView(name=_l("Attendance roster"), endpoint="attendance",
                       url="/admin/attendance", category=events),
        AttendanceListView(Attendance, name=_l("Attendance records"), category=events,
                           endpoint="attendancerecord"),
        HoursEntryView(HoursEntry, name=_l("Service hours"), category=people),
        ShiftChangeRequestView(ShiftChangeRequest, name=_l("Shift swaps and drops"),
                               category=events),
        QualificationView(Qualification, name=_l("Qualifications"), category=people),
        RefusedAddressView(name=_l("Refused numbers and addresses"), endpoint="refused",
                           url="/admin/refused", category=people),
        ScheduleRunView(ScheduleRun, name=_l("Scheduler runs"), category=events),
        ScheduleView(name=_l("Auto-scheduling"), endpoint="schedule", url="/admin/schedule",
                     category=events),
        HouseholdView(Household, name=_l("Households"), category=households),
        BuildingView(Building, name=_l("Buildings"), category=households),
        ServiceGroupView(ServiceGroup, name=_l("Service groups"), category=households),
        VisitsView(name=_l("Contacts due and visit rounds"), endpoint="visits",
                   url="/admin/visits", category=households),
        VisitView(Visit, name=_l("Visits"), category=households),
        IncidentView(Incident, name=_l("Incidents"), category=households),
        PairingView(Pairing, name=_l("Pairings"), category=households),
        ServicePackageView(ServicePackage, name=_l("Service packages"),
                           category=households),
        PackageVisitView(PackageVisit, name=_l("Package visits"), category=households),
        FestivalCampaignView(FestivalCampaign, name=_l("Festival visits"),
                             category=households),
        DonationView(Donation, name=_l("Donations"), category=households),
        PairingProposalView(name=_l("Pairing proposals"), endpoint="pairing_proposals",
                            url="/admin/pairing-proposals", category=households),
        ResidentRequestView(ResidentRequest, name=_l("Residents' requests"),
                            category=households),
        HouseholdAuditView(HouseholdAuditEntry, name=_l("Resident file audit trail"),
                           category=households),
        FiveComparisonsView(name=_l("Five comparisons"), endpoint="reports",
                            url="/admin/reports", category=reports),
        PatrolInspectionView(PatrolInspection, name=_l("Inspections"), category=patrols),
        PatrolSiteView(PatrolSite, name=_l("Patrol sites"), category=patrols),
        PatrolGroupView(PatrolGroup, name=_l("Patrol groups"), category=patrols),
        PatrolSeasonView(PatrolSeason, name=_l("Patrol seasons"), category=patrols),
        PatrolChecklistItemView(PatrolChecklistItem, name=_l("Inspection checklists"),
                                category=patrols),
        EventTemplateView(EventTemplate, name=_l("Event templates"), category=settings),
        SkillView(Skill, name=_l("Skills"), category=settings),
        VisitPolicyView(VisitPolicy, name=_l("Visit policies"), category=settings),
        RequestDeadlineView(RequestDeadline, name=_l("Deadlines of residents' requests"),
                            category=settings),
        RoutingRuleView(RoutingRule, name=_l("Routing of residents' requests"),
                        category=settings),
        NeighbourhoodView(Neighbourhood, name=_l("Neighbourhoods"), category=settings),
        LinkageLevelView(LinkageLevel, name=_l("Levels of the linkage"), category=settings),
        DepartmentView(Department, name=_l("Town and district departments"),
                       category=settings),
        UserView(User, name=_l("Users"), category=settings),
        ComparisonWeightsView(ComparisonWeights, name=_l("Weights of the five comparisons"),
                              category=settings),
        HoursRuleView(HoursRule, name=_l("Service hours rules"), category=settings),
        HolidayPeriodView(HolidayPeriod, name=_l("Public holidays and make-up days"),
                          category=settings),
        ReliabilityRuleView(ReliabilityRule, name=_l("Scheduler: weight of no-shows"),
                            category=settings),
    ]
    admin.add_views(*views)
    return admin
