"""The public form keeps a resident's mobile number only with the code sent to it by SMS (the
same code service as the Open311 API): asking for the code keeps everything typed, a missing
or wrong code is refused in the same round as every other mistake, the sending is
rate-limited per number, and without a number the request is anonymous."""

from __future__ import annotations

import re
import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Notification, ResidentRequest
from app.services.requests import verification
from tests import factories as f
from tests.helpers import csrf_token_from

pytestmark = pytest.mark.integration

TEXT = "希望社区能定期有医生来量血压"


def _english(client: FlaskClient) -> None:
    with client.session_transaction() as session:
        session["locale"] = "en"


def _fields(client: FlaskClient, neighbourhood_id: int, **fields: str) -> dict[str, str]:
    page = client.get("/requests/new").get_data(as_text=True)
    return {"csrf_token": csrf_token_from(page), "neighbourhood": str(neighbourhood_id),
            "category": "health", "text": TEXT, "name": "王阿婆", "consent": "y", **fields}


def _codes_sent(db_session: Session, phone: str) -> list[str]:
    db_session.expire_all()
    bodies = db_session.scalars(select(Notification.body).where(
        Notification.address == phone, Notification.template == "requests/verify")
        .order_by(Notification.id)).all()
    return [re.search(r"\b(\d{6})\b", body).group(1) for body in bodies]  # type: ignore[union-attr]


def _requests(db_session: Session) -> list[ResidentRequest]:
    db_session.expire_all()
    return list(db_session.scalars(select(ResidentRequest)))


def test_a_number_is_kept_only_with_the_code_sent_to_it(app: Flask, client: FlaskClient,
                                                        db_session: Session) -> None:
    _english(client)
    n = f.make_neighbourhood(db_session)
    data = _fields(client, n.id, phone="138 0013 8000", place="12号楼")
    unverified = client.post("/requests/new", data=data)
    body = unverified.get_data(as_text=True)
    assert unverified.status_code == 422 and "first ask for a verification code" in body
    assert _requests(db_session) == [] and _codes_sent(db_session, "13800138000") == []
    asked = client.post("/requests/new/code", data=data)
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert "138****8000" in page
    # Everything typed is still there to send with the code.
    assert 'value="12号楼"' in page and TEXT in page and 'value="138 0013 8000"' in page
    [code] = _codes_sent(db_session, "13800138000")
    # The wrong code differs from every code the number could be accepted with around now
    # (this window and its neighbours), so it is never right by chance.
    window = int(time.time() // verification.WINDOW_SECONDS)
    accepted = {code} | {verification.code_for(app.config["SECRET_KEY"], "13800138000", w)
                         for w in range(window - 2, window + 2)}
    wrong = next(c for c in ("000000", "111111", "222222", "333333", "444444", "555555")
                 if c not in accepted)
    refused = client.post("/requests/new", data={**data, "verification_code": wrong})
    assert refused.status_code == 422 and "wrong or has expired" in refused.get_data(as_text=True)
    assert _requests(db_session) == []
    sent = client.post("/requests/new", data={**data, "verification_code": f" {code} "})
    assert sent.status_code == 303, sent.get_data(as_text=True)[-600:]
    [created] = _requests(db_session)
    assert created.phone == "13800138000" and created.name == "王阿婆"
    assert created.consent_at is not None


def test_every_mistake_is_named_in_one_round(client: FlaskClient,
                                             db_session: Session) -> None:
    _english(client)
    n = f.make_neighbourhood(db_session)
    data = _fields(client, n.id, phone="13800138000", text="", consent="",
                   verification_code="12")
    response = client.post("/requests/new", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please describe your request" in body
    assert "Please agree to the use of your details" in body
    assert "wrong or has expired" in body
    assert "Please correct 3 problems" in body
    bad_number = client.post("/requests/new/code", data={**data, "phone": "12345"})
    assert bad_number.status_code == 422
    assert "11 digits starting with 1" in bad_number.get_data(as_text=True)
    assert _requests(db_session) == []
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(Notification)) == 0


def test_without_a_number_the_request_is_anonymous(client: FlaskClient,
                                                    db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    data = _fields(client, n.id, name="", consent="", verification_code="123456")
    sent = client.post("/requests/new", data=data)
    assert sent.status_code == 303
    [created] = _requests(db_session)
    assert created.phone is None and created.name is None and created.consent_at is None


def test_codes_are_rate_limited_per_number_and_need_the_forms_token(
        app: Flask, client: FlaskClient, db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    app.config["LINLI_REQUEST_VERIFY_RATE_LIMIT_PHONE"] = "1/minute"
    data = _fields(client, n.id, phone="13900139000")
    assert client.post("/requests/new/code", data={**data, "csrf_token": "forged"}
                       ).status_code == 400
    assert client.post("/requests/new/code", data=data).status_code == 200
    again = client.post("/requests/new/code", data={**data, "phone": "139 0013 9000"})
    assert again.status_code == 429
    assert len(_codes_sent(db_session, "13900139000")) == 1


def test_a_code_asked_for_on_the_form_is_good_for_the_api_too(
        client: FlaskClient, db_session: Session) -> None:
    """One code service: a code asked for on the form is good for the API too."""
    n = f.make_neighbourhood(db_session)
    data = _fields(client, n.id, phone="13700137000")
    assert client.post("/requests/new/code", data=data).status_code == 200
    [code] = _codes_sent(db_session, "13700137000")
    sent = client.post("/api/v1/open311/requests.json", json={
        "jurisdiction_id": n.id, "service_code": "health", "description": TEXT,
        "phone": "13700137000", "verification_code": code, "consent": True,
        "confirm_new": True})
    assert sent.status_code == 200, sent.get_json()
    [created] = _requests(db_session)
    assert created.phone == "13700137000"
