"""A provider's permanent refusal of a number (no such number, unsubscribed) is recorded as
refused, not retried, and the number is not tried again; a temporary failure (a rate limit) is
handed back to huey to retry; the coordinator's count says what was delivered.

Against the same local fake providers as `test_sms` (real HTTP servers that check each signed
request), through `notify.to_volunteer`, commit, and the huey task `send`.
"""

from __future__ import annotations

import pytest
from flask import Flask
from huey.exceptions import RetryTask
from sqlalchemy.orm import Session

from app.enums import NotificationChannel, NotificationStatus
from app.models import Notification
from app.services import notify
from app.tasks.notify import send
from tests import factories
from tests.app.services.notify.fake_sms import (
    NO_SUCH_NUMBER,
    PHONE,
    RATE_LIMITED,
    UNSUBSCRIBED,
    URL,
    FakeProvider,
)
from tests.app.services.notify.test_sms import (  # noqa: F401 (fixtures)
    _configure,
    provider,
    sms_app,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def held(sms_app: Flask) -> list[int]:  # noqa: F811
    """Messages handed over after commit are held here, so the test runs the huey task's
    function itself, try by try (a real consumer would wait 30 s before a retry)."""
    handed: list[int] = []
    sms_app.extensions[notify.DISPATCHER] = handed.append
    yield handed
    sms_app.extensions.pop(notify.DISPATCHER, None)


def _tell(session: Session, phone: str, email: str | None = None) -> Notification:
    volunteer = factories.make_volunteer(session, name="王芳", email=email, phone=phone)
    return notify.to_volunteer(session, volunteer, "scheduler/reminder", title="网格巡查",
                               line="3月5日 08:30 网格巡查", url=URL, pending=False)


@pytest.mark.parametrize("phone", [NO_SUCH_NUMBER, UNSUBSCRIBED])
def test_a_refused_number_is_recorded_and_not_retried(
        sms_app: Flask, db_session: Session, held: list[int],  # noqa: F811
        provider: tuple[str, FakeProvider], phone: str) -> None:  # noqa: F811
    name, server = provider
    _configure(sms_app, name, server)
    sms_app.extensions[notify.DISPATCHER] = held.append
    with sms_app.app_context():
        notification = _tell(db_session, phone)
        db_session.commit()
        assert held == [notification.id]
        send.call_local(notification.id)  # no RetryTask: nothing to retry
        db_session.refresh(notification)
        assert notification.status == NotificationStatus.refused
        assert notification.attempts == 1
        code = {("aliyun", NO_SUCH_NUMBER): "isv.MOBILE_NUMBER_ILLEGAL",
                ("aliyun", UNSUBSCRIBED): "isv.CUSTOMER_REFUSED",
                ("tencent", NO_SUCH_NUMBER): "InvalidParameterValue.IncorrectPhoneNumber",
                ("tencent", UNSUBSCRIBED): "FailedOperation.PhoneNumberInBlacklist"}
        assert code[name, phone] in (notification.error or "")
        # The task runs again (a duplicate hand-over): the message is not sent twice.
        send.call_local(notification.id)
        assert len(server.requests) == 1
        # The next message to that number is not attempted: no channel, and the reason.
        later = _tell(db_session, phone)
        db_session.commit()
        assert later.channel == NotificationChannel.none
        assert later.status == NotificationStatus.unreachable
        assert phone in (later.error or "") and "拒收" in (later.error or "")
        assert held == [notification.id]  # nothing handed over for it
    assert len(server.requests) == 1 and server.accepted == []


def test_a_refused_number_falls_back_to_nothing_but_a_good_email_is_used(
        sms_app: Flask, db_session: Session, held: list[int],  # noqa: F811
        provider: tuple[str, FakeProvider]) -> None:  # noqa: F811
    name, server = provider
    _configure(sms_app, name, server)
    with sms_app.app_context():
        first = _tell(db_session, UNSUBSCRIBED)
        db_session.commit()
        send.call_local(first.id)
        second = _tell(db_session, UNSUBSCRIBED, email="wangfang@example.cn")
        db_session.commit()
    assert second.channel == NotificationChannel.email and second.address.startswith("wang")


def test_a_temporary_failure_is_retried_by_huey_then_delivered(
        sms_app: Flask, db_session: Session, held: list[int],  # noqa: F811
        provider: tuple[str, FakeProvider]) -> None:  # noqa: F811
    name, server = provider
    _configure(sms_app, name, server)
    with sms_app.app_context():
        notification = _tell(db_session, RATE_LIMITED)
        db_session.commit()
        with pytest.raises(RetryTask) as retry:
            send.call_local(notification.id)
        assert retry.value.delay == notify.backoff(1)
        db_session.refresh(notification)
        assert notification.status == NotificationStatus.queued
        limit = ("isv.BUSINESS_LIMIT_CONTROL" if name == "aliyun"
                 else "LimitExceeded.PhoneNumberDailyLimit")
        assert limit in (notification.error or "")
        # The limit is lifted (the number is now one the provider accepts): the retry sends.
        notification.address = PHONE
        db_session.commit()
        send.call_local(notification.id)
        db_session.refresh(notification)
    assert notification.status == NotificationStatus.sent and notification.attempts == 2
    assert len(server.accepted) == 1


def test_the_count_says_what_was_delivered(
        sms_app: Flask, db_session: Session, held: list[int],  # noqa: F811
        provider: tuple[str, FakeProvider]) -> None:  # noqa: F811
    name, server = provider
    _configure(sms_app, name, server)
    with sms_app.app_context():
        sent = _tell(db_session, PHONE)
        refused = _tell(db_session, NO_SUCH_NUMBER)
        waiting = _tell(db_session, RATE_LIMITED)
        nobody = notify.to_volunteer(
            db_session, factories.make_volunteer(db_session, email=None, phone=None),
            "scheduler/reminder", title="网格巡查", line="3月5日", url=URL, pending=False)
        db_session.commit()
        send.call_local(sent.id)
        send.call_local(refused.id)
        with pytest.raises(RetryTask):
            send.call_local(waiting.id)
        rows = [db_session.get(Notification, n.id) for n in (sent, refused, waiting, nobody)]
        for row in rows:
            db_session.refresh(row)
    counts = notify.DeliveryCounts.of(rows)
    assert (counts.delivered, counts.delivered_sms, counts.delivered_email) == (1, 1, 0)
    assert (counts.waiting, counts.refused, counts.unreachable, counts.failed) == (1, 1, 1, 0)
    assert counts.total == 4
    # What was handed over counts as queued, not as delivered.
    assert notify.ChannelCounts.of(rows).sms == 3
