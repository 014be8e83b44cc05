"""Messages leave through the task queue: a commit hands them to huey, a real consumer process
sends them; nothing is sent inside the request, and a rolled-back change sends nothing."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from app.enums import AssignmentStatus, NotificationStatus, Role
from app.extensions import db
from app.models import Notification, Volunteer
from app.services import links, notify
from tests import factories
from tests.app.scheduling.conftest import outbox, wait_for
from tests.conftest import temporary_app
from tests.helpers import csrf_token_from

pytestmark = pytest.mark.integration


def _tell(volunteer: Volunteer, title: str) -> bool:
    return notify.to_volunteer(db.session, volunteer, "scheduler/cancelled", title=title,
                               line="2027-03-05 08:30–11:30  " + title)


def test_a_committed_message_is_sent_by_the_consumer(queued_app: Flask, queue,
                                                      start_consumer, live_dir: Path) -> None:
    before = len(outbox(live_dir))
    with queued_app.app_context():
        volunteer = factories.make_volunteer(db.session, name="郭琴",
                                             email="guoqin@example.cn")
        assert _tell(volunteer, "队列测试")
        db.session.commit()
        assert _tell(volunteer, "回滚测试")
        db.session.rollback()
        db.session.remove()
    assert queue.pending_count() == 1  # handed over, not sent in the request
    assert len(outbox(live_dir)) == before
    start_consumer()
    wait_for(lambda: len(outbox(live_dir)) == before + 1)
    sent = outbox(live_dir)[-1].read_bytes().decode()
    assert "guoqin@example.cn" in sent
    wait_for(lambda: queue.pending_count() == 0)
    assert len(outbox(live_dir)) == before + 1  # the rolled-back one never left


@pytest.fixture
def stuck_smtp() -> Iterator[tuple[int, list[socket.socket]]]:
    """A mail server that accepts connections and then never says a word (a hung relay)."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1], accepted
    stop.set()
    thread.join(timeout=5)
    for connection in accepted:
        connection.close()
    listener.close()


def test_a_stuck_mail_server_delays_no_request(live_app: Flask, live_url: str, live_secret: str,
                                               queue, start_consumer, stuck_smtp) -> None:
    """A volunteer declines through their link while the mail server hangs: the answer page
    comes back at once (the coordinator's mail waits in the queue), and it is the consumer,
    not anyone's request, that waits on the server, gives up and tries again later."""
    port, accepted = stuck_smtp
    smtp = {"LINLI_MAIL_SMTP_HOST": "127.0.0.1", "LINLI_MAIL_SMTP_PORT": str(port),
            "LINLI_MAIL_SMTP_SECURITY": "none", "LINLI_MAIL_OUTBOX": ""}
    with temporary_app(live_url, SECRET_KEY=live_secret, LINLI_NOTIFY_QUEUE=True,
                       **{**smtp, "LINLI_MAIL_SMTP_PORT": port}) as application:
        with application.test_request_context():
            event = factories.make_event(db.session, title="挂起测试服务日")
            shift = factories.make_shift(db.session, event)
            volunteer = factories.make_volunteer(db.session, neighbourhood=event.neighbourhood)
            assignment = factories.make_assignment(db.session, shift, volunteer,
                                                   status=AssignmentStatus.pending)
            factories.make_user(db.session, role=Role.coordinator, email="zhu@jinqiao.test",
                                neighbourhoods=[event.neighbourhood])
            db.session.commit()
            path = links.respond_url(assignment).removeprefix("http://linli.test")
            db.session.remove()
        client = application.test_client()
        html = client.get(path).get_data(as_text=True)
        answered = client.post(f"{path}/decline", data={"csrf_token": csrf_token_from(html)})
        assert answered.status_code == 302
        assert accepted == []  # the request never waited on the mail server
        with application.app_context():
            [told] = db.session.scalars(select(Notification).where(
                Notification.template == "scheduler/declined",
                Notification.address == "zhu@jinqiao.test")).all()
            assert told.status == NotificationStatus.queued
            told_id = told.id
            db.session.remove()
        start_consumer(**smtp)
        wait_for(lambda: accepted)  # the consumer is the one stuck on the server
        # Another request meanwhile is answered as usual.
        assert client.get(path).status_code == 200

        def tried_once() -> bool:
            with application.app_context():
                row = db.session.get(Notification, told_id)
                done = row is not None and row.attempts >= 1 and row.error is not None
                db.session.remove()
                return done

        wait_for(tried_once)  # it gave up on the hung server and will try again
        with application.app_context():
            row = db.session.get(Notification, told_id)
            assert row is not None and row.status == NotificationStatus.queued
            db.session.remove()
