"""Enumerations shared by models, services and views.

Member names equal their values so that forms, JSON and the database all speak the same
strings. Each enum knows its label in the user's language; the labels are lazy so this
module can be imported anywhere without an application context.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class LabelledEnum(StrEnum):
    @property
    def label(self) -> str:
        return str(self._labels()[self])

    @classmethod
    def _labels(cls) -> dict[LabelledEnum, object]:
        raise NotImplementedError

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]


class Role(LabelledEnum):
    admin = "admin"
    coordinator = "coordinator"
    team_lead = "team_lead"
    volunteer = "volunteer"
    #: A town department's handler: sees and handles only the residents' requests escalated
    #: to their department (`User.department`).
    department = "department"

    @classmethod
    def _labels(cls):
        return {
            cls.admin: _l("Town administrator"),
            cls.coordinator: _l("Neighbourhood coordinator"),
            cls.team_lead: _l("Team lead"),
            cls.volunteer: _l("Volunteer"),
            cls.department: _l("Town department handler"),
        }


class TeamKind(LabelledEnum):
    medical = "medical"
    haircut = "haircut"
    repair = "repair"
    counselling = "counselling"
    elder_care = "elder_care"
    environment = "environment"
    youth = "youth"
    legal = "legal"
    patrol = "patrol"
    other = "other"

    @classmethod
    def _labels(cls):
        return {
            cls.medical: _l("Home medical care"),
            cls.haircut: _l("Home haircut"),
            cls.repair: _l("Property repair"),
            cls.counselling: _l("Psychological counselling"),
            cls.elder_care: _l("Help for elderly and disabled"),
            cls.environment: _l("Environment clean-up"),
            cls.youth: _l("Youth holiday tutoring"),
            cls.legal: _l("Legal advice"),
            cls.patrol: _l("Patrol"),
            cls.other: _l("Other"),
        }


class EventKind(LabelledEnum):
    service_day = "service_day"
    care_visit = "care_visit"
    training = "training"
    patrol = "patrol"
    other = "other"

    @classmethod
    def _labels(cls):
        return {
            cls.service_day: _l("Service day"),
            cls.care_visit: _l("Care visit"),
            cls.training: _l("Training"),
            cls.patrol: _l("Patrol"),
            cls.other: _l("Other"),
        }


class EventStatus(LabelledEnum):
    draft = "draft"
    published = "published"
    cancelled = "cancelled"

    @classmethod
    def _labels(cls):
        return {
            cls.draft: _l("Draft"),
            cls.published: _l("Published"),
            cls.cancelled: _l("Cancelled"),
        }


class AssignmentStatus(LabelledEnum):
    proposed = "proposed"  #: a solver or coordinator draft, not yet published
    pending = "pending"  #: published, awaiting the volunteer's answer
    confirmed = "confirmed"
    declined = "declined"
    cancelled = "cancelled"
    attended = "attended"
    no_show = "no_show"

    @classmethod
    def _labels(cls):
        return {
            cls.proposed: _l("Proposed"),
            cls.pending: _l("Awaiting confirmation"),
            cls.confirmed: _l("Confirmed"),
            cls.declined: _l("Declined"),
            cls.cancelled: _l("Cancelled"),
            cls.attended: _l("Attended"),
            cls.no_show: _l("No-show"),
        }


#: Status groups of an assignment: the one definition every query and rule uses.
#: Published and holding the seat: the volunteer counts as busy and sees it as "my shift".
HOLDS_SEAT = (AssignmentStatus.pending, AssignmentStatus.confirmed, AssignmentStatus.attended)
#: Published and still ahead: may be changed or cancelled, and the volunteer is told.
UPCOMING = (AssignmentStatus.pending, AssignmentStatus.confirmed)
#: Held or drafted: what makes a volunteer busy for a new assignment.
BOOKED = (*HOLDS_SEAT, AssignmentStatus.proposed)
#: Pairs the solver must not propose again.
EXCLUDED = (AssignmentStatus.declined, AssignmentStatus.cancelled, AssignmentStatus.no_show)
#: Someone was (or is to be) on the shift: who did a visit.
ON_DUTY = (*HOLDS_SEAT, AssignmentStatus.no_show)


class AssignmentSource(LabelledEnum):
    solver = "solver"
    manual = "manual"
    self = "self"
    #: A series' regular volunteer on one of its occurrences (`app.services.series`): told
    #: apart from a coordinator's seats, so a change of regular volunteer moves only these.
    series = "series"

    @classmethod
    def _labels(cls):
        return {
            cls.solver: _l("Scheduler"),
            cls.manual: _l("Coordinator"),
            cls.self: _l("Volunteer"),
            cls.series: _l("Series' regular volunteer"),
        }


class RunStatus(LabelledEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    published = "published"
    discarded = "discarded"

    @classmethod
    def _labels(cls):
        return {
            cls.queued: _l("Queued"),
            cls.running: _l("Running"),
            cls.succeeded: _l("Ready for review"),
            cls.failed: _l("Failed"),
            cls.published: _l("Published"),
            cls.discarded: _l("Discarded"),
        }


#: A run still in play: being built, awaiting review or published. A patrol season holds at
#: most one rota run in these (a partial unique index on the run's season).
LIVE_RUN = (RunStatus.queued, RunStatus.running, RunStatus.succeeded, RunStatus.published)


class PartStatus(LabelledEnum):
    """One part of a partitioned (district) run, solved by a consumer of its own."""

    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"

    @classmethod
    def _labels(cls):
        return {
            cls.queued: _l("Waiting for a worker"),
            cls.running: _l("Being planned"),
            cls.succeeded: _l("Planned"),
            cls.failed: _l("Failed"),
        }


class HouseholdCategory(LabelledEnum):
    """Categories from the article: the visit cadence and the pairing programme."""

    ordinary = "ordinary"
    resource = "resource"
    elderly_only = "elderly_only"
    disabled = "disabled"
    special_population = "special_population"
    group_renting = "group_renting"
    poor_and_ill = "poor_and_ill"
    living_alone = "living_alone"
    very_old = "very_old"
    laid_off = "laid_off"
    intellectual_disability = "intellectual_disability"
    major_misfortune = "major_misfortune"

    @classmethod
    def _labels(cls):
        return {
            cls.ordinary: _l("Ordinary household"),
            cls.resource: _l("Resource group (teachers, doctors, legal workers)"),
            cls.elderly_only: _l("Elderly-only household"),
            cls.disabled: _l("Disabled person"),
            cls.special_population: _l("Special population"),
            cls.group_renting: _l("Group-renting tenants"),
            cls.poor_and_ill: _l("Poor and ill"),
            cls.living_alone: _l("Elderly living alone"),
            cls.very_old: _l("Very old"),
            cls.laid_off: _l("Laid-off"),
            cls.intellectual_disability: _l("Disabled or intellectually disabled"),
            cls.major_misfortune: _l("Family hit by a major misfortune"),
        }


class VisitKind(LabelledEnum):
    door = "door"
    phone = "phone"
    appointment = "appointment"
    care_package = "care_package"
    follow_up = "follow_up"
    #: A festival visit of a campaign (Mid-Autumn, Spring Festival, Double Ninth), with a gift.
    festival = "festival"

    @classmethod
    def _labels(cls):
        return {
            cls.door: _l("Door visit"),
            cls.phone: _l("Phone call"),
            cls.appointment: _l("Appointment"),
            cls.care_package: _l("Care package visit"),
            cls.follow_up: _l("Follow-up after an incident"),
            cls.festival: _l("Festival visit"),
        }


class VisitOutcome(LabelledEnum):
    planned = "planned"
    done = "done"
    missed = "missed"
    not_at_home = "not_at_home"
    refused = "refused"
    phone_instead = "phone_instead"

    @classmethod
    def _labels(cls):
        return {
            cls.planned: _l("Planned"),
            cls.done: _l("Done"),
            cls.missed: _l("Missed"),
            cls.not_at_home: _l("Not at home"),
            cls.refused: _l("Refused"),
            cls.phone_instead: _l("Phone call instead"),
        }


#: Outcomes that count as an effective contact (the article: "at least one effective contact").
EFFECTIVE = (VisitOutcome.done, VisitOutcome.phone_instead)
#: Recorded contacts that reached nobody (or were turned away): the household is still due.
NOT_EFFECTIVE = (VisitOutcome.missed, VisitOutcome.not_at_home, VisitOutcome.refused)
#: Outcomes a member may record on a planned visit (portal, API).
RECORDABLE = (VisitOutcome.done, VisitOutcome.not_at_home, VisitOutcome.refused,
              VisitOutcome.phone_instead)


class ServiceGroupKind(LabelledEnum):
    """The four kinds of service group (团组) of the article."""

    officials = "officials"
    party_posts = "party_posts"
    in_service_party = "in_service_party"
    resident_volunteers = "resident_volunteers"

    @classmethod
    def _labels(cls):
        return {
            cls.officials: _l("Committee officials"),
            cls.party_posts: _l("Party members on responsibility posts"),
            cls.in_service_party: _l("In-service party members registered here"),
            cls.resident_volunteers: _l("Resident volunteers"),
        }


class ContactWindow(LabelledEnum):
    """When a household prefers to be contacted ("fitted to their working hours")."""

    weekday_daytime = "weekday_daytime"
    weekday_evening = "weekday_evening"
    weekend_daytime = "weekend_daytime"
    weekend_evening = "weekend_evening"

    @classmethod
    def _labels(cls):
        return {
            cls.weekday_daytime: _l("Weekday daytime"),
            cls.weekday_evening: _l("Weekday evening"),
            cls.weekend_daytime: _l("Weekend daytime"),
            cls.weekend_evening: _l("Weekend evening"),
        }


class AuditAction(LabelledEnum):
    """What someone did with a household's file (the audit trail of residents' data)."""

    viewed = "viewed"
    created = "created"
    changed = "changed"
    deleted = "deleted"
    exported = "exported"
    imported = "imported"

    @classmethod
    def _labels(cls):
        return {
            cls.viewed: _l("Viewed"),
            cls.created: _l("File created"),
            cls.changed: _l("Changed"),
            cls.deleted: _l("Deleted"),
            cls.exported: _l("Exported"),
            cls.imported: _l("Imported from a spreadsheet"),
        }


class IncidentKind(LabelledEnum):
    water_cut = "water_cut"
    power_cut = "power_cut"
    gas_cut = "gas_cut"
    lift_failure = "lift_failure"
    other = "other"

    @classmethod
    def _labels(cls):
        return {
            cls.water_cut: _l("Water cut"),
            cls.power_cut: _l("Power cut"),
            cls.gas_cut: _l("Gas cut"),
            cls.lift_failure: _l("Lift failure"),
            cls.other: _l("Other"),
        }


class RoundStatus(LabelledEnum):
    """A visit round: drafted by the planner, published by the coordinator, or discarded."""

    draft = "draft"
    published = "published"
    discarded = "discarded"

    @classmethod
    def _labels(cls):
        return {
            cls.draft: _l("Draft"),
            cls.published: _l("Published"),
            cls.discarded: _l("Discarded"),
        }


class RegistrationStatus(LabelledEnum):
    confirmed = "confirmed"
    waitlisted = "waitlisted"
    cancelled = "cancelled"
    attended = "attended"

    @classmethod
    def _labels(cls):
        return {
            cls.confirmed: _l("Confirmed"),
            cls.waitlisted: _l("Waitlisted"),
            cls.cancelled: _l("Cancelled"),
            cls.attended: _l("Attended"),
        }


class AttendanceMethod(LabelledEnum):
    """How a resident's presence at a session was recorded."""

    sheet_qr = "sheet_qr"  #: the resident scanned the printed sign-in sheet's code
    staff = "staff"  #: a coordinator tapped the name on the staff page
    code = "code"  #: the resident showed their reference code to the staff

    @classmethod
    def _labels(cls):
        return {
            cls.sheet_qr: _l("Scanned the sign-in sheet"),
            cls.staff: _l("Marked by staff"),
            cls.code: _l("Showed the reference code"),
        }


class HoursRounding(LabelledEnum):
    """How a town rounds the minutes an attended shift credits (服务时长计算规则)."""

    down = "down"
    nearest = "nearest"
    up = "up"

    @classmethod
    def _labels(cls):
        return {
            cls.down: _l("Round down"),
            cls.nearest: _l("Round to the nearest"),
            cls.up: _l("Round up"),
        }


class NotificationChannel(LabelledEnum):
    email = "email"
    sms = "sms"
    none = "none"  #: nobody to send to: no e-mail address and no mobile number

    @classmethod
    def _labels(cls):
        return {
            cls.email: _l("E-mail"),
            cls.sms: _l("SMS"),
            cls.none: _l("No contact"),
        }


class NotificationStatus(LabelledEnum):
    queued = "queued"  #: waiting for a consumer (or for its next try)
    sending = "sending"  #: a consumer has claimed it
    sent = "sent"  #: accepted by the mail server or the SMS provider
    failed = "failed"  #: given up after the last try; `error` says why
    #: the provider or mail server refused the number or address for good (invalid,
    #: unsubscribed, no such mailbox): not retried, and not used again for anyone
    refused = "refused"
    unreachable = "unreachable"  #: no channel: nothing was sent

    @classmethod
    def _labels(cls):
        return {
            cls.queued: _l("Waiting to be sent"),
            cls.sending: _l("Sending"),
            cls.sent: _l("Sent"),
            cls.failed: _l("Could not be sent"),
            cls.refused: _l("Refused: number or address invalid or unsubscribed"),
            cls.unreachable: _l("No contact details"),
        }


class RequestCategory(LabelledEnum):
    """What a resident's request or suggestion is about (step 2 of the article)."""

    environment = "environment"
    property_repair = "property_repair"
    public_facilities = "public_facilities"
    safety = "safety"
    elderly_care = "elderly_care"
    health = "health"
    parking_traffic = "parking_traffic"
    neighbours = "neighbours"
    other = "other"

    @classmethod
    def _labels(cls):
        return {
            cls.environment: _l("Environment and cleanliness"),
            cls.property_repair: _l("Building and property repair"),
            cls.public_facilities: _l("Public facilities and greenery"),
            cls.safety: _l("Safety and security"),
            cls.elderly_care: _l("Care for the elderly"),
            cls.health: _l("Health services"),
            cls.parking_traffic: _l("Parking and traffic"),
            cls.neighbours: _l("Between neighbours"),
            cls.other: _l("Something else"),
        }


class RequestStatus(LabelledEnum):
    """Where a resident's request stands, named for the resident who reads it.

    The three ways of the article: a personal demand that cannot be met gets an explanation
    (``explained``); a reasonable improvement is carried out (``improving``) and its result
    posted; a matter with both benefit and harm goes to the residents' council (``council``).
    """

    received = "received"
    handling = "handling"
    explained = "explained"
    improving = "improving"
    council = "council"
    resolved = "resolved"
    #: The same matter as another request: handled, and answered, with that one.
    merged = "merged"

    @classmethod
    def _labels(cls):
        return {
            cls.received: _l("Received, waiting to be looked at"),
            cls.handling: _l("Being looked into by the neighbourhood committee"),
            cls.explained: _l("Answered with an explanation"),
            cls.improving: _l("Improvement under way"),
            cls.council: _l("Referred to the residents' council"),
            cls.resolved: _l("Resolved"),
            cls.merged: _l("Handled together with the same request from another resident"),
        }


#: Requests still in someone's hands (counted as open, may become overdue).
OPEN_REQUEST = (RequestStatus.received, RequestStatus.handling, RequestStatus.improving,
                RequestStatus.council)


class LevelHandler(LabelledEnum):
    """Who handles a request at a linkage level (四级联动, `app.models.LinkageLevel`): the
    service group of the building's patch and the neighbourhood committee each hold one
    level, the two lowest; every other level is handled by one of its departments."""

    service_group = "service_group"
    committee = "committee"
    department = "department"

    @classmethod
    def _labels(cls):
        return {
            cls.service_group: _l("The building's service group"),
            cls.committee: _l("The neighbourhood committee"),
            cls.department: _l("A department of the level"),
        }


class FollowUpOutcome(LabelledEnum):
    """What the follow-up contact after an explanation came to (kept in the request's
    history): the raiser was reached and talked it through, or could not be reached."""

    reached = "reached"
    not_reached = "not_reached"

    @classmethod
    def _labels(cls):
        return {
            cls.reached: _l("Reached: talked it through"),
            cls.not_reached: _l("Could not be reached"),
        }


class SatisfactionAnswer(LabelledEnum):
    """The raiser's answer to the questionnaire sent when their request is resolved."""

    satisfied = "satisfied"
    partly = "partly"
    not_satisfied = "not_satisfied"

    @classmethod
    def _labels(cls):
        return {
            cls.satisfied: _l("Yes, it is resolved"),
            cls.partly: _l("Partly"),
            cls.not_satisfied: _l("No, it is not resolved"),
        }


class PhotoStage(LabelledEnum):
    """Whether a request's photo shows the matter as raised or as it was resolved: the notice
    board puts the two side by side."""

    before = "before"
    after = "after"

    @classmethod
    def _labels(cls):
        return {
            cls.before: _l("Before (as raised)"),
            cls.after: _l("After (as resolved)"),
        }


class RequestChannel(LabelledEnum):
    """How a request reached the committee."""

    form = "form"
    call = "call"
    visit = "visit"
    patrol = "patrol"
    api = "api"

    @classmethod
    def _labels(cls):
        return {
            cls.form: _l("Residents' form"),
            cls.call: _l("Phone call or visit to the office"),
            cls.visit: _l("Household visit"),
            cls.patrol: _l("Volunteer patrol"),
            cls.api: _l("App or mini-program"),
        }


class AttendanceStatus(LabelledEnum):
    """What happened on a shift, for one volunteer."""

    present = "present"
    late = "late"  #: came, late (the minutes are kept)
    absent = "absent"  #: did not come: a no-show

    @classmethod
    def _labels(cls):
        return {
            cls.present: _l("Present"),
            cls.late: _l("Late"),
            cls.absent: _l("Absent"),
        }


class HoursKind(LabelledEnum):
    """Why an entry is in the service-hours ledger."""

    attendance = "attendance"  #: the time of an attended shift
    change = "change"  #: the attendance was recorded again: the difference
    correction = "correction"  #: a coordinator's correction (who and why are kept)

    @classmethod
    def _labels(cls):
        return {
            cls.attendance: _l("Attended shift"),
            cls.change: _l("Attendance changed"),
            cls.correction: _l("Correction"),
        }


class PairingStatus(LabelledEnum):
    """A pairing (结对) of a member with a family: proposed by Linli or a coordinator,
    confirmed by the coordinator, ended when the period is over or the pair is let go."""

    proposed = "proposed"
    confirmed = "confirmed"
    ended = "ended"

    @classmethod
    def _labels(cls):
        return {
            cls.proposed: _l("Proposed, waiting for the coordinator"),
            cls.confirmed: _l("Confirmed"),
            cls.ended: _l("Ended"),
        }


#: Pairings that hold one of the member's family places.
OPEN_PAIRING = (PairingStatus.proposed, PairingStatus.confirmed)

#: The article's six categories of families paired with members (step 3): poor and ill,
#: elderly living alone, very old, laid-off, disabled or intellectually disabled (both the
#: step-1 "disabled person" and the article's "残疾智障" category), hit by a major misfortune.
PAIRING_CATEGORIES = (
    HouseholdCategory.poor_and_ill,
    HouseholdCategory.living_alone,
    HouseholdCategory.very_old,
    HouseholdCategory.laid_off,
    HouseholdCategory.disabled,
    HouseholdCategory.intellectual_disability,
    HouseholdCategory.major_misfortune,
)


class PatrolSiteKind(LabelledEnum):
    """What kind of place a patrol site is; the inspection checklist depends on it."""

    internet_cafe = "internet_cafe"
    entertainment = "entertainment"  #: game halls, KTV
    market = "market"
    residential = "residential"  #: a neighbourhood's own round
    other = "other"

    @classmethod
    def _labels(cls):
        return {
            cls.internet_cafe: _l("Internet café"),
            cls.entertainment: _l("Game hall or karaoke"),
            cls.market: _l("Market or shops"),
            cls.residential: _l("Residential area"),
            cls.other: _l("Other place"),
        }


class ChecklistAnswer(LabelledEnum):
    """An answer to one checklist item of an inspection."""

    yes = "yes"
    no = "no"
    not_applicable = "not_applicable"

    @classmethod
    def _labels(cls):
        return {
            cls.yes: _l("Yes"),
            cls.no: _l("No"),
            cls.not_applicable: _l("Not applicable"),
        }


class ShiftChangeStatus(LabelledEnum):
    """A volunteer's request to drop a shift or hand it to a colleague (换班/退出)."""

    open = "open"  #: waiting for the coordinator
    approved = "approved"  #: the volunteer is released; the seat offered or handed over
    refused = "refused"  #: the volunteer stays on the shift
    withdrawn = "withdrawn"  #: the volunteer took it back, or the shift was cancelled

    @classmethod
    def _labels(cls):
        return {
            cls.open: _l("Waiting for the coordinator"),
            cls.approved: _l("Approved"),
            cls.refused: _l("Not approved"),
            cls.withdrawn: _l("Withdrawn"),
        }


class ProjectTarget(LabelledEnum):
    """Whom a service project (服务项目, step 3) is for."""

    children_families = "children_families"
    new_residents = "new_residents"
    elderly = "elderly"
    youth = "youth"
    all_residents = "all_residents"

    @classmethod
    def _labels(cls):
        return {
            cls.children_families: _l("Families with children"),
            cls.new_residents: _l("Migrant tenants (new Shanghainese)"),
            cls.elderly: _l("Elderly residents"),
            cls.youth: _l("Young people"),
            cls.all_residents: _l("All residents"),
        }


class PackageCadence(LabelledEnum):
    """How often an item of an elderly person's service package (服务套餐) comes round."""

    weekly = "weekly"
    fortnightly = "fortnightly"
    monthly = "monthly"  #: on the nth (or last) given weekday of each month
    weekdays = "weekdays"  #: every week on each of a set of weekdays

    @classmethod
    def _labels(cls):
        return {
            cls.weekly: _l("Every week"),
            cls.fortnightly: _l("Every two weeks"),
            cls.monthly: _l("Once a month"),
            cls.weekdays: _l("On set weekdays each week"),
        }


class PackageVisitLeft(LabelledEnum):
    """Why a package visit was left for the scheduler instead of going to the item's helper:
    the engine's rule the helper would break (`scheduler.eligibility.rule_breaks`)."""

    no_helper = "no_helper"
    skill = "skill"
    team = "team"
    availability = "availability"
    overlap = "overlap"
    weekly_cap = "weekly_cap"
    declined = "declined"
    #: A make-up visit: no free time of the helper's in the coming week holds it.
    no_free_time = "no_free_time"

    @classmethod
    def _labels(cls):
        return {
            cls.no_helper: _l("The item has no helper"),
            cls.skill: _l("The helper lacks the skill (or a valid licence for it)"),
            cls.team: _l("The helper is not in the required team"),
            cls.availability: _l("The helper is not available then"),
            cls.overlap: _l("The helper has another shift then"),
            cls.weekly_cap: _l("The helper's weekly limit would be exceeded"),
            cls.declined: _l("The helper declined this visit"),
            cls.no_free_time: _l("None of the helper's free times in the coming week fits "
                                 "the make-up visit"),
        }


class Festival(LabelledEnum):
    """The festivals on which neighbourhoods visit their elderly and families in need."""

    spring_festival = "spring_festival"
    lantern = "lantern"
    dragon_boat = "dragon_boat"
    mid_autumn = "mid_autumn"
    double_ninth = "double_ninth"
    other = "other"

    @classmethod
    def _labels(cls):
        return {
            cls.spring_festival: _l("Spring Festival"),
            cls.lantern: _l("Lantern Festival"),
            cls.dragon_boat: _l("Dragon Boat Festival"),
            cls.mid_autumn: _l("Mid-Autumn Festival"),
            cls.double_ninth: _l("Double Ninth Festival"),
            cls.other: _l("Other occasion"),
        }


class DonorKind(LabelledEnum):
    company = "company"
    organisation = "organisation"
    individual = "individual"

    @classmethod
    def _labels(cls):
        return {
            cls.company: _l("Company"),
            cls.organisation: _l("Organisation"),
            cls.individual: _l("Individual"),
        }


class HolidayKind(LabelledEnum):
    """A day in the State Council's yearly arrangement (国务院节假日安排)."""

    holiday = "holiday"  #: 放假: a public holiday, or a day off moved next to one
    workday = "workday"  #: 调休上班: a weekend day worked in exchange

    @classmethod
    def _labels(cls):
        return {
            cls.holiday: _l("Public holiday (day off)"),
            cls.workday: _l("Make-up working day"),
        }


class SeriesFrequency(LabelledEnum):
    """How an event series repeats (RFC 5545's FREQ)."""

    weekly = "weekly"
    monthly = "monthly"

    @classmethod
    def _labels(cls):
        return {
            cls.weekly: _l("Weekly"),
            cls.monthly: _l("Monthly"),
        }


class SeriesOnHoliday(LabelledEnum):
    """What a series does with a day of its rule that falls on a public holiday."""

    skip = "skip"
    #: To the next working day (a make-up working Saturday counts).
    move = "move"
    keep = "keep"

    @classmethod
    def _labels(cls):
        return {
            cls.skip: _l("Skip the day"),
            cls.move: _l("Move it to the next working day"),
            cls.keep: _l("Keep the day"),
        }
