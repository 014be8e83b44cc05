"""The public thank-you to donors: acknowledged gifts only, companies and organisations by
name, individuals only with their consent, recipients only as a count — no recipient's or
anonymous donor's personal data in Chinese or English."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from app.enums import DonorKind, Festival
from app.models import Donation, FestivalCampaign
from tests import factories as f

pytestmark = pytest.mark.integration

ATOM = "http://www.w3.org/2005/Atom"

#: What must never reach the public page: the recipients' words, the acknowledgement text,
#: and the name of an individual who did not agree to be named.
PRIVATE = ("王阿婆", "12号楼302室", "李大爷家", "13800138000", "赵秀英")


def _donation(session: Session, neighbourhood, donor: str, kind: DonorKind, *,
              named: bool = False, acknowledged: bool = True, **kw) -> Donation:
    row = Donation(neighbourhood=neighbourhood, donor=donor, donor_kind=kind,
                   donor_named=named, received_on=kw.pop("received_on", date(2026, 9, 20)),
                   acknowledged_on=date(2026, 9, 25) if acknowledged else None,
                   recipients="王阿婆、12号楼302室李大爷家等", recipients_count=120,
                   acknowledgement="电话13800138000致谢", **kw)
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def gifts(db_session: Session):
    n = f.make_neighbourhood(db_session, name="鸣谢村", name_en="Thanks Village")
    other = f.make_neighbourhood(db_session, name="别村")
    campaign = FestivalCampaign(neighbourhood=n, festival=Festival.mid_autumn,
                                title="2026年中秋走访", starts_on=date(2026, 9, 20),
                                ends_on=date(2026, 9, 30), institution="镇敬老院")
    db_session.add(campaign)
    _donation(db_session, n, "金桥食品有限公司", DonorKind.company, items="月饼200盒",
              value_yuan=20000, campaign=campaign)
    _donation(db_session, n, "赵秀英", DonorKind.individual, items="大米10袋", value_yuan=800,
              received_on=date(2026, 9, 21))
    _donation(db_session, n, "钱志明", DonorKind.individual, named=True, items="食用油20桶",
              value_yuan=1500, received_on=date(2026, 9, 22))
    _donation(db_session, n, "未致谢公司", DonorKind.company, acknowledged=False,
              value_yuan=999)
    _donation(db_session, other, "别村商会", DonorKind.organisation, value_yuan=5000)
    return n


def test_the_page_thanks_whom_it_may_and_shows_no_personal_data(
        app: Flask, client: FlaskClient, gifts) -> None:
    for language in ("zh_CN", "en"):
        with client.session_transaction() as session:
            session["locale"] = language
        page = client.get(f"/thanks/{gifts.id}")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "金桥食品有限公司" in html and "钱志明" in html  # by name
        assert "月饼200盒" in html and "20000" in html and "2026年中秋走访" in html
        for secret in PRIVATE:
            assert secret not in html, (language, secret)
        assert "未致谢公司" not in html and "别村商会" not in html
    with client.session_transaction() as session:
        session["locale"] = "zh_CN"
    html = client.get(f"/thanks/{gifts.id}").get_data(as_text=True)
    assert "一位不愿具名的居民" in html and "120" in html
    assert "共 3 份捐赠，价值 22300 元，惠及 360 位居民。" in html
    with client.session_transaction() as session:
        session["locale"] = "en"
    text = client.get(f"/thanks/{gifts.id}").get_data(as_text=True)
    assert "A resident who asked not to be named" in text
    assert "3 gifts worth 22300 yuan reached 360 residents." in text


def test_the_notice_board_links_to_it_and_unknown_neighbourhoods_are_404(
        client: FlaskClient, gifts) -> None:
    board = client.get(f"/board/{gifts.id}").get_data(as_text=True)
    assert f"/thanks/{gifts.id}" in board
    assert client.get("/thanks/999999").status_code == 404


def test_the_notice_board_lists_its_company_donors_and_no_person(
        client: FlaskClient, db_session: Session, gifts) -> None:
    for language in ("zh_CN", "en"):
        with client.session_transaction() as session:
            session["locale"] = language
        html = client.get(f"/board/{gifts.id}").get_data(as_text=True)
        donors = html[html.index('id="board-donors"'):html.index('id="board-thanks"')]
        assert "金桥食品有限公司" in donors and "月饼200盒" in donors
        assert "20000" in donors and "120" in donors and "2026年中秋走访" in donors
        # Individuals (named or not) are thanked on the thank-you page only.
        assert "钱志明" not in html and "食用油20桶" not in html and "大米10袋" not in html
        assert "未致谢公司" not in html and "别村商会" not in html
        for secret in PRIVATE:
            assert secret not in html, (language, secret)
    with client.session_transaction() as session:
        session["locale"] = "zh_CN"
    html = client.get(f"/board/{gifts.id}").get_data(as_text=True)
    assert "捐赠单位" in html and "价值 20000 元 · 惠及 120 位居民" in html


def test_the_board_changes_when_a_gift_is_acknowledged(
        client: FlaskClient, db_session: Session, gifts) -> None:
    first = client.get(f"/board/{gifts.id}")
    etag = first.headers["ETag"]
    assert "未致谢公司" not in first.get_data(as_text=True)
    assert client.get(f"/board/{gifts.id}", headers={"If-None-Match": etag}).status_code == 304
    late = db_session.query(Donation).filter_by(donor="未致谢公司").one()
    late.acknowledged_on = date(2026, 9, 26)
    db_session.flush()
    again = client.get(f"/board/{gifts.id}", headers={"If-None-Match": etag})
    assert again.status_code == 200 and "未致谢公司" in again.get_data(as_text=True)


def test_the_board_feeds_list_the_same_donors_and_no_person(
        client: FlaskClient, db_session: Session, gifts) -> None:
    for language in ("zh_CN", "en"):
        with client.session_transaction() as session:
            session["locale"] = language
        response = client.get(f"/board/{gifts.id}.json")
        assert response.status_code == 200
        donors = response.get_json()["donors"]
        assert donors == [{"donor": "金桥食品有限公司", "kind": "company", "items": "月饼200盒",
                           "value_yuan": 20000, "recipients": 120,
                           "received_on": "2026-09-20", "campaign": "2026年中秋走访"}]
        atom = client.get(f"/board/{gifts.id}.atom")
        assert atom.status_code == 200
        feed = ET.fromstring(atom.data)
        given = [e for e in feed.findall(f"{{{ATOM}}}entry")
                 if e.find(f"{{{ATOM}}}category").get("term") == "donation"]
        assert [e.findtext(f"{{{ATOM}}}title") for e in given] == ["金桥食品有限公司"]
        content = given[0].findtext(f"{{{ATOM}}}content")
        assert "月饼200盒" in content and "20000" in content and "120" in content
        assert "2026年中秋走访" in content
        assert given[0].findtext(f"{{{ATOM}}}published").startswith("2026-09-20T00:00:00")
        # JSON escapes non-ASCII: read back, written out as the text it carries.
        data = json.dumps(response.get_json(), ensure_ascii=False)
        assert "金桥食品有限公司" in data
        for body in (data, atom.get_data(as_text=True)):
            # Individuals (named or not), unacknowledged gifts and other neighbourhoods'
            # stay off, and so do the recipients' words.
            for absent in ("钱志明", "食用油20桶", "大米10袋", "未致谢公司", "别村商会",
                           *PRIVATE):
                assert absent not in body, (language, absent)
    with client.session_transaction() as session:
        session["locale"] = "zh_CN"
    atom = ET.fromstring(client.get(f"/board/{gifts.id}.atom").data)
    assert any(e.findtext(f"{{{ATOM}}}content") == "金桥食品有限公司：月饼200盒 · 价值 20000 元"
               " · 惠及 120 位居民 · 2026年中秋走访" for e in atom.findall(f"{{{ATOM}}}entry"))


@pytest.mark.parametrize("suffix", [".json", ".atom"])
def test_the_board_feeds_change_when_a_gift_is_acknowledged(
        client: FlaskClient, db_session: Session, gifts, suffix: str) -> None:
    def text(response) -> str:
        if suffix == ".json":
            return json.dumps(response.get_json(), ensure_ascii=False)
        return response.get_data(as_text=True)

    first = client.get(f"/board/{gifts.id}{suffix}")
    etag = first.headers["ETag"]
    assert "金桥食品有限公司" in text(first) and "未致谢公司" not in text(first)
    assert client.get(f"/board/{gifts.id}{suffix}",
                      headers={"If-None-Match": etag}).status_code == 304
    late = db_session.query(Donation).filter_by(donor="未致谢公司").one()
    late.acknowledged_on = date(2026, 9, 26)
    db_session.flush()
    again = client.get(f"/board/{gifts.id}{suffix}", headers={"If-None-Match": etag})
    assert again.status_code == 200 and "未致谢公司" in text(again)
