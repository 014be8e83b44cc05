"""Public pages over HTTP: browse, sign up, confirmation, cancel; protection."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.enums import EventKind, EventStatus, RegistrationStatus, Role
from app.models import Notification, Registration
from app.services import signup
from tests.app.conftest import signup_form
from tests.factories import (
    PASSWORD,
    make_event,
    make_neighbourhood,
    make_shift,
    make_slot,
    make_user,
)
from tests.helpers import csrf_token_from, login

pytestmark = pytest.mark.integration



def english(client: FlaskClient) -> None:
    """What the language switch remembers (pages do not follow Accept-Language)."""
    with client.session_transaction() as session:
        session["locale"] = "en"


def open_event(session: Session, **kw):  # type: ignore[no-untyped-def]
    kw.setdefault("capacity", 3)
    kw.setdefault("status", EventStatus.published)
    kw.setdefault("title", "学雷锋便民服务日")
    return make_event(session, **kw)


def registrations(session: Session) -> list[Registration]:
    session.expire_all()
    return list(session.scalars(select(Registration).order_by(Registration.id)))


def post_signup(client: FlaskClient, event_id: int, headers=None, **overrides):  # type: ignore[no-untyped-def]
    page = client.get(f"/events/{event_id}", headers=headers)
    data = signup_form(**overrides)
    data["csrf_token"] = csrf_token_from(page.get_data(as_text=True))
    return client.post(f"/events/{event_id}/signup", data=data, headers=headers)


@pytest.fixture
def outbox(app: Flask, tmp_path: Path) -> Iterator[Path]:
    saved = app.config["LINLI_MAIL_OUTBOX"]
    app.config["LINLI_MAIL_OUTBOX"] = str(tmp_path)
    app.extensions.pop("linli_notify", None)
    yield tmp_path
    app.config["LINLI_MAIL_OUTBOX"] = saved
    app.extensions.pop("linli_notify", None)


def test_list_shows_upcoming_public_events_with_filters(client: FlaskClient,
                                                        db_session: Session) -> None:
    here, there = make_neighbourhood(db_session), make_neighbourhood(db_session)
    service_day = open_event(db_session, neighbourhood=here, title="社区义诊活动")
    training = open_event(db_session, neighbourhood=there, kind=EventKind.training,
                          title="急救培训", start_at=datetime.now(UTC) + timedelta(days=20),
                          end_at=datetime.now(UTC) + timedelta(days=20, hours=2))
    open_event(db_session, title="草稿活动", status=EventStatus.draft)
    open_event(db_session, title="内部活动", is_public=False)
    open_event(db_session, title="过去的活动", start_at=datetime.now(UTC) - timedelta(days=3),
               end_at=datetime.now(UTC) - timedelta(days=3) + timedelta(hours=2))
    html = client.get("/events/").get_data(as_text=True)
    assert service_day.title in html and training.title in html
    assert "草稿活动" not in html and "内部活动" not in html and "过去的活动" not in html
    assert 'lang="zh-CN"' in html
    html = client.get(f"/events/?neighbourhood={there.id}").get_data(as_text=True)
    assert training.title in html and service_day.title not in html
    html = client.get("/events/?kind=training").get_data(as_text=True)
    assert training.title in html and service_day.title not in html
    day = (datetime.now(UTC) + timedelta(days=15)).date().isoformat()
    html = client.get(f"/events/?from={day}").get_data(as_text=True)
    assert training.title in html and service_day.title not in html
    html = client.get(f"/events/?to={day}&kind=bogus&from=notadate").get_data(as_text=True)
    assert service_day.title in html and training.title not in html
    # The kind filter offers only kinds that can show something: no care visits, no patrols.
    kind_filter = html.split('name="kind"')[1].split("</select>")[0]
    offered = re.findall(r'<option value="(\w+)"', kind_filter)
    assert offered == ["service_day", "training"]


def test_event_page_shows_places_services_and_slots(client: FlaskClient,
                                                    db_session: Session) -> None:
    english(client)
    event = open_event(db_session, capacity=5, place="社区活动中心")
    make_shift(db_session, event, title="量血压")
    make_shift(db_session, event, title="理发")
    slot_event = open_event(db_session, capacity=None)
    make_slot(db_session, slot_event, label="09:00 理发", capacity=2)
    signup.register(db_session, event.id, signup.Applicant(
        name="王五", phone="13900000001", building="9号楼", room="909", consent=True))
    html = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "量血压" in html and "理发" in html and "社区活动中心" in html
    assert "4 places left" in html
    # Nobody's personal data on a public page.
    assert "13900000001" not in html and "909" not in html and "王五" not in html
    html = client.get(f"/events/{slot_event.id}").get_data(as_text=True)
    assert "09:00 理发" in html and "2 places left" in html
    assert client.get("/events/999999").status_code == 404
    assert client.get(f"/events/{open_event(db_session, is_public=False).id}").status_code == 404


def test_sign_up_confirm_and_cancel_without_login(client: FlaskClient,
                                                  db_session: Session) -> None:
    english(client)
    event = open_event(db_session, capacity=2)
    response = post_signup(client, event.id)
    assert response.status_code == 303
    location = response.headers["Location"]
    [registration] = registrations(db_session)
    assert registration.phone == "13800138000" and registration.consent_at is not None
    assert registration.locale == "en"
    page = client.get(location).get_data(as_text=True)
    assert "You have a place" in page and registration.reference_code in page
    assert "张**" in page and "张三丰" not in page and "13800138000" not in page
    cancel_link = re.search(r'href="(/r/[^"]+/cancel)"', page).group(1)
    ask = client.get(cancel_link)
    assert "Yes, cancel my place" in ask.get_data(as_text=True)
    assert registrations(db_session)[0].status == RegistrationStatus.confirmed  # GET is safe
    done = client.post(cancel_link, data={"csrf_token": csrf_token_from(ask.get_data(
        as_text=True))})
    assert done.status_code == 303
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Your sign-up is cancelled" in page
    assert registrations(db_session)[0].status == RegistrationStatus.cancelled


def test_full_event_offers_the_waitlist(client: FlaskClient, db_session: Session) -> None:
    english(client)
    event = open_event(db_session, capacity=1)
    signup.register(db_session, event.id, signup.Applicant(name="甲", phone="13900000001",
                                                            consent=True))
    html = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "You can join the waitlist" in html and "Join the waitlist" in html
    response = post_signup(client, event.id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You are on the waitlist" in page and "number 1 on the waitlist" in page


@pytest.mark.parametrize(("overrides", "message", "status"), [
    ({"phone": "12345"}, "Please enter a mainland mobile number", 422),
    ({"party_size": "9"}, "The number of people must be between 1 and 2", 422),
    ({"party_size": "x"}, "The number of people must be between 1 and 2", 422),
    ({"consent": None}, "Please agree to the use of your details", 422),
    ({"name": ""}, "Please enter your name", 422),
])
def test_bad_input_gives_a_clear_message_and_creates_nothing(
    client: FlaskClient, db_session: Session, overrides, message, status
) -> None:
    english(client)
    event = open_event(db_session, max_party_size=2)
    response = post_signup(client, event.id, **overrides)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert message in html
    assert 'aria-invalid="true"' in html
    assert registrations(db_session) == []


def test_duplicate_and_closed_are_refused(client: FlaskClient, db_session: Session) -> None:
    english(client)
    event = open_event(db_session)
    assert post_signup(client, event.id).status_code == 303
    again = post_signup(client, event.id, phone="+86 138-0013-8000", name="李四")
    assert again.status_code == 409
    assert "already has a place" in again.get_data(as_text=True)
    closed = open_event(db_session, registration_opens_at=datetime.now(UTC) - timedelta(days=2),
                        registration_closes_at=datetime.now(UTC) - timedelta(minutes=1))
    page = client.get(f"/events/{closed.id}").get_data(as_text=True)
    assert "Sign-up closed" in page and "signup-title" not in page
    token = csrf_token_from(page)
    refused = client.post(f"/events/{closed.id}/signup",
                          data={**signup_form(), "csrf_token": token})
    assert refused.status_code == 409
    assert "Sign-up for this event is closed" in refused.get_data(as_text=True)
    assert len(registrations(db_session)) == 1


def test_csrf_and_honeypot(client: FlaskClient, db_session: Session) -> None:
    event = open_event(db_session)
    assert client.post(f"/events/{event.id}/signup", data=signup_form()).status_code == 400
    assert post_signup(client, event.id, website="http://spam").status_code == 400
    assert registrations(db_session) == []


def test_rate_limits_per_mobile_number_and_per_ip(app: Flask, client: FlaskClient,
                                                  db_session: Session) -> None:
    english(client)
    event = open_event(db_session, capacity=50)
    app.config["LINLI_SIGNUP_RATE_LIMIT_PHONE"] = "2/minute"
    statuses = [post_signup(client, event.id, phone=p).status_code
                for p in ("13800138000", "+86 138 0013 8000", "138-0013-8000")]
    assert statuses == [303, 409, 429]
    app.config["LINLI_SIGNUP_RATE_LIMIT_IP"] = "3/minute"
    other = app.test_client()
    environ = {"REMOTE_ADDR": "10.9.8.7"}
    results = []
    for n in range(4):
        page = other.get(f"/events/{event.id}")
        data = {**signup_form(phone=f"1370000{n:04d}"),
                "csrf_token": csrf_token_from(page.get_data(as_text=True))}
        results.append(other.post(f"/events/{event.id}/signup", data=data,
                                  environ_base=environ))
    assert [r.status_code for r in results] == [303, 303, 303, 429]
    assert "报名次数过多" in results[-1].get_data(as_text=True)  # Chinese by default


def test_security_headers_on_public_pages(client: FlaskClient, db_session: Session) -> None:
    response = client.get("/events/")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_promoted_resident_is_notified_by_email_or_sms(
    app: Flask, client: FlaskClient, db_session: Session, outbox: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    event = open_event(db_session, capacity=1, title="理发服务")
    first = signup.register(db_session, event.id, signup.Applicant(
        name="甲", phone="13900000001", consent=True)).registration
    by_mail = signup.register(db_session, event.id, signup.Applicant(
        name="乙", phone="13900000002", email="yi@example.org", consent=True,
        locale="en")).registration
    by_sms = signup.register(db_session, event.id, signup.Applicant(
        name="丙", phone="13900000003", consent=True)).registration
    db_session.commit()
    page = client.get(f"/r/{first.cancel_token}/cancel")
    client.post(f"/r/{first.cancel_token}/cancel",
                data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    [mail] = list(outbox.glob("*.eml"))
    text = mail.read_text()
    assert "yi@example.org" in text and by_mail.reference_code in text
    assert f"/r/{by_mail.cancel_token}" in text
    # Second cancellation: the SMS sender (logging implementation) tells the next one.
    page = client.get(f"/r/{by_mail.cancel_token}/cancel")
    with caplog.at_level("INFO", logger="app.services.notify"):
        client.post(f"/r/{by_mail.cancel_token}/cancel",
                    data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    # The development sender logs the masked number and the template, never the text.
    [told] = [r.getMessage() for r in caplog.records if "SMS to 139***03" in r.getMessage()]
    assert by_sms.reference_code not in told
    message = db_session.scalar(select(Notification).where(
        Notification.registration_id == by_sms.id).order_by(Notification.id.desc()))
    assert by_sms.reference_code in message.body
    assert registrations(db_session)[2].status == RegistrationStatus.confirmed


# -- Coordinators' pages ---------------------------------------------------------------------

def test_staff_pages_need_login_role_and_scope(client: FlaskClient, db_session: Session) -> None:
    mine, theirs = make_neighbourhood(db_session), make_neighbourhood(db_session)
    event = open_event(db_session, neighbourhood=mine)
    other = open_event(db_session, neighbourhood=theirs)
    for page in ("sheet", "poster", "register"):
        assert client.get(f"/staff/events/{event.id}/{page}").status_code == 302
    coordinator = make_user(db_session, Role.coordinator, neighbourhoods=[mine])
    volunteer = make_user(db_session, Role.volunteer)
    db_session.commit()
    login(client, volunteer.username, PASSWORD)
    assert client.get(f"/staff/events/{event.id}/sheet").status_code == 403
    client.post("/logout", data={})
    other_client = client.application.test_client()
    login(other_client, coordinator.username, PASSWORD)
    for page in ("sheet", "poster", "register"):
        assert other_client.get(f"/staff/events/{event.id}/{page}").status_code == 200
        assert other_client.get(f"/staff/events/{other.id}/{page}").status_code == 404


def test_sheet_poster_and_on_behalf_sign_up(client: FlaskClient, db_session: Session) -> None:
    english(client)
    here = make_neighbourhood(db_session)
    event = open_event(db_session, neighbourhood=here, capacity=1)
    coordinator = make_user(db_session, Role.coordinator, neighbourhoods=[here])
    db_session.commit()
    login(client, coordinator.username, PASSWORD)
    form = client.get(f"/staff/events/{event.id}/register")
    token = csrf_token_from(form.get_data(as_text=True))
    for phone, name in (("13500000001", "赵大妈"), ("13500000002", "钱大爷")):
        response = client.post(f"/staff/events/{event.id}/register",
                               data={**signup_form(name=name, phone=phone), "csrf_token": token})
        assert response.status_code == 303
    refused = client.post(f"/staff/events/{event.id}/register",
                          data={**signup_form(phone="135"), "csrf_token": token})
    assert refused.status_code == 422 and "mainland mobile number" in refused.get_data(
        as_text=True)
    rows = registrations(db_session)
    assert [r.status for r in rows] == [RegistrationStatus.confirmed,
                                        RegistrationStatus.waitlisted]
    assert {r.registered_by_id for r in rows} == {coordinator.id}
    sheet = client.get(f"/staff/events/{event.id}/sheet").get_data(as_text=True)
    assert "赵大妈" in sheet and "钱大爷" not in sheet and "@media print" not in sheet
    assert "public.css" in sheet
    poster = client.get(f"/staff/events/{event.id}/poster").get_data(as_text=True)
    assert "<svg" in poster and f"http://linli.test/events/{event.id}" in poster


def test_list_page_query_count_does_not_grow(client: FlaskClient, db_session: Session,
                                             app: Flask) -> None:
    from sqlalchemy import event as sa_event

    def queries_for_list() -> int:
        statements: list[str] = []
        with app.app_context():
            from app.extensions import db

            engine = db.engines[None]
        listener = lambda *a, **k: statements.append(a[2])  # noqa: E731
        sa_event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get("/events/").status_code == 200
        finally:
            sa_event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    open_event(db_session)
    one = queries_for_list()
    for _ in range(3):
        event = open_event(db_session, capacity=None)
        make_slot(db_session, event)
        make_shift(db_session, event)
    assert queries_for_list() == one
    assert db_session.scalar(select(func.count()).select_from(Registration)) == 0


def test_after_a_move_one_tap_says_still_coming(client: FlaskClient, db_session: Session) -> None:
    english(client)
    event = open_event(db_session, capacity=2)
    location = post_signup(client, event.id).headers["Location"]
    [registration] = registrations(db_session)
    page = client.get(location).get_data(as_text=True)
    assert "Are you still coming?" not in page  # nothing moved: nothing to answer
    token = csrf_token_from(page)
    refused = client.post(f"{location}/still-coming", data={"csrf_token": token})
    assert refused.status_code == 422 and "has not moved" in refused.get_data(as_text=True)

    registration.moved_at = datetime.now(UTC)
    db_session.flush()
    page = client.get(location).get_data(as_text=True)
    assert "Are you still coming?" in page and "No, cancel my place" in page
    assert client.get(f"{location}/still-coming").status_code == 405  # a GET changes nothing
    assert client.post(f"{location}/still-coming").status_code == 400  # no CSRF token
    assert registrations(db_session)[0].still_coming_at is None
    done = client.post(f"{location}/still-coming", data={"csrf_token": csrf_token_from(page)})
    assert done.status_code == 303
    answered = registrations(db_session)[0].still_coming_at
    assert answered is not None
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "we know you are still coming" in page and "Are you still coming?" not in page
    client.post(f"{location}/still-coming", data={"csrf_token": csrf_token_from(page)})
    assert registrations(db_session)[0].still_coming_at == answered  # the first answer stands

    signup.cancel(db_session, registration.cancel_token)
    gone = client.post(f"{location}/still-coming", data={"csrf_token": csrf_token_from(page)})
    assert gone.status_code == 409 and "cancelled" in gone.get_data(as_text=True)
    assert client.post("/r/nosuchtoken/still-coming",
                       data={"csrf_token": csrf_token_from(page)}).status_code == 404
