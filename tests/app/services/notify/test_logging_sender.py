"""The development SMS sender: the log line says enough to follow a message and nothing a
reader of the logs should not see."""

from __future__ import annotations

import logging

import pytest

from app.services import notify
from app.services.notify.senders import Sms


def test_the_log_line_hides_the_code_the_address_and_most_of_the_number(
        caplog: pytest.LogCaptureFixture) -> None:
    sms = Sms(phone="13912345678", text="验证码 482916，请到 佳虹路8号3单元302室 办理。",
              template="auth/code", params={"code": "482916", "address": "佳虹路8号3单元302室"})
    with caplog.at_level(logging.INFO, logger="app.services.notify"):
        notify.LoggingSmsSender().send(sms)
    [line] = [r.getMessage() for r in caplog.records]
    assert "139***78" in line and "auth/code" in line and "address, code" in line
    for secret in ("482916", "佳虹路", "302室", "13912345678", "12345"):
        assert secret not in line
