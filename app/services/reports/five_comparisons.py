"""The five comparisons (五个比一比): how each service group did over a period.

The town measures its service groups five ways; each figure is defined here, once, and pages,
exports, the CLI and the API all call `five_comparisons`. A group's **patch** is its buildings;
its households are the households of those buildings. The period is a range of local days
(`Period.of_days`); a timestamp counts when it falls in ``[start, end)``.

1. **Contacts** (比联系): effective contacts (`app.enums.EFFECTIVE`: done, or a phone call
   instead) with households of the patch, dated in the period — door visits, calls,
   appointments, care-package visits, incident follow-ups and (once pairing records them as
   visits) pairing contacts alike. Planned, missed, not-at-home and refused contacts do not
   count.
2. **Breadth** (比走访): households of the patch with at least one effective contact in the
   period ÷ households of the patch; the ones left are *never contacted* in the period.
3. **File completeness** (比档案): `app.services.households.files.completeness` (the fields a
   household's categories expect, filled ÷ expected) computed in SQL for every household of the
   patch as it stands now (files have no history): the average score, and how many (and what
   share) are complete. Text counts as filled when it is not blank.
4. **Promptness** (比反映): two medians, in hours, and a third over both samples that ranks.
   - *Visit → request*: requests that came in by a visit (`channel = visit`) received in the
     period, routed to the group: the time from the latest effective contact before the request
     (with its household if the request names one, else with any household of its building) to
     its receipt. Linli does not link a request to the visit that produced it, so this is the
     nearest contact before; a visit-channel request with neither household nor building, or
     with no contact before it, is **not measured** (`request_samples` counts the measured ones).
   - *Incident → follow-up*: for each household affected by an incident restored in the period,
     the time from restoration (follow-ups are due after it, `app.services.incidents`) to the
     effective contact that completed its follow-up. Follow-ups not done yet are not in the
     median; they are counted (`follow_ups_pending`).
   A group with neither sample has no promptness figure and ranks last on it.
5. **Problems solved** (比解决): requests routed to the group and resolved in the period
   (`status = resolved`, `resolved_at` in the period; a reopened request is not resolved), the
   median days from receipt to resolution, and how many were resolved at neighbourhood level:
   never escalated to a town or district department (`comparison_sql.resolved_locally`).

**Combined rank.** For each measure the groups are ranked (1 = best; ties share a rank and the
next rank is skipped; a group without a figure ranks after every group with one) by: contacts
(more is better), breadth share, average completeness, the promptness median over both samples
(shorter is better), requests resolved. The score is the weighted average of the five ranks with
the town administrator's weights (`app.models.ComparisonWeights`, equal by default); the combined
rank orders the scores (lower is better), ties sharing a rank.

Queries: the groups, the households (contacts, breadth, completeness), the promptness samples,
the resolved requests, and the weights — five, whatever the number of groups or rows (and on
PostgreSQL a ``SET LOCAL jit = off``: see `five_comparisons`).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.enums import Role
from app.models import ComparisonWeights, Neighbourhood, ServiceGroup
from app.models.reports import MEASURES
from app.services.reports import comparison_sql

#: The longest period a report covers (the previous period is as long again).
MAX_DAYS = 3 * 366

#: Who may read the five comparisons (the town admin all groups, a coordinator their own
#: neighbourhoods'); the admin's access matrix says the same (`FiveComparisons`).
READERS = frozenset({Role.admin, Role.coordinator})


@dataclass(frozen=True)
class Period:
    """Local days ``first``…``last`` (inclusive) as UTC-comparable bounds ``[start, end)``."""

    first: date
    last: date
    start: datetime
    end: datetime

    @classmethod
    def of_days(cls, first: date, last: date, zone: ZoneInfo) -> Period:
        if last < first:
            raise ValueError("the period ends before it starts")
        start = datetime.combine(first, datetime.min.time(), tzinfo=zone)
        end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=zone)
        return cls(first, last, start, end)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        zone = self.start.tzinfo
        assert isinstance(zone, ZoneInfo)
        last = self.first - timedelta(days=1)
        return Period.of_days(last - timedelta(days=self.days - 1), last, zone)


@dataclass
class GroupFigures:
    group_id: int
    group: str
    neighbourhood: str
    # 1. contacts
    contacts: int = 0
    # 2. breadth
    households: int = 0
    contacted: int = 0
    # 3. file completeness
    completeness: float | None = None
    complete: int = 0
    # 4. promptness (hours)
    request_hours: float | None = None
    request_samples: int = 0
    follow_up_hours: float | None = None
    follow_up_samples: int = 0
    follow_ups_pending: int = 0
    promptness_hours: float | None = None
    # 5. problems solved
    resolved: int = 0
    resolved_locally: int = 0
    resolution_days: float | None = None
    # combined
    ranks: dict[str, int] = field(default_factory=dict)
    score: float = 0.0
    rank: int = 0

    @property
    def never_contacted(self) -> int:
        return self.households - self.contacted

    @property
    def breadth(self) -> float | None:
        return self.contacted / self.households if self.households else None

    @property
    def complete_share(self) -> float | None:
        return self.complete / self.households if self.households else None

    def headline(self, measure: str) -> float | None:
        """The figure a measure ranks by."""
        return {
            "contacts": self.contacts, "breadth": self.breadth,
            "completeness": self.completeness, "promptness": self.promptness_hours,
            "solved": self.resolved,
        }[measure]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(never_contacted=self.never_contacted, breadth=self.breadth,
                    complete_share=self.complete_share)
        return data


#: Which way is better for each measure's headline figure.
LOWER_IS_BETTER = frozenset({"promptness"})

DEFAULT_WEIGHTS = dict.fromkeys(MEASURES, 1)


def weights(session: Session) -> dict[str, int]:
    """The town administrator's weights (equal when none are set). One query."""
    row = session.get(ComparisonWeights, 1)
    return row.as_dict() if row is not None else dict(DEFAULT_WEIGHTS)


def five_comparisons(
    session: Session, period: Period, *, neighbourhood_ids: frozenset[int] | None = None,
    weighting: dict[str, int] | None = None,
) -> list[GroupFigures]:
    """Every service group in scope (all, or those of `neighbourhood_ids`) with its five
    measures and combined rank, best first. Five queries (four with `weighting` given; one
    more on PostgreSQL, which turns JIT off for the transaction)."""
    return several_periods(session, [period], neighbourhood_ids=neighbourhood_ids,
                           weighting=weighting)[0]


def several_periods(
    session: Session, periods: Sequence[Period], *,
    neighbourhood_ids: frozenset[int] | None = None, weighting: dict[str, int] | None = None,
    apart: bool = False,
) -> list[list[GroupFigures]]:
    """`five_comparisons` for each of `periods`, in as many queries as for one: each query
    computes every period at once (`app.services.reports.comparison_sql`); with `apart`, on
    connections of their own at the same time (`aggregate`)."""
    groups_q = (
        select(ServiceGroup.id, ServiceGroup.name, Neighbourhood.name)
        .join(Neighbourhood, Neighbourhood.id == ServiceGroup.neighbourhood_id)
        .order_by(Neighbourhood.name, ServiceGroup.name)
    )
    if neighbourhood_ids is not None:
        groups_q = groups_q.where(ServiceGroup.neighbourhood_id.in_(neighbourhood_ids))
    groups = session.execute(groups_q).tuples().all()
    rows = [{gid: GroupFigures(gid, name, hood) for gid, name, hood in groups}
            for _ in periods]
    if groups:
        aggregate(session, periods, [gid for gid, _name, _hood in groups], rows, apart=apart)
    weighting = weighting or weights(session)
    out = []
    for period_rows in rows:
        rank_groups(list(period_rows.values()), weighting)
        out.append(sorted(period_rows.values(), key=lambda g: (g.rank, g.neighbourhood, g.group)))
    return out


#: The aggregates, each filling its own figures of the rows (none writes another's).
AGGREGATES = (comparison_sql.household_figures, comparison_sql.promptness,
              comparison_sql.solved)


def _jit_off(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        # These aggregates run in a fraction of a second, but their correlated subqueries
        # make the planner's estimates large enough to trigger JIT compilation, which
        # alone costs about a second per query. Off for this transaction only.
        session.execute(text("SET LOCAL jit = off"))


def aggregate(session: Session, periods: Sequence[Period], ids: list[int], rows: Any, *,
              apart: bool = False) -> None:
    """Run the `AGGREGATES` into `rows`: one after the other in `session`, or — `apart`, on
    PostgreSQL — the first in `session` while each other runs at the same time on a
    connection of its own, so the database's cores share the work (the households' and the
    promptness samples' aggregates take about as long as each other).

    Apart, each aggregate reads its own snapshot, all taken after the caller read the data's
    version (`app.services.reports.cache`): each figure includes at least every write up to
    that version. Only for a transaction that has written nothing: the other connections
    would not see its writes."""
    if not apart or session.get_bind().dialect.name != "postgresql":
        _jit_off(session)
        for step in AGGREGATES:
            step(session, periods, ids, rows)
        return
    engine = session.get_bind().engine
    first, *others = AGGREGATES
    with ThreadPoolExecutor(max_workers=len(others)) as pool:
        running = [pool.submit(_on_own_connection, engine, step, periods, ids, rows)
                   for step in others]
        _jit_off(session)
        first(session, periods, ids, rows)
        for future in running:
            future.result()


def _on_own_connection(engine: Any, step: Any, periods: Sequence[Period], ids: list[int],
                       rows: Any) -> None:
    with Session(engine) as session, session.begin():
        _jit_off(session)
        step(session, periods, ids, rows)


def competition_ranks(values: list[float | None], *, lower_is_better: bool) -> list[int]:
    """1 = best; equal values share a rank and the next is skipped (1, 2, 2, 4); a missing value
    ranks after every present one."""
    present = [v for v in values if v is not None]
    out = []
    for value in values:
        if value is None:
            out.append(len(present) + 1)
            continue
        better = sum(1 for v in present
                     if (v < value if lower_is_better else v > value) and abs(v - value) > 1e-9)
        out.append(better + 1)
    return out


def rank_groups(groups: list[GroupFigures], weighting: dict[str, int]) -> None:
    """Each measure's rank, the weighted score and the combined rank, in place."""
    total = sum(weighting.get(m, 0) for m in MEASURES) or 1
    for group in groups:
        group.ranks = {}
    for measure in MEASURES:
        values = [g.headline(measure) for g in groups]
        ranks = competition_ranks(values, lower_is_better=measure in LOWER_IS_BETTER)
        for group, rank in zip(groups, ranks, strict=True):
            group.ranks[measure] = rank
    for group in groups:
        group.score = sum(weighting.get(m, 0) * group.ranks[m] for m in MEASURES) / total
    combined = competition_ranks([g.score for g in groups], lower_is_better=True)
    for group, rank in zip(groups, combined, strict=True):
        group.rank = rank


@dataclass
class Comparison:
    """The report: this period's groups, and for each the previous period's figures."""

    period: Period
    previous_period: Period
    weights: dict[str, int]
    groups: list[GroupFigures]
    previous: dict[int, GroupFigures]

    def trend(self, group: GroupFigures) -> int | None:
        """Places gained since the previous period (positive: moved up)."""
        before = self.previous.get(group.group_id)
        return before.rank - group.rank if before is not None else None


def compare(session: Session, period: Period, *,
            neighbourhood_ids: frozenset[int] | None = None, apart: bool = False) -> Comparison:
    """This period and the one before, with the same weights: five queries for both (one more
    on PostgreSQL; `apart`: see `aggregate`)."""
    weighting = weights(session)
    before = period.previous()
    current, previous = several_periods(session, [period, before],
                                        neighbourhood_ids=neighbourhood_ids,
                                        weighting=weighting, apart=apart)
    return Comparison(period, before, weighting, current, {g.group_id: g for g in previous})
