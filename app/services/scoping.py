"""Row scoping: which rows a user may see and which they may change.

Plain functions of a user (no request, no Flask): the admin, the API, tasks and exports all ask
the same questions and get the same SQL filter. A filter is a SQLAlchemy boolean expression
for one model, or ``None`` when the user is unrestricted (the town administrator).

- **admin**: everything.
- **coordinator**: rows of their own neighbourhoods (``user.neighbourhoods``), reached directly
  (``neighbourhood_id``) or through a parent (Shift → Event, Assignment → Shift → Event,
  Availability → Volunteer, Visit → Household, …). Town-wide teams (no neighbourhood) are
  visible but not writable. Town-wide settings (skills, templates, policies, packages) are
  visible to everybody with admin access; whether a role may *change* them is the admin's
  model-level permission matrix, not a row rule.
- **team lead**: their teams (``user.teams``): the members' volunteer records, availability and
  blackouts, the teams' shifts and those shifts' assignments; the events holding those shifts
  (read only).
- **department handler**: the residents' requests ever escalated to their department
  (``user.department``), with their history and escalations; of those, they change only the
  ones their department holds now. Nothing else of any neighbourhood.
- **volunteer** and anyone else: nothing.

Unknown models are denied by default, so a new model is invisible until a rule names it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, false, or_, select
from sqlalchemy.orm import Session

from app.enums import Role
from app.models import (
    Assignment,
    Attendance,
    Availability,
    Blackout,
    Building,
    ComparisonWeights,
    CouncilAttendee,
    CouncilVote,
    CouncilVoteOption,
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
    HouseholdCategoryLink,
    HouseholdContactWindow,
    Incident,
    IncidentArea,
    IncidentHousehold,
    LinkageLevel,
    Neighbourhood,
    PackageVisit,
    Pairing,
    PatrolChecklistItem,
    PatrolGroup,
    PatrolInspection,
    PatrolInspectionChange,
    PatrolMember,
    PatrolSeason,
    PatrolSite,
    Project,
    Qualification,
    Registration,
    ReliabilityRule,
    RequestChange,
    RequestDeadline,
    RequestEscalation,
    ResidentRequest,
    RoutingRule,
    ScheduleRun,
    ServiceGroup,
    ServicePackage,
    ServicePackageItem,
    Shift,
    ShiftChangeRequest,
    Skill,
    Slot,
    Team,
    TemplateItem,
    User,
    Visit,
    VisitPolicy,
    VisitRound,
    Volunteer,
    team_members,
)

Filter = ColumnElement[bool] | None

#: Town-wide settings every admin-panel user may read (changing them is a model permission).
SHARED_MODELS: frozenset[type] = frozenset(
    {Skill, EventTemplate, TemplateItem, VisitPolicy, ComparisonWeights,
     PatrolChecklistItem, Department, LinkageLevel, HoursRule, HolidayPeriod,
     ReliabilityRule, RequestDeadline}
)

#: Models that carry their neighbourhood themselves.
_DIRECT: dict[type, Any] = {
    Neighbourhood: Neighbourhood.id,
    Volunteer: Volunteer.neighbourhood_id,
    Event: Event.neighbourhood_id,
    Household: Household.neighbourhood_id,
    HouseholdAuditEntry: HouseholdAuditEntry.neighbourhood_id,
    ScheduleRun: ScheduleRun.neighbourhood_id,
    Team: Team.neighbourhood_id,
    Building: Building.neighbourhood_id,
    ServiceGroup: ServiceGroup.neighbourhood_id,
    Incident: Incident.neighbourhood_id,
    VisitRound: VisitRound.neighbourhood_id,
    ResidentRequest: ResidentRequest.neighbourhood_id,
    #: A coordinator keeps their neighbourhoods' routing rules; town-wide ones (no
    #: neighbourhood) are the town admin's alone, not even readable by them.
    RoutingRule: RoutingRule.neighbourhood_id,
    Project: Project.neighbourhood_id,
    PatrolSite: PatrolSite.neighbourhood_id,
    PatrolGroup: PatrolGroup.neighbourhood_id,
    PatrolSeason: PatrolSeason.neighbourhood_id,
    FestivalCampaign: FestivalCampaign.neighbourhood_id,
    Donation: Donation.neighbourhood_id,
    EventSeries: EventSeries.neighbourhood_id,
}

#: Models whose rows without a neighbourhood are town-wide: readable by every coordinator,
#: changed only by the town admin.
_TOWN_WIDE_READABLE = frozenset({Team, PatrolSeason})

#: Models that belong to a neighbourhood through a parent row: (foreign key, parent model).
_PARENT: dict[type, tuple[Any, type]] = {
    Availability: (Availability.volunteer_id, Volunteer),
    Blackout: (Blackout.volunteer_id, Volunteer),
    Shift: (Shift.event_id, Event),
    Slot: (Slot.event_id, Event),
    Registration: (Registration.event_id, Event),
    Assignment: (Assignment.shift_id, Shift),
    #: Attendance belongs to the event's neighbourhood; hours to the volunteer's.
    Attendance: (Attendance.assignment_id, Assignment),
    HoursEntry: (HoursEntry.volunteer_id, Volunteer),
    Qualification: (Qualification.volunteer_id, Volunteer),
    Visit: (Visit.household_id, Household),
    Pairing: (Pairing.household_id, Household),
    ServicePackage: (ServicePackage.household_id, Household),
    ServicePackageItem: (ServicePackageItem.package_id, ServicePackage),
    #: A package visit belongs to its event's (the household's) neighbourhood.
    PackageVisit: (PackageVisit.event_id, Event),
    #: A representative invited to a council meeting: the meeting's neighbourhood.
    CouncilAttendee: (CouncilAttendee.event_id, Event),
    HouseholdCategoryLink: (HouseholdCategoryLink.household_id, Household),
    HouseholdContactWindow: (HouseholdContactWindow.household_id, Household),
    IncidentArea: (IncidentArea.incident_id, Incident),
    IncidentHousehold: (IncidentHousehold.incident_id, Incident),
    RequestChange: (RequestChange.request_id, ResidentRequest),
    #: A council's vote belongs to the request whose history step recorded it.
    CouncilVote: (CouncilVote.change_id, RequestChange),
    CouncilVoteOption: (CouncilVoteOption.vote_id, CouncilVote),
    RequestEscalation: (RequestEscalation.request_id, ResidentRequest),
    PatrolMember: (PatrolMember.group_id, PatrolGroup),
    #: An inspection belongs to its site's neighbourhood.
    PatrolInspection: (PatrolInspection.site_id, PatrolSite),
    PatrolInspectionChange: (PatrolInspectionChange.inspection_id, PatrolInspection),
    ShiftChangeRequest: (ShiftChangeRequest.assignment_id, Assignment),
}


def neighbourhood_ids(user: User) -> frozenset[int] | None:
    """The neighbourhoods whose rows the user may see; ``None`` means all of them."""
    if user.role == Role.admin:
        return None
    if user.role == Role.coordinator:
        return frozenset(n.id for n in user.neighbourhoods)
    return frozenset()


def may_see_phone(user: User) -> bool:
    """Residents' phone numbers in full: the town admin and coordinators (their own rows);
    everyone else sees them masked."""
    return user.role in (Role.admin, Role.coordinator)


def team_ids(user: User) -> frozenset[int]:
    """The teams a team lead leads (empty for other roles)."""
    if user.role != Role.team_lead:
        return frozenset()
    return frozenset(t.id for t in user.teams)


def _by_neighbourhood(model: type, ids: frozenset[int], *, write: bool) -> ColumnElement[bool]:
    if model in _DIRECT:
        column = _DIRECT[model]
        condition = column.in_(ids)
        if model in _TOWN_WIDE_READABLE and not write:
            # Town-wide teams and seasons are visible to every coordinator, read only.
            condition = or_(condition, column.is_(None))
        return condition
    if model in _PARENT:
        fk, parent = _PARENT[model]
        return fk.in_(select(parent.id).where(_by_neighbourhood(parent, ids, write=write)))
    return false()


def _by_team(model: type, ids: frozenset[int], *, write: bool) -> ColumnElement[bool]:
    members = select(team_members.c.volunteer_id).where(team_members.c.team_id.in_(ids))
    team_shifts = select(Shift.id).where(Shift.team_id.in_(ids))
    writable: dict[type, ColumnElement[bool]] = {
        Volunteer: Volunteer.id.in_(members),
        Availability: Availability.volunteer_id.in_(members),
        Blackout: Blackout.volunteer_id.in_(members),
        Shift: Shift.team_id.in_(ids),
        Assignment: Assignment.shift_id.in_(team_shifts),
    }
    readable: dict[type, ColumnElement[bool]] = {
        Team: Team.id.in_(ids),
        Event: Event.id.in_(select(Shift.event_id).where(Shift.team_id.in_(ids))),
    }
    if model in writable:
        return writable[model]
    if not write and model in readable:
        return readable[model]
    return false()


def _by_department(model: type, department_id: int | None, *,
                   write: bool) -> ColumnElement[bool]:
    if department_id is None:
        return false()
    if model is ResidentRequest:
        if write:  # theirs to handle now
            return ResidentRequest.department_id == department_id
        return ResidentRequest.id.in_(select(RequestEscalation.request_id).where(
            RequestEscalation.department_id == department_id))
    if model in (RequestChange, RequestEscalation):
        fk, parent = _PARENT[model]
        return fk.in_(select(parent.id).where(_by_department(parent, department_id,
                                                             write=write)))
    return false()


def row_filter(user: User, model: type, *, write: bool = False) -> Filter:
    """SQL condition selecting the rows of `model` the user may read (or, with `write`, change).

    ``None`` means no restriction. Shared settings are unrestricted for reading and writing
    alike: who may change them at all is decided per model, not per row.
    """
    if user.role == Role.admin:
        return None
    if user.role not in (Role.coordinator, Role.team_lead, Role.department):
        return false()
    if model in SHARED_MODELS:
        return None
    if user.role == Role.department:
        return _by_department(model, user.department_id, write=write)
    if user.role == Role.coordinator:
        ids = neighbourhood_ids(user) or frozenset()
        return _by_neighbourhood(model, ids, write=write)
    return _by_team(model, team_ids(user), write=write)


def scoped(statement: Select[Any], user: User, model: type, *, write: bool = False) -> Select[Any]:
    """Add the user's row filter for `model` to a select."""
    condition = row_filter(user, model, write=write)
    return statement if condition is None else statement.where(condition)


def scoped_row(session: Session, user: User, model: type, pk: Any, *, write: bool) -> Any:
    """Row `pk` of `model` if it lies within the user's scope, else None (one query; "not
    yours" and "not there" look the same, so ids cannot be used to probe)."""
    return session.scalars(
        scoped(select(model).where(model.id == pk), user, model, write=write)
    ).first()


def allows_row(session: Session, user: User, model: type, pk: Any, *, write: bool) -> bool:
    """Whether the (flushed) row `pk` of `model` lies within the user's scope."""
    statement = scoped(select(model.id).where(model.id == pk), user, model, write=write)
    return session.scalar(statement) is not None
