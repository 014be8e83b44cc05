from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import Role
from app.models.base import Base, TimestampMixin, UTCDateTime
from app.models.types import enum_column_type

if TYPE_CHECKING:
    from app.models.departments import Department
    from app.models.geography import Neighbourhood
    from app.models.teams import Team
    from app.models.volunteers import Volunteer

user_neighbourhoods = Table(
    "user_neighbourhoods",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("neighbourhood_id", ForeignKey("neighbourhoods.id", ondelete="CASCADE"),
           primary_key=True, index=True),
)

user_teams = Table(
    "user_teams",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class User(UserMixin, TimestampMixin, Base):
    """Someone who logs in: town admin, coordinator, team lead or volunteer."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column_type(Role, "user_role"))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    #: The volunteer record of a volunteer or team lead who logs in to the portal.
    volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="SET NULL"), unique=True
    )
    #: The department of a town department handler (role `department`): what they see.
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="RESTRICT"), index=True
    )
    #: Changes whenever the password changes or sessions must end; part of the session id.
    session_version: Mapped[int] = mapped_column(default=1)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    neighbourhoods: Mapped[list[Neighbourhood]] = relationship(
        secondary=user_neighbourhoods, order_by="Neighbourhood.name"
    )
    teams: Mapped[list[Team]] = relationship(secondary=user_teams, order_by="Team.name")
    volunteer: Mapped[Volunteer | None] = relationship()
    department: Mapped[Department | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.admin

    def __str__(self) -> str:
        return f"{self.display_name} ({self.username})"
