"""A photo chosen on the public request form is not lost when the form comes back to the
resident (a code sent by SMS, a mistake to correct, the same matter already raised): it is
held, checked and stripped, and goes with the request when it is sent; a held photo gone
(kept only some hours) is said, and forgotten photos are purged."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.enums import RequestStatus
from app.models import HeldRequestPhoto, Notification, ResidentRequest, utcnow
from app.services.requests import photos
from tests import factories as f
from tests.app.services.requests.test_photos import jpeg_with_gps
from tests.helpers import csrf_token_from

pytestmark = pytest.mark.integration


def _english(client: FlaskClient) -> None:
    with client.session_transaction() as session:
        session["locale"] = "en"


def _base(client: FlaskClient, neighbourhood_id: int, **fields: str) -> dict[str, object]:
    page = client.get("/requests/new").get_data(as_text=True)
    return {"csrf_token": csrf_token_from(page), "neighbourhood": str(neighbourhood_id),
            "category": "public_facilities", "text": "路灯坏了", **fields}


def _post(client: FlaskClient, path: str, data: dict[str, object], photo: bool = False):
    if photo:
        data = {**data, "photo": (BytesIO(jpeg_with_gps()), "IMG_0001.jpg")}
    return client.post(path, content_type="multipart/form-data", data=data)


def _held_token(body: str) -> str:
    found = re.search(r'name="held_photo" type="hidden" value="([^"]*)"', body) or re.search(
        r'id="held_photo" name="held_photo" type="hidden" value="([^"]*)"', body)
    assert found, "the form carries no held photo"
    return found.group(1)


def _sent(db_session: Session) -> list[ResidentRequest]:
    db_session.expire_all()
    return list(db_session.scalars(select(ResidentRequest)))


def _held(db_session: Session) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(HeldRequestPhoto)) or 0


def test_a_mistake_to_correct_keeps_the_photo(client: FlaskClient, db_session: Session) -> None:
    _english(client)
    n = f.make_neighbourhood(db_session)
    data = _base(client, n.id, phone="13800138000")  # a number without its code: refused
    refused = _post(client, "/requests/new", data, photo=True)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="photo-held"' in body
    token = _held_token(body)
    assert token and _sent(db_session) == [] and _held(db_session) == 1

    sent = _post(client, "/requests/new", {**data, "phone": "", "held_photo": token})
    assert sent.status_code == 303
    [created] = _sent(db_session)
    [photo] = created.photos
    assert photo.stage == "before" and photo.uploaded_by_id is None
    assert b"PhoneMaker" not in photo.data  # held as checked and stripped
    assert _held(db_session) == 0  # it went with the request


def test_asking_for_a_code_keeps_the_photo(client: FlaskClient, db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    data = _base(client, n.id, phone="13800138000", name="王阿婆", consent="y")
    asked = _post(client, "/requests/new/code", data, photo=True)
    body = asked.get_data(as_text=True)
    assert asked.status_code == 200 and 'id="code-sent"' in body and 'id="photo-held"' in body
    token = _held_token(body)
    db_session.expire_all()
    sms = db_session.scalars(select(Notification.body).where(
        Notification.template == "requests/verify")).one()
    code = re.search(r"\b(\d{6})\b", sms).group(1)  # type: ignore[union-attr]
    sent = _post(client, "/requests/new", {**data, "verification_code": code,
                                            "held_photo": token})
    assert sent.status_code == 303
    [created] = _sent(db_session)
    assert created.phone == "13800138000" and len(created.photos) == 1


def test_the_same_matter_shown_first_keeps_the_photo(client: FlaskClient,
                                                      db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    building = f.make_building(db_session, neighbourhood=n, number="12")
    raised = f.make_resident_request(db_session, neighbourhood=n, building_id=building.id,
                                     status=RequestStatus.improving, board_title="12号楼路灯")
    data = _base(client, n.id, building=str(building.id))
    shown = _post(client, "/requests/new", data, photo=True)
    body = shown.get_data(as_text=True)
    assert shown.status_code == 200 and 'id="already-raised"' in body
    token = _held_token(body)
    sent = _post(client, "/requests/new", {**data, "confirm_new": "1", "held_photo": token})
    assert sent.status_code == 303
    [created] = [r for r in _sent(db_session) if r.id != raised.id]
    assert len(created.photos) == 1


def test_a_held_photo_gone_is_said_and_the_form_can_still_be_sent(
        client: FlaskClient, db_session: Session) -> None:
    _english(client)
    n = f.make_neighbourhood(db_session)
    data = _base(client, n.id, phone="13800138000")
    token = _held_token(_post(client, "/requests/new", data, photo=True).get_data(as_text=True))
    db_session.execute(HeldRequestPhoto.__table__.update().values(
        held_at=utcnow() - photos.HELD_FOR - timedelta(minutes=1)))
    gone = _post(client, "/requests/new", {**data, "phone": "", "held_photo": token})
    body = gone.get_data(as_text=True)
    assert gone.status_code == 422 and "no longer kept" in body and _sent(db_session) == []
    assert _held_token(body) == ""  # the resident may now send without it
    assert _post(client, "/requests/new", {**data, "phone": ""}).status_code == 303
    [created] = _sent(db_session)
    assert created.photos == []


def test_forgotten_held_photos_are_purged(app, db_session: Session) -> None:
    with app.test_request_context():
        clean = photos.clean_photo(jpeg_with_gps())
    old, fresh = photos.hold(db_session, clean), photos.hold(db_session, clean)
    db_session.execute(HeldRequestPhoto.__table__.update().where(
        HeldRequestPhoto.token == old).values(
        held_at=utcnow() - photos.HELD_FOR - timedelta(seconds=1)))
    assert photos.purge_held(db_session) == 1
    assert photos.held(db_session, old) is None
    assert photos.held(db_session, fresh) == clean
    assert photos.held(db_session, "x" * 65) is None
