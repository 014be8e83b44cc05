"""A proposed patrol rota kept as a scheduler run, reviewed and published like any other.

Each slot becomes a draft patrol event of the site's neighbourhood (not public: the
supervisors' work) with one shift of two seats (`create_events`), the engine's choice as
proposed assignments of the run (`write_drafts`; a run planned again, `replan`, writes them
onto its own inspections, keeping the pinned ones), and the run's metrics carry the
engine's reason for every empty seat in the form the run page reads. Publishing the run
(`scheduler.publish.publish_run`) publishes the staffed events, asks the members to confirm
and puts the inspections in their calendar feeds. A season keeps one rota at a time: a
second is refused while the first is being built (queued or running, `rota_builds`), awaiting
review or published — by the service saying why, and behind it by the database (a partial
unique index on the run's `patrol_season_id`).
Discarding a rota run removes the draft events it created that nobody has touched
(`removable_events`, `remove_events`). Publishing one leaves its inspections with fewer than two
members unpublished (`hold_back_short`), listed on its page with the reason and removed in one
go (`remove_unpublished`). Flush only.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.enums import (
    HOLDS_SEAT,
    LIVE_RUN,
    AssignmentSource,
    AssignmentStatus,
    EventKind,
    EventStatus,
    RunStatus,
)
from app.models import (
    Assignment,
    Attendance,
    Event,
    HelpRequest,
    PatrolInspection,
    PatrolSeason,
    PatrolSite,
    Registration,
    ScheduleRun,
    Shift,
    Skill,
    User,
    utcnow,
)
from app.services.patrols.log import PatrolError
from app.services.patrols.rota import SEATS, Rota

#: The skill patrol shifts ask for, when the deployment has it.
PATROL_SKILL = "patrol"
#: A rota run's kind (in its parameters), beside the season's id.
RUN_KIND = "patrol_rota"


def is_rota(run: ScheduleRun) -> bool:
    return (run.parameters or {}).get("kind") == RUN_KIND


def patrol_run_of(session: Session, shift_id: int) -> tuple[ScheduleRun, int, int] | None:
    """The published rota run an inspection (a shift) belongs to, with its site and group."""
    for run in session.scalars(select(ScheduleRun).where(
            ScheduleRun.status == RunStatus.published).order_by(ScheduleRun.id.desc())):
        place = (run.parameters or {}).get("patrol_shifts", {}).get(str(shift_id))
        if place is not None:
            return run, place[0], place[1]
    return None


def _refusal(run: ScheduleRun) -> Any:
    """Why a season with this rota run cannot get another, in the reader's language."""
    if run.status in (RunStatus.queued, RunStatus.running):
        return _l("This season's rota is already being built (run %(id)s): wait for it to "
                  "finish.", id=run.id)
    if run.status == RunStatus.published:
        return _l("This season's rota (run %(id)s) is published: change its inspections one "
                  "by one instead.", id=run.id)
    return _l("This season already has a rota (run %(id)s): discard that run before saving "
              "another.", id=run.id)


def season_run(session: Session, season: PatrolSeason) -> ScheduleRun | None:
    """The season's rota run being built, awaiting review or published, if any (at most one:
    the database's partial unique index)."""
    return session.scalar(select(ScheduleRun).where(
        ScheduleRun.patrol_season_id == season.id, ScheduleRun.status.in_(LIVE_RUN)))


def check_free(session: Session, season: PatrolSeason) -> None:
    """Refuse, saying why, when the season already has a rota run; the season's row is
    locked first (PostgreSQL), so two requests cannot both find it free."""
    session.execute(select(PatrolSeason.id).where(PatrolSeason.id == season.id)
                    .with_for_update())
    existing = season_run(session, season)
    if existing is not None:
        raise PatrolError(_refusal(existing))


def add_run(session: Session, season: PatrolSeason, *, status: RunStatus,
            user: User | None = None, **parameters: object) -> ScheduleRun:
    """A new rota run of the season, flushed; refused (`PatrolError`, saying why) when the
    season has one already (`check_free`; behind it, the database's unique index)."""
    check_free(session, season)
    run = ScheduleRun(
        created_by_id=user.id if user else None, neighbourhood_id=season.neighbourhood_id,
        patrol_season_id=season.id, status=status, progress=0.0, metrics={},
        parameters={"kind": RUN_KIND, **parameters})
    session.add(run)
    session.flush()
    return run


def save_rota(session: Session, season: PatrolSeason, rota: Rota, *,
              user: User | None = None) -> ScheduleRun:
    """Keep the proposal as draft events and a run ready for review."""
    run = add_run(session, season, status=RunStatus.running, user=user)
    run.started_at = utcnow()
    write_rota(session, run, season.name, rota)
    return run


def write_rota(session: Session, run: ScheduleRun, season_name: str, rota: Rota, *,
               shift_ids: list[int] | None = None) -> None:
    """The proposal as proposed assignments of `run` — on new draft events, or on the run's
    own inspections (`shift_ids`, slot by slot) when it was planned again — which is then
    ready for review (succeeded)."""
    if shift_ids is None:
        shifts = create_events(session, season_name, rota)
        run.scope = {"events": sorted({s.event_id for s in shifts})}
        # Each inspection's site and group: a withdrawal is re-solved by the rota's rules.
        run.parameters = {**run.parameters, "patrol_shifts": {
            str(shift.id): [slot.site_id, slot.group_id]
            for shift, slot in zip(shifts, rota.slots, strict=True)}}
    else:
        found = {s.id: s for s in session.scalars(select(Shift).where(Shift.id.in_(shift_ids)))}
        shifts = [found[i] for i in shift_ids]
    drafts = write_drafts(session, run, shifts, rota)
    _finish(run, season_name, rota, shifts, drafts)
    session.flush()


def create_events(session: Session, season_name: str, rota: Rota) -> list[Shift]:
    """A draft patrol event (not public) with one shift of two seats for each slot; the shifts
    in the slots' order, flushed."""
    sites = {s.id: s for s in session.scalars(select(PatrolSite).where(
        PatrolSite.id.in_({slot.site_id for slot in rota.slots})))}
    skill = session.scalar(select(Skill).where(Skill.code == PATROL_SKILL))
    shifts: list[Shift] = []
    for slot in rota.slots:
        site = sites[slot.site_id]
        title = str(_l("Patrol: %(site)s", site=site.name))[:200]
        shift = Shift(title=title, start_at=slot.start, end_at=slot.end, skill=skill,
                      min_volunteers=SEATS, max_volunteers=SEATS)
        event = Event(neighbourhood_id=site.neighbourhood_id, kind=EventKind.patrol,
                      title=title, place=f"{site.name}（{site.address}）"[:200],
                      description=str(_l("Certified group inspection of %(season)s.",
                                         season=season_name)),
                      start_at=slot.start, end_at=slot.end, is_public=False,
                      status=EventStatus.draft, shifts=[shift])
        session.add(event)
        shifts.append(shift)
    session.flush()
    return shifts


def write_drafts(session: Session, run: ScheduleRun, shifts: list[Shift], rota: Rota) -> int:
    """The engine's choice as the run's proposals on `shifts` (slot by slot): its earlier
    unpinned proposals there go, pinned ones stay (the engine kept them); returns how many
    proposals the run now has on them."""
    pinned: set[tuple[int, int]] = set()
    for draft in session.scalars(select(Assignment).where(
            Assignment.shift_id.in_([s.id for s in shifts]),
            Assignment.schedule_run_id == run.id,
            Assignment.status == AssignmentStatus.proposed)):
        if draft.pinned:
            pinned.add((draft.shift_id, draft.volunteer_id))
        else:
            session.delete(draft)
    session.flush()
    added = 0
    for index, volunteer_ids in rota.assigned.items():
        for volunteer_id in volunteer_ids:
            if (shifts[index].id, volunteer_id) in pinned:
                continue
            session.add(Assignment(shift_id=shifts[index].id, volunteer_id=volunteer_id,
                                   status=AssignmentStatus.proposed,
                                   source=AssignmentSource.solver, schedule_run_id=run.id))
            added += 1
    session.flush()
    return len(pinned) + added


def _finish(run: ScheduleRun, season_name: str, rota: Rota, shifts: list[Shift],
            drafts: int) -> None:
    """The run's metrics (the engine's reason for every empty seat, each site's group and
    requirement) and log, and the run ready for review."""
    run.metrics = {
        "seats_filled": rota.filled_seats, "seats_total": rota.total_seats,
        "fill_rate": round(rota.filled_seats / rota.total_seats, 4) if rota.total_seats
        else None,
        "solver": rota.solver, "shifts": len(shifts), "drafts": drafts,
        "unfilled": [{
            "shift_id": shifts[int(u.shift[1:])].id, "empty": u.empty,
            "below_min": u.below_min, "code": u.reason.code, "counts": dict(u.reason.counts),
            "params": dict(u.reason.params),
            "shifts": [shifts[int(s[1:])].id for s in u.reason.ids.get("shifts", [])
                       if s.startswith("s")],
            "events": list(u.reason.ids.get("events", [])),
        } for u in rota.unfilled],
        # Which group patrols each site and why, and how many inspections it needs, for
        # the run page (the review counts the planned ones from the drafts themselves).
        "territories": [{"site_id": s.site_id, "site": s.name, "group": s.group, "km": s.km,
                         "required": s.required,
                         "no_time": not any(slot.site_id == s.site_id for slot in rota.slots),
                         **s.why}
                        for s in rota.per_site],
    }
    run.log = str(_l("Patrol rota of %(season)s: %(planned)s of %(required)s inspections "
                     "planned.", season=season_name, planned=rota.planned,
                     required=rota.required))
    run.status = RunStatus.succeeded
    run.progress = 1.0
    run.finished_at = utcnow()


# -- Discarding -------------------------------------------------------------------------------

def _untouched(run: ScheduleRun) -> list[Any]:
    """Conditions on `Event`: nobody signed up, no seat on it but the run's own proposals (a
    published, manual or other run's seat, or any attendance, keeps it), no help asked."""
    shift = aliased(Shift)  # not the caller's: every shift of the event is asked
    foreign_seat = exists().where(
        shift.event_id == Event.id, Assignment.shift_id == shift.id,
        or_(Assignment.schedule_run_id.is_(None), Assignment.schedule_run_id != run.id,
            Assignment.status != AssignmentStatus.proposed,
            exists().where(Attendance.assignment_id == Assignment.id)))
    return [Event.kind == EventKind.patrol, Event.status == EventStatus.draft,
            ~exists().where(Registration.event_id == Event.id), ~foreign_seat,
            ~exists().where(HelpRequest.shift_id == shift.id, shift.event_id == Event.id)]


def removable_events(session: Session, run: ScheduleRun) -> list[int]:
    """The draft patrol events the rota run created and nothing else holds (`_untouched`), nor
    an inspection recorded at the slot's site during the slot. Read before the run's drafts
    are deleted, so an attendance on one of them still counts."""
    created = (run.scope or {}).get("events") or []
    if not created:
        return []
    site_of = {int(shift_id): place[0] for shift_id, place
               in (run.parameters or {}).get("patrol_shifts", {}).items()}
    slots = session.execute(
        select(Event.id, Shift.id, Event.start_at, Event.end_at)
        .join(Shift, Shift.event_id == Event.id)
        .where(Event.id.in_(created), *_untouched(run))).tuples().all()
    if not slots:
        return []
    inspected = session.execute(
        select(PatrolInspection.site_id, PatrolInspection.started_at).where(
            PatrolInspection.site_id.in_(set(site_of.values())),
            PatrolInspection.started_at >= min(start for _e, _s, start, _end in slots),
            PatrolInspection.started_at < max(end for _e, _s, _start, end in slots))).all()
    held = {event_id for event_id, shift_id, start, end in slots
            for site_id, at in inspected
            if site_of.get(shift_id) == site_id and start <= at < end}
    return sorted({event_id for event_id, *_rest in slots} - held)


def remove_events(session: Session, run: ScheduleRun, event_ids: list[int]) -> tuple[int, int]:
    """Delete those of `event_ids` still untouched (the run's drafts already deleted), with
    their shifts (the database cascades); returns (removed, kept): the rows the delete took,
    and the run's events still there after it."""
    removed = 0
    if event_ids:
        removed = session.execute(
            delete(Event).where(Event.id.in_(event_ids), *_untouched(run))
            .execution_options(synchronize_session="fetch")).rowcount
    created = (run.scope or {}).get("events") or []
    kept = session.scalar(select(func.count(Event.id)).where(Event.id.in_(created))) \
        if created else 0
    return removed, kept or 0


# -- Publishing -------------------------------------------------------------------------------

def short_shifts(session: Session, run: ScheduleRun) -> list[int]:
    """The rota's inspections (shifts of draft events the run created) that the run's
    proposals and any published seat leave below their minimum of two members."""
    shift_ids = [int(s) for s in (run.parameters or {}).get("patrol_shifts", {})]
    if not shift_ids:
        return []
    seat = and_(Assignment.shift_id == Shift.id, or_(
        and_(Assignment.schedule_run_id == run.id,
             Assignment.status == AssignmentStatus.proposed),
        Assignment.status.in_(HOLDS_SEAT)))
    return list(session.scalars(
        select(Shift.id).join(Event, Event.id == Shift.event_id)
        .outerjoin(Assignment, seat)
        .where(Shift.id.in_(shift_ids), Event.status == EventStatus.draft)
        .group_by(Shift.id, Shift.min_volunteers)
        .having(func.count(Assignment.id) < Shift.min_volunteers)
        .order_by(Shift.id)))


def hold_back_short(session: Session, run: ScheduleRun) -> tuple[int, int]:
    """Before a rota run is published: an inspection with fewer than two members stays an
    unpublished draft — a lone member cannot make a certified group inspection, and an empty
    patrol has no place in anyone's calendar — and the run's proposals on it are withdrawn
    (deleted: they were never published, and an untouched draft can then be removed). The run
    page lists them with the engine's reason; `remove_unpublished` takes them away. Returns
    (inspections held back, proposals withdrawn)."""
    held = short_shifts(session, run)
    if not held:
        return 0, 0
    withdrawn = session.execute(
        delete(Assignment).where(Assignment.shift_id.in_(held),
                                 Assignment.schedule_run_id == run.id,
                                 Assignment.status == AssignmentStatus.proposed)
        .execution_options(synchronize_session="fetch")).rowcount
    return len(held), withdrawn


def remove_unpublished(session: Session, run: ScheduleRun) -> int:
    """A published rota's inspections left unpublished (`hold_back_short`) that nothing holds,
    deleted; returns how many were."""
    if run.status != RunStatus.published:
        raise PatrolError(_l("Only a published rota has unpublished inspections to remove."))
    removed, _kept = remove_events(session, run, removable_events(session, run))
    return removed
