from __future__ import annotations

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base
from app.models.types import mainland_phone_sql


class Neighbourhood(Base):
    """A residents' committee area (居民区); the unit by which data is scoped to coordinators."""

    __tablename__ = "neighbourhoods"
    __table_args__ = (
        UniqueConstraint("town", "name"),
        CheckConstraint(mainland_phone_sql("duty_phone"), name="duty_phone_format"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    town: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str | None] = mapped_column(String(120))
    #: Centre of the neighbourhood in kilometres on a local grid, for travel-aware scheduling.
    x_km: Mapped[float | None]
    y_km: Mapped[float | None]
    #: The committee's duty phone (值班电话): the number elderly people are given to call,
    #: instead of a helper's own mobile. Stored as `text_input.normalise_contact_phone` does.
    duty_phone: Mapped[str | None] = mapped_column(String(40))

    def __str__(self) -> str:
        return f"{self.town} · {self.name}"
