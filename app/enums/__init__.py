"""Enumerations shared by models, services and views.

Member names equal their values so that forms, JSON and the database all speak the same
strings. Each enum knows its label in the user's language; the labels are lazy so this
module can be imported anywhere without an application context.

One module per concept; every name is importable from `app.enums` as before.
"""

from app.enums.attendance import (
    AttendanceMethod,
    AttendanceStatus,
    HoursKind,
    HoursRounding,
    RegistrationStatus,
)
from app.enums.base import LabelledEnum
from app.enums.care import (
    OPEN_PAIRING,
    PAIRING_CATEGORIES,
    PackageCadence,
    PackageVisitLeft,
    PairingStatus,
    ProjectTarget,
)
from app.enums.households import (
    EFFECTIVE,
    NOT_EFFECTIVE,
    RECORDABLE,
    ContactWindow,
    HouseholdCategory,
    IncidentKind,
    RoundStatus,
    VisitKind,
    VisitOutcome,
)
from app.enums.notifications import (
    NotificationChannel,
    NotificationStatus,
)
from app.enums.patrols import (
    ChecklistAnswer,
    DonorKind,
    Festival,
    PatrolSiteKind,
)
from app.enums.people import (
    AuditAction,
    Role,
    ServiceGroupKind,
    TeamKind,
)
from app.enums.requests import (
    OPEN_REQUEST,
    FollowUpOutcome,
    LevelHandler,
    PhotoStage,
    RequestCategory,
    RequestChannel,
    RequestStatus,
    SatisfactionAnswer,
)
from app.enums.scheduling import (
    BOOKED,
    EXCLUDED,
    HOLDS_SEAT,
    LIVE_RUN,
    ON_DUTY,
    UPCOMING,
    AssignmentSource,
    AssignmentStatus,
    EventKind,
    EventStatus,
    HolidayKind,
    PartStatus,
    RunStatus,
    SeriesFrequency,
    SeriesOnHoliday,
    ShiftChangeStatus,
)

__all__ = [
    "BOOKED",
    "EFFECTIVE",
    "EXCLUDED",
    "HOLDS_SEAT",
    "LIVE_RUN",
    "NOT_EFFECTIVE",
    "ON_DUTY",
    "OPEN_PAIRING",
    "OPEN_REQUEST",
    "PAIRING_CATEGORIES",
    "RECORDABLE",
    "UPCOMING",
    "AssignmentSource",
    "AssignmentStatus",
    "AttendanceMethod",
    "AttendanceStatus",
    "AuditAction",
    "ChecklistAnswer",
    "ContactWindow",
    "DonorKind",
    "EventKind",
    "EventStatus",
    "Festival",
    "FollowUpOutcome",
    "HolidayKind",
    "HoursKind",
    "HoursRounding",
    "HouseholdCategory",
    "IncidentKind",
    "LabelledEnum",
    "LevelHandler",
    "NotificationChannel",
    "NotificationStatus",
    "PackageCadence",
    "PackageVisitLeft",
    "PairingStatus",
    "PartStatus",
    "PatrolSiteKind",
    "PhotoStage",
    "ProjectTarget",
    "RegistrationStatus",
    "RequestCategory",
    "RequestChannel",
    "RequestStatus",
    "Role",
    "RoundStatus",
    "RunStatus",
    "SatisfactionAnswer",
    "SeriesFrequency",
    "SeriesOnHoliday",
    "ServiceGroupKind",
    "ShiftChangeStatus",
    "TeamKind",
    "VisitKind",
    "VisitOutcome",
]
