"""The requests' figures for a period, per service group (step 2's measures; the five
comparisons' "problems solved" is the same resolved count and median, per group).

- received: requests received in the period;
- resolved, resolved at neighbourhood level (the article's "over 90%": never escalated to a
  level the town admin does not count as grassroots, such as a town or district department),
  median days from received to resolved: requests resolved in
  the period;
- overdue: requests received by the period's end, still open now and past their deadline;
- per volunteer: suggestions they filed in the period, and how many of those are resolved.
- satisfaction: the answers to the questionnaire after resolution given in the period, and
  the share of them saying it is resolved ("partly" is not satisfied); None without answers.
Seven queries whatever the number of requests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from app.enums import OPEN_REQUEST, RequestStatus, SatisfactionAnswer
from app.models import Neighbourhood, RequestAnswer, ResidentRequest, ServiceGroup, Volunteer
from app.services.reports.comparison_sql import resolved_locally
from app.services.reports.sql import median_of, ranked, seconds_between

R = ResidentRequest


@dataclass
class RequestFigures:
    """One service group's line (group None: requests no group is responsible for)."""

    group_id: int | None
    group: str
    neighbourhood: str
    received: int = 0
    resolved: int = 0
    resolved_locally: int = 0
    median_days: float | None = None
    overdue: int = 0

    @property
    def resolved_locally_pct(self) -> float | None:
        return round(100 * self.resolved_locally / self.resolved, 1) if self.resolved else None

    def to_json(self) -> dict[str, object]:
        return {"group_id": self.group_id, "group": self.group,
                "neighbourhood": self.neighbourhood, "received": self.received,
                "resolved": self.resolved, "resolved_at_level_1": self.resolved_locally,
                "resolved_at_level_1_pct": self.resolved_locally_pct,
                "median_days": None if self.median_days is None else round(self.median_days, 1),
                "overdue": self.overdue}


@dataclass
class VolunteerSuggestions:
    volunteer_id: int
    name: str
    filed: int
    resolved: int


@dataclass
class RequestStats:
    groups: list[RequestFigures]
    total: RequestFigures
    volunteers: list[VolunteerSuggestions] = field(default_factory=list)
    #: Questionnaires answered in the period, and the share saying it is resolved.
    answers: int = 0
    satisfied_pct: float | None = None


def request_stats(session: Session, start: datetime, end: datetime, *, now: datetime,
                  neighbourhood_ids: frozenset[int] | None = None) -> RequestStats:
    """The figures of requests in `[start, end)` (of the given neighbourhoods; all if None)."""
    scope = [] if neighbourhood_ids is None else [R.neighbourhood_id.in_(neighbourhood_ids)]
    lines: dict[int | None, RequestFigures] = {}

    def line(gid: int | None) -> RequestFigures:
        return lines.setdefault(gid, RequestFigures(gid, "", ""))

    for gid, count in session.execute(
            select(R.service_group_id, func.count())
            .where(R.received_at >= start, R.received_at < end, *scope)
            .group_by(R.service_group_id)):
        line(gid).received = count
    total = RequestFigures(None, "", "")
    days = seconds_between(R.resolved_at, R.received_at) / 86400.0
    resolved_where = [R.status == RequestStatus.resolved, R.resolved_at >= start,
                      R.resolved_at < end, *scope]
    for by_group in (True, False):
        partition = [R.service_group_id] if by_group else []
        position, count = ranked(days, *partition)
        rows = (select(R.service_group_id.label("gid"), days.label("days"),
                       case((resolved_locally(), 1), else_=0).label("local"),
                       position.label("pos"), count.label("n"))
                .where(*resolved_where).subquery())
        keys = [rows.c.gid] if by_group else []
        for *key, resolved, local, median in session.execute(
                select(*keys, func.count(), func.sum(rows.c.local),
                       median_of(rows.c.days, rows.c.pos, rows.c.n)).group_by(*keys)):
            target = line(key[0]) if by_group else total
            target.resolved, target.resolved_locally = resolved, int(local or 0)
            target.median_days = float(median) if median is not None else None
    for gid, count in session.execute(
            select(R.service_group_id, func.count())
            .where(R.status.in_(OPEN_REQUEST), R.due_at < now, R.received_at < end,
                   *scope)
            .group_by(R.service_group_id)):
        line(gid).overdue = count
    names = {gid: (group, place) for gid, group, place in session.execute(
        select(ServiceGroup.id, ServiceGroup.name, Neighbourhood.name)
        .join(Neighbourhood, Neighbourhood.id == ServiceGroup.neighbourhood_id)
        .where(ServiceGroup.id.in_([g for g in lines if g is not None])))}
    for gid, figures in lines.items():
        figures.group, figures.neighbourhood = names.get(gid, ("", ""))
    total.received = sum(f.received for f in lines.values())
    total.overdue = sum(f.overdue for f in lines.values())
    volunteers = [VolunteerSuggestions(vid, name, filed, int(done or 0))
                  for vid, name, filed, done in session.execute(
                      select(Volunteer.id, Volunteer.name, func.count(),
                             func.sum(case((R.status == RequestStatus.resolved, 1), else_=0)))
                      .join(Volunteer, and_(Volunteer.id == R.volunteer_id))
                      .where(R.received_at >= start, R.received_at < end, *scope)
                      .group_by(Volunteer.id, Volunteer.name)
                      .order_by(func.count().desc(), Volunteer.id))]
    groups = sorted(lines.values(), key=lambda f: (f.group_id is None, f.neighbourhood, f.group))
    answers, satisfied = session.execute(
        select(func.count(), func.sum(case(
            (RequestAnswer.answer == SatisfactionAnswer.satisfied, 1), else_=0)))
        .join(R, R.id == RequestAnswer.request_id)
        .where(RequestAnswer.at >= start, RequestAnswer.at < end, *scope)).one()
    return RequestStats(groups, total, volunteers, answers=answers,
                        satisfied_pct=round(100 * int(satisfied or 0) / answers, 1)
                        if answers else None)
