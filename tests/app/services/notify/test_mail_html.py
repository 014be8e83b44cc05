"""Every mail carries the recorded text as its first part and an HTML alternative made from
it (links clickable, everything escaped), through a real SMTP server process."""

from __future__ import annotations

import mailbox
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from app.enums import NotificationStatus
from app.services import notify
from app.tasks.notify import send
from tests import factories
from tests.app.services.notify.test_mail_refusals import (  # noqa: F401 (fixtures)
    mail_app,
    smtp_server,
)

pytestmark = pytest.mark.integration

URL = "http://linli.test/respond/a/TOKEN-1_x.y"


def test_a_mail_has_its_text_and_an_html_alternative(
        mail_app: Flask, db_session: Session,  # noqa: F811
        smtp_server: tuple[int, Path]) -> None:  # noqa: F811
    with mail_app.app_context():
        volunteer = factories.make_volunteer(db_session, name="郭<琴>", email="guoqin@example.cn")
        notification = notify.to_volunteer(db_session, volunteer, "scheduler/changed",
                                           title="学雷锋服务日", line="3月5日 08:30 理发",
                                           url=URL)
        db_session.commit()
        send.call_local(notification.id)
        db_session.refresh(notification)
    assert notification.status == NotificationStatus.sent
    box = mailbox.Maildir(str(smtp_server[1]), create=False)
    [raw] = [box.get_bytes(key) for key in box.iterkeys()]
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert message.get_content_type() == "multipart/alternative"
    plain, html = list(message.iter_parts())
    assert plain.get_content_type() == "text/plain"
    assert plain.get_content() == notification.body  # the record, unchanged
    assert html.get_content_type() == "text/html"
    page = html.get_content()
    assert f'<a href="{URL}">{URL}</a>' in page
    assert "郭&lt;琴&gt;" in page and "郭<琴>" not in page
    assert "<p" in page and "<br>" in page


def test_the_html_is_made_from_the_text() -> None:
    page = notify.html_alternative("提醒 <b>", "第一段\n第二行：https://linli.example.cn/r/x。\n\n"
                                             "<script>alert(1)</script>")
    assert "<title>提醒 &lt;b&gt;</title>" in page
    assert '<a href="https://linli.example.cn/r/x">https://linli.example.cn/r/x</a>。' in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert page.count("<p ") == 2
