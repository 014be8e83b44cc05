"""A mail server's permanent refusal of an address (550 user unknown) is recorded as refused
and not retried, and the next message goes by SMS; a temporary one (450) is retried. Against a
real SMTP server process (aiosmtpd) that refuses some recipients."""

from __future__ import annotations

import mailbox
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from huey.exceptions import RetryTask
from sqlalchemy.orm import Session

from app.enums import NotificationChannel, NotificationStatus
from app.services import notify
from app.tasks.notify import send
from tests import factories
from tests.app.scheduling.conftest import wait_for

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[4]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    port = _free_port()
    maildir = tmp_path / "maildir"
    process = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
         "-c", "tests.app.services.notify.refusing_smtp.RefusingMailbox", str(maildir)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
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


@pytest.fixture
def mail_app(app: Flask, smtp_server: tuple[int, Path]) -> Iterator[Flask]:
    saved = dict(app.config)
    app.config.update(LINLI_MAIL_SMTP_HOST="127.0.0.1", LINLI_MAIL_SMTP_PORT=smtp_server[0],
                      LINLI_MAIL_SMTP_STARTTLS=False, LINLI_MAIL_SMTP_SECURITY="none",
                      LINLI_MAIL_SENDER="linli@jinqiao.test")
    app.extensions.pop("linli_notify", None)
    held: list[int] = []
    app.extensions[notify.DISPATCHER] = held.append
    yield app
    app.config.clear()
    app.config.update(saved)
    app.extensions.pop("linli_notify", None)
    app.extensions.pop(notify.DISPATCHER, None)


def _tell(session: Session, email: str, phone: str | None = "13912345678"):
    volunteer = factories.make_volunteer(session, name="郭琴", email=email, phone=phone)
    return notify.to_volunteer(session, volunteer, "scheduler/cancelled", title="网格巡查",
                               line="3月5日 08:30 网格巡查")


def _received(maildir: Path) -> int:
    return len(list(mailbox.Maildir(str(maildir), create=False).iterkeys())) \
        if maildir.exists() else 0


def test_an_unknown_mailbox_is_refused_for_good_and_sms_is_used_next(
        mail_app: Flask, db_session: Session, smtp_server: tuple[int, Path]) -> None:
    with mail_app.app_context():
        first = _tell(db_session, "nobody@example.cn")
        assert first.channel == NotificationChannel.email
        db_session.commit()
        send.call_local(first.id)  # no RetryTask
        db_session.refresh(first)
        assert first.status == NotificationStatus.refused and first.attempts == 1
        assert "550" in (first.error or "") and "User unknown" in (first.error or "")
        second = _tell(db_session, "nobody@example.cn")
        db_session.commit()
    assert second.channel == NotificationChannel.sms
    assert _received(smtp_server[1]) == 0


def test_a_busy_mailbox_is_retried_and_a_good_one_delivered(
        mail_app: Flask, db_session: Session, smtp_server: tuple[int, Path]) -> None:
    with mail_app.app_context():
        busy = _tell(db_session, "busy@example.cn")
        good = _tell(db_session, "guoqin@example.cn")
        db_session.commit()
        with pytest.raises(RetryTask):
            send.call_local(busy.id)
        send.call_local(good.id)
        db_session.refresh(busy)
        db_session.refresh(good)
    assert busy.status == NotificationStatus.queued and "450" in (busy.error or "")
    assert good.status == NotificationStatus.sent
    assert _received(smtp_server[1]) == 1
