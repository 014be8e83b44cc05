"""The audit trail of residents' files: who viewed, changed or exported which household."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import AuditAction
from app.models.base import Base, UTCDateTime, utcnow
from app.models.types import enum_column_type

if TYPE_CHECKING:
    from app.models.geography import Neighbourhood


class HouseholdAuditEntry(Base):
    """One thing one user did with one household's file. Append-only: nothing edits or
    deletes an entry, and it outlives the household and the user (their names are kept)."""

    __tablename__ = "household_audit"
    __table_args__ = (Index("ix_household_audit_neighbourhood_at", "neighbourhood_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    #: Whose coordinators may read the entry (the household's neighbourhood at the time).
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="RESTRICT")
    )
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("households.id", ondelete="SET NULL"), index=True
    )
    #: The household as it was named then ("王阿婆 · 佳虹路1号"), kept after it is deleted.
    household_label: Mapped[str] = mapped_column(String(300))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: The user's login name then, kept after the account is deleted.
    user_name: Mapped[str] = mapped_column(String(80))
    action: Mapped[AuditAction] = mapped_column(enum_column_type(AuditAction, "audit_action"))
    #: For a change: the fields changed (their codes, comma-separated).
    fields: Mapped[str | None] = mapped_column(String(500))

    neighbourhood: Mapped[Neighbourhood] = relationship()

    def __str__(self) -> str:
        return f"{self.user_name} · {AuditAction(self.action).label} · {self.household_label}"
