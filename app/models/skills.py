from __future__ import annotations

from flask_babel import get_locale
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class Skill(Base):
    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def name(self) -> str:
        locale = get_locale()
        if locale is not None and locale.language == "en":
            return self.name_en
        return self.name_zh

    def __str__(self) -> str:
        return self.name
