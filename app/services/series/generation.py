"""A series' occurrences: real events (with their one shift) over a rolling horizon.

`sync` is the one way occurrences are made or changed, whoever calls it (the task queued after
an admin save, the nightly task, the demo, `flask series extend`). For each series it brings
the future to match the series as it is now:

- an occurrence of a day the rule still gives, and that still looks like the series, is left
  alone — running twice changes nothing, and the unique (series, day) of `events` makes sure
  two runs at once cannot make a day twice;
- one whose time, place or wording no longer matches is changed in place (same row, so every
  calendar keeps its entry and takes the update): a new time through
  `scheduler.changes.reschedule_event`, which tells the volunteers and residents on it and
  releases those who cannot come then; a new place through `apply_changes`, which tells them;
- one of a day the rule no longer gives is called off (`cancel_event`: people told, feeds show
  it CANCELLED) or, a draft nobody is on, deleted;
- missing days get a new event; the series' regular volunteer is given its seat (source
  `series`) when the engine's checker finds no rule broken, else it is left to the scheduler;
- a new regular volunteer: the former one's upcoming series seats are cancelled (she is told
  of each, her feed drops them, `Assignment.released_by_handover` marks them) and given to the
  new one, asked once to confirm them. A coordinator's own seats (source `manual`) are left
  as they are; back to a former one (A → B → A), only the seats the handover took are hers
  again — one a coordinator cancelled or she declined stays so.

Past occurrences and the exceptions (`Event.series_detached`: one occurrence edited on its own)
are never touched. It only flushes; the caller commits (messages leave after the commit).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app.enums import UPCOMING, AssignmentSource, AssignmentStatus, EventStatus
from app.models import (
    Assignment,
    Event,
    EventSeries,
    Notification,
    Registration,
    Shift,
    utcnow,
)
from app.services.holidays import calendar_between
from app.services.scheduler import changes
from app.services.scheduler.eligibility import rule_breaks
from app.services.scheduler.publish import (
    cancel_assignment,
    notify_shift_changed,
    tell_assigned,
)
from app.services.series.exceptions import series_at_work
from app.services.series.rules import CALENDAR_REACH, Rule, expand

#: How far ahead occurrences exist: eight weeks, so a monthly series always has its next two.
DEFAULT_HORIZON_DAYS = 56


@dataclass
class SyncResult:
    created: int = 0
    #: Of those created, given to the series' regular volunteer.
    assigned: int = 0
    #: Future occurrences changed to match an edited series (time, place, wording).
    updated: int = 0
    #: Occurrences of days the rule no longer gives, called off with their people told.
    cancelled: int = 0
    #: Drafts nobody was on, of days the rule no longer gives.
    deleted: int = 0
    #: A former regular volunteer's future seats cancelled (she is told each), and of their
    #: occurrences those given to the new regular volunteer (asked once to confirm).
    released: int = 0
    handed_over: int = 0
    #: What the people concerned were sent; `notify.ChannelCounts.of(...)` says how.
    notifications: list[Notification] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "assigned": self.assigned, "updated": self.updated,
                "cancelled": self.cancelled, "deleted": self.deleted,
                "released": self.released, "handed_over": self.handed_over,
                "messages": len(self.notifications)}


def occurrence_times(series: EventSeries, day: date, zone: ZoneInfo
                     ) -> tuple[datetime, datetime]:
    start = datetime.combine(day, series.start_time, tzinfo=zone)
    return start, start + timedelta(minutes=series.duration_minutes)


def _status(series: EventSeries) -> EventStatus:
    return EventStatus.published if series.publish else EventStatus.draft


def _event_fields(series: EventSeries) -> dict[str, object]:
    return {"kind": series.kind, "title": series.title, "description": series.description,
            "place": series.place, "contact": series.contact, "is_public": series.is_public,
            "capacity": series.capacity, "neighbourhood_id": series.neighbourhood_id}


def _shift_fields(series: EventSeries) -> dict[str, object]:
    return {"title": series.shift_title, "skill_id": series.skill_id,
            "team_id": series.team_id, "min_volunteers": series.min_volunteers,
            "max_volunteers": series.max_volunteers}


def _matches(event: Event, series: EventSeries, zone: ZoneInfo) -> bool:
    assert event.series_day is not None
    if (event.start_at, event.end_at) != occurrence_times(series, event.series_day, zone):
        return False
    if event.status == EventStatus.cancelled:
        return False
    if any(getattr(event, name) != value for name, value in _event_fields(series).items()):
        return False
    return all(getattr(shift, name) == value for shift in event.shifts
               for name, value in _shift_fields(series).items())


def _has_people(session: Session, event: Event) -> bool:
    if any(a.status in UPCOMING for shift in event.shifts for a in shift.assignments):
        return True
    return session.scalar(select(Registration.id).where(Registration.event_id == event.id)
                          .limit(1)) is not None


def _remove(session: Session, event: Event, result: SyncResult) -> None:
    if event.status == EventStatus.cancelled:
        return
    if event.status == EventStatus.draft and not _has_people(session, event):
        session.delete(event)
        result.deleted += 1
        return
    result.notifications += changes.cancel_event(session, event).notifications
    result.cancelled += 1


def _place_volunteer(session: Session, series: EventSeries, event: Event,
                     zone: ZoneInfo) -> Assignment | None:
    """The regular volunteer on the occurrence's seat, when no rule of the engine is broken;
    the seat, or None when she is on it already or cannot be."""
    volunteer = series.volunteer
    if volunteer is None or not event.shifts:
        return None
    shift = event.shifts[0]
    former = next((a for a in shift.assignments if a.volunteer_id == volunteer.id), None)
    # A seat she declined or a coordinator gave or took stays as it is; only a series seat
    # of hers cancelled by the change of regular volunteer itself (A → B → A) is given back.
    if former is not None and (former.source != AssignmentSource.series
                               or former.status != AssignmentStatus.cancelled
                               or not former.released_by_handover):
        return None
    # Her own cancelled series seat is no refusal of hers: the checker may put her back.
    if rule_breaks(session, shift, volunteer, zone, readmit_cancelled=former is not None):
        return None
    if former is not None:
        seat = former
        seat.status, seat.responded_at, seat.pinned = AssignmentStatus.pending, None, True
        seat.released_by_handover = False
        seat.sequence += 1
    else:
        seat = Assignment(shift=shift, volunteer=volunteer, status=AssignmentStatus.pending,
                          source=AssignmentSource.series, pinned=True)
        session.add(seat)
    # Flushed now: her next occurrence is checked against this one (caps, overlaps).
    session.flush()
    return seat


def _release_former(session: Session, series: EventSeries, event: Event,
                    result: SyncResult) -> bool:
    """A former regular volunteer's upcoming series seats on this occurrence, cancelled with
    her told; a coordinator's seats (source manual) are not the series' to take."""
    released = False
    for shift in event.shifts:
        for seat in list(shift.assignments):
            if (seat.source == AssignmentSource.series and seat.status in UPCOMING
                    and seat.volunteer_id != series.volunteer_id):
                told = cancel_assignment(session, seat)
                seat.released_by_handover = True  # hers again if the series comes back to her
                if told is not None:
                    result.notifications.append(told)
                result.released += 1
                released = True
    return released


def _update(session: Session, series: EventSeries, event: Event, zone: ZoneInfo,
            result: SyncResult) -> None:
    assert event.series_day is not None
    start, end = occurrence_times(series, event.series_day, zone)
    for name, value in _event_fields(series).items():
        setattr(event, name, value)
    for shift in event.shifts:
        for name, value in _shift_fields(series).items():
            setattr(shift, name, value)
    if event.status == EventStatus.cancelled:  # a day the rule gives again
        event.status, event.cancelled_at = _status(series), None
    pending = changes.pending_changes(event)
    moved = start != event.start_at
    if moved:
        result.notifications += changes.reschedule_event(session, event, start).notifications
    if end != event.end_at:
        event.end_at = end
        for shift in event.shifts:
            shift.end_at = end
        session.flush()
        if not moved:
            for shift in event.shifts:
                result.notifications += notify_shift_changed(session, shift)
    elif not moved and pending.moved_shift_ids:
        result.notifications += changes.apply_changes(session, event, pending).notifications
    result.updated += 1


def _create(session: Session, series: EventSeries, day: date, zone: ZoneInfo,
            result: SyncResult) -> None:
    start, end = occurrence_times(series, day, zone)
    event = Event(**_event_fields(series), start_at=start, end_at=end, status=_status(series),
                  series_id=series.id, series_day=day,
                  shifts=[Shift(**_shift_fields(series), start_at=start, end_at=end)])
    try:
        with session.begin_nested():
            session.add(event)
    except IntegrityError:  # made at the same moment by another worker
        return
    result.created += 1
    if _place_volunteer(session, series, event, zone) is not None:
        result.assigned += 1


def wanted_days(session: Session, series: EventSeries, first: date, last: date) -> list[date]:
    """The days the series runs on in [first, last], without those removed one by one."""
    calendar = calendar_between(session, min(series.starts_on, first), last + CALENDAR_REACH)
    removed = set(series.skipped_days or ())
    return [d for d in expand(Rule.of(series), calendar, first, last).days
            if d.isoformat() not in removed]


def _future(session: Session, series: EventSeries, today: date) -> list[Event]:
    return list(session.scalars(
        select(Event).where(Event.series_id == series.id, Event.series_day >= today)
        .options(selectinload(Event.shifts).selectinload(Shift.assignments))
        .order_by(Event.series_day)))


def sync_one(session: Session, series: EventSeries, *, today: date, zone: ZoneInfo,
             horizon_days: int = DEFAULT_HORIZON_DAYS, now: datetime | None = None,
             result: SyncResult | None = None) -> SyncResult:
    with series_at_work(session):
        return _sync_one(session, series, today=today, zone=zone, horizon_days=horizon_days,
                         now=now or utcnow(),
                         result=result if result is not None else SyncResult())


def _sync_one(session: Session, series: EventSeries, *, today: date, zone: ZoneInfo,
              horizon_days: int, now: datetime, result: SyncResult) -> SyncResult:
    last = today + timedelta(days=horizon_days - 1)
    wanted = {d for d in wanted_days(session, series, today, last)
              if occurrence_times(series, d, zone)[0] > now}
    have: set[date] = set()
    handed_over: list[Assignment] = []
    for event in _future(session, series, today):
        assert event.series_day is not None
        have.add(event.series_day)
        if event.series_detached or event.start_at <= now:
            continue
        if event.series_day not in wanted:
            _remove(session, event, result)
            continue
        released = _release_former(session, series, event, result)
        changed = not _matches(event, series, zone)
        if changed:
            _update(session, series, event, zone, result)
        if changed or released:
            seat = _place_volunteer(session, series, event, zone)
            if seat is not None and released:
                handed_over.append(seat)
    session.flush()
    if handed_over:
        # The new regular volunteer is asked once to confirm the seats she takes over.
        result.handed_over += len(handed_over)
        result.notifications.append(tell_assigned(session, handed_over[0].volunteer,
                                                  handed_over))
    for day in sorted(wanted - have):
        _create(session, series, day, zone, result)
    session.flush()
    return result


def sync(session: Session, series_ids: Iterable[int], *, today: date, zone: ZoneInfo,
         horizon_days: int = DEFAULT_HORIZON_DAYS, now: datetime | None = None) -> SyncResult:
    """Bring these series' occurrences in [today, today + horizon) in line with the series;
    returns what was done. Flushes, never commits."""
    result = SyncResult()
    for series in session.scalars(
            select(EventSeries).where(EventSeries.id.in_(sorted(set(series_ids))))
            .options(selectinload(EventSeries.volunteer)).order_by(EventSeries.id)):
        sync_one(session, series, today=today, zone=zone, horizon_days=horizon_days, now=now,
                 result=result)
    return result


def all_series(session: Session) -> list[int]:
    return list(session.scalars(select(EventSeries.id).order_by(EventSeries.id)))


def end_series(session: Session, series: EventSeries, *, today: date,
               now: datetime | None = None) -> SyncResult:
    """A series about to be deleted: its future occurrences go as removed days do (people
    told); the past and the exceptions stay as they were."""
    now = now or utcnow()
    result = SyncResult()
    with series_at_work(session):
        for event in _future(session, series, today):
            if not event.series_detached and event.start_at > now:
                _remove(session, event, result)
        session.flush()
    return result
