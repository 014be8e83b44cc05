"""A resident raises a request on the phone: the form (CSRF, honeypot, rate limit, errors that
keep what was typed), and the private page that follows it without showing personal data."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import RequestStatus
from app.models import ResidentRequest
from app.services import requests
from tests import factories as f
from tests.helpers import csrf_token_from

pytestmark = pytest.mark.integration


def _english(client: FlaskClient) -> None:
    with client.session_transaction() as session:
        session["locale"] = "en"


def _post(client: FlaskClient, **fields: str):
    page = client.get("/requests/new").get_data(as_text=True)
    data = {"csrf_token": csrf_token_from(page), "category": "public_facilities",
            "text": "小区花园想搭一个花架，种些爬藤植物", "place": "12号楼前", **fields}
    return client.post("/requests/new", data=data)


def _all(db_session: Session) -> list[ResidentRequest]:
    db_session.expire_all()
    return list(db_session.scalars(select(ResidentRequest)))


def test_the_form_is_cacheable_and_anonymous_sending_works(client: FlaskClient,
                                                           db_session: Session) -> None:
    n = f.make_neighbourhood(db_session, name="佳虹")
    page = client.get(f"/requests/new?neighbourhood={n.id}")
    assert page.status_code == 200 and "Set-Cookie" not in page.headers
    body = page.get_data(as_text=True)
    assert f'<option selected value="{n.id}">' in body or f'value="{n.id}" selected' in body
    sent = _post(client, neighbourhood=str(n.id))
    assert sent.status_code == 303
    [created] = _all(db_session)
    assert sent.headers["Location"].endswith(f"/requests/{created.follow_token}?sent=1")
    assert created.status == RequestStatus.received and created.name is None
    follow = client.get(sent.headers["Location"])
    text = follow.get_data(as_text=True)
    assert follow.status_code == 200
    assert created.reference_code in text and "花架" in text and "佳虹" in text
    assert "no-store" in follow.headers["Cache-Control"]
    assert "noindex" in follow.headers["X-Robots-Tag"]


def test_bad_input_keeps_what_was_typed_and_writes_nothing(client: FlaskClient,
                                                           db_session: Session) -> None:
    _english(client)
    n = f.make_neighbourhood(db_session)
    response = _post(client, neighbourhood=str(n.id), text="", phone="12345",
                     name="Wang Ayi", place="Courtyard of building 12")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please describe your request" in body and "11 digits starting with 1" in body
    assert "Please agree to the use of your details" in body
    assert 'value="Wang Ayi"' in body and 'value="Courtyard of building 12"' in body
    assert _all(db_session) == []


def test_forged_token_and_honeypot_are_refused(client: FlaskClient,
                                               db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    assert _post(client, neighbourhood=str(n.id), csrf_token="forged").status_code == 400
    assert _post(client, neighbourhood=str(n.id), website="http://spam").status_code == 400
    assert _all(db_session) == []


def test_rate_limited_per_ip(app: Flask, client: FlaskClient, db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    app.config["LINLI_REQUEST_RATE_LIMIT_IP"] = "2/minute"
    statuses = [_post(client, neighbourhood=str(n.id)).status_code for _ in range(3)]
    assert statuses == [303, 303, 429]
    assert len(_all(db_session)) == 2


def test_the_private_page_shows_the_history_but_never_the_phone(
        app: Flask, client: FlaskClient, db_session: Session) -> None:
    n = f.make_neighbourhood(db_session, name="永业")
    group = f.make_service_group(db_session, neighbourhood=n, name="永业第二团组")
    req = f.make_resident_request(db_session, neighbourhood=n, name="王阿婆",
                                  phone="13800138000", service_group=group)
    with app.test_request_context():
        requests.change_status(db_session, req, RequestStatus.handling, user=None)
    body = client.get(f"/requests/{req.follow_token}").get_data(as_text=True)
    assert "13800138000" not in body and "王阿婆" not in body and "王**" in body
    assert "永业第二团组" in body  # who has it now
    assert client.get("/requests/not-a-token").status_code == 404


def test_the_state_names_who_really_has_the_request(app: Flask, client: FlaskClient,
                                                    db_session: Session) -> None:
    """FixMyStreet's issue 4457: "handling" named the neighbourhood committee even after a
    department had the request. The state now names the department, or the committee's group;
    with neither, the committee."""
    from app.enums import Role
    from app.services.requests.escalation import escalate

    _english(client)
    n = f.make_neighbourhood(db_session, name="佳虹", name_en="Jiahong")
    group = f.make_service_group(db_session, neighbourhood=n, name="佳虹第一团组")
    town = f.make_department(db_session, name="镇城建办", name_en="Town Building Office")
    coordinator = f.make_user(db_session, Role.coordinator, neighbourhoods=[n])
    held = f.make_resident_request(db_session, neighbourhood=n, service_group=group)
    passed_on = f.make_resident_request(db_session, neighbourhood=n, service_group=group)
    committee = f.make_resident_request(db_session, neighbourhood=n)
    with app.test_request_context():
        for req in (held, passed_on, committee):
            requests.change_status(db_session, req, RequestStatus.handling, user=coordinator)
        escalate(db_session, passed_on, f.level(db_session, "town_department"), user=coordinator,
                 reason="要挖路面", department=town)

    def state(req: ResidentRequest) -> str:
        body = client.get(f"/requests/{req.follow_token}").get_data(as_text=True)
        return body.split('<h1 id="state">')[1].split("</h1>")[0]

    assert state(passed_on) == "Being looked into by Town Building Office"
    assert state(held) == "Being looked into by 佳虹第一团组 of the neighbourhood committee"
    assert state(committee) == "Being looked into by the neighbourhood committee"
    with client.session_transaction() as session:
        session["locale"] = "zh_CN"
    assert state(passed_on) == "镇城建办正在了解处理"
    assert state(held) == "居委会佳虹第一团组正在了解处理"


def _open_improvement(db_session: Session, neighbourhood, building, **kw):
    return f.make_resident_request(db_session, neighbourhood=neighbourhood,
                                   building_id=building.id, status=RequestStatus.improving,
                                   name="王阿婆", phone="13800138000",
                                   text="王阿婆说12号楼前想搭个花架", **kw)


def test_the_same_matter_is_shown_before_sending_without_personal_data(
        client: FlaskClient, db_session: Session) -> None:
    _english(client)
    n = f.make_neighbourhood(db_session, name="佳虹")
    b12 = f.make_building(db_session, neighbourhood=n, number="12")
    raised = _open_improvement(db_session, n, b12, board_title="12号楼前的花架")
    listed = client.get(f"/requests/new?neighbourhood={n.id}&building={b12.id}")
    body = listed.get_data(as_text=True)
    assert 'id="already-raised"' in body and "12号楼前的花架" in body
    assert "王阿婆" not in body and "13800138000" not in body and "想搭个花架" not in body
    assert f"/requests/{raised.id}/me-too" in body
    # sending the same matter shows it first and writes nothing …
    shown = _post(client, neighbourhood=str(n.id), building=str(b12.id))
    assert shown.status_code == 200
    text = shown.get_data(as_text=True)
    assert "12号楼前的花架" in text and 'name="confirm_new"' in text
    assert "小区花园想搭一个花架" in text  # what the resident typed is kept
    assert [r.id for r in _all(db_session)] == [raised.id]
    # … until the resident says theirs is different
    sent = _post(client, neighbourhood=str(n.id), building=str(b12.id), confirm_new="1")
    assert sent.status_code == 303
    [created] = [r for r in _all(db_session) if r.id != raised.id]
    assert created.building_id == b12.id


def test_a_building_of_another_neighbourhood_is_refused(client: FlaskClient,
                                                         db_session: Session) -> None:
    _english(client)
    n = f.make_neighbourhood(db_session)
    elsewhere = f.make_building(db_session)
    for building in (str(elsewhere.id), "twelve"):
        response = _post(client, neighbourhood=str(n.id), building=building)
        assert response.status_code == 422
        assert "not in the chosen neighbourhood" in response.get_data(as_text=True)
    assert _all(db_session) == []


def test_me_too_is_counted_once_per_browser_and_rate_limited(
        app: Flask, client: FlaskClient, db_session: Session) -> None:
    _english(client)
    n = f.make_neighbourhood(db_session)
    b = f.make_building(db_session, neighbourhood=n)
    raised = _open_improvement(db_session, n, b)
    private = f.make_resident_request(db_session, neighbourhood=n, building_id=b.id)
    page = client.get(f"/requests/new?neighbourhood={n.id}&building={b.id}")
    token = csrf_token_from(page.get_data(as_text=True))
    first = client.post(f"/requests/{raised.id}/me-too", data={"csrf_token": token})
    assert first.status_code == 200 and "2 residents" in first.get_data(as_text=True)
    again = client.post(f"/requests/{raised.id}/me-too", data={"csrf_token": token})
    assert "already added your voice" in again.get_data(as_text=True)
    assert client.post(f"/requests/{private.id}/me-too",
                       data={"csrf_token": token}).status_code == 404
    assert client.post(f"/requests/{raised.id}/me-too",
                       data={"csrf_token": "forged"}).status_code == 400
    app.config["LINLI_ME_TOO_RATE_LIMIT_IP"] = "1/minute"
    statuses = []
    for other in (app.test_client(), app.test_client()):  # two browsers, one address
        anonymous = csrf_token_from(other.get(f"/requests/new?neighbourhood={n.id}&building="
                                              f"{b.id}").get_data(as_text=True))
        statuses.append(other.post(f"/requests/{raised.id}/me-too",
                                   data={"csrf_token": anonymous},
                                   environ_base={"REMOTE_ADDR": "10.9.8.7"}).status_code)
    assert statuses == [200, 429]
    db_session.expire_all()
    assert (raised.me_too, private.me_too) == (2, 0)  # this browser's, and one more


def test_the_questionnaire_link_records_one_answer(client: FlaskClient,
                                                   db_session: Session) -> None:
    _english(client)
    n = f.make_neighbourhood(db_session, name="佳虹")
    req = f.make_resident_request(db_session, neighbourhood=n, name="王阿婆",
                                  phone="13800138000", status=RequestStatus.resolved,
                                  survey_token="shortTOKEN1")
    assert client.get("/s/unknown").status_code == 404
    page = client.get("/s/shortTOKEN1")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "no-store" in page.headers["Cache-Control"]
    assert "王阿婆" not in body and "13800138000" not in body
    token = csrf_token_from(body)
    refused = client.post("/s/shortTOKEN1", data={"csrf_token": token, "answer": "meh"})
    assert refused.status_code == 422 and "choose one of the answers" in \
        refused.get_data(as_text=True)
    sent = client.post("/s/shortTOKEN1", data={"csrf_token": token, "answer": "satisfied",
                                                "comment": "谢谢居委会"})
    assert sent.status_code == 303
    thanks = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert 'id="answered"' in thanks and "<form" not in thanks.split('id="answered"')[1]
    again = client.post("/s/shortTOKEN1", data={"csrf_token": token, "answer": "not_satisfied"})
    assert again.status_code == 409
    db_session.expire_all()
    assert req.status == RequestStatus.resolved and req.answer.comment == "谢谢居委会"


def test_a_photo_is_sent_with_the_request_and_seen_only_where_allowed(
        client: FlaskClient, db_session: Session) -> None:
    from io import BytesIO

    from tests.app.services.requests.test_photos import jpeg_with_gps

    _english(client)
    n = f.make_neighbourhood(db_session)
    page = client.get("/requests/new").get_data(as_text=True)
    base = {"csrf_token": csrf_token_from(page), "category": "public_facilities",
            "text": "路灯坏了", "neighbourhood": str(n.id)}
    refused = client.post("/requests/new", content_type="multipart/form-data", data={
        **base, "photo": (BytesIO(b"%PDF-1.4 nothing"), "scan.pdf")})
    assert refused.status_code == 422 and "not a photo" in refused.get_data(as_text=True)
    assert _all(db_session) == []
    sent = client.post("/requests/new", content_type="multipart/form-data", data={
        **base, "photo": (BytesIO(jpeg_with_gps()), "IMG_0001.jpg")})
    assert sent.status_code == 303
    [created] = _all(db_session)
    [photo] = created.photos
    mine = client.get(f"/requests/{created.follow_token}/photos/{photo.id}")
    assert mine.status_code == 200 and mine.mimetype == "image/jpeg"
    assert b"PhoneMaker" not in mine.data and "no-store" in mine.headers["Cache-Control"]
    assert client.get(f"/requests/not-the-token/photos/{photo.id}").status_code == 404
    assert client.get(f"/board/photos/{photo.id}").status_code == 404  # not published


def test_the_request_pages_call_the_code_a_request_code_not_a_sign_up_number(
        client: FlaskClient, db_session: Session) -> None:
    """The code shared with event sign-ups reads 报名编号 (sign-up number); a resident's
    request pages call theirs 查询码, as its SMS and e-mails do."""
    n = f.make_neighbourhood(db_session, name="佳虹")
    req = f.make_resident_request(db_session, neighbourhood=n, status=RequestStatus.resolved,
                                  survey_token="shortTOKEN2")
    for url in (f"/requests/{req.follow_token}", "/s/shortTOKEN2"):
        body = client.get(url).get_data(as_text=True)
        assert '<dt>查询码</dt><dd class="code"' in body and req.reference_code in body
        assert "报名" not in body
    _english(client)
    body = client.get(f"/requests/{req.follow_token}").get_data(as_text=True)
    assert "<dt>Reference code of your request</dt>" in body
