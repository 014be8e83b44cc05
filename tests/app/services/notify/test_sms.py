"""The SMS providers, against local fake servers that check each request as the real ones do.

Each fake (a real HTTP server on 127.0.0.1, in a thread) recomputes the request's signature
from the configured secret with its own implementation of the provider's documented algorithm —
not Linli's — and answers a wrong one in the provider's own error shape. It checks the sign name,
the template code and its parameters against the "approved" templates, and the phone number;
then answers success. Messages go the real way: `notify.to_volunteer`, commit, and the delivery
(`notify.deliver`) records what became of them.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from app.enums import NotificationChannel, NotificationStatus
from app.models import Notification
from app.services import notify
from app.services.notify.sms import aliyun_signature
from tests import factories
from tests.app.services.notify.fake_sms import (
    APP_ID,
    HANDLERS,
    PHONE,
    SECRET,
    SECRET_ID,
    SIGN_NAME,
    TEMPLATES,
    URL,
    FakeProvider,
)

# -- Fixtures ---------------------------------------------------------------------------------

@pytest.fixture(params=["aliyun", "tencent"])
def provider(request: pytest.FixtureRequest) -> Iterator[tuple[str, FakeProvider]]:
    server = FakeProvider(HANDLERS[request.param])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield request.param, server
    server.shutdown()
    server.server_close()


def _configure(app: Flask, name: str, server: FakeProvider, **extra: object) -> None:
    app.config.update({
        "LINLI_SMS_PROVIDER": name,
        "LINLI_SMS_ENDPOINT": server.url,
        "LINLI_SMS_SIGN_NAME": SIGN_NAME,
        "LINLI_SMS_TEMPLATES": TEMPLATES,
        "LINLI_SMS_SDK_APP_ID": APP_ID,
        **({"LINLI_SMS_SECRET_ID": SECRET_ID, "LINLI_SMS_SECRET_KEY": SECRET}
           if name == "tencent" else
           {"LINLI_SMS_ACCESS_KEY_ID": SECRET_ID, "LINLI_SMS_ACCESS_KEY_SECRET": SECRET}),
        **extra,
    })
    app.extensions.pop("linli_notify", None)


@pytest.fixture
def sms_app(app: Flask) -> Iterator[Flask]:
    """The session's app, its SMS settings restored afterwards."""
    saved = dict(app.config)
    yield app
    app.config.clear()
    app.config.update(saved)
    app.extensions.pop("linli_notify", None)


def _remind(session: Session, template: str = "scheduler/reminder") -> Notification:
    volunteer = factories.make_volunteer(session, name="王芳", email=None, phone=PHONE)
    line = "2027年3月5日 周五 08:30–11:30 佳虹社区网格巡查（东门集合，请带工作证）"
    if template == "signup/promotion":
        return notify.to_volunteer(session, volunteer, template, title="社区义诊活动",
                                   starts=datetime(2027, 3, 5, 0, 30, tzinfo=UTC),
                                   code="K7QPM", url=URL)
    return notify.to_volunteer(session, volunteer, template, title="网格巡查", line=line,
                               url=URL, pending=False)


def _sent(server: FakeProvider) -> str:
    """Everything the provider received, decoded, for looking for free text."""
    return "\n".join(urllib.parse.unquote(r["body"].decode()) + json.dumps(r["headers"])
                     for r in server.requests)


# -- Tests ------------------------------------------------------------------------------------

def test_a_good_send_is_accepted_and_recorded_as_sent(
        sms_app: Flask, db_session: Session, provider: tuple[str, FakeProvider]) -> None:
    name, server = provider
    _configure(sms_app, name, server)
    with sms_app.app_context():
        notification = _remind(db_session)
        assert notification.channel == NotificationChannel.sms
        db_session.commit()  # hands over after commit: the delivery sends it
        db_session.refresh(notification)
    assert notification.status == NotificationStatus.sent, notification.error
    assert notification.attempts == 1 and notification.error is None
    [accepted] = server.accepted
    assert accepted["code"] == "SMS_480002"
    assert accepted["phone"] == (PHONE if name == "aliyun" else "+86" + PHONE)
    line, url = accepted["params"]["line"], accepted["params"]["url"]
    assert url == URL  # a link is never cut
    limit = 35 if name == "aliyun" else 100
    assert len(line) <= limit
    assert notification.params["line"].startswith(line.rstrip("…"))
    if name == "aliyun":  # the line is longer than Aliyun's 35 characters
        assert line.endswith("…") and len(line) == 35
    # The provider gets the template's values, never the message text.
    assert notification.body and notification.body not in _sent(server)
    assert "提醒" not in _sent(server) and "Linli" not in _sent(server)


def test_the_provider_never_receives_free_text(
        sms_app: Flask, db_session: Session, provider: tuple[str, FakeProvider]) -> None:
    name, server = provider
    _configure(sms_app, name, server)
    with sms_app.app_context():
        notification = _remind(db_session, "signup/promotion")
        db_session.commit()
        db_session.refresh(notification)
    assert notification.status == NotificationStatus.sent, notification.error
    [request] = server.requests
    if name == "aliyun":
        fields = set(dict(urllib.parse.parse_qsl(request["body"].decode())))
        assert fields == {"AccessKeyId", "Action", "Format", "PhoneNumbers", "RegionId",
                          "SignName", "Signature", "SignatureMethod", "SignatureNonce",
                          "SignatureVersion", "TemplateCode", "TemplateParam", "Timestamp",
                          "Version"}
    else:
        assert set(json.loads(request["body"])) == {
            "PhoneNumberSet", "SmsSdkAppId", "SignName", "TemplateId", "TemplateParamSet"}
    params = server.accepted[0]["params"]
    assert params.pop("starts") == notification.params["starts"]  # as the recipient reads it
    assert "8:30" in notification.params["starts"]  # Asia/Shanghai, not UTC
    assert params == {"title": "社区义诊活动", "code": "K7QPM", "url": URL}
    assert notification.body not in _sent(server)


def test_a_wrong_secret_fails_the_try_with_the_providers_message(
        sms_app: Flask, db_session: Session, provider: tuple[str, FakeProvider]) -> None:
    name, server = provider
    secret = "LINLI_SMS_SECRET_KEY" if name == "tencent" else "LINLI_SMS_ACCESS_KEY_SECRET"
    _configure(sms_app, name, server, **{secret: "not-the-secret"})
    with sms_app.app_context():
        notification = _remind(db_session)
        db_session.commit()
        db_session.refresh(notification)
        assert notification.status == NotificationStatus.queued  # to be tried again
        assert notification.attempts == 1
        code = "SignatureDoesNotMatch" if name == "aliyun" else "AuthFailure.SignatureFailure"
        assert notification.error is not None
        assert code in notification.error and "SmsProviderError" in notification.error
        assert ("signature is not matched" if name == "aliyun"
                else "credentials could not be validated") in notification.error
        # The next try (the task's) fails the same way, is recorded, and will be retried.
        with pytest.raises(notify.DeliveryFailed) as failure:
            notify.deliver(db_session, notification.id)
        db_session.commit()
        db_session.refresh(notification)
    assert failure.value.retry_in == notify.backoff(2)
    assert notification.attempts == 2 and code in (notification.error or "")
    assert server.accepted == [] and len(server.requests) == 2


def test_an_unmapped_template_is_refused_with_a_clear_reason(
        sms_app: Flask, db_session: Session, provider: tuple[str, FakeProvider]) -> None:
    name, server = provider
    _configure(sms_app, name, server)
    with sms_app.app_context():
        notification = _remind(db_session, "scheduler/changed")
        db_session.commit()
        db_session.refresh(notification)
    assert notification.status == NotificationStatus.queued
    assert notification.error is not None
    assert "SmsRefused" in notification.error
    assert "'scheduler/changed'" in notification.error
    assert "LINLI_SMS_TEMPLATES" in notification.error
    assert server.requests == []  # nothing left Linli


def test_a_mapping_naming_a_missing_value_is_refused(
        sms_app: Flask, db_session: Session, provider: tuple[str, FakeProvider]) -> None:
    name, server = provider
    _configure(sms_app, name, server, LINLI_SMS_TEMPLATES={
        "scheduler/reminder": {"code": "SMS_480002", "params": ["line", "place"]}})
    with sms_app.app_context():
        notification = _remind(db_session)
        db_session.commit()
        db_session.refresh(notification)
    assert "no value for SMS parameter(s) place" in (notification.error or "")
    assert server.requests == []


def test_a_provider_error_answer_is_recorded_with_its_code(
        sms_app: Flask, db_session: Session, provider: tuple[str, FakeProvider]) -> None:
    """A template code the account does not have: the provider's refusal, recorded, and not
    tried again."""
    name, server = provider
    _configure(sms_app, name, server, LINLI_SMS_TEMPLATES={
        "scheduler/reminder": {"code": "SMS_999999", "params": ["line", "url"]}})
    with sms_app.app_context():
        notification = _remind(db_session)
        db_session.commit()
        db_session.refresh(notification)
    code = ("isv.SMS_TEMPLATE_ILLEGAL" if name == "aliyun"
            else "FailedOperation.TemplateIncorrectOrUnapproved")
    assert code in (notification.error or "")
    # The message itself is refused: every retry would be refused the same way.
    assert notification.status == NotificationStatus.failed and server.accepted == []
    assert notification.attempts == 1


def test_the_factory_picks_the_provider() -> None:
    config = {"LINLI_SMS_TEMPLATES": json.dumps(TEMPLATES)}  # JSON, as from the environment
    aliyun = notify.sms_sender_from_config({**config, "LINLI_SMS_PROVIDER": "aliyun"})
    assert isinstance(aliyun, notify.AliyunSmsSender)
    assert aliyun.templates["scheduler/reminder"].params == ("line", "url")
    assert isinstance(notify.sms_sender_from_config({"LINLI_SMS_PROVIDER": "Tencent"}),
                      notify.TencentSmsSender)
    assert isinstance(notify.sms_sender_from_config({"LINLI_SMS_PROVIDER": "log"}),
                      notify.LoggingSmsSender)
    assert isinstance(notify.sms_sender_from_config({}), notify.LoggingSmsSender)
    # The escape hatch still works, and the provider setting wins over it.
    hatch = {"LINLI_SMS_SENDER": "app.services.notify.sms:TencentSmsSender"}
    assert isinstance(notify.sms_sender_from_config(hatch), notify.TencentSmsSender)
    assert isinstance(notify.sms_sender_from_config({**hatch, "LINLI_SMS_PROVIDER": "aliyun"}),
                      notify.AliyunSmsSender)
    with pytest.raises(ValueError, match="aliyun, tencent or log"):
        notify.sms_sender_from_config({"LINLI_SMS_PROVIDER": "twilio"})
    with pytest.raises(ValueError, match="needs a provider template code"):
        notify.sms_sender_from_config({"LINLI_SMS_PROVIDER": "aliyun",
                                       "LINLI_SMS_TEMPLATES": {"scheduler/publish": {}}})


def test_a_provider_without_credentials_refuses(sms_app: Flask, db_session: Session) -> None:
    sms_app.config.update(LINLI_SMS_PROVIDER="tencent", LINLI_SMS_TEMPLATES=TEMPLATES,
                          LINLI_SMS_ENDPOINT="http://127.0.0.1:9/")
    sms_app.extensions.pop("linli_notify", None)
    with sms_app.app_context():
        notification = _remind(db_session)
        db_session.commit()
        db_session.refresh(notification)
    assert "not configured: set LINLI_SMS_SECRET_ID" in (notification.error or "")


def test_the_aliyun_signature_matches_aliyuns_documented_example() -> None:
    # The worked example of Aliyun's "signature mechanism" page (secret "testsecret").
    params = {
        "AccessKeyId": "testid", "Action": "DescribeRegions", "Format": "XML",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf", "SignatureVersion": "1.0",
        "Timestamp": "2016-02-23T12:46:24Z", "Version": "2014-05-26",
    }
    assert aliyun_signature("GET", params, "testsecret") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
