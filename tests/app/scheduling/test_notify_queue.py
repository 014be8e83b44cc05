"""Messages leave through the task queue: a commit hands them to huey, a real consumer process
sends them; nothing is sent inside the request, and a rolled-back change sends nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from app.extensions import db
from app.models import Volunteer
from app.services import notify
from tests import factories
from tests.app.scheduling.conftest import outbox, wait_for
from tests.conftest import temporary_app

pytestmark = pytest.mark.integration


@pytest.fixture
def queued_app(live_app: Flask, live_url: str, live_secret: str,
               live_dir: Path) -> Iterator[Flask]:
    with temporary_app(live_url, SECRET_KEY=live_secret, LINLI_NOTIFY_QUEUE=True,
                       LINLI_MAIL_OUTBOX=str(live_dir / "outbox")) as application:
        yield application


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
