"""What a demo load created, and the logins it made (passwords shown once)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.enums import Role

DEFAULT_SEED = 20120305

#: What the report counts, in the order the CLI prints it.
COUNT_KEYS = (
    "neighbourhoods", "skills", "teams", "team_members", "volunteers", "availabilities",
    "visit_policies", "templates", "events", "shifts", "slots",
    "households", "visits", "users",
    "buildings", "service_groups", "incidents", "assignments", "attendances",
    "hours_corrections", "household_needs", "pairings",
    "patrol_groups", "patrol_sites", "patrol_checklist_items", "patrol_seasons",
    "patrol_inspections", "qualifications",
    "projects", "registrations", "service_packages", "package_items", "package_visits",
    "package_visits_missed", "makeup_visits", "session_attendances",
    "festival_campaigns", "festival_visits", "donations", "event_series",
    "departments", "council_meetings", "council_votes", "resident_requests", "request_changes",
    "request_escalations", "request_answers", "routing_rules",
)

TEAM_LEAD_USERNAME = "yiliao"
TEAM_LEAD_TEAM = "上门医疗队"
ADMIN_USERNAME = "jinqiao"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: Role
    display_name: str

    def __repr__(self) -> str:  # keep passwords out of tracebacks and logs
        return f"DemoLogin({self.username!r}, role={self.role.value!r})"


@dataclass
class DemoReport:
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_KEYS, 0))
    #: Accounts created by this load, with their generated passwords (shown once).
    logins: list[DemoLogin] = field(default_factory=list)
    #: Demo usernames that already existed; their passwords are not known.
    existing_logins: list[str] = field(default_factory=list)
    #: The days of the (new or existing) Lei Feng service day and first training session.
    lei_feng_day: date | None = None
    training_day: date | None = None

    @property
    def total_created(self) -> int:
        return sum(self.created.values())
