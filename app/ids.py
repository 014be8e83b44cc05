"""Row ids from the outside world (URLs, query strings, forms): integers the database can hold.

Every table's key is a 32-bit integer on PostgreSQL (SQLite would take 64 bits); a number
beyond that is not a row anybody can have, and sending it to the database fails there
(integer out of range on PostgreSQL, OverflowError in the SQLite driver). So such a number
is treated as "no such row" before any query runs.
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1
#: The range of a 32-bit integer column, for numbers that are not ids.
MIN_INT, MAX_INT = -(2**31), 2**31 - 1


def parse_id(value: Any) -> int | None:
    """The id in `value`, or None if it is not a whole number from 1 to MAX_ID."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip() if value is not None else ""
        if not text.isascii() or not text.isdigit() or len(text) > 12:
            return None
        number = int(text)
    return number if 1 <= number <= MAX_ID else None


class IdConverter(IntegerConverter):
    """`<int:...>` in routes: a number beyond any id does not match (404), so it never
    reaches a query."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
