"""The demo's festival visits: last Mid-Autumn's campaign visited with the article's donation
("over 100 elderly people", "worth over 20,000 yuan"), the coming Spring Festival's planned;
a second load adds nothing."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.enums import HouseholdCategory
from app.models import FestivalCampaign
from app.services import festivals
from app.services.demo.festivals import MID_AUTUMN, SPRING, load_festivals
from tests import factories as f

pytestmark = pytest.mark.integration

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 12, 2)


def test_mid_autumn_visited_and_spring_festival_planned(db_session) -> None:
    n = f.make_neighbourhood(db_session, name="节日演示")
    for _ in range(3):
        f.make_volunteer(db_session, neighbourhood=n)
    for k in range(30):
        f.make_household(db_session, neighbourhood=n, categories=[
            HouseholdCategory.living_alone if k % 2 else HouseholdCategory.poor_and_ill])

    assert load_festivals(db_session, [n], SHANGHAI, TODAY) == {
        "festival_campaigns": 2, "festival_visits": 30, "donations": 1}
    campaigns = {c.title: c for c in db_session.scalars(select(FestivalCampaign))}
    past, coming = campaigns[MID_AUTUMN], campaigns[SPRING]
    assert past.ends_on < TODAY < coming.starts_on
    results = festivals.campaign_results(db_session, [past.id, coming.id])
    done = results[past.id]
    assert done.households == 15 and done.open == 0 and 0 < done.not_reached < 3
    assert (done.donated_yuan, done.recipients) == (20_800, 106)
    assert (results[coming.id].households, results[coming.id].reached) == (15, 0)

    assert load_festivals(db_session, [n], SHANGHAI, TODAY) == {
        "festival_campaigns": 0, "festival_visits": 0, "donations": 0}
