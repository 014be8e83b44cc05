"""Festival visits and donations: the rules, the planning and the figures, defined once.

Admin views, the CLI and the demo call these; they flush, the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.enums import EFFECTIVE, NOT_EFFECTIVE, VisitKind, VisitOutcome
from app.models import (
    Donation,
    FestivalCampaign,
    Household,
    HouseholdCategoryLink,
    Visit,
)

#: Festival visits are planned for this local time on the campaign's first day; the visitor
#: records the real time when she marks the visit done.
PLANNED_AT = time(9, 30)


class FestivalError(ValueError):
    pass


def check_campaign(campaign: FestivalCampaign) -> None:
    if campaign.starts_on and campaign.ends_on and campaign.ends_on < campaign.starts_on:
        raise FestivalError(str(_l("The campaign ends before it starts.")))
    if not campaign.categories and not (campaign.institution or "").strip():
        raise FestivalError(str(_l(
            "Choose whom the campaign visits: household categories, an institution, or both.")))


def check_donation(donation: Donation, *, today: date) -> None:
    if donation.received_on and donation.received_on > today:
        raise FestivalError(str(_l("A donation cannot be received in the future.")))
    if (donation.acknowledged_on and donation.received_on
            and donation.acknowledged_on < donation.received_on):
        raise FestivalError(str(_l("A donation is acknowledged after it is received.")))
    if donation.campaign is not None and (
            _neighbourhood_of(donation.campaign) != _neighbourhood_of(donation)):
        raise FestivalError(str(_l(
            "The campaign belongs to another neighbourhood than the donation.")))


def _neighbourhood_of(row: Donation | FestivalCampaign) -> int | None:
    # A form sets the relationship; the key is filled only at the flush.
    return row.neighbourhood.id if row.neighbourhood is not None else row.neighbourhood_id


def plan_visits(session: Session, campaign: FestivalCampaign, zone: ZoneInfo) -> int:
    """A planned festival visit for every household of the campaign's neighbourhood in one of
    its categories that the campaign does not visit yet. Returns how many were written.

    Running it again after households were added (or categories widened) plans only the new
    ones; a unique constraint (campaign, household) backs that.
    """
    session.flush()
    if not campaign.categories:
        return 0
    already = select(Visit.household_id).where(Visit.campaign_id == campaign.id)
    household_ids = session.scalars(
        select(Household.id)
        .where(Household.neighbourhood_id == campaign.neighbourhood_id,
               Household.id.in_(select(HouseholdCategoryLink.household_id).where(
                   HouseholdCategoryLink.category.in_(campaign.categories))),
               Household.id.not_in(already))
        .order_by(Household.id)).all()
    planned_at = datetime.combine(campaign.starts_on, PLANNED_AT, tzinfo=zone)
    session.add_all(Visit(household_id=household_id, campaign_id=campaign.id,
                          kind=VisitKind.festival, outcome=VisitOutcome.planned,
                          visited_at=planned_at) for household_id in household_ids)
    session.flush()
    return len(household_ids)


@dataclass(frozen=True)
class CampaignResults:
    """Households planned; reached (an effective contact, a phone call included); not reached
    (missed, not at home, refused); the rest are still open. Then the campaign's donations."""

    households: int = 0
    reached: int = 0
    not_reached: int = 0
    donations: int = 0
    donated_yuan: int = 0
    recipients: int = 0

    @property
    def open(self) -> int:
        return self.households - self.reached - self.not_reached


def campaign_results(session: Session, campaign_ids: list[int]) -> dict[int, CampaignResults]:
    """Visits and donations per campaign: two aggregate queries, whatever the number."""
    if not campaign_ids:
        return {}
    visits = {
        cid: (int(total), int(reached or 0), int(missed or 0))
        for cid, total, reached, missed in session.execute(
            select(Visit.campaign_id, func.count(),
                   func.sum(case((Visit.outcome.in_(EFFECTIVE), 1), else_=0)),
                   func.sum(case((Visit.outcome.in_(NOT_EFFECTIVE), 1), else_=0)))
            .where(Visit.campaign_id.in_(campaign_ids)).group_by(Visit.campaign_id))
    }
    gifts = {
        cid: (int(n), int(value or 0), int(people or 0))
        for cid, n, value, people in session.execute(
            select(Donation.campaign_id, func.count(), func.sum(Donation.value_yuan),
                   func.sum(Donation.recipients_count))
            .where(Donation.campaign_id.in_(campaign_ids)).group_by(Donation.campaign_id))
    }
    return {cid: CampaignResults(*visits.get(cid, (0, 0, 0)), *gifts.get(cid, (0, 0, 0)))
            for cid in campaign_ids}


@dataclass(frozen=True)
class DonationTotals:
    donations: int
    value_yuan: int
    recipients: int
    unacknowledged: int

    def to_json(self) -> dict[str, int]:
        return {"donations": self.donations, "value_yuan": self.value_yuan,
                "recipients": self.recipients, "unacknowledged": self.unacknowledged}


def donation_totals(session: Session, *, neighbourhood_ids: frozenset[int] | None = None,
                    start: date | None = None, end: date | None = None) -> DonationTotals:
    """Donations received from `start` to `end` (both included), in one query."""
    statement = select(func.count(), func.coalesce(func.sum(Donation.value_yuan), 0),
                       func.coalesce(func.sum(Donation.recipients_count), 0),
                       func.coalesce(func.sum(case((Donation.acknowledged_on.is_(None), 1),
                                                   else_=0)), 0))
    if neighbourhood_ids is not None:
        statement = statement.where(Donation.neighbourhood_id.in_(neighbourhood_ids))
    if start is not None:
        statement = statement.where(Donation.received_on >= start)
    if end is not None:
        statement = statement.where(Donation.received_on <= end)
    n, value, people, open_ = session.execute(statement).one()
    return DonationTotals(int(n), int(value), int(people), int(open_))
