"""The public holiday calendar: the State Council's yearly arrangement of days off (放假) and
make-up working days (调休上班), kept as data the town admin updates each year when the notice
comes out (usually in November for the next year). Town-wide: every neighbourhood reads it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import HolidayKind
from app.i18n import localised
from app.models.base import Base, TimestampMixin
from app.models.types import enum_column_type


class HolidayPeriod(TimestampMixin, Base):
    """Consecutive days of one kind: 春节 15–23 February, or one make-up Saturday."""

    __tablename__ = "holiday_periods"
    __table_args__ = (
        CheckConstraint("last_day >= first_day", name="last_after_first"),
        Index("ix_holiday_periods_days", "first_day", "last_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The festival it belongs to, as the notice names it (春节, 国庆节…).
    name: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str | None] = mapped_column(String(80))
    kind: Mapped[HolidayKind] = mapped_column(
        enum_column_type(HolidayKind, "holiday_kind"), default=HolidayKind.holiday)
    first_day: Mapped[date]
    last_day: Mapped[date]
    #: False until the year's notice is out: the statutory days are known from the law, the
    #: days moved around them are not. Repeat rules skip them all the same, and say so.
    confirmed: Mapped[bool] = mapped_column(default=True)

    def __str__(self) -> str:
        return localised(self.name, self.name_en)
