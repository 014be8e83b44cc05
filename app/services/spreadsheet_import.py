"""What every spreadsheet import shares (volunteers, households): header row, rows, refusals.

An import reads a file into rows of text (`admin.export.read_xlsx` / `read_csv`), then its own
service (`app.services.volunteer_import`, `app.services.households.importing`) describes its
columns as a `Layout` and checks each row; this module finds the columns by their Chinese or
English header, keeps each row's line number as the spreadsheet shows it (blank rows count),
refuses a file with no header, a missing required column or too many rows, and gives the
checks every import needs (yes/no flags, bounded numbers). A plan with any refused row imports
nothing (`refuse_unless_ok`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Neighbourhood
from app.services.text_input import control_characters_message, has_control_characters

YES = {"是", "y", "yes", "true", "1", "√", "✓"}
NO = {"否", "n", "no", "false", "0", ""}
#: Separators of a list in one cell: commas, the Chinese enumeration comma, semicolons, slashes.
LIST_SEPARATORS = re.compile(r"[,，、;；/\s]+")


class SpreadsheetImportError(ValueError):
    """The file cannot be imported at all (no header, no rows, too many rows)."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


class ImportRefused(ValueError):
    """A plan with refused rows: nothing is imported."""


@dataclass(frozen=True)
class Layout:
    """An import's columns: each with the header texts that name it (compared without spaces,
    case-insensitively) and its label in the user's language."""

    columns: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    labels: dict[str, Any]
    max_rows: int = 2000


@dataclass
class ImportRow:
    """One row of the file: its line in the spreadsheet, its cells by column, its refusals."""

    line: int
    values: dict[str, str]
    errors: list[Any] = field(default_factory=list)


R = TypeVar("R", bound=ImportRow)
T = TypeVar("T")


@dataclass
class ImportPlan(Generic[R]):
    columns: list[str]
    rows: list[R]
    #: Header texts of columns the import does not read (shown, so nothing goes unnoticed).
    ignored: list[str] = field(default_factory=list)

    @property
    def refused(self) -> list[R]:
        return [row for row in self.rows if row.errors]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.refused


def key(text: str) -> str:
    """A header or a name as compared: no spaces, lower case."""
    return re.sub(r"\s+", "", text or "").lower()


def header_map(header: Sequence[str], layout: Layout) -> dict[str, int]:
    """Column → its index in the header row (the first header naming it wins). A column is
    named by one of its aliases or by its label in the user's language, as exports write it."""
    names = {key(str(label)): column for column, label in layout.labels.items()}
    names.update({key(alias): column for column, aliases in layout.columns.items()
                  for alias in aliases})
    found: dict[str, int] = {}
    for index, text in enumerate(header):
        column = names.get(key(text))
        if column and column not in found:
            found[column] = index
    return found


def _blank(row: Sequence[str]) -> bool:
    return not any((cell or "").strip() for cell in row)


@dataclass
class Table:
    #: Column → its index in the file.
    columns: dict[str, int]
    rows: list[ImportRow]
    #: Headers of the file's columns that no column of the import reads (a second column
    #: naming the same thing included): their cells are not imported, and the preview says so.
    ignored: list[str]


def read_table(rows: Sequence[Sequence[str]], layout: Layout) -> Table:
    """The header's columns and every non-blank row below it, each with its line number in
    the file and its cells stripped; a cell with control characters is refused by name.
    `SpreadsheetImportError` when the file cannot be imported at all."""
    numbered = [(line, list(raw)) for line, raw in enumerate(rows, start=1) if not _blank(raw)]
    if not numbered:
        raise SpreadsheetImportError(_l("The file has no rows."))
    header = numbered[0][1]
    columns = header_map(header, layout)
    used = set(columns.values())
    ignored = [text.strip() or column_letter(i) for i, text in enumerate(header)
               if i not in used and (text.strip() or any(
                   i < len(raw) and (raw[i] or "").strip() for _line, raw in numbered[1:]))]
    missing = [layout.labels[c] for c in layout.required if c not in columns]
    if missing:
        raise SpreadsheetImportError(_l(
            "The first row must name the columns; missing: %(columns)s.",
            columns="、".join(str(m) for m in missing)))
    if len(numbered) - 1 > layout.max_rows:
        raise SpreadsheetImportError(
            _l("At most %(n)s rows can be imported at once.", n=layout.max_rows))
    out = []
    for line, raw in numbered[1:]:
        values = {c: (raw[i] if i < len(raw) else "").strip() for c, i in columns.items()}
        row = ImportRow(line=line, values=values)
        for column, value in values.items():
            if has_control_characters(value):
                row.errors.append(_l("%(column)s: %(reason)s", column=layout.labels[column],
                                     reason=control_characters_message()))
        out.append(row)
    return Table(columns, out, ignored)


def column_letter(index: int) -> str:
    """A column as Excel names it: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def neighbourhood_names(session: Session) -> dict[str, Neighbourhood]:
    """Every neighbourhood by its name, its English name and the name exports write
    ("金桥镇 · 佳虹居民区"), each `key`-ed."""
    names: dict[str, Neighbourhood] = {}
    for n in session.scalars(select(Neighbourhood)):
        for name in (n.name, n.name_en, str(n)):
            if name:
                names[key(name)] = n
    return names


def flag(row: ImportRow, column: str, layout: Layout) -> bool:
    """是/否 (yes/no, 1/0, √) as a boolean; anything else is refused."""
    raw = row.values.get(column, "").strip().lower()
    if raw in YES:
        return True
    if raw not in NO:
        row.errors.append(_l("%(column)s must be 是 or 否, not “%(value)s”.",
                             column=layout.labels[column], value=row.values[column]))
    return False


def number(row: ImportRow, column: str, layout: Layout, *, maximum: int,
           minimum: int = 0) -> Decimal | None:
    """A number from `minimum` to `maximum`, or None for an empty cell; refused otherwise."""
    raw = row.values.get(column, "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < minimum or value > maximum:
        row.errors.append(_l("%(column)s must be a number from %(min)s to %(max)s, "
                             "not “%(value)s”.", column=layout.labels[column], min=minimum,
                             max=maximum, value=raw))
        return None
    return value


def whole_number(row: ImportRow, column: str, layout: Layout, *, maximum: int,
                 minimum: int = 0) -> int | None:
    """`number`, refused unless whole."""
    value = number(row, column, layout, maximum=maximum, minimum=minimum)
    if value is not None and value != value.to_integral_value():
        row.errors.append(_l("%(column)s must be a whole number.",
                             column=layout.labels[column]))
        return None
    return None if value is None else int(value)


def too_long(row: ImportRow, column: str, layout: Layout, limit: int) -> None:
    if len(row.values.get(column, "")) > limit:
        row.errors.append(_l("%(column)s is longer than %(n)s characters.",
                             column=layout.labels[column], n=limit))


def match_names(cell: str, names: dict[str, T]) -> tuple[list[T], list[str]]:
    """The things a cell lists by name (`names`: `key`-ed name → thing), longest names first so
    that names holding commas or other names are found whole; and what is left that names
    nothing (to be refused, never dropped)."""
    text = key(cell)
    found: list[T] = []
    for name in sorted(names, key=len, reverse=True):
        if name and name in text:
            text = text.replace(name, "/")
            if names[name] not in found:
                found.append(names[name])
    unknown = [part for part in LIST_SEPARATORS.split(text) if part]
    return found, unknown


def refuse_unless_ok(plan: ImportPlan[Any]) -> None:
    if not plan.ok:
        raise ImportRefused(str(_l("Nothing was imported: correct the refused rows first.")))
