"""The rows behind a bar, a point or a cell of the dashboard's charts, paged for the page and
whole for the exports.

A chart's figure is named by the chart (`CHART_DRILLS` key), a category key (a month as
``YYYY-MM``, a request state or way, an event and skill as ``<event id>-<skill id or 0>``, a
building id) and a series key (a contact's kind, a team id or ``none``…), the keys the chart's
data carries beside its labels; `app.services.reports.chart_statements` turns them into the
statement behind the figure, in the user's scope. Keys that name no figure give ``None``: the
page answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.reports.chart_statements import (
    BUILDING_COLUMNS,
    HOURS_COLUMNS,
    REQUEST_COLUMNS,
    SHIFT_COLUMNS,
    Asked,
    Found,
    buildings,
    contacts,
    coverage,
    hours,
    requests_by_state,
    requests_way,
    team_hours,
    trend,
)
from app.services.reports.columns import Column
from app.services.reports.drilldown import CONTACTS, PAGE_SIZE, cell


@dataclass(frozen=True)
class ChartDrill:
    #: The model the user must be allowed to read (the access matrix's name).
    model: str
    columns: tuple[Column, ...]
    statement: Callable[[Session, Asked], Found]
    #: Only on the town admin's and coordinators' dashboards (`five_comparisons.READERS`).
    town: bool = False


#: Each dashboard chart (its key) and the rows behind its figures.
CHART_DRILLS: dict[str, ChartDrill] = {
    "contacts": ChartDrill("Visit", CONTACTS.columns, contacts),
    "requests": ChartDrill("ResidentRequest", REQUEST_COLUMNS, requests_by_state),
    "hours": ChartDrill("HoursEntry", HOURS_COLUMNS, hours),
    "trend": ChartDrill("", (), trend),
    "coverage": ChartDrill("Shift", SHIFT_COLUMNS, coverage, town=True),
    "team_hours": ChartDrill("HoursEntry", HOURS_COLUMNS, team_hours, town=True),
    "requests_way": ChartDrill("ResidentRequest", REQUEST_COLUMNS, requests_way,
                               town=True),
    "buildings": ChartDrill("Visit", BUILDING_COLUMNS, buildings, town=True),
}

#: The trend lines' points drill into their own charts' rows.
TREND_SERIES = {"contacts": ("Visit", CONTACTS.columns), "hours": ("HoursEntry", HOURS_COLUMNS),
                "received": ("ResidentRequest", REQUEST_COLUMNS),
                "resolved": ("ResidentRequest", REQUEST_COLUMNS)}


def drill_of(chart: str, series: str) -> tuple[str, tuple[Column, ...]] | None:
    """(model to read, columns) of a chart's series, None for a chart that is not one."""
    drill = CHART_DRILLS.get(chart)
    if drill is None:
        return None
    if chart == "trend":
        return TREND_SERIES.get(series)
    return drill.model, drill.columns


@dataclass(frozen=True)
class ChartRows:
    columns: tuple[Column, ...]
    #: Words naming the figure (a month, a state, an event and skill…).
    caption: list[str]
    total: int
    rows: list[list[Any]]


def rows(session: Session, chart: str, asked: Asked, *, offset: int = 0,
         limit: int | None = PAGE_SIZE) -> ChartRows | None:
    """The rows behind one figure of a chart: how many, and those from `offset` (all with
    ``limit=None``); None when the keys name no figure. The caller checks the user may read
    the chart (`drill_of`)."""
    named = drill_of(chart, asked.series)
    if named is None:
        return None
    found = CHART_DRILLS[chart].statement(session, asked)
    if found is None:
        return None
    statement, caption = found
    columns = named[1]
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    page = statement.offset(offset)
    if limit is not None:
        page = page.limit(limit)
    out = [[cell(c, getattr(row, c.key), asked.zone) for c in columns]
           for row in session.execute(page)]
    return ChartRows(columns, caption, int(total or 0), out)


def headers(found: ChartRows) -> list[str]:
    """The columns' names in the current language (an export's header row)."""
    return [str(c.label) for c in found.columns]
