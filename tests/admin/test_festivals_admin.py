"""Festival campaigns and donations in the admin: a coordinator plans her own campaign's
visits (never another neighbourhood's), bad input is refused with the reason, and the list
shows the figures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.enums import HouseholdCategory, VisitKind
from app.models import Donation, FestivalCampaign, Visit
from app.models.base import utcnow
from tests import factories as f
from tests.admin.conftest import as_text, quick_login

pytestmark = pytest.mark.integration


def _campaign_form(token, neighbourhood, **overrides):
    data = {"csrf_token": token, "neighbourhood": neighbourhood.id, "festival": "double_ninth",
            "title": "佳虹重阳走访", "starts_on": "2026-10-29", "ends_on": "2026-10-31",
            "categories": ["very_old"], "institution": "", "gift": "重阳糕", "notes": ""}
    data.update(overrides)
    return data


def _visits(db_session, campaign_id) -> int:
    return db_session.scalar(select(func.count()).select_from(Visit).where(
        Visit.campaign_id == campaign_id))


def test_coordinator_plans_own_campaigns_visits_only(client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    own = world.jiahong
    f.make_household(db_session, neighbourhood=own.neighbourhood, address="佳虹路9号",
                     categories=[HouseholdCategory.very_old])

    response = client.post("/admin/festivalcampaign/new/", data=_campaign_form(
        token, own.neighbourhood, categories=[]))
    assert response.status_code == 200
    assert "请选择走访对象" in as_text(response)
    assert db_session.scalar(select(FestivalCampaign.id).where(
        FestivalCampaign.title == "佳虹重阳走访")) is None

    response = client.post("/admin/festivalcampaign/new/",
                           data=_campaign_form(token, own.neighbourhood))
    assert response.status_code == 302
    mine = db_session.scalars(select(FestivalCampaign).where(
        FestivalCampaign.title == "佳虹重阳走访")).one()
    assert mine.categories == [HouseholdCategory.very_old]

    foreign = world.yongye.rows["festivalcampaign"]
    response = client.post("/admin/festivalcampaign/action/", data={
        "csrf_token": token, "action": "plan_visits", "rowid": [mine.id, foreign.id, "x"]},
        follow_redirects=True)
    assert "已安排 1 户节日走访。" in as_text(response)
    assert _visits(db_session, mine.id) == 1
    assert _visits(db_session, foreign.id) == 0
    assert db_session.scalar(select(Visit.kind).where(Visit.campaign_id == mine.id)) == \
        VisitKind.festival

    page = as_text(client.get("/admin/festivalcampaign/"))
    assert "已走访 0 户，共 1 户（0 户未走访到）" in page
    assert "永业中秋走访" not in page


def test_the_plan_action_needs_a_post_with_a_token(client, db_session, world) -> None:
    quick_login(client, world.users["coordinator"])
    own_campaign = world.jiahong.rows["festivalcampaign"]
    response = client.post("/admin/festivalcampaign/action/", data={
        "action": "plan_visits", "rowid": [own_campaign.id]})
    assert response.status_code in (302, 400)
    assert _visits(db_session, own_campaign.id) == 0
    assert client.get("/admin/festivalcampaign/action/").status_code == 405


def test_donation_bad_input_is_refused_and_nothing_is_saved(client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    own = world.jiahong
    form = {"csrf_token": token, "neighbourhood": own.neighbourhood.id,
            "campaign": own.rows["festivalcampaign"].id, "donor": "佳虹超市",
            "donor_kind": "company", "received_on": "2026-09-20", "value_yuan": "3000",
            "items": "大米30袋", "recipients_count": "30", "recipients": "30位老人",
            "acknowledged_on": "", "acknowledgement": ""}
    tomorrow = (utcnow() + timedelta(days=2)).date().isoformat()
    for overrides, message in (
            ({"received_on": tomorrow}, "接收日期不能晚于今天。"),
            ({"acknowledged_on": "2026-09-01"}, "致谢日期不能早于接收日期。"),
            ({"campaign": world.yongye.rows["festivalcampaign"].id}, "不是有效的选项")):
        response = client.post("/admin/donation/new/", data={**form, **overrides})
        assert response.status_code == 200, overrides
        assert message in as_text(response), overrides
        assert db_session.scalar(select(Donation.id).where(Donation.donor == "佳虹超市")) \
            is None
    response = client.post("/admin/donation/new/", data=form)
    assert response.status_code == 302
    page = as_text(client.get("/admin/festivalcampaign/"))
    assert "2 笔捐赠，价值 5000 元" in page
