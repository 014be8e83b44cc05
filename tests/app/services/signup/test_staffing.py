"""Residents' places that follow the staffing: a haircut station whose slots have 2 places per
confirmed barber. Residents sign up on the public page, barbers answer through the links in
their messages; places shrink when a barber declines (the latest sign-ups go to the waitlist
and are told, with their place in line) and grow when one confirms (the waitlist moves up)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import AssignmentStatus, EventStatus, RegistrationStatus, Role
from app.i18n import to_local
from app.models import Assignment, Notification, Registration, Slot, utcnow
from app.services import links, signup
from app.services.scheduler import swaps
from tests import factories
from tests.admin.conftest import quick_login
from tests.app.conftest import signup_form
from tests.app.scheduling.test_publish_flow import _messages
from tests.helpers import csrf_token_from

pytestmark = pytest.mark.integration

LOCAL = "%Y-%m-%d %H:%M:%S"


@pytest.fixture
def mail_server(app: Flask, smtp_server: tuple[int, Path]) -> Iterator[Path]:
    """The app sends through a real SMTP server process (aiosmtpd, into a Maildir)."""
    port, maildir = smtp_server
    settings = {"LINLI_MAIL_SMTP_HOST": "127.0.0.1", "LINLI_MAIL_SMTP_PORT": port,
                "LINLI_MAIL_SMTP_SECURITY": "none"}
    saved = {key: app.config.get(key) for key in settings}
    app.config.update(settings)
    app.extensions.pop("linli_notify", None)
    yield maildir
    app.config.update(saved)
    app.extensions.pop("linli_notify", None)


@pytest.fixture
def station(db_session: Session):
    """A published haircut morning: one 9:00–11:00 barber shift, 2 haircuts per barber per
    20-minute slot; two barbers confirmed and a third still to answer."""
    event = factories.make_event(db_session, title="理发服务", status=EventStatus.published)
    shift = factories.make_shift(db_session, event, title="理发", max_volunteers=3,
                                 min_volunteers=1, places_per_volunteer=2,
                                 end_at=event.start_at + timedelta(hours=2))
    first = factories.make_slot(db_session, event, label="9:00", capacity=0)
    later = factories.make_slot(db_session, event, label="9:20", capacity=0,
                                start_at=event.start_at + timedelta(minutes=20),
                                end_at=event.start_at + timedelta(minutes=40))
    #: Outside the barbers' shift: staffing gives it no place.
    after = factories.make_slot(db_session, event, label="11:00", capacity=5,
                                start_at=event.start_at + timedelta(hours=2),
                                end_at=event.start_at + timedelta(hours=2, minutes=20))
    barbers = [factories.make_assignment(
        db_session, shift, factories.make_volunteer(db_session, name=name), status=status)
        for name, status in (("王师傅", AssignmentStatus.confirmed),
                             ("李师傅", AssignmentStatus.confirmed),
                             ("赵师傅", AssignmentStatus.pending))]
    signup.follow_staffing(db_session, event.id)
    db_session.commit()
    return {"event": event, "shift": shift, "first": first, "later": later, "after": after,
            "barbers": barbers}


def sign_up(client: FlaskClient, event_id: int, slot: Slot, n: int, **extra: str) -> None:
    page = client.get(f"/events/{event_id}")
    data = signup_form(name=f"居民{n}", phone=f"1390000{n:04d}", slot=str(slot.id), **extra)
    data["csrf_token"] = csrf_token_from(page.get_data(as_text=True))
    response = client.post(f"/events/{event_id}/signup", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)


def answer(client: FlaskClient, assignment: Assignment, action: str) -> None:
    with client.application.test_request_context():
        path = links.respond_url(assignment).removeprefix("http://linli.test")
    html = client.get(path).get_data(as_text=True)
    response = client.post(f"{path}/{action}", data={"csrf_token": csrf_token_from(html)})
    assert response.status_code == 302


def places(session: Session, slot: Slot) -> list[tuple[str, RegistrationStatus]]:
    session.expire_all()
    return [(r.name, r.status) for r in session.scalars(
        select(Registration).where(Registration.slot_id == slot.id).order_by(Registration.id))]


def told(session: Session, template: str) -> list[str]:
    return [r.name for r in session.scalars(
        select(Registration).join(Notification, Notification.registration_id == Registration.id)
        .where(Notification.template == template).order_by(Notification.id))]


def test_places_shrink_and_grow_with_the_barbers(
        app: Flask, client: FlaskClient, db_session: Session, station,
        mail_server: Path) -> None:
    first, later, after = station["first"], station["later"], station["after"]
    assert (first.capacity, later.capacity, after.capacity) == (4, 4, 5)
    for n in range(1, 6):  # five residents want the 9:00 slot: four places, one waits
        sign_up(client, station["event"].id, first, n,
                email="jumin4@example.test" if n == 4 else None)
    confirmed, waitlisted = RegistrationStatus.confirmed, RegistrationStatus.waitlisted
    assert places(db_session, first) == [("居民1", confirmed), ("居民2", confirmed),
                                         ("居民3", confirmed), ("居民4", confirmed),
                                         ("居民5", waitlisted)]

    # One barber cannot come: a confirmed shift is left through a drop the coordinator
    # approves (its message link no longer declines it). 2 places.
    with app.app_context():
        drop = swaps.ask(db_session, station["barbers"][0], reason="家里有事")
        swaps.approve(db_session, drop, user=None, allow_below_minimum=True)
        db_session.commit()

    db_session.expire_all()
    assert (first.capacity, later.capacity, after.capacity) == (2, 2, 5)
    # The latest sign-ups go back to the waitlist, first in line before the one who waited.
    assert places(db_session, first) == [("居民1", confirmed), ("居民2", confirmed),
                                         ("居民3", waitlisted), ("居民4", waitlisted),
                                         ("居民5", waitlisted)]
    assert told(db_session, "signup/staffing_waitlisted") == ["居民4", "居民3"]
    by_position = {r.name: signup.waitlist_position(db_session, r) for r in db_session.scalars(
        select(Registration).where(Registration.status == waitlisted))}
    assert by_position == {"居民3": 1, "居民4": 2, "居民5": 3}
    [mail] = [message for message in _messages(mail_server)
              if message["To"] == "jumin4@example.test"]
    text = mail.get_body(("plain",)).get_content()
    fourth = db_session.scalar(select(Registration).where(Registration.name == "居民4"))
    assert f"/r/{fourth.cancel_token}" in text and "候补第 2 位" in text

    answer(client, station["barbers"][2], "confirm")  # the third barber confirms: 4 places

    db_session.expire_all()
    assert (first.capacity, later.capacity) == (4, 4)
    assert places(db_session, first) == [("居民1", confirmed), ("居民2", confirmed),
                                         ("居民3", confirmed), ("居民4", confirmed),
                                         ("居民5", waitlisted)]
    assert told(db_session, "signup/promotion") == ["居民3", "居民4"]


def test_a_slot_under_way_keeps_its_places(db_session: Session, station) -> None:
    first, later = station["first"], station["later"]
    factories.make_registration(db_session, station["event"], slot=first, name="甲")
    factories.make_registration(db_session, station["event"], slot=first, name="乙")
    db_session.flush()
    station["barbers"][0].status = AssignmentStatus.cancelled
    station["barbers"][1].status = AssignmentStatus.cancelled
    report = signup.follow_staffing(db_session, station["event"].id,
                                    now=first.start_at + timedelta(minutes=5))
    assert report.waitlisted == []
    assert (first.capacity, later.capacity) == (4, 0)
    assert {r.status for r in db_session.scalars(
        select(Registration).where(Registration.slot_id == first.id))} == {
        RegistrationStatus.confirmed}


def test_whole_event_places_and_parties(app: Flask, db_session: Session) -> None:
    """Without slots, the event's places are the sum over its staffed shifts; a party larger
    than what is left goes to the waitlist as a whole."""
    event = factories.make_event(db_session, status=EventStatus.published, capacity=None,
                                   max_party_size=4)
    shift = factories.make_shift(db_session, event, places_per_volunteer=3, max_volunteers=2)
    barbers = [factories.make_assignment(db_session, shift, factories.make_volunteer(db_session),
                                         status=AssignmentStatus.confirmed) for _ in range(2)]
    signup.follow_staffing(db_session, event.id)
    assert event.capacity == 6
    for n, party in enumerate((2, 2, 2), start=1):
        signup.register(db_session, event.id, signup.Applicant(
            name=f"户{n}", phone=f"1380000000{n}", consent=True, party_size=party))
    barbers[1].status = AssignmentStatus.declined
    with app.test_request_context():
        report = signup.follow_staffing(db_session, event.id, now=utcnow())
    assert event.capacity == 3
    assert [r.name for r in report.waitlisted] == ["户3", "户2"]
    assert signup.booked_places(db_session, event.id, None) == 2


def test_places_that_follow_staffing_are_not_set_by_hand(db_session: Session, station) -> None:
    with pytest.raises(signup.SignupError) as refused:
        signup.set_capacity(db_session, station["first"], 10)
    assert refused.value.code == "follows_staffing"
    assert station["first"].capacity == 4


def test_coordinator_sets_places_per_volunteer_in_the_admin(
        client: FlaskClient, db_session: Session, station) -> None:
    event, shift = station["event"], station["shift"]
    coordinator = factories.make_user(db_session, role=Role.coordinator,
                                      neighbourhoods=[event.neighbourhood])
    db_session.commit()
    token = quick_login(client, coordinator)
    with client.application.app_context():
        start, end = to_local(shift.start_at), to_local(shift.end_at)
    response = client.post(
        f"/admin/shift/edit/?id={shift.id}",
        data={"csrf_token": token, "event": str(event.id), "title": shift.title,
              "start_at": start.strftime(LOCAL), "end_at": end.strftime(LOCAL),
              "min_volunteers": "1", "max_volunteers": "3", "priority": "1",
              "places_per_volunteer": "3"},
        follow_redirects=True)
    assert response.status_code == 200
    db_session.expire_all()
    assert shift.places_per_volunteer == 3
    assert (station["first"].capacity, station["later"].capacity) == (6, 6)
