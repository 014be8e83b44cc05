"""Pairing proposals on a hand-built neighbourhood whose answer is worked out below."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import HouseholdCategory as C
from app.enums import NotificationChannel, PairingStatus, VisitKind, VisitOutcome
from app.i18n import local_date
from app.models import Pairing, Visit
from app.services.pairing import PairingError, coverage, proposals
from scheduling import pairing as engine
from tests import factories as f

pytestmark = pytest.mark.integration

TODAY = date(2026, 12, 2)


@pytest.fixture(autouse=True)
def _chinese_request(app):
    with app.test_request_context():
        yield


def _world(session: Session):
    """Members on a line (km): 近 at 0 (haircut, one family), 中 at 0.5 (groceries, two);
    one with limit 0 and one inactive never count. Families:

    - h1 at 0.1 (through its building), h3 at 0.4, h4 at 0.2: no needs;
    - h2 at 0.5, very old and living alone (priority 2), needs groceries: only 中 has them;
    - h5 at 5 km (4.5 km from 中); h7 at 0.1 needs legal advice nobody offers; h6 is
      ordinary (not one of the six categories).

    Three places for h1–h4: h2 → 中 (only one with groceries). Of h1, h3, h4 two get the
    remaining places (近 one, 中 one): h1–近 (0.1 km) + h3–中 (0.1 km) walk least, so h4 is
    left with everybody suitable at their limit.
    """
    n = f.make_neighbourhood(session, name="结对小区")
    haircut = f.make_skill(session, code="haircut_t", name_zh="理发")
    grocery = f.make_skill(session, code="grocery_t", name_zh="买菜送米")
    legal = f.make_skill(session, code="legal_t", name_zh="法律咨询")
    near = f.make_volunteer(session, neighbourhood=n, name="近党员", x_km=0.0, y_km=0.0,
                            max_families=1, is_party_member=True, email="near@example.cn")
    near.skills.append(haircut)
    mid = f.make_volunteer(session, neighbourhood=n, name="中党员", x_km=0.5, y_km=0.0,
                           max_families=2, is_party_member=True, email="mid@example.cn")
    mid.skills.append(grocery)
    f.make_volunteer(session, neighbourhood=n, name="不结对", x_km=0.0, y_km=0.0,
                     max_families=0)
    f.make_volunteer(session, neighbourhood=n, name="已离开", x_km=0.0, y_km=0.0, active=False)
    building = f.make_building(session, neighbourhood=n, number="1", x_km=0.1, y_km=0.0)

    def home(name, x, categories, needs=()):
        h = f.make_household(session, neighbourhood=n, contact_name=name, x_km=x,
                             y_km=None if x is None else 0.0, categories=categories)
        h.needs.extend(needs)
        return h

    h = {
        1: home("一号阿婆", None, [C.living_alone]),
        2: home("二号阿公", 0.5, [C.very_old, C.living_alone], [grocery]),
        3: home("三号", 0.4, [C.laid_off]),
        4: home("四号", 0.2, [C.poor_and_ill]),
        5: home("五号", 5.0, [C.disabled]),
        6: home("六号", 0.0, [C.ordinary]),
        7: home("七号", 0.1, [C.major_misfortune], [legal]),
    }
    h[1].building = building
    session.flush()
    return n, near, mid, h


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_aim_is_written_in_the_deployments_language_whoever_proposes(
        db_session: Session, language: str) -> None:
    n, *_ = _world(db_session)
    with force_locale(language):
        result = proposals.propose(db_session, n.id, today=TODAY, max_km=1.0)
    by_name = {p.household.contact_name: p for p in result.proposed}
    assert by_name["二号阿公"].aim == "定期联系帮扶（独居老人、高龄老人）；需要帮助：买菜送米"


def _pairs(rows) -> set[tuple[str, str]]:
    return {(p.household.contact_name, p.volunteer.name) for p in rows}


def test_propose_pairs_and_explains_the_rest(db_session: Session) -> None:
    n, *_ = _world(db_session)
    result = proposals.propose(db_session, n.id, today=TODAY, max_km=1.0)
    assert _pairs(result.proposed) == {("一号阿婆", "近党员"), ("二号阿公", "中党员"),
                                       ("三号", "中党员")}
    assert all(p.status == PairingStatus.proposed and p.starts_on == TODAY
               for p in result.proposed)
    by_name = {p.household.contact_name: p for p in result.proposed}
    assert by_name["一号阿婆"].distance_km == pytest.approx(0.1)
    assert by_name["二号阿公"].aim == "定期联系帮扶（独居老人、高龄老人）；需要帮助：买菜送米"
    reasons = {u.household.contact_name: (u.code, u.reason) for u in result.unpaired}
    assert set(reasons) == {"四号", "五号", "七号"}  # 六号 is not in the six categories
    assert reasons["四号"] == (engine.AT_CAPACITY,
                             "合适的 2 名党员结对户数均已达上限（近党员、中党员）。")
    assert reasons["五号"][0] == engine.TOO_FAR
    assert reasons["五号"][1] == "1 公里内没有党员居住：最近的党员在 4.5 公里外。"
    assert reasons["七号"] == (engine.NO_SKILL, "步行范围内有 2 名党员，但没有人能提供这户家庭"
                                               "需要的帮助：法律咨询。")
    assert result.metrics["paired"] == 3 and result.replaced == 0

    # As things stand the same three wait, for the same reasons.
    now = proposals.unpaired_now(db_session, n.id)
    assert {(u.household.contact_name, u.code) for u in now} == {
        ("四号", engine.AT_CAPACITY), ("五号", engine.TOO_FAR), ("七号", engine.NO_SKILL)}

    # Proposing again replaces the draft and keeps its pairs.
    again = proposals.propose(db_session, n.id, today=TODAY)
    assert again.replaced == 3 and _pairs(again.proposed) == _pairs(result.proposed)
    assert len(proposals.proposed_in(db_session, n.id)) == 3

    with pytest.raises(PairingError, match=r"0\.1 至 5\.0 公里"):
        proposals.propose(db_session, n.id, today=TODAY, max_km=9)
    assert len(proposals.proposed_in(db_session, n.id)) == 3  # nothing changed


def test_confirm_tells_each_member_once_and_discard(db_session: Session) -> None:
    n, _near, mid, h = _world(db_session)
    proposals.propose(db_session, n.id, today=TODAY)
    drafted = proposals.proposed_in(db_session, n.id)
    mine = [p.id for p in drafted if p.volunteer_id == mid.id]
    result = proposals.confirm_proposals(db_session, n.id, mine)
    assert {p.id for p in result.confirmed} == set(mine) and result.refused == []
    assert [(m.volunteer_id, m.channel) for m in result.notifications] == [
        (mid.id, NotificationChannel.email)]
    body = result.notifications[0].body
    assert "二号阿公" in body and "三号" in body and "我的结对家庭" in body
    assert proposals.discard(db_session, n.id) == 1  # 近党员's pairing was left proposed
    left = db_session.scalars(select(Pairing).join(Pairing.household)
                              .where(Pairing.household_id.in_([x.id for x in h.values()]))).all()
    assert {(p.household.contact_name, p.status) for p in left} == {
        ("二号阿公", PairingStatus.confirmed), ("三号", PairingStatus.confirmed)}


def test_earlier_members_are_kept(db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    close = f.make_volunteer(db_session, neighbourhood=n, name="隔壁", x_km=0.0, y_km=0.0)
    known = f.make_volunteer(db_session, neighbourhood=n, name="老熟人", x_km=0.8, y_km=0.0)
    visited = f.make_household(db_session, neighbourhood=n, contact_name="走访过", x_km=0.0,
                               y_km=0.0, categories=[C.very_old])
    ended = f.make_household(db_session, neighbourhood=n, contact_name="结对过", x_km=0.0,
                             y_km=0.0, categories=[C.living_alone])
    db_session.add(Visit(household=visited, volunteer=known, kind=VisitKind.door,
                         outcome=VisitOutcome.done, visited_at=f.future(-30)))
    f.make_pairing(db_session, ended, known, status=PairingStatus.ended,
                   starts_on=TODAY - timedelta(days=400), ends_on=TODAY - timedelta(days=30))
    result = proposals.propose(db_session, n.id, today=TODAY)
    assert _pairs(result.proposed) == {("走访过", "老熟人"), ("结对过", "老熟人")}
    assert close.id not in {p.volunteer_id for p in result.proposed}


def test_only_a_confirmed_current_pairing_gives_a_family_a_member(db_session: Session) -> None:
    """The dashboard's figure and the review page's rows behind it agree, and neither counts
    a proposal, a confirmed pairing that starts later, or one whose end has passed (before
    the nightly job marks it ended) as a member."""
    n, *_ = _world(db_session)
    other = f.make_neighbourhood(db_session)
    f.make_household(db_session, neighbourhood=other, categories=[C.laid_off])

    def count(*ids: int) -> int:
        return coverage.without_member_count(db_session, frozenset(ids), today=TODAY)

    def rows() -> dict[str, proposals.UnpairedFamily]:
        return {u.household.contact_name: u
                for u in proposals.without_member_now(db_session, n.id, today=TODAY)}

    # Six families of the six categories in 结对小区 (六号 is ordinary), one elsewhere.
    assert count(n.id) == len(rows()) == 6
    result = proposals.propose(db_session, n.id, today=TODAY)
    assert len(result.proposed) == 3
    # A proposal is no member: still six, three of them waiting on their proposal.
    assert count(n.id) == len(rows()) == 6 and count(n.id, other.id) == 7
    assert rows()["一号阿婆"].code == proposals.WAITING
    assert rows()["一号阿婆"].reason == "已建议与近党员结对：您确认建议后才算有结对党员。"
    assert rows()["四号"].code == engine.AT_CAPACITY  # the engine's reason stays

    by_name = {p.household.contact_name: p for p in result.proposed}
    proposals.confirm_proposals(db_session, n.id, [by_name["一号阿婆"].id,
                                                   by_name["二号阿公"].id])
    assert count(n.id) == len(rows()) == 4 and "一号阿婆" not in rows()

    later = by_name["二号阿公"]
    later.starts_on = TODAY + timedelta(days=1)
    ended = by_name["一号阿婆"]
    ended.starts_on, ended.ends_on = TODAY - timedelta(days=90), TODAY
    db_session.flush()
    assert count(n.id) == len(rows()) == 5  # the last day of a pairing still counts
    assert rows()["二号阿公"].reason == (
        f"自 {local_date(later.starts_on)} 起与中党员结对。")
    ended.ends_on = TODAY - timedelta(days=1)
    db_session.flush()
    assert count(n.id) == len(rows()) == 6
    assert rows()["一号阿婆"].reason == f"与近党员的结对已于 {local_date(ended.ends_on)} 结束。"
