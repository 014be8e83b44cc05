"""The demo's festival visits and donations, in the first neighbourhood:

- last Mid-Autumn's campaign (a little over two months back): every household living alone,
  very old or elderly-only was visited with mooncakes and rice, a few were not at home and
  had a phone call or were missed; the town nursing home was visited too. A food company's
  donation made the gifts: "over 100 elderly people", "worth over 20,000 yuan", acknowledged
  with a letter and on the notice board (the article's figures).
- the coming Spring Festival's campaign for families in hardship: visits planned, none done.

Keyed by (neighbourhood, title): a second load adds nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import DonorKind, Festival, HouseholdCategory, VisitOutcome
from app.models import Donation, FestivalCampaign, Neighbourhood, Visit, Volunteer
from app.services import festivals

MID_AUTUMN = "中秋走访慰问"
SPRING = "春节走访慰问困难家庭"


def load_festivals(session: Session, neighbourhoods: list[Neighbourhood], zone: ZoneInfo,
                   today: date) -> dict[str, int]:
    created = {"festival_campaigns": 0, "festival_visits": 0, "donations": 0}
    if not neighbourhoods:
        return created
    neighbourhood = neighbourhoods[0]
    if session.scalar(select(FestivalCampaign.id).where(
            FestivalCampaign.neighbourhood_id == neighbourhood.id,
            FestivalCampaign.title.in_((MID_AUTUMN, SPRING)))):
        return created
    past = FestivalCampaign(
        neighbourhood=neighbourhood, festival=Festival.mid_autumn, title=MID_AUTUMN,
        starts_on=today - timedelta(days=70), ends_on=today - timedelta(days=67),
        categories=[HouseholdCategory.living_alone, HouseholdCategory.very_old,
                    HouseholdCategory.elderly_only],
        institution="镇敬老院", gift="月饼一盒、大米一袋",
        notes="党员志愿者两人一组上门，送月饼、话家常。")
    coming = FestivalCampaign(
        neighbourhood=neighbourhood, festival=Festival.spring_festival, title=SPRING,
        starts_on=today + timedelta(days=60), ends_on=today + timedelta(days=66),
        categories=[HouseholdCategory.poor_and_ill, HouseholdCategory.disabled,
                    HouseholdCategory.major_misfortune],
        gift="春联、慰问金")
    session.add_all([past, coming])
    session.flush()
    created["festival_campaigns"] = 2
    created["festival_visits"] = (festivals.plan_visits(session, past, zone)
                                  + festivals.plan_visits(session, coming, zone))
    _record_mid_autumn(session, past, zone)
    session.add(Donation(
        neighbourhood=neighbourhood, campaign=past, donor="金桥某食品有限公司",
        donor_kind=DonorKind.company, received_on=past.starts_on - timedelta(days=2),
        value_yuan=20_800, items="月饼120盒、大米50袋、食用油50桶", recipients_count=106,
        recipients="100多位老人", acknowledged_on=past.ends_on + timedelta(days=3),
        acknowledgement="居委会致感谢信，并在公告栏鸣谢。"))
    session.flush()
    created["donations"] = 1
    return created


def _record_mid_autumn(session: Session, campaign: FestivalCampaign, zone: ZoneInfo) -> None:
    """Most households visited over the campaign's days by the neighbourhood's volunteers;
    every tenth not at home (a phone call instead), every fifteenth missed."""
    helpers = session.scalars(select(Volunteer.id).where(
        Volunteer.neighbourhood_id == campaign.neighbourhood_id).order_by(Volunteer.id)
        .limit(8)).all()
    visits = session.scalars(select(Visit).where(Visit.campaign_id == campaign.id)
                             .order_by(Visit.household_id)).all()
    days = (campaign.ends_on - campaign.starts_on).days + 1
    for k, visit in enumerate(visits):
        day = campaign.starts_on + timedelta(days=k % days)
        visit.visited_at = datetime.combine(day, time(9 + k % 8, 10 * (k % 6)), tzinfo=zone)
        visit.volunteer_id = helpers[k % len(helpers)] if helpers else None
        visit.outcome = (VisitOutcome.missed if k % 15 == 14 else
                         VisitOutcome.phone_instead if k % 10 == 9 else VisitOutcome.done)
    session.flush()
