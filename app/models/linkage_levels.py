"""The levels of the linkage (四级联动) a resident's request is pushed up through, lowest
first: the service group of the building's patch, the neighbourhood committee, then levels
handled by departments (the town's, the district's). Town-wide: the town admin renames,
adds, reorders and retires them (`app.services.requests.levels`)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import LevelHandler
from app.i18n import localised
from app.models.base import Base, TimestampMixin
from app.models.types import enum_column_type

_NOT_A_DEPARTMENT = "handled_by <> 'department'"


class LinkageLevel(TimestampMixin, Base):
    """One level of the linkage. Requests and departments point at it, so one with history
    is retired (`active` False) rather than deleted (the database refuses it)."""

    __tablename__ = "linkage_levels"
    __table_args__ = (
        CheckConstraint("rank > 0", name="rank_positive"),
        CheckConstraint("length(trim(name)) > 0", name="name_not_empty"),
        CheckConstraint("length(trim(name_en)) > 0", name="name_en_not_empty"),
        # Requests start with the service group or the committee: those two levels always
        # take them, and what they settle is settled at grassroots level.
        CheckConstraint("handled_by = 'department' OR (grassroots AND active)",
                        name="neighbourhood_levels_grassroots_active"),
        Index("uq_linkage_levels_handled_by", "handled_by", unique=True,
              sqlite_where=text(_NOT_A_DEPARTMENT), postgresql_where=text(_NOT_A_DEPARTMENT)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The order up the linkage, 1 the lowest; numbered 1, 2, 3… without gaps.
    rank: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    name_en: Mapped[str] = mapped_column(String(60))
    handled_by: Mapped[LevelHandler] = mapped_column(
        enum_column_type(LevelHandler, "level_handler"), default=LevelHandler.department)
    #: A request resolved without ever being passed on to a level that is not grassroots
    #: counts as resolved at grassroots level (the article's "over 90%").
    grassroots: Mapped[bool] = mapped_column(default=False)
    #: A retired level keeps its history but is offered no more escalations.
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def label(self) -> str:
        return localised(self.name, self.name_en)

    @property
    def by_department(self) -> bool:
        return self.handled_by == LevelHandler.department

    def __str__(self) -> str:
        return self.label
