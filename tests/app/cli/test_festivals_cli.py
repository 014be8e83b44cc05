"""`flask festivals plan` and `flask festivals report`: what was written, and the figures of
a period on a hand-built neighbourhood."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from app.enums import DonorKind, Festival, HouseholdCategory, VisitOutcome
from app.models import Donation, FestivalCampaign, Visit
from tests import factories as f

pytestmark = pytest.mark.integration


def test_plan_then_report(app, db_session) -> None:
    n = f.make_neighbourhood(db_session, name="节日小区")
    elsewhere = f.make_neighbourhood(db_session, name="别处小区")
    for _ in range(3):
        f.make_household(db_session, neighbourhood=n, categories=[HouseholdCategory.very_old])
    f.make_household(db_session, neighbourhood=n, categories=[HouseholdCategory.ordinary])
    campaign = FestivalCampaign(neighbourhood=n, festival=Festival.double_ninth,
                                title="重阳走访", starts_on=date(2026, 10, 29),
                                ends_on=date(2026, 10, 31),
                                categories=[HouseholdCategory.very_old])
    db_session.add_all([campaign, Donation(
        neighbourhood=n, campaign=campaign, donor="糕点铺", donor_kind=DonorKind.company,
        received_on=date(2026, 10, 27), value_yuan=1200, recipients_count=40),
        Donation(neighbourhood=elsewhere, donor="超市", donor_kind=DonorKind.company,
                 received_on=date(2026, 10, 28), value_yuan=999)])
    db_session.flush()
    runner = app.test_cli_runner()

    planned = runner.invoke(args=["festivals", "plan", "--campaign", str(campaign.id)])
    assert planned.exit_code == 0, planned.output
    assert "3 festival visits planned for 重阳走访" in planned.output
    again = runner.invoke(args=["festivals", "plan", "--campaign", str(campaign.id)])
    assert "0 festival visits planned" in again.output
    assert runner.invoke(args=["festivals", "plan", "--campaign", "0"]).exit_code != 0

    # The visitor records one as done.
    visit = db_session.scalars(select(Visit).where(Visit.campaign_id == campaign.id)).first()
    visit.outcome = VisitOutcome.done
    db_session.flush()

    result = runner.invoke(args=["festivals", "report", "--from", "2026-10-01", "--to",
                                 "2026-10-31", "--neighbourhood", "节日小区", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    [row] = data["campaigns"]
    assert (row["title"], row["households"], row["reached"], row["open"], row["donated_yuan"]
            ) == ("重阳走访", 3, 1, 2, 1200)
    assert data["donations"] == {"donations": 1, "value_yuan": 1200, "recipients": 40,
                                 "unacknowledged": 1}
    november = json.loads(runner.invoke(args=["festivals", "report", "--from", "2026-11-01",
                                              "--json"]).output)
    assert november["campaigns"] == [] and november["donations"]["donations"] == 0
    table = runner.invoke(args=["festivals", "report", "--neighbourhood", "节日小区"])
    assert "visited 1/3" in table.output and "1 worth 1200 yuan for 40 people" in table.output
    bad = runner.invoke(args=["festivals", "report", "--from", "2026-10-31", "--to",
                              "2026-10-01"])
    assert bad.exit_code != 0 and "--to is before --from" in bad.output
