"""The columns of the five-comparisons table, named once for the page, the exports and the CLI.

Each column reads one figure of `GroupFigures` and says what kind of number it is, so the page
can format it, the spreadsheet can keep it a number (a share as 0.667 with a percent format),
and the CLI can print it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.reports.five_comparisons import GroupFigures


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    #: "text", "int", "share" (0–1), "float" (one decimal), "rank".
    kind: str
    #: The measure this column belongs to (for grouping the header), if any.
    measure: str | None = None

    def value(self, row: GroupFigures) -> Any:
        return getattr(row, self.key)


MEASURE_LABELS: dict[str, Any] = {
    "contacts": _l("Contacts"),
    "breadth": _l("Breadth"),
    "completeness": _l("File completeness"),
    "promptness": _l("Promptness"),
    "solved": _l("Problems solved"),
}

COLUMNS: tuple[Column, ...] = (
    Column("rank", _l("Combined rank"), "rank"),
    Column("neighbourhood", _l("Neighbourhood"), "text"),
    Column("group", _l("Service group"), "text"),
    Column("contacts", _l("Effective contacts"), "int", "contacts"),
    Column("households", _l("Households in patch"), "int", "breadth"),
    Column("contacted", _l("Households contacted"), "int", "breadth"),
    Column("breadth", _l("Share contacted"), "share", "breadth"),
    Column("never_contacted", _l("Never contacted"), "int", "breadth"),
    Column("completeness", _l("Average file completeness"), "share", "completeness"),
    Column("complete", _l("Complete files"), "int", "completeness"),
    Column("complete_share", _l("Share of complete files"), "share", "completeness"),
    Column("request_hours", _l("Visit to request, median hours"), "float", "promptness"),
    Column("request_samples", _l("Requests measured"), "int", "promptness"),
    Column("follow_up_hours", _l("Incident to follow-up, median hours"), "float",
           "promptness"),
    Column("follow_up_samples", _l("Follow-ups measured"), "int", "promptness"),
    Column("follow_ups_pending", _l("Follow-ups pending"), "int", "promptness"),
    Column("promptness_hours", _l("Both, median hours"), "float", "promptness"),
    Column("resolved", _l("Requests resolved"), "int", "solved"),
    Column("resolved_locally", _l("Resolved at neighbourhood level"), "int", "solved"),
    Column("resolution_days", _l("Median days to resolve"), "float", "solved"),
    Column("score", _l("Weighted score"), "float"),
)


def format_value(column: Column, value: Any) -> str:
    """The figure as text (pages and the CLI); a missing figure is a dash."""
    if value is None:
        return "—"
    if column.kind == "share":
        return f"{value * 100:.1f}%"
    if column.kind == "float":
        return f"{value:.1f}"
    return str(value)
