"""Departments of the town and the district that residents' requests are escalated to
(the levels of the linkage, 四级联动, handled by departments). Town-wide: the town admin keeps
the list."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.i18n import localised
from app.models.base import Base, TimestampMixin
from app.models.linkage_levels import LinkageLevel


class Department(TimestampMixin, Base):
    """A town department (城建办, 市容所…) or a district office a request can be passed to."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    name_en: Mapped[str | None] = mapped_column(String(80))
    #: The linkage level it works at: one handled by departments (`check_department`).
    level_id: Mapped[int] = mapped_column(
        ForeignKey("linkage_levels.id", ondelete="RESTRICT"), index=True)
    #: An inactive department keeps its history but is offered no more escalations.
    active: Mapped[bool] = mapped_column(default=True)

    level: Mapped[LinkageLevel] = relationship()

    def __str__(self) -> str:
        return localised(self.name, self.name_en)
