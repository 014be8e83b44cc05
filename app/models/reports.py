"""Settings of the reports: the weights of the five comparisons (五个比一比) in the combined
rank.

A table rather than configuration: the town administrator sets the weighting in the admin panel
(the issue asks for it to be settable by them, not by whoever deploys), every report reads the
same row, and a change needs no restart. One row only (``id = 1``, created by the migration).
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TimestampMixin

#: The five measures in the article's order; each is a column of the weights row.
MEASURES = ("contacts", "breadth", "completeness", "promptness", "solved")
MAX_WEIGHT = 10


class ComparisonWeights(TimestampMixin, Base):
    """How much each of the five comparisons counts in the combined rank (0 to 10 each)."""

    __tablename__ = "comparison_weights"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        *(CheckConstraint(f"{m} BETWEEN 0 AND {MAX_WEIGHT}", name=f"{m}_range")
          for m in MEASURES),
        CheckConstraint(" + ".join(MEASURES) + " > 0", name="some_weight"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    contacts: Mapped[int] = mapped_column(default=1)
    breadth: Mapped[int] = mapped_column(default=1)
    completeness: Mapped[int] = mapped_column(default=1)
    promptness: Mapped[int] = mapped_column(default=1)
    solved: Mapped[int] = mapped_column(default=1)

    def as_dict(self) -> dict[str, int]:
        return {m: getattr(self, m) for m in MEASURES}

    def __str__(self) -> str:
        return " / ".join(str(getattr(self, m)) for m in MEASURES)


class ReportDataVersion(Base):
    """A token that changes whenever a table the five comparisons read is written (database
    triggers, see the migration ``report_data_version``): the key their cache is valid for."""

    __tablename__ = "report_data_version"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    version: Mapped[str] = mapped_column(String(40))
