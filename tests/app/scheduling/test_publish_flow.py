"""Publish → one mail per volunteer through a real SMTP server process → signed links that
confirm and decline without a login → a one-seat re-solve that moves nobody else; and "ask for
help" where two volunteers accept the same seat at the same moment."""

from __future__ import annotations

import mailbox
import re
import socket
import subprocess
import sys
import threading
from datetime import time, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

import icalendar
import pytest
from flask import Flask
from flask_babel import force_locale
from sqlalchemy import select

from app.enums import AssignmentStatus, NotificationStatus, RunStatus
from app.extensions import db
from app.models import (
    Assignment,
    Availability,
    HelpRequest,
    Notification,
    Skill,
    Volunteer,
    utcnow,
)
from app.services import links, notify
from app.services.scheduler import publish, review, runs, seats
from app.services.scheduler.scope import Scope
from tests.app.scheduling.builders import build_town, next_monday
from tests.app.scheduling.conftest import outbox, wait_for
from tests.conftest import make_test_app
from tests.helpers import csrf_token_from

pytestmark = pytest.mark.integration

LINK = re.compile(r"http://linli\.test(/respond/[a-z]+/[A-Za-z0-9_.\-]+)")
PORTAL_LINK = re.compile(r"http://linli\.test(/portal/\?t=[A-Za-z0-9_.\-]+)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(tmp_path: Path):
    """`python -m aiosmtpd` in its own process, storing what it receives in a Maildir."""
    port = _free_port()
    maildir = tmp_path / "maildir"
    process = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
         "-c", "aiosmtpd.handlers.Mailbox", str(maildir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )

    def ready() -> bool:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            return False

    try:
        wait_for(ready, timeout=20, step=0.1)
        yield port, maildir
    finally:
        process.terminate()
        process.wait(timeout=10)


def _messages(maildir: Path) -> list:
    if not maildir.exists():
        return []
    box = mailbox.Maildir(str(maildir), create=False)
    return [BytesParser(policy=policy.default).parsebytes(box.get_bytes(k)) for k in box.iterkeys()]


@pytest.fixture
def smtp_app(live_url: str, live_secret: str, live_app: Flask, smtp_server):
    port, _maildir = smtp_server
    application = make_test_app(
        live_url, SECRET_KEY=live_secret, LINLI_MAIL_SMTP_HOST="127.0.0.1",
        LINLI_MAIL_SMTP_PORT=port, LINLI_MAIL_SMTP_STARTTLS=False,
        LINLI_MAIL_SENDER="linli@jinqiao.test",
    )
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def _answer(client, path: str, action: str) -> str:
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    response = client.post(f"{path}/{action}", data={"csrf_token": csrf_token_from(html)},
                           follow_redirects=True)
    assert response.status_code == 200
    return response.request.path


def test_publish_mails_links_decline_and_one_seat_resolve(smtp_app: Flask, smtp_server) -> None:
    _port, maildir = smtp_server
    with smtp_app.app_context():
        town = build_town(db.session, volunteers=2, stations=2, slots=(9, 13), skills=1)
        run = runs.create_run(db.session, Scope(event_ids=(town.events[0].id,)),
                                       seconds=2)
        db.session.commit()
        assert runs.execute_run(db.session, db.engine, run.id) == "succeeded"
        run = db.session.get(type(run), run.id)
        assert run.metrics["filled_seats"] == 4
        result = publish.publish_run(db.session, run)
        assert (result.published, result.messages) == (4, notify.ChannelCounts(email=2))
        assert not _messages(maildir)  # nothing leaves before the commit
        db.session.commit()
        assert run.status == RunStatus.published
        emails = {v.email: v.id for v in town.volunteers}
        skill_ids = [s.id for s in town.skills]
        neighbourhood_id = town.neighbourhood.id
        shift_ids = [s.id for s in town.shifts]

    messages = wait_for(lambda: len(_messages(maildir)) == 2 and _messages(maildir))
    mailed: dict[str, list[str]] = {}
    portal_links: list[str] = []
    for message in messages:
        assert message["To"] in emails  # one mail per volunteer, listing both shifts
        body = message.get_body(preferencelist=("plain",)).get_content()
        mailed[message["To"]] = LINK.findall(body)
        assert len(mailed[message["To"]]) == 2
        portal_links.append(PORTAL_LINK.search(body).group(1))
        # The two shifts as a calendar file: the feed's own entries (UIDs, awaiting an answer).
        [attached] = [part for part in message.iter_attachments()
                      if part.get_content_type() == "text/calendar"]
        assert attached.get_filename() == "linli.ics"
        assert attached.get_param("method") == "PUBLISH"
        entries = icalendar.Calendar.from_ical(attached.get_content()).walk("VEVENT")
        assert len(entries) == 2
        assert all(str(e["UID"]).startswith("assignment-") and e["STATUS"] == "TENTATIVE"
                   for e in entries)

    with smtp_app.app_context():  # what the run page shows: each message really sent
        sent = db.session.scalars(select(Notification.status).where(
            Notification.schedule_run_id == run.id)).all()
        assert sent == [NotificationStatus.sent] * 2
    a_mail, b_mail = sorted(mailed)
    client = smtp_app.test_client()
    # The mail also leads to the volunteer's page for subscribing to the calendar feed.
    opened = client.get(portal_links[0])
    assert opened.status_code == 302
    subscribe = client.get(opened.headers["Location"]).get_data(as_text=True)
    assert "webcal://" in subscribe
    client = smtp_app.test_client()
    confirm_path, decline_path = mailed[a_mail][0], mailed[b_mail][0]

    with smtp_app.app_context():
        def status_of(path: str) -> AssignmentStatus:
            db.session.expire_all()
            token = path.rsplit("/", 1)[1]
            return db.session.get(Assignment, links.read_assignment_token(token)).status

        client.get(confirm_path)
        assert status_of(confirm_path) == AssignmentStatus.pending  # GET changes nothing
        db.session.rollback()

    assert _answer(client, confirm_path, "confirm") == "/respond/done/confirmed"
    assert _answer(client, decline_path, "decline") == "/respond/done/declined"
    assert client.post(f"{confirm_path}x/confirm").status_code in (400, 404)  # tampered

    with smtp_app.app_context():
        assert status_of(confirm_path) == AssignmentStatus.confirmed
        assert status_of(decline_path) == AssignmentStatus.declined
        token = decline_path.rsplit("/", 1)[1]
        declined = db.session.get(Assignment, links.read_assignment_token(token))
        shift = declined.shift
        run = db.session.get(type(run), run.id)
        with force_locale("en"):
            report = review.run_report(db.session, run)
        assert [a.id for a in report.declined] == [declined.id]
        assert [u["shift_id"] for u in report.unfilled] == [shift.id]

        # Nobody is free at that time (the other volunteer works the parallel station).
        assert seats.resolve_seat(db.session, shift).assignment is None
        newcomer = Volunteer(
            name="新来的", phone="13900000999", email="newcomer@example.test",
            neighbourhood_id=neighbourhood_id,
            skills=[db.session.get(Skill, i) for i in skill_ids],
            availabilities=[Availability(weekday=d, start_time=time(8), end_time=time(20))
                            for d in range(7)],
        )
        db.session.add(newcomer)
        db.session.flush()
        before = {
            a.id: (a.shift_id, a.volunteer_id, a.status)
            for a in db.session.scalars(select(Assignment).where(
                Assignment.shift_id.in_(shift_ids)))
        }
        seat = seats.resolve_seat(db.session, shift)
        db.session.commit()
        assert seat.assignment is not None
        assert seat.assignment.volunteer_id == newcomer.id
        assert seat.assignment.status == AssignmentStatus.pending
        after = {
            a.id: (a.shift_id, a.volunteer_id, a.status)
            for a in db.session.scalars(select(Assignment).where(
                Assignment.shift_id.in_(shift_ids)))
        }
        assert {k: v for k, v in after.items() if k != seat.assignment.id} == before
        new_id = seat.assignment.id

    mails = wait_for(lambda: [m for m in _messages(maildir)
                              if m["To"] == "newcomer@example.test"])
    body = mails[0].get_body(preferencelist=("plain",)).get_content()
    (path,) = LINK.findall(body)
    _answer(client, path, "confirm")
    with smtp_app.app_context():
        assert db.session.get(Assignment, new_id).status == AssignmentStatus.confirmed


def test_a_link_works_until_its_shift_is_over(live_app: Flask, live) -> None:
    town = build_town(db.session, volunteers=1, stations=1, start=next_monday(days_ahead=120))
    assignment = Assignment(shift=town.shifts[0], volunteer=town.volunteers[0],
                            status=AssignmentStatus.pending)
    db.session.add(assignment)
    db.session.commit()
    end = assignment.shift.end_at
    token = links.assignment_token(assignment.id, end)
    # Published months ahead, the link still works the day before the shift...
    assert links.read_assignment_token(token, now=end - timedelta(days=1)) == assignment.id
    # ...and not once the shift is long over.
    assert links.read_assignment_token(token, now=end + timedelta(days=2)) is None
    client = live_app.test_client()
    assert client.get(f"/respond/a/{token}").status_code == 200
    assert client.get(f"/respond/a/{token[:-2]}xx").status_code == 404
    over = links.assignment_token(assignment.id, utcnow() - timedelta(days=3))
    assert client.get(f"/respond/a/{over}").status_code == 404


def test_two_volunteers_accept_the_same_help_seat_at_once(live_app: Flask, live, live_dir):
    town = build_town(db.session, volunteers=5, stations=1, seats=1, skills=1)
    shift = town.shifts[0]
    db.session.commit()
    before = len(outbox(live_dir))
    help_request = seats.ask_for_help(db.session, shift)
    db.session.commit()
    assert help_request.asked == 5
    mails = outbox(live_dir)[before:]
    assert len(mails) == 5
    paths = []
    for path in mails:
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        paths.extend(LINK.findall(message.get_body(preferencelist=("plain",)).get_content()))
    assert len(paths) == 5
    first, second = paths[0], paths[1]

    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def accept(path: str) -> None:
        client = live_app.test_client()
        token = csrf_token_from(client.get(path).get_data(as_text=True))
        barrier.wait()
        response = client.post(path, data={"csrf_token": token})
        outcomes[path] = response.headers.get("Location", str(response.status_code))

    threads = [threading.Thread(target=accept, args=(p,)) for p in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(o.rsplit("/", 1)[1] for o in outcomes.values()) == ["accepted", "taken"]

    db.session.rollback()  # a fresh snapshot, after the threads' commits
    holders = db.session.scalars(select(Assignment).where(Assignment.shift_id == shift.id)).all()
    assert len(holders) == 1 and holders[0].status == AssignmentStatus.confirmed
    assert db.session.get(HelpRequest, help_request.id).taken == 1
    # A third volunteer is told the seat is taken.
    client = live_app.test_client()
    page = client.get(paths[2])
    assert page.status_code == 200
    response = client.post(paths[2], data={"csrf_token": csrf_token_from(
        client.get(paths[2]).get_data(as_text=True))}, follow_redirects=False) \
        if "csrf_token" in page.get_data(as_text=True) else None
    if response is not None:
        assert response.headers["Location"].endswith("/taken")
