"""Who may do what in the admin: the role × model permission matrix.

Rows are further limited by `app.services.scoping` (own neighbourhoods, own teams); this
matrix says which *operations* a role has on a model at all.

| model            | admin | coordinator                         | team lead                  |
|------------------|-------|-------------------------------------|----------------------------|
| Neighbourhood    | CRUD  | RU own: the duty phone only         | –                          |
| User             | CRUD  | –                                   | –                          |
| Skill            | CRUD  | R                                   | R                          |
| Team             | CRUD  | CRUD own; town-wide teams R         | R (own teams)              |
| Volunteer        | CRUD  | CRUD (own neighbourhoods)           | RU (team members)          |
| Availability     | CRUD  | CRUD                                | CRUD (team members)        |
| Blackout         | CRUD  | CRUD                                | CRUD (team members)        |
| Event            | CRUD  | CRUD                                | R (events with team shifts)|
| Shift            | CRUD  | CRUD                                | RU (team's shifts)         |
| Slot             | CRUD  | CRUD                                | –                          |
| EventTemplate    | CRUD  | R + "create event from template"    | –                          |
| Assignment       | CRUD  | CRUD                                | CRUD (team's shifts)       |
| ScheduleRun      | R     | R (own neighbourhoods)              | –                          |
| Household        | CRUD  | CRUD                                | –                          |
| VisitPolicy      | CRUD  | R                                   | –                          |
| Visit            | CRUD  | CRUD                                | –                          |
| Registration     | RU    | RU + "cancel sign-up"               | –                          |
| Building         | CRUD  | CRUD                                | –                          |
| ServiceGroup     | CRUD  | CRUD (members, patch)               | –                          |
| Incident         | CRUD  | CRUD + "mark restored"              | –                          |
| VisitRound       | R     | R + plan, reassign, publish, discard| –                          |
| ResidentRequest  | CRUD  | CRU + the workflow's steps          | –                          |
| Department       | CRUD  | R                                   | –                          |
| LinkageLevel     | CRUD (delete: unused only) | R                  | –                          |
| RequestDeadline  | CRUD  | R                                   | –                          |
| RoutingRule      | CRUD  | CRUD own (town-wide rules: the admin's) | –                      |
| HouseholdAuditEntry | R  | R (own neighbourhoods)              | –                          |
| Attendance       | R     | R + the roster (own shifts)         | –                          |
| HoursEntry       | RC    | RC (own volunteers): corrections    | –                          |
| Pairing          | CRUD  | CRUD + propose, confirm, end        | –                          |
| ServicePackage   | CRUD  | CRUD (items inline)                 | –                          |
| PackageVisit     | R     | R (changed through the package)     | –                          |
| ShiftChangeRequest | R + approve, refuse | R + approve, refuse (own) | –                      |
| Project          | CRUD  | CRUD                                | –                          |
| FiveComparisons  | R     | R (own neighbourhoods' groups)      | –                          |
| ComparisonWeights| RU    | R                                   | –                          |
| PatrolSite       | CRUD  | CRUD                                | –                          |
| PatrolGroup      | CRUD  | CRUD (members, certificates)        | –                          |
| PatrolSeason     | CRUD  | CRUD own; town-wide seasons R       | –                          |
| PatrolChecklistItem | CRUD | R                                  | –                          |
| PatrolInspection | CRU   | CRU (corrections kept in history)   | –                          |
| Qualification    | CRUD  | CRUD (own volunteers), their scans  | –                          |
| RefusedAddress   | RU    | RU (own neighbourhoods' messages)   | –                          |
| HoursRule        | CRUD  | R                                   | –                          |
| ReliabilityRule  | CRUD  | R                                   | –                          |
| FestivalCampaign | CRUD  | CRUD + "plan the visits"            | –                          |
| Donation         | CRUD  | CRUD                                | –                          |
| HolidayPeriod    | CRUD  | R                                   | –                          |
| EventSeries      | CRUD  | CRUD (future occurrences follow)    | –                          |

A town department handler (role `department`) has R on Department and LinkageLevel and RU on
ResidentRequest (the requests escalated to their department: the workflow's steps and passing
them on to a higher level handled by departments; routing stays the neighbourhood's), nothing
else.

R = list, details and CSV export; C = create; U = edit (form and list inline editing);
D = delete (row button and bulk action). Volunteers have no admin access at all (403).
Residents' places are created only through the sign-up service ("Sign up a resident" on the
event list, the public pages, the API) and given back through its "cancel sign-up" action,
so capacity, the waitlist and one-place-per-phone hold on every path; contact details stay
editable. Every template is town-wide (the model has no neighbourhood), so only the town admin edits
them; coordinators stamp them onto a date in one of their own neighbourhoods.
The audit trail of residents' files is read-only for everyone: entries are written by the
paths that show, change, import or export a file (`app.services.households.audit`).
Residents' requests are never deleted by a coordinator (their history is the record); a
request's state changes only through the workflow's steps (`app.services.requests`).
Shift swaps and drops are asked by volunteers in the portal and never edited or deleted in the
admin; they change only by the approve / refuse actions (`app.services.scheduler.swaps`).
Attendance is recorded only on the roster page or by the volunteer's own check-in, and the
hours ledger is append-only: a correction is a new entry (C), nobody edits or deletes one,
the town admin included.
The five comparisons (a report page, JSON, XLSX and CSV, not a model) are read by the town
admin for every neighbourhood and by a coordinator for their own; the weights of its combined
rank are one town-wide row that only the town admin edits (never created or deleted).
Refused numbers and addresses (a page, not a model) are read from the messages; U is clearing
one with a reason, which is kept with who and when and never edited or deleted.
Inspection records are never deleted, by the town admin either: they are the season's figures,
and every correction after creation is kept in the record's history
(`app.services.patrols.log`).
"""

from __future__ import annotations

from app.enums import Role

READ = "read"
CREATE = "create"
EDIT = "edit"
DELETE = "delete"

R = frozenset({READ})
RU = frozenset({READ, EDIT})
CRU = frozenset({READ, CREATE, EDIT})
RC = frozenset({READ, CREATE})
CRUD = frozenset({READ, CREATE, EDIT, DELETE})

_A, _C, _T, _D = Role.admin, Role.coordinator, Role.team_lead, Role.department

MATRIX: dict[str, dict[Role, frozenset[str]]] = {
    "Neighbourhood": {_A: CRUD, _C: RU},
    "User": {_A: CRUD},
    "Skill": {_A: CRUD, _C: R, _T: R},
    "Team": {_A: CRUD, _C: CRUD, _T: R},
    "Volunteer": {_A: CRUD, _C: CRUD, _T: RU},
    "Availability": {_A: CRUD, _C: CRUD, _T: CRUD},
    "Blackout": {_A: CRUD, _C: CRUD, _T: CRUD},
    "Event": {_A: CRUD, _C: CRUD, _T: R},
    "Shift": {_A: CRUD, _C: CRUD, _T: RU},
    "Slot": {_A: CRUD, _C: CRUD},
    "EventTemplate": {_A: CRUD, _C: R},
    "Assignment": {_A: CRUD, _C: CRUD, _T: CRUD},
    "ScheduleRun": {_A: R, _C: R},
    "Household": {_A: CRUD, _C: CRUD},
    "VisitPolicy": {_A: CRUD, _C: R},
    "Visit": {_A: CRUD, _C: CRUD},
    "Registration": {_A: RU, _C: RU},
    "Building": {_A: CRUD, _C: CRUD},
    "ServiceGroup": {_A: CRUD, _C: CRUD},
    "Incident": {_A: CRUD, _C: CRUD},
    "VisitRound": {_A: R, _C: R},
    "ResidentRequest": {_A: CRUD, _C: CRU, _D: RU},
    "Department": {_A: CRUD, _C: R, _D: R},
    "LinkageLevel": {_A: CRUD, _C: R, _D: R},
    "RequestDeadline": {_A: CRUD, _C: R},
    "RoutingRule": {_A: CRUD, _C: CRUD},
    "HouseholdAuditEntry": {_A: R, _C: R},
    "Attendance": {_A: R, _C: R},
    "HoursEntry": {_A: RC, _C: RC},
    "Pairing": {_A: CRUD, _C: CRUD},
    "ServicePackage": {_A: CRUD, _C: CRUD},
    "PackageVisit": {_A: R, _C: R},
    "ShiftChangeRequest": {_A: R, _C: R},
    "Project": {_A: CRUD, _C: CRUD},
    "FiveComparisons": {_A: R, _C: R},
    "ComparisonWeights": {_A: RU, _C: R},
    "PatrolSite": {_A: CRUD, _C: CRUD},
    "PatrolGroup": {_A: CRUD, _C: CRUD},
    "PatrolSeason": {_A: CRUD, _C: CRUD},
    "PatrolChecklistItem": {_A: CRUD, _C: R},
    "PatrolInspection": {_A: CRU, _C: CRU},
    "Qualification": {_A: CRUD, _C: CRUD},
    "RefusedAddress": {_A: RU, _C: RU},
    "HoursRule": {_A: CRUD, _C: R},
    "ReliabilityRule": {_A: CRUD, _C: R},
    "FestivalCampaign": {_A: CRUD, _C: CRUD},
    "Donation": {_A: CRUD, _C: CRUD},
    "HolidayPeriod": {_A: CRUD, _C: R},
    "EventSeries": {_A: CRUD, _C: CRUD},
}

#: Roles that may open the admin panel at all.
ADMIN_ROLES = frozenset({Role.admin, Role.coordinator, Role.team_lead, Role.department})


def permissions(role: Role, model_name: str) -> frozenset[str]:
    return MATRIX.get(model_name, {}).get(role, frozenset())
