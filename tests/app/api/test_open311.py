"""Open311 GeoReport v2 over residents' requests: services, raising a request through the same
service as the form (checks, SMS-verified number or anonymous, rate limit, "already raised?"),
the state by reference code without anyone's personal data, Open311's error list in the
client's language, JSON and XML."""

from __future__ import annotations

import io
import re
import time
import xml.etree.ElementTree as ET

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.enums import RequestCategory, RequestChannel, RequestStatus
from app.models import Notification, RequestPhoto, ResidentRequest
from app.services import requests
from app.services.requests import photos, verification
from tests import factories as f
from tests.app.services.requests.test_photos import jpeg_with_gps

pytestmark = pytest.mark.integration

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
BASE = "/api/v1/open311"
PRIVATE = ("王阿婆", "13800138000", "wang@example.com", "我家楼下的花园太晒了")


def _count(db_session: Session) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(ResidentRequest)) or 0


def _code_sent_to(db_session: Session, phone: str) -> str:
    db_session.expire_all()
    sms = db_session.scalars(select(Notification).where(
        Notification.address == phone, Notification.template == "requests/verify")
        .order_by(Notification.id.desc())).first()
    assert sms is not None
    found = re.search(r"\b(\d{6})\b", sms.body)
    assert found
    return found.group(1)


def test_discovery_points_clients_at_the_endpoint(client: FlaskClient) -> None:
    found = client.get(f"{BASE}/discovery.json", headers=EN)
    assert found.status_code == 200 and found.mimetype == "application/json"
    body = found.get_json()
    [endpoint] = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == f"http://localhost{BASE}" and endpoint["type"] == "production"
    assert set(endpoint["formats"]) == {"application/json", "application/xml"}
    assert body["changeset"] == endpoint["changeset"] and "No API key" in body["key_service"]
    # The address it gives answers: the services are there.
    assert client.get(endpoint["url"].removeprefix("http://localhost") + "/services.json"
                      ).status_code == 200
    xml = ET.fromstring(client.get(f"{BASE}/discovery.xml", headers=ZH).data)
    assert xml.tag == "discovery"
    assert [f.text for f in xml.iter("format")] == endpoint["formats"]
    assert "不需要" in xml.findtext("key_service")
    assert client.get(f"{BASE}/discovery.yaml").status_code == 404


def test_services_list_the_categories_in_json_and_xml(client: FlaskClient) -> None:
    listed = client.get(f"{BASE}/services.json", headers=EN)
    assert listed.status_code == 200 and listed.mimetype == "application/json"
    services = listed.get_json()
    assert [s["service_code"] for s in services] == [c.value for c in RequestCategory]
    assert services[0]["metadata"] is False and services[0]["type"] == "realtime"
    assert services[0]["service_name"] == "Environment and cleanliness"
    zh = client.get(f"{BASE}/services.json", headers=ZH).get_json()
    assert zh[0]["service_name"] != "Environment and cleanliness"
    xml = client.get(f"{BASE}/services.xml", headers=EN)
    root = ET.fromstring(xml.data)
    assert xml.mimetype == "application/xml" and root.tag == "services"
    assert [s.findtext("service_code") for s in root] == [c.value for c in RequestCategory]
    missing = client.get(f"{BASE}/services.csv", headers=EN)
    assert missing.status_code == 404
    assert missing.get_json() == [{"code": 404,
                                   "description": "There is nothing at this address."}]


def test_the_openapi_document_describes_open311(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    assert {"/api/v1/open311/services.{fmt}", "/api/v1/open311/requests.{fmt}",
            "/api/v1/open311/requests/{code}.{fmt}",
            "/api/v1/open311/verifications.{fmt}"} <= set(spec["paths"])
    assert set(spec["paths"]["/api/v1/open311/requests.{fmt}"]) >= {"get", "post"}


def test_an_anonymous_request_by_form_encoding_is_routed_and_followed(
        client: FlaskClient, db_session: Session) -> None:
    n = f.make_neighbourhood(db_session, name="佳虹")
    group = f.make_service_group(db_session, neighbourhood=n, name="第三团组")
    building = f.make_building(db_session, neighbourhood=n, number="12",
                               service_group=group)
    sent = client.post(f"{BASE}/requests.json", headers=EN, data={
        "service_code": "public_facilities", "address_id": str(building.id),
        "description": "小区花园想搭一个花架", "address_string": "12号楼前花园",
        "lat": "31.2304", "long": "121.4737"})
    assert sent.status_code == 200, sent.get_json()
    [created_json] = sent.get_json()
    code = created_json["service_request_id"]
    created = db_session.scalars(select(ResidentRequest)).one()
    assert created.reference_code == code and created.channel == RequestChannel.api
    assert created.neighbourhood_id == n.id and created.service_group_id == group.id
    assert created.name is None and created.phone is None  # anonymous
    assert created.place == "12号楼前花园 (31.230400,121.473700)"  # nothing dropped
    assert created_json["linli_url"].endswith(f"/requests/{created.follow_token}")
    assert "within a few working days" in created_json["service_notice"]

    looked_up = client.get(f"{BASE}/requests/{code.lower()}.json", headers=EN)
    [state] = looked_up.get_json()
    assert state["status"] == "open" and state["linli_state"] == "received"
    assert state["service_code"] == "public_facilities"
    assert "第三团组" in state["agency_responsible"]
    assert "description" not in state and "follow" not in str(state)


def test_bad_input_is_refused_per_field_in_the_clients_language(
        client: FlaskClient, db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    elsewhere = f.make_building(db_session)
    refused = client.post(f"{BASE}/requests.json", headers=EN, json={
        "jurisdiction_id": n.id, "service_code": "nonsense", "description": "",
        "address_id": elsewhere.id, "media_url": "http://example.com/x.jpg",
        "lat": "north"})
    assert refused.status_code == 400
    fields = {e["field"]: e["description"] for e in refused.get_json()}
    assert set(fields) >= {"service_code", "description", "address_id", "media_url", "lat"}
    assert fields["description"] == "Please describe your request or suggestion."
    assert all(e["code"] == 400 for e in refused.get_json())
    zh = client.post(f"{BASE}/requests.json", headers=ZH, json={
        "jurisdiction_id": n.id, "service_code": "environment", "description": ""})
    [error] = zh.get_json()
    assert error["field"] == "description" and "Please" not in error["description"]
    named = client.post(f"{BASE}/requests.json", headers=EN, json={
        "jurisdiction_id": n.id, "service_code": "environment", "description": "垃圾没人收",
        "first_name": "阿婆", "last_name": "王"})
    assert [e["field"] for e in named.get_json()] == ["consent"]
    not_json = client.post(f"{BASE}/requests.json", headers=EN, data="[1, 2]",
                           content_type="application/json")
    assert not_json.status_code == 400
    assert _count(db_session) == 0


def test_a_number_is_kept_only_with_the_code_sent_to_it(
        app: Flask, client: FlaskClient, db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    body = {"jurisdiction_id": n.id, "service_code": "health", "consent": True,
            "description": "希望社区能定期有医生来量血压", "first_name": "阿婆",
            "last_name": "王", "phone": "138 0013 8000"}
    unverified = client.post(f"{BASE}/requests.json", headers=EN, json=body)
    assert [e["field"] for e in unverified.get_json()] == ["verification_code"]
    asked = client.post(f"{BASE}/verifications.json", headers=EN,
                        json={"phone": "+86 138 0013 8000"})
    assert asked.status_code == 200
    assert asked.get_json() == [{"phone": "138****8000", "expires_in": 600}]
    code = _code_sent_to(db_session, "13800138000")
    # The wrong code is chosen knowing every code the number could be accepted with around
    # now (a window and its neighbours), so it is never right by chance.
    window = int(time.time() // verification.WINDOW_SECONDS)
    accepted = {code} | {verification.code_for(app.config["SECRET_KEY"], "13800138000", w)
                         for w in range(window - 2, window + 2)}
    wrong_code = next(c for c in ("000000", "111111", "222222", "333333", "444444",
                                  "555555") if c not in accepted)
    wrong = client.post(f"{BASE}/requests.json", headers=EN,
                        json={**body, "verification_code": wrong_code})
    assert wrong.status_code == 400 and "wrong or has expired" in wrong.get_json()[0][
        "description"]
    assert _count(db_session) == 0
    sent = client.post(f"{BASE}/requests.json", headers=EN,
                       json={**body, "verification_code": code})
    assert sent.status_code == 200, sent.get_json()
    created = db_session.scalars(select(ResidentRequest)).one()
    assert created.phone == "13800138000" and created.name == "王阿婆"
    assert created.consent_at is not None
    bad_number = client.post(f"{BASE}/verifications.json", headers=EN, json={"phone": "12"})
    assert bad_number.status_code == 400 and bad_number.get_json()[0]["field"] == "phone"


def test_verification_codes_are_rate_limited_per_number(
        app: Flask, client: FlaskClient, db_session: Session) -> None:
    app.config["LINLI_REQUEST_VERIFY_RATE_LIMIT_PHONE"] = "1/minute"
    first = client.post(f"{BASE}/verifications.json", headers=EN,
                        data={"phone": "13900139000"})
    again = client.post(f"{BASE}/verifications.json", headers=EN,
                        data={"phone": "139 0013 9000"})
    assert first.status_code == 200 and again.status_code == 429
    assert again.get_json()[0]["code"] == 429 and "Retry-After" in again.headers
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(Notification).where(
        Notification.template == "requests/verify")) == 1


def test_requests_share_the_forms_rate_limit(app: Flask, client: FlaskClient,
                                             db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    app.config["LINLI_REQUEST_RATE_LIMIT_IP"] = "2/minute"
    statuses = [client.post(f"{BASE}/requests.json", headers=EN, data={
        "jurisdiction_id": str(n.id), "service_code": "environment",
        "description": f"第{i}次：垃圾桶满了", "confirm_new": "true"}).status_code
        for i in range(3)]
    assert statuses == [200, 200, 429]
    assert _count(db_session) == 2


def test_lookups_by_code_have_a_rate_limit_per_client(app: Flask, client: FlaskClient,
                                                      db_session: Session) -> None:
    """Both ways of looking up share one budget per client IP; a 429 is Open311's error list
    (in the client's language, JSON or XML) with Retry-After; another client is not held up."""
    req = f.make_resident_request(db_session)
    db_session.commit()
    app.config["LINLI_OPEN311_LOOKUP_RATE_LIMIT_IP"] = "2/minute"
    here, there = {"REMOTE_ADDR": "10.9.8.7"}, {"REMOTE_ADDR": "10.9.8.8"}
    found = client.get(f"{BASE}/requests.json?service_request_id={req.reference_code}",
                       headers=EN, environ_base=here)
    unknown = client.get(f"{BASE}/requests/QWRONG1X.json", headers=EN, environ_base=here)
    refused = client.get(f"{BASE}/requests/{req.reference_code}.json", headers=EN,
                         environ_base=here)
    assert (found.status_code, unknown.status_code, refused.status_code) == (200, 404, 429)
    assert refused.get_json() == [{"code": 429, "description": "Too many requests from here. "
                                   "Please wait a few minutes and try again."}]
    assert int(refused.headers["Retry-After"]) >= 1
    as_xml = client.get(f"{BASE}/requests.xml?service_request_id={req.reference_code}",
                        headers=ZH, environ_base=here)
    assert as_xml.status_code == 429
    error = ET.fromstring(as_xml.data).find("error")
    assert error.findtext("code") == "429" and "请过几分钟再试" in error.findtext("description")
    elsewhere = client.get(f"{BASE}/requests/{req.reference_code}.json", environ_base=there)
    assert elsewhere.status_code == 200
    assert elsewhere.get_json()[0]["service_request_id"] == req.reference_code


def test_an_improvement_already_raised_is_offered_before_a_duplicate(
        app: Flask, client: FlaskClient, db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    building = f.make_building(db_session, neighbourhood=n)
    earlier = f.make_resident_request(db_session, neighbourhood=n, building=building,
                                      name=PRIVATE[0], phone=PRIVATE[1],
                                      text=PRIVATE[3] + "，想搭个花架")
    with app.test_request_context():
        requests.change_status(db_session, earlier, RequestStatus.handling, user=None)
        requests.change_status(db_session, earlier, RequestStatus.improving, user=None,
                               note="同意搭建")
    earlier.board_title = "12号楼前搭建花架"
    db_session.flush()
    body = {"address_id": building.id, "service_code": "public_facilities",
            "description": "花园太晒，能不能搭个花架"}
    offered = client.post(f"{BASE}/requests.json", headers=EN, json=body)
    assert offered.status_code == 409
    [error] = offered.get_json()
    assert "confirm_new=true" in error["description"]
    assert [m["title"] for m in error["similar"]] == ["12号楼前搭建花架"]
    assert not any(value in offered.get_data(as_text=True) for value in PRIVATE)
    assert _count(db_session) == 1
    xml = client.post(f"{BASE}/requests.xml", headers=EN, json=body)
    root = ET.fromstring(xml.data)
    assert root.tag == "errors" and root.find("error/similar/request/title").text == (
        "12号楼前搭建花架")
    raised = client.post(f"{BASE}/requests.json", headers=EN, json={**body,
                                                                      "confirm_new": True})
    assert raised.status_code == 200 and _count(db_session) == 2


def test_a_photo_sent_with_the_request_is_kept_without_its_location(
        client: FlaskClient, db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    sent = client.post(f"{BASE}/requests.json", headers=EN, data={
        "jurisdiction_id": str(n.id), "service_code": "environment",
        "description": "楼道里堆满杂物",
        "media": (io.BytesIO(jpeg_with_gps()), "photo.jpg")},
        content_type="multipart/form-data")
    assert sent.status_code == 200, sent.get_json()
    photo = db_session.scalars(select(RequestPhoto)).one()
    assert Image.open(io.BytesIO(photo.data)).getexif().get(0x8825) is None
    bad = client.post(f"{BASE}/requests.json", headers=EN, data={
        "jurisdiction_id": str(n.id), "service_code": "environment",
        "description": "楼道里堆满杂物", "confirm_new": "true",
        "media": (io.BytesIO(b"not a picture"), "photo.jpg")},
        content_type="multipart/form-data")
    assert bad.status_code == 400 and bad.get_json()[0]["field"] == "media"
    assert _count(db_session) == 1 and photos.MAX_BYTES == 5 * 1024 * 1024


def test_the_state_by_reference_code_shows_no_personal_data(
        app: Flask, client: FlaskClient, db_session: Session) -> None:
    n = f.make_neighbourhood(db_session, name="佳虹")
    resolved = f.make_resident_request(db_session, neighbourhood=n, name=PRIVATE[0],
                                       phone=PRIVATE[1], email=PRIVATE[2], text=PRIVATE[3])
    explained = f.make_resident_request(db_session, neighbourhood=n, name=PRIVATE[0],
                                        phone=PRIVATE[1], text=PRIVATE[3] + "，要装空调")
    merged = f.make_resident_request(db_session, neighbourhood=n, text="花园里搭个花架吧")
    with app.test_request_context():
        requests.change_status(db_session, resolved, RequestStatus.handling, user=None)
        requests.merge(db_session, merged, resolved, user=None)
        requests.change_status(db_session, resolved, RequestStatus.improving, user=None,
                               note="同意")
        requests.change_status(db_session, resolved, RequestStatus.resolved, user=None,
                               note="已完成", board_title="12号楼前搭建花架",
                               result="五月建成花架")
        requests.change_status(db_session, explained, RequestStatus.handling, user=None)
        requests.change_status(db_session, explained, RequestStatus.explained, user=None,
                               note="公共部位不能为个人装空调")
    photo = photos.add_photo(db_session, resolved, photos.clean_photo(jpeg_with_gps()),
                             user=None)
    photos.publish(db_session, photo, no_people=True)
    codes = [resolved.reference_code, explained.reference_code, merged.reference_code,
             "QNOSUCH1"]
    looked_up = client.get(f"{BASE}/requests.json", headers=EN,
                           query_string={"service_request_id": ",".join(codes)})
    assert looked_up.status_code == 200
    states = {s["service_request_id"]: s for s in looked_up.get_json()}
    assert list(states) == codes[:3]  # unknown codes are left out, the order is kept
    assert states[resolved.reference_code]["status"] == "closed"
    assert states[resolved.reference_code]["linli_board_title"] == "12号楼前搭建花架"
    assert states[resolved.reference_code]["media_url"].endswith(
        f"/board/photos/{photo.id}")
    assert states[explained.reference_code]["status"] == "closed"
    assert states[explained.reference_code]["media_url"] is None
    assert states[merged.reference_code]["status"] == "closed"  # its survivor is resolved
    assert states[merged.reference_code]["linli_state"] == "merged"
    assert resolved.reference_code in states[merged.reference_code]["status_notes"]
    body = looked_up.get_data(as_text=True)
    assert not [value for value in PRIVATE if value in body]
    assert "花园里搭个花架吧" not in body and "公共部位" not in body
    xml = ET.fromstring(client.get(
        f"{BASE}/requests/{explained.reference_code}.xml", headers=EN).data)
    assert xml.tag == "service_requests" and xml.findtext("request/status") == "closed"
    unknown = client.get(f"{BASE}/requests/QNOSUCH1.json", headers=ZH)
    assert unknown.status_code == 404 and unknown.get_json()[0]["code"] == 404
    assert client.get(f"{BASE}/requests.json", headers=EN).status_code == 400
    too_many = ",".join(["QABCDEFG"] * 21)
    assert client.get(f"{BASE}/requests.json?service_request_id={too_many}",
                      headers=EN).status_code == 400


def test_unknown_open311_addresses_answer_in_open311s_shape(client: FlaskClient) -> None:
    missing = client.get(f"{BASE}/nothing.json", headers=EN)
    assert missing.status_code == 404 and missing.get_json()[0]["code"] == 404
    wrong_method = client.delete(f"{BASE}/services.json", headers=EN)
    assert wrong_method.status_code == 405 and wrong_method.get_json()[0]["code"] == 405
