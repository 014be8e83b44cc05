"""Every mail carries the recorded text as its first part and an HTML alternative made from
it (links clickable, everything escaped), through a real SMTP server process."""

from __future__ import annotations

import mailbox
from email import policy
from email.parser import BytesParser
from pathlib import Path

import icalendar
import pytest
from flask import Flask
from sqlalchemy.orm import Session

from app.enums import AssignmentStatus, EventStatus, NotificationStatus
from app.services import notify
from app.services.scheduler import changes
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


def test_a_cancellation_mail_carries_the_cancelled_entry(
        mail_app: Flask, db_session: Session,  # noqa: F811
        smtp_server: tuple[int, Path]) -> None:  # noqa: F811
    volunteer = factories.make_volunteer(db_session, name="郭琴", email="guoqin@example.cn",
                                         locale="zh_CN")
    event = factories.make_event(db_session, status=EventStatus.published, title="学雷锋服务日",
                                 neighbourhood=volunteer.neighbourhood)
    assignment = factories.make_assignment(db_session, factories.make_shift(db_session, event),
                                           volunteer, status=AssignmentStatus.confirmed)
    before = assignment.sequence
    with mail_app.app_context():
        [told] = [n for n in changes.cancel_event(db_session, event).notifications
                  if n.volunteer_id == volunteer.id]
        db_session.commit()
        send.call_local(told.id)
        db_session.refresh(assignment)
    box = mailbox.Maildir(str(smtp_server[1]), create=False)
    [raw] = [box.get_bytes(key) for key in box.iterkeys()]
    message = BytesParser(policy=policy.default).parsebytes(raw)
    [attached] = [p for p in message.iter_attachments()
                  if p.get_content_type() == "text/calendar"]
    [entry] = icalendar.Calendar.from_ical(attached.get_content()).walk("VEVENT")
    # The same entry as in the feed, now cancelled, one version up: an imported copy goes.
    assert str(entry["UID"]).startswith(f"assignment-{assignment.id}@")
    assert entry["STATUS"] == "CANCELLED"
    assert entry["SEQUENCE"] == assignment.sequence > before
    # An SMS carries no file, and nothing is stored for it.
    sms_only = factories.make_volunteer(db_session, email=None, phone="13912340000")
    with mail_app.app_context():
        n = notify.to_volunteer(db_session, sms_only, "scheduler/cancelled", title="x",
                                line="y", ics="BEGIN:VCALENDAR")
    assert n.ics is None
