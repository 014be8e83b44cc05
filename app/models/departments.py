"""Departments of the town and the district that residents' requests are escalated to
(the upper two levels of the linkage, 四级联动). Town-wide: the town admin keeps the list."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import EscalationLevel
from app.i18n import localised
from app.models.base import Base, TimestampMixin
from app.models.types import enum_column_type


class Department(TimestampMixin, Base):
    """A town department (城建办, 市容所…) or a district office a request can be passed to."""

    __tablename__ = "departments"
    __table_args__ = (
        CheckConstraint("level IN ('town_department', 'district')", name="level_is_department"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    name_en: Mapped[str | None] = mapped_column(String(80))
    level: Mapped[EscalationLevel] = mapped_column(
        enum_column_type(EscalationLevel, "department_level"),
        default=EscalationLevel.town_department,
    )
    #: An inactive department keeps its history but is offered no more escalations.
    active: Mapped[bool] = mapped_column(default=True)

    def __str__(self) -> str:
        return localised(self.name, self.name_en)
