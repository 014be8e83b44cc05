"""All models, imported here so that metadata and Alembic see every table."""

from app.models.assignments import Assignment, HelpRequest, ScheduleRun, ScheduleRunPart
from app.models.attendance import (
    Attendance,
    HoursEntry,
    HoursMonth,
    HoursRule,
    ReliabilityRule,
)
from app.models.audit import HouseholdAuditEntry
from app.models.base import Base, UTCDateTime, utcnow
from app.models.certificates import CourseCertificate, HoursCertificate
from app.models.council import CouncilAttendee, CouncilVote, CouncilVoteOption
from app.models.courses import SessionAttendance, SessionNotice
from app.models.departments import Department
from app.models.events import Event, EventTemplate, Shift, Slot, TemplateItem
from app.models.feeds import FeedTombstone
from app.models.festivals import Donation, FestivalCampaign, FestivalCampaignCategory
from app.models.geography import Neighbourhood
from app.models.holidays import HolidayPeriod
from app.models.households import (
    CarePackage,
    CareSubscription,
    Household,
    HouseholdCategoryLink,
    HouseholdContactWindow,
    Visit,
    VisitPolicy,
    VisitRound,
)
from app.models.incidents import Incident, IncidentArea, IncidentHousehold
from app.models.linkage_levels import LinkageLevel
from app.models.notifications import Notification, RefusalClearance
from app.models.packages import PackageVisit, ServicePackage, ServicePackageItem
from app.models.pairing import Pairing, household_needs
from app.models.patrols import (
    PatrolChecklistItem,
    PatrolGroup,
    PatrolInspection,
    PatrolInspectionChange,
    PatrolInspectionPhoto,
    PatrolMember,
    PatrolSeason,
    PatrolSite,
    patrol_inspection_members,
)
from app.models.projects import Project, project_events, project_organisers
from app.models.qualifications import Qualification, QualificationScan
from app.models.registrations import Registration
from app.models.reports import ComparisonWeights, ReportDataVersion
from app.models.request_routing import RoutingRule
from app.models.requests import (
    HeldRequestPhoto,
    RequestAnswer,
    RequestChange,
    RequestDeadline,
    RequestEscalation,
    RequestPhoto,
    ResidentRequest,
)
from app.models.series import EventSeries
from app.models.service_groups import Building, ServiceGroup, service_group_members
from app.models.shift_changes import ShiftChangeRequest
from app.models.skills import Skill
from app.models.teams import Team, team_members
from app.models.users import User, user_neighbourhoods, user_teams
from app.models.volunteers import Availability, Blackout, Volunteer, volunteer_skills

__all__ = [
    "Assignment",
    "Attendance",
    "Availability",
    "Base",
    "Blackout",
    "Building",
    "CarePackage",
    "CareSubscription",
    "ComparisonWeights",
    "CouncilAttendee",
    "CouncilVote",
    "CouncilVoteOption",
    "CourseCertificate",
    "Department",
    "Donation",
    "Event",
    "EventSeries",
    "EventTemplate",
    "FeedTombstone",
    "FestivalCampaign",
    "FestivalCampaignCategory",
    "HeldRequestPhoto",
    "HelpRequest",
    "HolidayPeriod",
    "HoursCertificate",
    "HoursEntry",
    "HoursMonth",
    "HoursRule",
    "Household",
    "HouseholdAuditEntry",
    "HouseholdCategoryLink",
    "HouseholdContactWindow",
    "Incident",
    "IncidentArea",
    "IncidentHousehold",
    "LinkageLevel",
    "Neighbourhood",
    "Notification",
    "PackageVisit",
    "Pairing",
    "PatrolChecklistItem",
    "PatrolGroup",
    "PatrolInspection",
    "PatrolInspectionChange",
    "PatrolInspectionPhoto",
    "PatrolMember",
    "PatrolSeason",
    "PatrolSite",
    "Project",
    "Qualification",
    "QualificationScan",
    "RefusalClearance",
    "Registration",
    "ReliabilityRule",
    "ReportDataVersion",
    "RequestAnswer",
    "RequestChange",
    "RequestDeadline",
    "RequestEscalation",
    "RequestPhoto",
    "ResidentRequest",
    "RoutingRule",
    "ScheduleRun",
    "ScheduleRunPart",
    "ServiceGroup",
    "ServicePackage",
    "ServicePackageItem",
    "SessionAttendance",
    "SessionNotice",
    "Shift",
    "ShiftChangeRequest",
    "Skill",
    "Slot",
    "Team",
    "TemplateItem",
    "UTCDateTime",
    "User",
    "Visit",
    "VisitPolicy",
    "VisitRound",
    "Volunteer",
    "household_needs",
    "patrol_inspection_members",
    "project_events",
    "project_organisers",
    "service_group_members",
    "team_members",
    "user_neighbourhoods",
    "user_teams",
    "utcnow",
    "volunteer_skills",
]
