"""Festival visits and donations (节日走访与捐赠): a neighbourhood's campaign that visits its
elderly and families in need at Mid-Autumn, the Spring Festival or Double Ninth, with gifts,
and the donations (a company's mooncakes, rice and oil) that make the gifts possible.

A campaign's household visits are ordinary `Visit` rows (kind ``festival``, ``campaign_id``
set): a festival visit is a contact like any other, so the due list and the five comparisons
count it. The figures are computed once, in `app.services.festivals`.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, false
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import DonorKind, Festival, HouseholdCategory
from app.models.base import Base, TimestampMixin
from app.models.types import enum_column_type

if TYPE_CHECKING:
    from app.models.geography import Neighbourhood


class FestivalCampaign(TimestampMixin, Base):
    __tablename__ = "festival_campaigns"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="date_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="RESTRICT"), index=True
    )
    festival: Mapped[Festival] = mapped_column(enum_column_type(Festival, "festival"))
    title: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    #: What each visited household receives ("月饼一盒、大米一袋").
    gift: Mapped[str | None] = mapped_column(String(300))
    #: An institution visited as a whole, e.g. the town nursing home (镇敬老院).
    institution: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)

    neighbourhood: Mapped[Neighbourhood] = relationship()
    category_links: Mapped[list[FestivalCampaignCategory]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan",
        order_by="FestivalCampaignCategory.category",
    )
    donations: Mapped[list[Donation]] = relationship(back_populates="campaign",
                                                     order_by="Donation.received_on")

    categories: AssociationProxy[list[HouseholdCategory]] = association_proxy(
        "category_links", "category", creator=lambda c: FestivalCampaignCategory(category=c)
    )

    def __str__(self) -> str:
        return self.title


class FestivalCampaignCategory(Base):
    """The household categories a campaign visits (elderly living alone, very old, …)."""

    __tablename__ = "festival_campaign_categories"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("festival_campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[HouseholdCategory] = mapped_column(
        enum_column_type(HouseholdCategory, "household_category"), primary_key=True
    )

    campaign: Mapped[FestivalCampaign] = relationship(back_populates="category_links")


class Donation(TimestampMixin, Base):
    """A gift to the neighbourhood's residents: who gave what, worth how much, for whom, and
    when it was acknowledged."""

    __tablename__ = "donations"
    __table_args__ = (
        CheckConstraint("value_yuan >= 0", name="value_non_negative"),
        CheckConstraint("recipients_count >= 0", name="recipients_non_negative"),
        CheckConstraint("acknowledged_on IS NULL OR acknowledged_on >= received_on",
                        name="acknowledged_after_received"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="RESTRICT"), index=True
    )
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("festival_campaigns.id", ondelete="SET NULL"), index=True
    )
    donor: Mapped[str] = mapped_column(String(200))
    donor_kind: Mapped[DonorKind] = mapped_column(enum_column_type(DonorKind, "donor_kind"))
    #: An individual donor agreed to be named on the public thank-you page (a company or an
    #: organisation is always named there; an individual without consent is not).
    donor_named: Mapped[bool] = mapped_column(default=False, server_default=false())
    received_on: Mapped[date]
    #: The estimated value in whole yuan (gifts in kind are valued by the donor's receipt).
    value_yuan: Mapped[int] = mapped_column(default=0)
    items: Mapped[str | None] = mapped_column(Text)
    #: How many people received it, and who they are in words ("100多位老人").
    recipients_count: Mapped[int] = mapped_column(default=0)
    recipients: Mapped[str | None] = mapped_column(String(300))
    acknowledged_on: Mapped[date | None]
    acknowledgement: Mapped[str | None] = mapped_column(Text)

    neighbourhood: Mapped[Neighbourhood] = relationship()
    campaign: Mapped[FestivalCampaign | None] = relationship(back_populates="donations")

    def __str__(self) -> str:
        return f"{self.donor} · {self.received_on.isoformat()}"
