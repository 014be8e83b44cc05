"""Portable SQL for reports: durations between two timestamps and medians, the same on SQLite
(the embedded default) and PostgreSQL.

- **Durations.** PostgreSQL subtracts timestamps into an interval (``EXTRACT(EPOCH FROM …)``);
  SQLite stores `UTCDateTime` as naive UTC text and has ``julianday``. `seconds_between` compiles
  to the right one.
- **Medians.** PostgreSQL has ``percentile_cont`` but SQLite has no ordered-set aggregate; both
  have window functions (SQLite since 3.25). `ranked` numbers each value within its group
  (``row_number`` and ``count`` over the partition) and `median_of` averages the one or two middle
  rows: with *n* values, row *r* is a middle row when ``n ≤ 2r ≤ n + 2`` (odd *n*: r = (n+1)/2;
  even *n*: r = n/2 and n/2 + 1). That is exactly ``percentile_cont(0.5)``; one query whatever the
  number of groups, and tested on both engines.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ColumnElement, Float, and_, case, func, nulls_last
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class seconds_between(FunctionElement[float]):
    """``later - earlier`` in seconds (a float; negative when `later` is earlier)."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between)
def _seconds_generic(element: seconds_between, compiler: Any, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return (f"(EXTRACT(EPOCH FROM ({compiler.process(later, **kw)})"
            f" - ({compiler.process(earlier, **kw)})))")


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: seconds_between, compiler: Any, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return (f"((julianday({compiler.process(later, **kw)})"
            f" - julianday({compiler.process(earlier, **kw)})) * 86400.0)")


class within_seconds(FunctionElement[bool]):
    """``later - earlier <= seconds``, exactly as ``seconds_between(later, earlier) <= seconds``
    (which SQLite runs); PostgreSQL compares the timestamps themselves (``earlier >= later -
    interval``), cheaper than an epoch per row when a join tests many pairs."""

    type = Boolean()
    inherit_cache = True
    name = "within_seconds"


@compiles(within_seconds)
def _within_generic(element: within_seconds, compiler: Any, **kw: Any) -> str:
    later, earlier, seconds = (compiler.process(c, **kw) for c in element.clauses)
    return f"(({earlier}) >= ({later}) - make_interval(secs => {seconds}))"


@compiles(within_seconds, "sqlite")
def _within_sqlite(element: within_seconds, compiler: Any, **kw: Any) -> str:
    later, earlier, seconds = element.clauses
    return compiler.process(seconds_between(later, earlier) <= seconds, **kw)


def bucket_of(column: Any, bounds: list[tuple[Any, Any]]) -> Any:
    """The index of the ``[lo, hi)`` interval a value falls in (NULL outside them all): months
    as a portable ``CASE``."""
    return case(*((and_(column >= lo, column < hi), i) for i, (lo, hi) in enumerate(bounds)))


def ranked(value: ColumnElement[Any], *partition: ColumnElement[Any]) -> tuple[Any, Any]:
    """Window columns for a median: the row's position by `value` (NULLs last) and how many
    non-NULL values its partition has."""
    position = func.row_number().over(partition_by=list(partition),
                                      order_by=nulls_last(value.asc()))
    count = func.count(value).over(partition_by=list(partition))
    return position, count


def is_middle(position: ColumnElement[int], count: ColumnElement[int]) -> ColumnElement[bool]:
    return and_(position * 2 >= count, position * 2 <= count + 2, position <= count)


def median_of(value: ColumnElement[Any], position: ColumnElement[int],
              count: ColumnElement[int]) -> ColumnElement[Any]:
    """The aggregate giving the median of `value` over the ranked rows of a group (NULL when the
    group has no value)."""
    return func.avg(case((is_middle(position, count), value)))
