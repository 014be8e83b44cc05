"""The notice board: resolved improvements and council decisions posted per neighbourhood with
the committee's public texts only — never the resident's name, phone, place or own words —,
with the photos the committee published (in the page, the JSON and the Atom feed),
cacheable for anonymous visitors; explanations stay private; reopening takes an entry down."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from app.enums import PhotoStage, RequestStatus
from app.services import requests
from app.services.requests import photos
from tests import factories as f
from tests.app.services.requests.test_photos import jpeg_with_gps
from tests.helpers import in_english

pytestmark = pytest.mark.integration

S = RequestStatus
PRIVATE = ("王阿婆", "13800138000", "wang@example.com", "12号楼302室", "我家楼下的花园太晒了")


def _resolved(app: Flask, db_session: Session, neighbourhood, via: RequestStatus,
              title: str = "12号楼前搭建花架", result: str = "五月建成花架，种了紫藤"):
    req = f.make_resident_request(db_session, neighbourhood=neighbourhood, name=PRIVATE[0],
                                  phone=PRIVATE[1], email=PRIVATE[2], place=PRIVATE[3],
                                  text=PRIVATE[4] + "，希望搭个花架")
    f.make_council_meeting(db_session, req)
    with app.test_request_context():
        requests.change_status(db_session, req, S.handling, user=None)
        requests.change_status(db_session, req, via, user=None, note="转入下一步")
        requests.change_status(db_session, req, S.resolved, user=None, note="已完成",
                               board_title=title, result=result,
                               council_decision="议事会表决：同意" if via == S.council else None,
                               vote=f.council_vote(5, 2) if via == S.council else None)
    return req


def test_the_board_shows_results_and_no_personal_data(app: Flask, client: FlaskClient,
                                                      db_session: Session) -> None:
    n = f.make_neighbourhood(db_session, name="佳虹")
    other = f.make_neighbourhood(db_session, name="永业")
    improved = _resolved(app, db_session, n, S.improving)
    decided = _resolved(app, db_session, n, S.council, title="居民议事会：不设收费停车",
                        result="议事会表决不设收费停车位")
    _resolved(app, db_session, other, S.improving, title="永业路灯修好了")
    assert improved.posted_at is not None and decided.posted_at is not None
    page = client.get(f"/board/{n.id}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "12号楼前搭建花架" in body and "五月建成花架，种了紫藤" in body
    assert "议事会表决不设收费停车位" in body and "永业路灯修好了" not in body
    assert "议事会表决：同意" in body  # the council's decision is posted with the result
    leaked = [value for value in PRIVATE if value in body]
    assert leaked == []
    assert body.index("居民议事会：不设收费停车") < body.index("12号楼前搭建花架")  # newest first
    index = client.get("/board/").get_data(as_text=True)
    assert f"/board/{n.id}" in index and f"/board/{other.id}" in index
    assert client.get("/board/99999999").status_code == 404


def test_the_board_is_cacheable_and_changes_when_an_entry_is_taken_down(
        app: Flask, client: FlaskClient, db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    req = _resolved(app, db_session, n, S.improving)
    first = client.get(f"/board/{n.id}")
    assert "Set-Cookie" not in first.headers and first.headers["Cache-Control"] == "no-cache"
    etag = first.headers["ETag"]
    assert client.get(f"/board/{n.id}", headers={"If-None-Match": etag}).status_code == 304
    with app.test_request_context():
        requests.change_status(db_session, req, S.handling, user=None, note="居民说还没好")
    assert req.posted_at is None
    again = client.get(f"/board/{n.id}", headers={"If-None-Match": etag})
    assert again.status_code == 200 and "五月建成花架" not in again.get_data(as_text=True)


def test_an_explanation_is_never_posted(app: Flask, db_session: Session) -> None:
    req = f.make_resident_request(db_session, status=S.explained)
    with in_english(app), pytest.raises(requests.RequestError) as caught:
        requests.change_status(db_session, req, S.resolved, user=None, note="已答复",
                               board_title="个人诉求", result="已解释")
    assert "stays private" in str(caught.value.message)
    assert req.status == S.explained and req.posted_at is None
    with app.test_request_context():
        requests.change_status(db_session, req, S.resolved, user=None, note="已答复")
        with pytest.raises(requests.RequestError):
            requests.post(db_session, req, "个人诉求", "已解释")
    assert req.posted_at is None and req.board_title is None


def test_a_title_without_a_result_is_refused(app: Flask, db_session: Session) -> None:
    req = f.make_resident_request(db_session, status=S.improving)
    with in_english(app), pytest.raises(requests.RequestError) as caught:
        requests.change_status(db_session, req, S.resolved, user=None, note="已修好",
                               board_title="路灯修好了", result=" ")
    assert caught.value.field == "result"
    assert req.status == S.improving


def test_the_residents_pages_are_chinese(app: Flask, client: FlaskClient,
                                         db_session: Session) -> None:
    from tests.admin.test_zh_crawl import ALLOWED, WORD, english_words, visible_text

    n = f.make_neighbourhood(db_session, name="佳虹")
    req = _resolved(app, db_session, n, S.council)
    problems = {}
    for path in ("/requests/new", f"/requests/{req.follow_token}", "/board/", f"/board/{n.id}"):
        response = client.get(path)
        assert response.status_code == 200, path
        words = english_words(visible_text(response.get_data(as_text=True)),
                              ALLOWED | set(WORD.findall(req.reference_code)))
        if words:
            problems[path] = words
    assert not problems
    follow = client.get(f"/requests/{req.follow_token}").get_data(as_text=True)
    assert "议事会表决：同意" in follow and f"/board/{n.id}" in follow


def test_the_board_as_json_and_atom_carries_the_public_texts_only(
        app: Flask, client: FlaskClient, db_session: Session) -> None:
    import json
    import xml.etree.ElementTree as ET

    n = f.make_neighbourhood(db_session, name="佳虹")
    other = f.make_neighbourhood(db_session, name="永业")
    _resolved(app, db_session, n, S.improving)
    _resolved(app, db_session, n, S.council, title="居民议事会：不设收费停车",
              result="议事会表决不设收费停车位")
    _resolved(app, db_session, other, S.improving, title="永业路灯修好了")

    as_json = client.get(f"/board/{n.id}.json")
    assert as_json.status_code == 200 and as_json.headers.get("Set-Cookie") is None
    data = json.loads(as_json.get_data(as_text=True))
    assert [e["title"] for e in data["entries"]] == ["居民议事会：不设收费停车",
                                                      "12号楼前搭建花架"]
    assert data["entries"][0]["council_decision"] == "同意搭建花架。议事会表决：同意"
    assert data["url"].endswith(f"/board/{n.id}")

    atom = client.get(f"/board/{n.id}.atom")
    assert atom.status_code == 200 and atom.mimetype == "application/atom+xml"
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring(atom.data)
    entries = feed.findall("a:entry", ns)
    assert [e.find("a:title", ns).text for e in entries] == ["居民议事会：不设收费停车",
                                                              "12号楼前搭建花架"]
    assert "议事会表决：同意" in entries[0].find("a:content", ns).text
    ids = [e.find("a:id", ns).text for e in entries]
    assert len(set(ids)) == 2 and all(i.startswith("tag:") for i in ids)
    for response in (as_json, atom):
        body = response.get_data(as_text=True)
        assert [v for v in PRIVATE if v in body] == [] and "永业路灯修好了" not in body
        again = client.get(response.request.path,
                           headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304
    assert client.get("/board/99999999.json").status_code == 404
    assert client.get("/board/99999999.atom").status_code == 404


def test_the_json_and_atom_carry_only_the_published_photos(
        app: Flask, client: FlaskClient, db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    req = _resolved(app, db_session, n, S.improving)
    # The result's photo was added first; the board still shows the matter as raised first.
    after = photos.add_photo(db_session, req, photos.clean_photo(jpeg_with_gps((640, 480))),
                             user=None, stage=PhotoStage.after)
    before = photos.add_photo(db_session, req, photos.clean_photo(jpeg_with_gps()), user=None)
    private = photos.add_photo(db_session, req, photos.clean_photo(jpeg_with_gps()),
                               user=None)
    photos.publish(db_session, before, no_people=True)
    photos.publish(db_session, after, no_people=True)

    [entry] = client.get(f"/board/{n.id}.json").get_json()["entries"]
    urls = [p["url"] for p in entry["photos"]]
    assert urls == [f"http://localhost/board/photos/{before.id}",
                    f"http://localhost/board/photos/{after.id}"]
    assert entry["photos"][1] | {"url": ""} == {"url": "", "content_type": "image/jpeg",
                                                 "width": 640, "height": 480,
                                                 "stage": "after", "stage_label": "处理后"}
    served = client.get(urls[0].removeprefix("http://localhost"))
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert b"PhoneMaker" not in served.data  # EXIF gone
    assert client.get(f"/board/photos/{private.id}").status_code == 404

    feed = ET.fromstring(client.get(f"/board/{n.id}.atom").data)
    atom = "{http://www.w3.org/2005/Atom}"
    enclosures = [link.attrib for link in feed.iter(f"{atom}link")
                  if link.get("rel") == "enclosure"]
    assert [e["href"] for e in enclosures] == urls
    assert enclosures[0]["type"] == "image/jpeg" and int(enclosures[0]["length"]) == before.size
    assert [e["title"] for e in enclosures] == ["处理前", "处理后"]

    with app.test_request_context():
        requests.change_status(db_session, req, S.handling, user=None, note="还没修好")
    assert client.get(f"/board/{n.id}.json").get_json()["entries"] == []
    assert client.get(urls[0].removeprefix("http://localhost")).status_code == 404
