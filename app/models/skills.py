from __future__ import annotations

from sqlalchemy import String, false
from sqlalchemy.orm import Mapped, mapped_column

from app.i18n import localised
from app.models.base import Base


class Skill(Base):
    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)
    #: Used only while the volunteer holds a valid qualification for it (a licence).
    requires_qualification: Mapped[bool] = mapped_column(default=False,
                                                         server_default=false())

    @property
    def name(self) -> str:
        return localised(self.name_zh, self.name_en)

    def __str__(self) -> str:
        return self.name
