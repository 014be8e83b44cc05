"""Routing rules for residents' requests: which service group or department takes a request
of a category, in one neighbourhood or town-wide (FixMyStreet routes a report by place and
category the same way). Applied once, on intake (`app.services.requests.routing_rules`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import RequestCategory
from app.models.base import Base, TimestampMixin
from app.models.types import enum_column_type

if TYPE_CHECKING:
    from app.models.departments import Department
    from app.models.geography import Neighbourhood
    from app.models.service_groups import ServiceGroup

_TOWN_WIDE = "neighbourhood_id IS NULL"
_LOCAL = "neighbourhood_id IS NOT NULL"


class RoutingRule(TimestampMixin, Base):
    """A request of `category` (in `neighbourhood`, or anywhere when None) goes to
    `service_group` or, escalated on intake, to `department`.

    A neighbourhood's rule comes before the town's; without either, the building's patch
    decides. A town-wide rule names a department: a service group belongs to one
    neighbourhood and cannot take another's requests."""

    __tablename__ = "request_routing_rules"
    __table_args__ = (
        CheckConstraint("(service_group_id IS NULL) <> (department_id IS NULL)",
                        name="one_target"),
        CheckConstraint("neighbourhood_id IS NOT NULL OR department_id IS NOT NULL",
                        name="town_wide_names_department"),
        # One rule per category and neighbourhood, and one town-wide rule per category:
        # NULLs are distinct in a plain unique constraint, hence two partial indexes.
        Index("uq_request_routing_rules_category_neighbourhood", "category",
              "neighbourhood_id", unique=True,
              sqlite_where=text(_LOCAL), postgresql_where=text(_LOCAL)),
        Index("uq_request_routing_rules_category_town_wide", "category", unique=True,
              sqlite_where=text(_TOWN_WIDE), postgresql_where=text(_TOWN_WIDE)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[RequestCategory] = mapped_column(
        enum_column_type(RequestCategory, "routing_rule_category"))
    #: None: town-wide, for every neighbourhood without a rule of its own for the category.
    neighbourhood_id: Mapped[int | None] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="CASCADE"), index=True)
    service_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_groups.id", ondelete="CASCADE"), index=True)
    #: Departments are deactivated, not deleted, while rules or requests name them.
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="RESTRICT"), index=True)

    neighbourhood: Mapped[Neighbourhood | None] = relationship()
    service_group: Mapped[ServiceGroup | None] = relationship()
    department: Mapped[Department | None] = relationship()

    def __str__(self) -> str:
        return str(RequestCategory(self.category).label)
