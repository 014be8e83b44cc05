"""/api/v1: documented, problem+json errors in the client's language, same rules as pages."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from openapi_spec_validator import validate
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.api.problems import TITLES
from app.enums import EventStatus, RegistrationStatus
from app.models import Registration
from tests.factories import make_event, make_shift, make_slot

pytestmark = pytest.mark.integration

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


def open_event(session: Session, **kw):  # type: ignore[no-untyped-def]
    kw.setdefault("capacity", 2)
    kw.setdefault("status", EventStatus.published)
    return make_event(session, **kw)


def body(**overrides):  # type: ignore[no-untyped-def]
    data = {"name": "张三丰", "phone": "+86 138 0013 8000", "building": "3号楼",
            "room": "201", "consent": True}
    data.update(overrides)
    return data


def count(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Registration)) or 0


def test_openapi_document_validates_and_lists_every_route(app: Flask,
                                                          client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    documented = {(path, method.upper()) for path, ops in spec["paths"].items()
                  for method in ops if method != "parameters"}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and not rule.rule.endswith("openapi.json"):
            path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routes.add((path, method))
    assert routes and routes <= documented
    error = spec["components"]["responses"]["NOT_FOUND"]["content"]
    assert list(error) == ["application/problem+json"]


def test_list_and_read_public_events(client: FlaskClient, db_session: Session) -> None:
    event = open_event(db_session, place="社区活动中心")
    make_shift(db_session, event, title="量血压")
    slot_event = open_event(db_session, capacity=None)
    slot = make_slot(db_session, slot_event, capacity=4)
    hidden = open_event(db_session, is_public=False)
    items = client.get("/api/v1/events", headers=EN).get_json()["items"]
    ids = [item["id"] for item in items]
    assert event.id in ids and slot_event.id in ids and hidden.id not in ids
    one = client.get(f"/api/v1/events/{event.id}").get_json()
    assert one["places"] == {"capacity": 2, "remaining": 2, "waitlisted": 0}
    assert one["services"] == ["量血压"] and one["registration"] == "open"
    assert one["url"].endswith(f"/events/{event.id}")
    other = client.get(f"/api/v1/events/{slot_event.id}").get_json()
    assert other["places"] is None and other["slots"][0]["id"] == slot.id
    assert client.get(f"/api/v1/events/{hidden.id}").status_code == 404
    filtered = client.get(f"/api/v1/events?kind=training&neighbourhood={event.neighbourhood_id}")
    assert filtered.get_json()["items"] == []


def test_sign_up_waitlist_and_cancel(client: FlaskClient, db_session: Session) -> None:
    event = open_event(db_session, capacity=1)
    first = client.post(f"/api/v1/events/{event.id}/registrations", json=body())
    assert first.status_code == 201
    data = first.get_json()
    assert data["status"] == "confirmed" and data["name"] == "张**"
    assert "phone" not in data and "building" not in data and "13800138000" not in first.text
    second = client.post(f"/api/v1/events/{event.id}/registrations",
                         json=body(phone="13900000001", name="李四"))
    assert second.get_json()["status"] == "waitlisted"
    assert second.get_json()["waitlist_position"] == 1
    cancelled = client.post(f"/api/v1/registrations/{data['cancel_token']}/cancel")
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    again = client.post(f"/api/v1/registrations/{data['cancel_token']}/cancel")
    assert again.status_code == 200
    promoted = client.get(f"/api/v1/registrations/{second.get_json()['cancel_token']}")
    assert promoted.get_json()["status"] == "confirmed"
    assert promoted.get_json()["waitlist_position"] is None
    assert client.get("/api/v1/registrations/nope").status_code == 404


def test_errors_are_problem_details_in_the_requested_language(
    app: Flask, client: FlaskClient, db_session: Session
) -> None:
    event = open_event(db_session)
    response = client.get("/api/v1/events/999999", headers=EN)
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    problem = response.get_json()
    assert problem["title"] == "Not found" and problem["status"] == 404
    assert set(problem) >= {"type", "title", "status", "detail"}
    zh = client.get("/api/v1/events/999999", headers=ZH).get_json()
    with app.test_request_context(), force_locale("zh_CN"):
        assert zh["title"] == str(TITLES[404])
    bad = client.post(f"/api/v1/events/{event.id}/registrations", headers=EN,
                      json=body(phone="12345", consent=False))
    assert bad.status_code == 422 and bad.content_type == "application/problem+json"
    problem = bad.get_json()
    assert problem["code"] == "invalid"
    assert set(problem["errors"]) == {"phone", "consent"}
    assert "mainland mobile number" in problem["errors"]["phone"]
    missing = client.post(f"/api/v1/events/{event.id}/registrations", headers=EN,
                          json={"phone": "13800138000"})
    assert missing.status_code == 422 and {"name", "consent"} <= set(missing.get_json()["errors"])
    not_json = client.post(f"/api/v1/events/{event.id}/registrations", headers=EN,
                           data="name=x", content_type="text/plain")
    assert not_json.status_code == 422
    wrong_method = client.delete("/api/v1/events", headers=EN)
    assert wrong_method.status_code == 405
    assert wrong_method.content_type == "application/problem+json"
    assert count(db_session) == 0


def test_duplicate_full_and_closed_are_409(client: FlaskClient, db_session: Session) -> None:
    event = open_event(db_session, capacity=1, waitlist_enabled=False)
    assert client.post(f"/api/v1/events/{event.id}/registrations", json=body()).status_code == 201
    duplicate = client.post(f"/api/v1/events/{event.id}/registrations", json=body(), headers=EN)
    assert duplicate.status_code == 409 and duplicate.get_json()["code"] == "duplicate"
    full = client.post(f"/api/v1/events/{event.id}/registrations", headers=EN,
                       json=body(phone="13900000009"))
    assert full.status_code == 409 and full.get_json()["code"] == "full"
    draft = open_event(db_session, status=EventStatus.draft)
    closed = client.post(f"/api/v1/events/{draft.id}/registrations", json=body())
    assert closed.status_code in (404, 409)
    assert count(db_session) == 1
    assert db_session.scalars(select(Registration.status)).all() == [
        RegistrationStatus.confirmed]


def test_api_sign_up_is_rate_limited(app: Flask, client: FlaskClient,
                                     db_session: Session) -> None:
    event = open_event(db_session, capacity=10)
    app.config["LINLI_SIGNUP_RATE_LIMIT_PHONE"] = "1/minute"
    assert client.post(f"/api/v1/events/{event.id}/registrations", json=body()).status_code == 201
    limited = client.post(f"/api/v1/events/{event.id}/registrations", json=body(), headers=EN)
    assert limited.status_code == 429
    assert limited.content_type == "application/problem+json"
    assert limited.get_json()["title"] == "Too many requests"
