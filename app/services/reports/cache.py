"""The five comparisons, kept per data version.

A town's year (two years of contacts and every household's file, this period and the one
before) takes over a second to aggregate on PostgreSQL, and its figures change only when a
table they read is written. The database keeps a version token that its own triggers change on
every such write (`app.models.ReportDataVersion`, migration ``report_data_version``), whoever
writes: the admin, an import, a task, raw SQL. A report computed at version *v* stays right
while the version is *v*; each process keeps the last `SIZE` reports in memory (gunicorn's
workers each their own), so asking again costs one query until the data change.

Order matters: the version is read before the figures. A write committed in between gives a new
version, so at worst figures that already include it are kept under the older version, and the
next request, seeing the new version, computes again — never old figures under a new version.
On PostgreSQL the version changes at commit (a deferred trigger), so a transaction that has
written itself neither uses nor keeps a cached report (its figures may include what it has not
committed); on SQLite the trigger runs at once and such a transaction sees a version of its own.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from sqlalchemy import false, func, select
from sqlalchemy.orm import Session

from app.models import ReportDataVersion
from app.services.reports.five_comparisons import Comparison, Period, compare

#: Reports kept per process (periods × scopes asked for recently).
SIZE = 32

_lock = threading.Lock()
_reports: OrderedDict[tuple[Any, ...], Comparison] = OrderedDict()


def data_version(session: Session) -> tuple[str, bool]:
    """The version, and whether this transaction has written (PostgreSQL: it has a
    transaction id). One query."""
    if session.get_bind().dialect.name == "postgresql":
        wrote: Any = func.pg_current_xact_id_if_assigned().is_not(None)
    else:
        wrote = false()
    version, has_written = session.execute(
        select(ReportDataVersion.version, wrote).where(ReportDataVersion.id == 1)).one()
    return version, bool(has_written)


def compare_cached(session: Session, period: Period, *,
                   neighbourhood_ids: frozenset[int] | None = None) -> Comparison:
    """`compare`, computed once per data version, period and scope."""
    version, has_written = data_version(session)
    if has_written:
        return compare(session, period, neighbourhood_ids=neighbourhood_ids)
    key = (version, period.first, period.last, str(period.start.tzinfo),
           None if neighbourhood_ids is None else tuple(sorted(neighbourhood_ids)))
    with _lock:
        found = _reports.get(key)
        if found is not None:
            _reports.move_to_end(key)
            return found
    # nothing written in this transaction: the aggregates may run on connections of their own
    report = compare(session, period, neighbourhood_ids=neighbourhood_ids, apart=True)
    with _lock:
        _reports[key] = report
        while len(_reports) > SIZE:
            _reports.popitem(last=False)
    return report
