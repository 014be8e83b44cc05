"""The admin test world holds what the application would: an enum column holds its enum, not
the string of its value. (A StrEnum member equals its string, so a string passes the database
and most comparisons, but has no `label`: the row would read differently until reloaded.)"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Enum as EnumType
from sqlalchemy import inspect

pytestmark = pytest.mark.integration


def _rows(world: Any) -> list[Any]:
    return [*world.jiahong.rows.values(), *world.yongye.rows.values(),
            *world.shared.values(), *world.users.values()]


def test_every_enum_column_of_the_world_holds_its_enum(world) -> None:
    wrong = []
    for row in _rows(world):
        state = inspect(row)
        for column in state.mapper.column_attrs:
            enum_class = getattr(column.expression.type, "enum_class", None)
            if not isinstance(column.expression.type, EnumType) or enum_class is None:
                continue
            value = state.dict.get(column.key)  # as built, without loading it again
            if value is not None and not isinstance(value, enum_class):
                wrong.append(f"{state.mapper.class_.__name__}.{column.key} = {value!r}")
    assert wrong == []
