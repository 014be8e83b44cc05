"""Festival campaigns and donations: planning the visits, the rules and the figures, on a
small hand-built neighbourhood whose answers are known."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.enums import DonorKind, Festival, HouseholdCategory, VisitKind, VisitOutcome
from app.models import Donation, FestivalCampaign, Visit
from app.services import festivals
from tests.factories import make_household, make_neighbourhood
from tests.helpers import in_english

SHANGHAI = ZoneInfo("Asia/Shanghai")
ALONE, VERY_OLD, ORDINARY = (HouseholdCategory.living_alone, HouseholdCategory.very_old,
                             HouseholdCategory.ordinary)


def _campaign(session, neighbourhood, **kw) -> FestivalCampaign:
    kw.setdefault("categories", [ALONE, VERY_OLD])
    campaign = FestivalCampaign(neighbourhood=neighbourhood, festival=Festival.mid_autumn,
                                title="中秋走访", starts_on=date(2026, 9, 23),
                                ends_on=date(2026, 9, 26), **kw)
    session.add(campaign)
    session.flush()
    return campaign


@pytest.fixture
def estate(db_session):
    """Two neighbourhoods; in the first, 3 households living alone or very old (one is both),
    1 ordinary; in the second, 1 living alone."""
    here, there = make_neighbourhood(db_session), make_neighbourhood(db_session)
    homes = [make_household(db_session, neighbourhood=here, categories=[ALONE]),
             make_household(db_session, neighbourhood=here, categories=[VERY_OLD]),
             make_household(db_session, neighbourhood=here, categories=[ALONE, VERY_OLD]),
             make_household(db_session, neighbourhood=here, categories=[ORDINARY])]
    make_household(db_session, neighbourhood=there, categories=[ALONE])
    return here, there, homes


def test_visits_are_planned_once_for_the_campaigns_households(db_session, estate) -> None:
    here, _, homes = estate
    campaign = _campaign(db_session, here)

    assert festivals.plan_visits(db_session, campaign, SHANGHAI) == 3
    visits = db_session.scalars(select(Visit).where(Visit.campaign_id == campaign.id)
                                .order_by(Visit.household_id)).all()
    assert [v.household_id for v in visits] == [h.id for h in homes[:3]]
    assert {(v.kind, v.outcome) for v in visits} == {(VisitKind.festival, VisitOutcome.planned)}
    # 09:30 in Shanghai on the first day.
    assert visits[0].visited_at.astimezone(SHANGHAI).isoformat() == "2026-09-23T09:30:00+08:00"

    # Again: nothing new. A newly filed household of the categories: only it.
    assert festivals.plan_visits(db_session, campaign, SHANGHAI) == 0
    newcomer = make_household(db_session, neighbourhood=here, categories=[VERY_OLD])
    assert festivals.plan_visits(db_session, campaign, SHANGHAI) == 1
    assert db_session.scalar(select(Visit.household_id).where(
        Visit.campaign_id == campaign.id).order_by(Visit.id.desc()).limit(1)) == newcomer.id


def test_the_database_refuses_a_second_visit_of_a_campaign(db_session, estate) -> None:
    here, _, homes = estate
    campaign = _campaign(db_session, here)
    festivals.plan_visits(db_session, campaign, SHANGHAI)
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.add(Visit(household_id=homes[0].id, campaign_id=campaign.id,
                             kind=VisitKind.festival,
                             visited_at=datetime(2026, 9, 23, 1, 30, tzinfo=UTC)))
        db_session.flush()


def test_results_count_reached_not_reached_and_donations(db_session, estate) -> None:
    here, there, _ = estate
    campaign = _campaign(db_session, here)
    other = _campaign(db_session, there, categories=[ALONE])
    festivals.plan_visits(db_session, campaign, SHANGHAI)
    festivals.plan_visits(db_session, other, SHANGHAI)
    first, second, _still_open = db_session.scalars(
        select(Visit).where(Visit.campaign_id == campaign.id).order_by(Visit.id)).all()
    first.outcome, second.outcome = VisitOutcome.done, VisitOutcome.not_at_home
    db_session.add_all([
        Donation(neighbourhood=here, campaign=campaign, donor="食品公司",
                 donor_kind=DonorKind.company, received_on=date(2026, 9, 21), value_yuan=20_800,
                 recipients_count=106, acknowledged_on=date(2026, 9, 29)),
        Donation(neighbourhood=here, donor="王先生", donor_kind=DonorKind.individual,
                 received_on=date(2026, 10, 2), value_yuan=500, recipients_count=5),
        Donation(neighbourhood=there, campaign=other, donor="超市",
                 donor_kind=DonorKind.company, received_on=date(2026, 9, 20), value_yuan=3000,
                 recipients_count=30),
    ])
    db_session.flush()

    results = festivals.campaign_results(db_session, [campaign.id, other.id])
    mine = results[campaign.id]
    assert (mine.households, mine.reached, mine.not_reached, mine.open) == (3, 1, 1, 1)
    assert (mine.donations, mine.donated_yuan, mine.recipients) == (1, 20_800, 106)
    assert (results[other.id].households, results[other.id].donated_yuan) == (1, 3000)

    everywhere = festivals.donation_totals(db_session)
    assert everywhere.to_json() == {"donations": 3, "value_yuan": 24_300, "recipients": 141,
                                    "unacknowledged": 2}
    september_here = festivals.donation_totals(
        db_session, neighbourhood_ids=frozenset({here.id}), start=date(2026, 9, 1),
        end=date(2026, 9, 30))
    assert september_here.to_json() == {"donations": 1, "value_yuan": 20_800,
                                        "recipients": 106, "unacknowledged": 0}


def test_campaign_and_donation_rules(app, db_session, estate) -> None:
    here, there, _ = estate
    with in_english(app):
        nobody = FestivalCampaign(neighbourhood=here, festival=Festival.double_ninth,
                                  title="重阳", starts_on=date(2026, 10, 29),
                                  ends_on=date(2026, 10, 29))
        with pytest.raises(festivals.FestivalError, match="Choose whom the campaign visits"):
            festivals.check_campaign(nobody)
        nobody.institution = "镇敬老院"
        festivals.check_campaign(nobody)
        nobody.ends_on = date(2026, 10, 28)
        with pytest.raises(festivals.FestivalError, match="ends before it starts"):
            festivals.check_campaign(nobody)

        campaign = _campaign(db_session, there)
        gift = Donation(neighbourhood=here, campaign=campaign, donor="公司",
                        donor_kind=DonorKind.company, received_on=date(2026, 9, 21))
        with pytest.raises(festivals.FestivalError, match="another neighbourhood"):
            festivals.check_donation(gift, today=date(2026, 12, 1))
        gift.campaign = None
        gift.received_on = date(2026, 12, 2)
        with pytest.raises(festivals.FestivalError, match="in the future"):
            festivals.check_donation(gift, today=date(2026, 12, 1))


def test_the_database_refuses_a_negative_value(db_session, estate) -> None:
    here, _, _ = estate
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.add(Donation(neighbourhood=here, donor="公司", donor_kind=DonorKind.company,
                                received_on=date(2026, 9, 21), value_yuan=-1))
        db_session.flush()
