"""A volunteer's request to drop a shift or hand it to a colleague (换班/退出)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import ShiftChangeStatus
from app.models.base import Base, TimestampMixin, UTCDateTime
from app.models.types import enum_column_type

if TYPE_CHECKING:
    from app.models.assignments import Assignment, HelpRequest
    from app.models.users import User
    from app.models.volunteers import Volunteer


class ShiftChangeRequest(TimestampMixin, Base):
    """Asked from the portal, decided by a coordinator in the admin (`app.services.scheduler.
    swaps`). A drop (no colleague) offers the seat to eligible free volunteers when approved; a
    swap hands it to the named colleague, who is asked to confirm. One open request per
    assignment."""

    __tablename__ = "shift_change_requests"
    __table_args__ = (
        CheckConstraint("colleague_id IS NULL OR colleague_id <> volunteer_id",
                        name="colleague_not_self"),
        Index("uq_shift_change_requests_one_open", "assignment_id", unique=True,
              sqlite_where="status = 'open'", postgresql_where="status = 'open'"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    #: Who asked (the assignment's volunteer when asked; kept if the assignment moves).
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), index=True)
    #: The colleague's mobile number as the volunteer gave it (a swap; 11 digits), kept whether
    #: or not a volunteer has it: the portal never says which (it would turn any number into a
    #: name), so the coordinator decides with the number in front of her.
    colleague_phone: Mapped[str | None] = mapped_column(String(20))
    #: The active volunteer with that number when asked (a swap to a colleague); empty for a
    #: drop, and for a swap to a number that is nobody's.
    colleague_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="SET NULL"), index=True)
    reason: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[ShiftChangeStatus] = mapped_column(
        enum_column_type(ShiftChangeStatus, "shift_change_status"),
        default=ShiftChangeStatus.open, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: What the decision did, in words for the coordinator ("seat offered to 12 volunteers").
    outcome: Mapped[str | None] = mapped_column(Text)
    #: The offer of the freed seat to eligible free volunteers (a drop).
    help_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("help_requests.id", ondelete="SET NULL"), index=True)

    assignment: Mapped[Assignment] = relationship()
    volunteer: Mapped[Volunteer] = relationship(foreign_keys=[volunteer_id])
    colleague: Mapped[Volunteer | None] = relationship(foreign_keys=[colleague_id])
    decided_by: Mapped[User | None] = relationship()
    help_request: Mapped[HelpRequest | None] = relationship()

    @property
    def is_swap(self) -> bool:
        return self.colleague_id is not None or self.colleague_phone is not None

    def __str__(self) -> str:
        return f"#{self.id}"
