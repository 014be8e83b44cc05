"""Column helpers used by several models."""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa


def enum_column_type(enum_cls: type[StrEnum], name: str) -> sa.Enum:
    """A portable enum: VARCHAR plus a named CHECK constraint (no native PG type to migrate)."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls) + 8,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
