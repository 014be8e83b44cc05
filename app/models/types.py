"""Column helpers used by several models."""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa


def enum_column_type(enum_cls: type[StrEnum], name: str, *, length: int | None = None) -> sa.Enum:
    """A portable enum: VARCHAR plus a named CHECK constraint (no native PG type to migrate).

    `length` keeps a column as wide as it was when a longer value was dropped: narrowing it
    would rebuild the table on SQLite (see the service-group merge migration)."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=length or max(len(m.value) for m in enum_cls) + 8,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def mainland_phone_sql(column: str) -> str:
    """The stored forms of `app.services.text_input.normalise_contact_phone`, as a portable
    CHECK: empty, a mobile ("13812345678") or a landline with its area code ("021-58881234")."""
    return (
        f"{column} IS NULL OR (trim({column}, '0123456789-') = '' AND ("
        f"(length({column}) = 11 AND {column} LIKE '1%' AND {column} NOT LIKE '%-%')"
        f" OR ({column} LIKE '0%-%' AND length({column}) BETWEEN 11 AND 13)))"
    )
