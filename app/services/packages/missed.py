"""Missed package visits: a visit whose time has passed by more than `MISSED_AFTER_DAYS` without
being recorded as done (or recorded as missed, not at home, refused) is escalated once — the
coordinators of the family's neighbourhood and the members of the service group whose patch
holds the family's building (the missed visit's own helper excepted) are told, and a make-up
visit is made for the same
service, in the same helper's own free time within a week, earliest first
(`packages.makeup`; otherwise left for the scheduler, saying why).

A make-up visit belongs to the missed one (`PackageVisit.makeup_of_id`), not to the item's
cadence: generation never replaces it, and it is escalated in turn if it is missed too.
An escalation has two halves: `record` is the database's part (the visit marked escalated,
the make-up made) and `alert` tells people. `escalate` does both — the hourly task and
`flask packages missed` call it. The demo calls only `record`: it loads outside any request
and must send nothing to its made-up people, and a message recorded as sent that never left
would be a false count. Flushes only; the caller commits (the messages leave after it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from app.enums import EFFECTIVE, NOT_EFFECTIVE, PackageVisitLeft, Role
from app.models import (
    Event,
    Notification,
    PackageVisit,
    ServicePackageItem,
    User,
    Visit,
    user_neighbourhoods,
)
from app.services import notify
from app.services.packages.makeup import make_up
from app.services.scheduler.text import shift_line

#: Days after a visit's end within which it must be recorded.
MISSED_AFTER_DAYS = 2


@dataclass
class MissedResult:
    missed: list[PackageVisit] = field(default_factory=list)
    makeups: list[PackageVisit] = field(default_factory=list)
    #: Each escalated visit's make-up, by the missed visit's id (None: none could be made).
    makeup_of: dict[int, PackageVisit | None] = field(default_factory=dict)
    notifications: list[Notification] = field(default_factory=list)


def _unrecorded(session: Session, *, now: datetime, days: int,
                visit_ids: Iterable[int] | None) -> list[PackageVisit]:
    def recorded(outcomes: tuple) -> object:
        return select(Visit.event_id).where(Visit.event_id.is_not(None),
                                            Visit.outcome.in_(outcomes))

    statement = select(PackageVisit)
    if visit_ids is not None:
        statement = statement.where(PackageVisit.id.in_(list(visit_ids)))
    return list(session.scalars(
        statement.join(Event, Event.id == PackageVisit.event_id)
        .where(PackageVisit.missed_alerted_at.is_(None),
               # Recorded as missed: at once; not recorded at all: after the days of grace.
               or_(PackageVisit.event_id.in_(recorded(NOT_EFFECTIVE)),
                   Event.end_at < now - timedelta(days=days)),
               PackageVisit.event_id.not_in(recorded(EFFECTIVE)))
        .options(selectinload(PackageVisit.event).selectinload(Event.household),
                 selectinload(PackageVisit.event).selectinload(Event.shifts),
                 selectinload(PackageVisit.helper),
                 selectinload(PackageVisit.item).selectinload(ServicePackageItem.skill))
        .order_by(Event.start_at, PackageVisit.id)))


def record(session: Session, *, now: datetime, zone: ZoneInfo, days: int = MISSED_AFTER_DAYS,
           visit_ids: Iterable[int] | None = None) -> MissedResult:
    """The database's half of escalating every package visit not recorded as done `days`
    after its end (of `visit_ids` only, when given), once each: marked escalated at `now`,
    a make-up made. Tells nobody (`alert` does)."""
    result = MissedResult()
    for missed in _unrecorded(session, now=now, days=days, visit_ids=visit_ids):
        missed.missed_alerted_at = now
        result.missed.append(missed)
        makeup = make_up(session, missed, now=now, zone=zone)
        result.makeup_of[missed.id] = makeup
        if makeup is not None:
            result.makeups.append(makeup)
    session.flush()
    return result


def alert(session: Session, result: MissedResult, *, zone: ZoneInfo) -> MissedResult:
    """Tell of each visit `record` escalated: the coordinators of the family's neighbourhood
    and the members of its service group (the helper who missed it excepted)."""
    for missed in result.missed:
        event = missed.event
        if event.household is None:
            continue
        makeup = result.makeup_of.get(missed.id)
        coordinators = session.scalars(
            select(User).join(user_neighbourhoods, user_neighbourhoods.c.user_id == User.id)
            .where(User.role == Role.coordinator, User.active.is_(True),
                   user_neighbourhoods.c.neighbourhood_id == event.neighbourhood_id)
            .order_by(User.id))
        values = {
            "family": event.household.contact_name, "address": event.household.address,
            "line": shift_line(event.shifts[0], zone),
            "helper": missed.helper.name if missed.helper else "",
            "makeup": shift_line(makeup.event.shifts[0], zone) if makeup else "",
            "makeup_helper": (missed.helper.name if makeup and makeup.left_reason is None
                              and missed.helper else ""),
            # Why the helper cannot take the make-up; the template reads its label, so each
            # recipient gets it in their own language.
            "makeup_reason": (PackageVisitLeft(makeup.left_reason)
                              if makeup and makeup.left_reason else ""),
        }
        result.notifications += [
            notify.to_staff(session, user, "packages/missed", event_id=event.id, **values)
            for user in coordinators]
        building = event.household.building
        group = building.service_group if building is not None else None
        result.notifications += [
            notify.to_volunteer(session, member, "packages/missed", event_id=event.id, **values)
            for member in (group.members if group is not None else [])
            if member.active and member.id != missed.helper_id]
    session.flush()
    return result


def escalate(session: Session, *, now: datetime, zone: ZoneInfo,
             days: int = MISSED_AFTER_DAYS) -> MissedResult:
    """Escalate every package visit not recorded as done `days` after its end, once each:
    `record`, then `alert`."""
    return alert(session, record(session, now=now, zone=zone, days=days), zone=zone)
