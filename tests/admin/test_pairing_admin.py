"""Pairings in the admin: the form keeps the rules (own members and families only, the
member's limit, a stated aim), bulk confirm and end; and the member's portal page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.enums import HouseholdCategory, PairingStatus
from app.models import Notification, Pairing, Visit
from tests import factories as f
from tests.admin.conftest import as_text, quick_login
from tests.app.portal.test_portal import open_portal
from tests.helpers import csrf_token_from

pytestmark = pytest.mark.integration


def _form(token, household, volunteer, **overrides):
    data = {"csrf_token": token, "household": household.id, "volunteer": volunteer.id,
            "status": "proposed", "starts_on": "2026-12-01", "ends_on": "",
            "aim": "每周上门看望，帮忙买米买菜", "notes": ""}
    data.update(overrides)
    return data


def _count(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(Pairing))


def test_coordinator_pairs_own_member_with_own_family(client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    own = world.jiahong
    household = f.make_household(db_session, neighbourhood=own.neighbourhood,
                                 contact_name="佳虹张阿公")
    member = own.rows["volunteer"]
    foreign_member = world.yongye.rows["volunteer"]
    before = _count(db_session)

    # A forged id of another neighbourhood's member: refused, nothing written.
    response = client.post("/admin/pairing/new/", data=_form(token, household, foreign_member))
    assert response.status_code == 200 and _count(db_session) == before
    # No aim: the reason in Chinese, nothing written.
    response = client.post("/admin/pairing/new/", data=_form(token, household, member, aim=" "))
    assert "请写明结对目标" in as_text(response) and _count(db_session) == before

    response = client.post("/admin/pairing/new/", data=_form(token, household, member))
    assert response.status_code == 302
    created = db_session.scalars(select(Pairing).where(Pairing.household_id == household.id)
                                 ).one()
    assert created.volunteer_id == member.id and created.status == PairingStatus.proposed
    assert created.created_by_id == world.users["coordinator"].id

    # The member's limit (two by default: the world's pairing and this one) is kept.
    third = f.make_household(db_session, neighbourhood=own.neighbourhood)
    response = client.post("/admin/pairing/new/", data=_form(token, third, member))
    assert response.status_code == 200
    assert "最多 2 户" in as_text(response)
    assert _count(db_session) == before + 1


def test_bulk_confirm_and_end_only_touch_own_rows(client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    own = world.jiahong.rows["pairing"]
    foreign = world.yongye.rows["pairing"]
    response = client.post("/admin/pairing/action/", data={
        "csrf_token": token, "action": "confirm", "rowid": [own.id, foreign.id]})
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(Pairing, own.id).status == PairingStatus.confirmed
    assert db_session.get(Pairing, foreign.id).status == PairingStatus.proposed
    assert "已确认 1 个结对；已通知 1 名党员" in as_text(client.get("/admin/pairing/"))
    told = db_session.scalars(select(Notification).where(
        Notification.template == "pairing/confirmed")).all()
    assert [n.volunteer_id for n in told] == [own.volunteer_id]
    response = client.post("/admin/pairing/action/", data={
        "csrf_token": token, "action": "end", "rowid": [own.id, foreign.id]},
        follow_redirects=True)
    assert "已结束 1 个结对" in as_text(response)
    db_session.expire_all()
    assert db_session.get(Pairing, own.id).status == PairingStatus.ended
    assert db_session.get(Pairing, own.id).ends_on is not None
    assert db_session.get(Pairing, foreign.id).status == PairingStatus.proposed


def test_member_sees_confirmed_families_only(client, app, db_session, world) -> None:
    n = world.jiahong.neighbourhood
    member = f.make_volunteer(db_session, neighbourhood=n, name="结对党员")
    confirmed = f.make_household(db_session, neighbourhood=n, contact_name="确认阿婆")
    proposed = f.make_household(db_session, neighbourhood=n, contact_name="建议阿公")
    f.make_pairing(db_session, confirmed, member, status=PairingStatus.confirmed,
                   aim="陪伴聊天")
    f.make_pairing(db_session, proposed, member)
    other = f.make_volunteer(db_session, neighbourhood=n, name="别的党员")

    assert client.get("/portal/families").status_code == 302  # nobody: to the login
    open_portal(client, app, member)
    page = as_text(client.get("/portal/families"))
    assert "确认阿婆" in page and "陪伴聊天" in page and "建议阿公" not in page
    assert "我的结对家庭" in as_text(client.get("/portal/"))

    client.post("/portal/leave", data={"csrf_token": ""})
    with client.session_transaction() as session:
        session.clear()
    open_portal(client, app, other)
    page = as_text(client.get("/portal/families"))
    assert "确认阿婆" not in page and "还没有结对家庭" in page


def test_member_family_limit_on_the_volunteer_form(client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    volunteer = world.jiahong.rows["volunteer"]
    volunteer.max_families = 4
    db_session.flush()
    url = f"/admin/volunteer/edit/?id={volunteer.id}"
    assert 'name="max_families"' in as_text(client.get(url))
    data = {"csrf_token": token, "name": volunteer.name, "phone": volunteer.phone,
            "neighbourhood": str(volunteer.neighbourhood_id), "locale": "zh_CN",
            "max_minutes_per_week": "5", "max_shifts_per_week": "3", "active": "y"}
    for posted, expected in (("", 4), ("21", 4), ("5", 5)):
        response = client.post(url, data={**data, "max_families": posted})
        assert response.status_code == (200 if posted == "21" else 302), posted
        db_session.expire_all()
        assert db_session.get(type(volunteer), volunteer.id).max_families == expected


def _proposal_world(db_session, world):
    own = world.jiahong.neighbourhood
    world.jiahong.rows["volunteer"].x_km = world.jiahong.rows["volunteer"].y_km = 0.0
    member = f.make_volunteer(db_session, neighbourhood=own, name="佳虹结对党员", x_km=0.0,
                              y_km=0.0, email="dangyuan@example.cn")
    family = f.make_household(db_session, neighbourhood=own, contact_name="佳虹独居阿婆",
                              x_km=0.2, y_km=0.0, categories=[HouseholdCategory.very_old])
    lonely = f.make_household(db_session, neighbourhood=own, contact_name="佳虹远处阿公",
                              x_km=9.0, y_km=0.0, categories=[HouseholdCategory.laid_off])
    return own, member, family, lonely


def test_propose_review_confirm(client, db_session, world) -> None:
    own, member, family, _far = _proposal_world(db_session, world)
    token = quick_login(client, world.users["coordinator"])
    page = as_text(client.get(f"/admin/pairing-proposals/?neighbourhood={own.id}"))
    assert "佳虹远处阿公 · 佳虹路" in page and "1 公里内没有党员居住" in page
    # Before proposing, the near family is waiting only for a proposal.
    assert "仍有合适的党员有空余名额" in page
    assert "永业" not in page  # the neighbourhood choice offers own ones only

    # Without the token nothing happens; a foreign neighbourhood is not found.
    assert client.post("/admin/pairing-proposals/propose", data={
        "neighbourhood": own.id, "max_km": "1"}).status_code == 400
    response = client.post("/admin/pairing-proposals/propose", data={
        "csrf_token": token, "neighbourhood": world.yongye.neighbourhood.id, "max_km": "1"},
        follow_redirects=True)
    assert "不是有效的选择" in as_text(response)
    response = client.post("/admin/pairing-proposals/propose", data={
        "csrf_token": token, "neighbourhood": own.id, "max_km": "50"}, follow_redirects=True)
    assert "0.1" in as_text(response) and db_session.scalars(
        select(Pairing).where(Pairing.household_id == family.id)).first() is None

    response = client.post("/admin/pairing-proposals/propose", data={
        "csrf_token": token, "neighbourhood": own.id, "max_km": "1"}, follow_redirects=True)
    page = as_text(response)
    assert "建议已生成" in page and "佳虹结对党员" in page and "佳虹独居阿婆" in page
    proposed = db_session.scalars(select(Pairing).where(Pairing.household_id == family.id)
                                  ).one()
    assert proposed.status == PairingStatus.proposed and proposed.volunteer_id == member.id

    # Confirming another neighbourhood's proposal: not found, nothing confirmed.
    assert client.post(f"/admin/pairing-proposals/{world.yongye.neighbourhood.id}/confirm",
                       data={"csrf_token": token}).status_code == 404
    response = client.post(f"/admin/pairing-proposals/{own.id}/confirm", data={
        "csrf_token": token, "pairing": [proposed.id]}, follow_redirects=True)
    assert "已确认 1 个结对；已通知 1 名党员" in as_text(response)
    db_session.expire_all()
    assert db_session.get(Pairing, proposed.id).status == PairingStatus.confirmed
    assert db_session.get(Pairing, world.yongye.rows["pairing"].id).status \
        == PairingStatus.proposed


@pytest.mark.parametrize(("role", "own_status", "foreign_status"), [
    ("team_lead", 403, 403), ("volunteer", 403, 403), ("coordinator", 200, 404),
    ("admin", 200, 200)])
def test_proposals_page_by_role(client, db_session, world, role, own_status,
                                foreign_status) -> None:
    own, *_ = _proposal_world(db_session, world)
    quick_login(client, world.users[role])
    foreign = world.yongye.neighbourhood.id
    assert client.get(f"/admin/pairing-proposals/?neighbourhood={own.id}").status_code \
        == own_status
    assert client.get(f"/admin/pairing-proposals/?neighbourhood={foreign}").status_code \
        == foreign_status


def test_member_records_a_contact_with_a_paired_family(client, app, db_session, world) -> None:
    n = world.jiahong.neighbourhood
    member = f.make_volunteer(db_session, neighbourhood=n, name="联系党员")
    family = f.make_household(db_session, neighbourhood=n, contact_name="联系阿婆")
    mine = f.make_pairing(db_session, family, member, status=PairingStatus.confirmed)
    theirs = world.jiahong.rows["pairing"]
    open_portal(client, app, member)
    page = as_text(client.get("/portal/families"))
    assert "还没有联系记录" in page
    token = csrf_token_from(page)
    assert client.post(f"/portal/families/{mine.id}/contact",
                       data={"kind": "door"}).status_code == 400  # no CSRF token
    assert client.post(f"/portal/families/{theirs.id}/contact",
                       data={"csrf_token": token, "kind": "door"}).status_code == 404
    response = client.post(f"/portal/families/{mine.id}/contact",
                           data={"csrf_token": token, "kind": "fax"})
    assert response.status_code == 400 and "上门走访还是电话联系" in as_text(response)
    assert db_session.scalars(select(Visit).where(Visit.household_id == family.id)).all() == []
    response = client.post(f"/portal/families/{mine.id}/contact", data={
        "csrf_token": token, "kind": "door", "notes": "送了米"}, follow_redirects=True)
    assert "已记录：与联系阿婆的上门走访" in as_text(response)
    assert "上次联系" in as_text(response)
    visit = db_session.scalars(select(Visit).where(Visit.household_id == family.id)).one()
    assert (visit.volunteer_id, visit.notes) == (member.id, "送了米")


def _dashboard_without_member(client) -> int:
    page = as_text(client.get("/admin/"))
    [figure] = re.findall(r'<div class="display-4[^"]*">(\d+)</div>\s*'
                          r'<div class="text-muted">尚无结对党员的六类家庭</div>', page)
    return int(figure)


def _rows_without_member(client, neighbourhood) -> int:
    page = as_text(client.get(f"/admin/pairing-proposals/?neighbourhood={neighbourhood.id}"))
    [heading] = re.findall(r"尚无结对党员的家庭（(\d+) 户）", page)
    table = page[page.index('id="unpaired"'):]
    table = table[:table.index("</table>")]
    assert table.count("<tr><td>") == int(heading)
    return int(heading)


def test_dashboard_counts_a_family_paired_once_confirmed_and_its_rows_agree(
        client, db_session, world) -> None:
    """A proposal waiting for the coordinator once took a family off the dashboard's
    "without a member" figure; now only a confirmed pairing does, and the review page the
    figure links to lists the same families."""
    own, _member, family, _far = _proposal_world(db_session, world)
    token = quick_login(client, world.users["coordinator"])  # of 佳虹 only
    before = _dashboard_without_member(client)
    assert before == _rows_without_member(client, own) >= 2
    client.post("/admin/pairing-proposals/propose", data={
        "csrf_token": token, "neighbourhood": own.id, "max_km": "1"})
    proposed = db_session.scalars(select(Pairing).where(Pairing.household_id == family.id)
                                  ).one()
    assert _dashboard_without_member(client) == _rows_without_member(client, own) == before
    assert "已建议与佳虹结对党员结对" in as_text(
        client.get(f"/admin/pairing-proposals/?neighbourhood={own.id}"))
    client.post(f"/admin/pairing-proposals/{own.id}/confirm", data={
        "csrf_token": token, "pairing": [proposed.id]})
    db_session.expire_all()
    assert db_session.get(Pairing, proposed.id).status == PairingStatus.confirmed
    assert _dashboard_without_member(client) == _rows_without_member(client, own) == before - 1
