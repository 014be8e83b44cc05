"""The five comparisons as spreadsheet rows, and as an XLSX workbook with a sheet per table.

Numbers stay numbers (a share is 0.667 with a percent format, so Excel can sum and sort it);
the headers are the columns' names in the current language; text that a spreadsheet would run
as a formula is written with a leading apostrophe.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from app.services.reports.columns import COLUMNS, MEASURE_LABELS, Column
from app.services.reports.five_comparisons import Comparison, GroupFigures

_FORMULA_STARTS = ("=", "+", "-", "@")
_FORMATS = {"share": "0.0%", "float": "0.0", "int": "0", "rank": "0"}


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def headers() -> list[str]:
    """The table's header: each column's name, and the trend after the rank."""
    names = [str(c.label) for c in COLUMNS]
    names.insert(1, _("Places gained since the previous period"))
    return names


def _cells(report: Comparison | None, group: GroupFigures) -> list[Any]:
    values: list[Any] = [_safe(c.value(group)) for c in COLUMNS]
    for index, column in enumerate(COLUMNS):
        if column.kind in ("share", "float") and values[index] is not None:
            values[index] = round(values[index], 4)
    values.insert(1, report.trend(group) if report is not None else None)
    return values


def table_rows(report: Comparison) -> list[list[Any]]:
    """One row per group, in rank order; a missing figure is ``None``."""
    return [_cells(report, g) for g in report.groups]


def _sheet(workbook: Workbook, title: str, head: Sequence[str], rows: list[list[Any]],
           kinds: Sequence[str]) -> None:
    sheet = workbook.create_sheet(title[:31])
    sheet.append(list(head))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
        for cell, kind in zip(sheet[sheet.max_row], kinds, strict=False):
            if kind in _FORMATS and isinstance(cell.value, int | float):
                cell.number_format = _FORMATS[kind]
    sheet.freeze_panes = "A2"
    for index, name in enumerate(head, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(10, min(30, len(name) * 2))


def comparison_xlsx(report: Comparison) -> bytes:
    """This period's table, the previous period's, and the period and weights used."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    kinds: list[str] = [c.kind for c in COLUMNS]
    kinds.insert(1, "int")
    _sheet(workbook, _("Five comparisons"), headers(), table_rows(report), kinds)
    previous = sorted(report.previous.values(), key=lambda g: (g.rank, g.neighbourhood, g.group))
    _sheet(workbook, _("Previous period"), headers(), [_cells(None, g) for g in previous], kinds)
    about: list[list[Any]] = [
        [_("From"), report.period.first.isoformat()],
        [_("To"), report.period.last.isoformat()],
        [_("Previous period"),
         f"{report.previous_period.first.isoformat()} – {report.previous_period.last.isoformat()}"],
    ]
    about += [[str(MEASURE_LABELS[m]) + " · " + _("weight"), w] for m, w in report.weights.items()]
    _sheet(workbook, _("Period and weights"), [_("Item"), _("Value")], about, ["text", "int"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


#: The figure each measure's chart shows, and its kind.
CHART_COLUMNS: dict[str, str] = {
    "contacts": "contacts", "breadth": "breadth", "completeness": "completeness",
    "promptness": "promptness_hours", "solved": "resolved",
}


def chart_column(measure: str) -> Column:
    key = CHART_COLUMNS[measure]
    return next(c for c in COLUMNS if c.key == key)


def chart_data(report: Comparison) -> dict[str, Any]:
    """What the bar charts draw: the groups' names and, per measure, one value per group
    (shares in percent, one decimal; ``None`` where a group has no figure)."""
    groups = [f"{g.neighbourhood} · {g.group}" for g in report.groups]
    charts = []
    for measure in CHART_COLUMNS:
        column = chart_column(measure)
        values = []
        for group in report.groups:
            value = column.value(group)
            if value is not None and column.kind == "share":
                value = round(value * 100, 1)
            elif value is not None and column.kind == "float":
                value = round(value, 1)
            values.append(value)
        charts.append({"measure": measure, "figure": column.key,
                       "title": str(MEASURE_LABELS[measure]),
                       "label": str(column.label),
                       "unit": "%" if column.kind == "share" else "", "values": values})
    return {"from": report.period.first.isoformat(), "to": report.period.last.isoformat(),
            "groups": groups, "group_ids": [g.group_id for g in report.groups],
            "charts": charts,
            "table": {"headers": headers(), "rows": table_rows(report)}}
