"""The public reference-code lookup: a resident types the code of a request or of a sign-up
and sees its state, and nothing personal (the code is read out and printed on sheets, so it is
no secret); a bad code is refused saying why, with the code kept; a POST with the CSRF token,
rate-limited; linked from the pages that show a code and from the request pages."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from app.enums import RegistrationStatus, RequestStatus
from app.services import requests
from tests import factories as f
from tests.helpers import csrf_token_from

pytestmark = pytest.mark.integration


def _look_up(client: FlaskClient, code: str, **kw):  # type: ignore[no-untyped-def]
    page = client.get("/lookup")
    assert page.status_code == 200
    return client.post("/lookup", data={"csrf_token": csrf_token_from(page.get_data(
        as_text=True)), "code": code}, **kw)


def test_a_request_code_shows_its_state_and_nothing_personal(app: Flask, client: FlaskClient,
                                                             db_session: Session) -> None:
    n = f.make_neighbourhood(db_session, name="佳虹")
    req = f.make_resident_request(db_session, neighbourhood=n, name="王阿婆",
                                  phone="13800138000", place="12号楼302室门口",
                                  text="楼道灯坏了，晚上看不见")
    with app.test_request_context():
        requests.change_status(db_session, req, RequestStatus.handling, user=None,
                               note="已电话联系王阿婆 13800138000")
        state, next_step = str(requests.state_label(req)), str(requests.next_step(req))
    # Typed as a resident types it: small letters, spaces, a dash.
    typed = f"{req.reference_code[:3].lower()} {req.reference_code[3:5]}-{req.reference_code[5:]}"
    found = _look_up(client, typed)
    body = found.get_data(as_text=True)
    assert found.status_code == 200
    assert "no-store" in found.headers["Cache-Control"]
    assert "noindex" in found.headers["X-Robots-Tag"]
    assert req.reference_code in body and "佳虹" in body
    assert state in body and next_step in body
    history = body[body.index('id="lookup-history"'):]
    assert history.count("<li>") == 2  # received, then being handled
    for personal in ("王", "13800138000", "8000", "12号楼302室", "楼道灯坏了", req.follow_token):
        assert personal not in body, personal


def test_a_resolved_request_links_to_its_result_on_the_board(app: Flask, client: FlaskClient,
                                                             db_session: Session) -> None:
    n = f.make_neighbourhood(db_session, name="佳虹")
    req = f.make_resident_request(db_session, neighbourhood=n)
    with app.test_request_context():
        requests.change_status(db_session, req, RequestStatus.handling, user=None)
        requests.change_status(db_session, req, RequestStatus.improving, user=None)
        requests.change_status(db_session, req, RequestStatus.resolved, user=None,
                               note="已完成", board_title="花园花架已搭好",
                               result="花架已搭好，欢迎种植")
    body = _look_up(client, req.reference_code).get_data(as_text=True)
    assert "花园花架已搭好" in body and f"/board/{n.id}" in body


def test_a_signup_code_shows_the_place_and_nothing_personal(client: FlaskClient,
                                                            db_session: Session) -> None:
    event = f.make_event(db_session, title="重阳节义诊", place="社区活动中心", capacity=1)
    mine = f.make_registration(db_session, event, name="李建国", phone="13912345678",
                               party_size=2, status=RegistrationStatus.confirmed)
    waiting = f.make_registration(db_session, event, name="张秀英",
                                  status=RegistrationStatus.waitlisted)
    body = _look_up(client, mine.reference_code.lower()).get_data(as_text=True)
    assert "报名成功" in body and "重阳节义诊" in body and "社区活动中心" in body
    for personal in ("李", "13912345678", "5678", mine.cancel_token, "/cancel"):
        assert personal not in body, personal
    body = _look_up(client, waiting.reference_code).get_data(as_text=True)
    assert "候补" in body and "第 1 位" in body and "张" not in body


@pytest.mark.parametrize(("code", "status", "message"), [
    ("", 422, "请输入查询码"),
    ("QZZZZZZZ", 404, "没有查询码为 QZZZZZZZ 的诉求或报名"),
    ("<script>", 404, "没有查询码为 &lt;script&gt; 的诉求或报名"),
])
def test_a_bad_code_is_refused_saying_why_and_kept(client: FlaskClient, db_session: Session,
                                                    code: str, status: int,
                                                    message: str) -> None:
    f.make_resident_request(db_session)
    refused = _look_up(client, code)
    body = refused.get_data(as_text=True)
    assert refused.status_code == status and message in body
    assert 'id="lookup-result"' not in body and 'aria-invalid="true"' in body
    assert f'name="code" value="{code}"'.replace("<", "&lt;").replace(">", "&gt;") in body


def test_lookups_need_the_token_and_are_rate_limited(app: Flask, client: FlaskClient,
                                                      db_session: Session) -> None:
    req = f.make_resident_request(db_session)
    assert client.post("/lookup", data={"code": req.reference_code}).status_code == 400
    app.config["LINLI_LOOKUP_RATE_LIMIT_IP"] = "2/minute"
    address = {"REMOTE_ADDR": "10.9.8.6"}
    statuses = [_look_up(client, f"QWRONG{k}X", environ_base=address).status_code
                for k in range(2)]
    statuses.append(_look_up(client, req.reference_code, environ_base=address).status_code)
    assert statuses == [404, 404, 429]


def test_the_pages_that_show_a_code_link_to_the_lookup(client: FlaskClient,
                                                       db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    req = f.make_resident_request(db_session, neighbourhood=n)
    registration = f.make_registration(db_session, f.make_event(db_session),
                                       status=RegistrationStatus.confirmed)
    for path in (f"/requests/{req.follow_token}", f"/r/{registration.cancel_token}",
                 "/requests/new", "/board/", f"/board/{n.id}"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert 'href="/lookup"' in page.get_data(as_text=True), path
