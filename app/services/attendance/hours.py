"""The service-hours ledger (服务时长): totals and a coordinator's corrections.

Figures are defined here once: a volunteer's hours over a period are the sum of their ledger
entries whose service day falls in it. Pages, exports and certificates call these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.enums import HoursKind
from app.models import HoursEntry, Neighbourhood, Volunteer
from app.models.attendance import MAX_ENTRY_MINUTES
from app.services.attendance import monthly
from app.services.attendance.recording import MAX_REASON, AttendanceError


def hours_text(minutes: int) -> str:
    """Minutes as hours with one decimal, the way certificates and reports show them."""
    return f"{minutes / 60:.1f}"


def _period(statement, start: date | None, end: date | None):  # type: ignore[no-untyped-def]
    if start is not None:
        statement = statement.where(HoursEntry.service_on >= start)
    if end is not None:
        statement = statement.where(HoursEntry.service_on <= end)
    return statement


def volunteer_minutes(session: Session, volunteer_id: int, *, start: date | None = None,
                      end: date | None = None) -> int:
    """A volunteer's service minutes, over all time or from `start` to `end` (both included)."""
    statement = select(func.coalesce(func.sum(HoursEntry.minutes), 0)).where(
        HoursEntry.volunteer_id == volunteer_id)
    return int(session.scalar(_period(statement, start, end)) or 0)


def totals(session: Session, *, neighbourhood_ids: frozenset[int] | None = None,
           start: date | None = None, end: date | None = None) -> dict[int, int]:
    """Minutes per volunteer (of the given neighbourhoods; all when None)."""
    statement = (select(HoursEntry.volunteer_id, func.sum(HoursEntry.minutes))
                 .group_by(HoursEntry.volunteer_id))
    if neighbourhood_ids is not None:
        statement = statement.join(Volunteer, Volunteer.id == HoursEntry.volunteer_id).where(
            Volunteer.neighbourhood_id.in_(neighbourhood_ids))
    return {vid: int(total) for vid, total in session.execute(_period(statement, start, end))}


@dataclass(frozen=True)
class ReportRow:
    """One volunteer's line of the hours report over a period."""

    volunteer_id: int
    name: str
    neighbourhood: str | None
    minutes: int
    #: Shifts that earned hours (attendance entries, counted once per shift).
    shifts: int
    #: The corrections' part of `minutes` (either sign).
    corrected_minutes: int

    def to_json(self) -> dict[str, object]:
        return {"volunteer_id": self.volunteer_id, "name": self.name,
                "neighbourhood": self.neighbourhood, "minutes": self.minutes,
                "hours": float(hours_text(self.minutes)), "shifts": self.shifts,
                "corrected_minutes": self.corrected_minutes}


def report(session: Session, *, neighbourhood_ids: frozenset[int] | None = None,
           start: date | None = None, end: date | None = None) -> list[ReportRow]:
    """The hours report: every volunteer with ledger entries in the period, most hours first.

    One statement, whatever the number of volunteers or entries: the period's monthly totals
    (and the ledger's lines of a part-month at either end, `monthly.month_rows`) summed per
    volunteer, then named.
    """
    volunteers = None
    if neighbourhood_ids is not None:
        volunteers = select(Volunteer.id).where(Volunteer.neighbourhood_id.in_(neighbourhood_ids))
    months = monthly.month_rows(start, end, volunteers=volunteers)
    sums = (select(months.c.volunteer_id, func.sum(months.c.minutes).label("minutes"),
                   func.sum(months.c.shifts).label("shifts"),
                   func.sum(months.c.corrected).label("corrected"))
            .group_by(months.c.volunteer_id).subquery())
    statement = (
        select(Volunteer.id, Volunteer.name, Neighbourhood.name, sums.c.minutes, sums.c.shifts,
               sums.c.corrected)
        .join(sums, sums.c.volunteer_id == Volunteer.id)
        .outerjoin(Neighbourhood, Neighbourhood.id == Volunteer.neighbourhood_id)
        .order_by(sums.c.minutes.desc(), Volunteer.id))
    return [ReportRow(vid, name, place, int(total), int(shifts), int(fixed or 0))
            for vid, name, place, total, shifts, fixed in session.execute(statement)]


def entries(session: Session, volunteer_id: int, *, start: date | None = None,
            end: date | None = None, limit: int | None = None) -> list[HoursEntry]:
    statement = (select(HoursEntry).where(HoursEntry.volunteer_id == volunteer_id)
                 .order_by(HoursEntry.service_on.desc(), HoursEntry.id.desc()))
    statement = _period(statement, start, end)
    if limit is not None:
        statement = statement.limit(limit)
    return list(session.scalars(statement))


@dataclass(frozen=True)
class Correction:
    volunteer_id: int
    minutes: int
    service_on: date
    reason: str
    activity: str | None = None


def add_correction(session: Session, correction: Correction, *, actor_id: int,
                   today: date) -> HoursEntry:
    """A coordinator's correction: a new signed entry with who and why; nothing is edited.

    It may not take a volunteer's hours below zero for that day's service.
    """
    reason = (correction.reason or "").strip()
    if not reason:
        raise AttendanceError(str(_l("Say why the hours are corrected.")))
    if len(reason) > MAX_REASON:
        raise AttendanceError(str(_l("The reason is limited to %(n)s characters.", n=MAX_REASON)))
    if correction.minutes == 0 or abs(correction.minutes) > MAX_ENTRY_MINUTES:
        raise AttendanceError(str(_l(
            "A correction is a number of minutes, not zero, at most %(n)s either way.",
            n=MAX_ENTRY_MINUTES)))
    if correction.service_on > today:
        raise AttendanceError(str(_l("Hours cannot be recorded for a day in the future.")))
    if correction.minutes < 0 and volunteer_minutes(
            session, correction.volunteer_id) + correction.minutes < 0:
        raise AttendanceError(str(_l("The correction would leave the volunteer with fewer than "
                                     "zero hours.")))
    activity = (correction.activity or "").strip() or str(_l("Correction"))
    entry = HoursEntry(volunteer_id=correction.volunteer_id, kind=HoursKind.correction,
                       minutes=correction.minutes, service_on=correction.service_on,
                       activity=activity[:300], reason=reason, created_by_id=actor_id)
    session.add(entry)
    session.flush()
    return entry
