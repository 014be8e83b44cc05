"""How a message leaves Linli: e-mail, or SMS through a pluggable sender.

Two small interfaces, chosen by configuration:

- `Mailer`: `SmtpMailer` (``LINLI_MAIL_SMTP_HOST`` set) or `FileMailer`, which writes each
  message as an ``.eml`` file into ``instance/outbox/`` — the default in development, and what
  the tests read.
- `SmsSender`: `LoggingSmsSender` writes the text to the log; ``LINLI_SMS_PROVIDER`` chooses
  Aliyun or Tencent Cloud SMS (`app.services.notify.sms`); any other gateway is plugged in by
  naming a class in ``LINLI_SMS_SENDER`` ("package.module:Class"), constructed with the app
  config.
"""

from __future__ import annotations

import importlib
import logging
import smtplib
import ssl
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime as email_date
from email.utils import make_msgid
from pathlib import Path
from typing import Any, Protocol

from flask import current_app

log = logging.getLogger(__name__)

class Mailer(Protocol):
    def send(self, to: str, subject: str, body: str, html: str | None = None,
             ics: str | None = None) -> None: ...


@dataclass(frozen=True)
class Sms:
    """One text message. Providers in mainland China (Aliyun, Tencent Cloud) send only
    approved templates: they use `template` (Linli's name, mapped to the provider's template
    code by configuration) and `params`; others send `text`."""

    phone: str
    text: str
    template: str = ""
    params: Mapping[str, str] = field(default_factory=dict)


class SmsSender(Protocol):
    def send(self, sms: Sms) -> None: ...


def _message(sender: str, to: str, subject: str, body: str,
             html: str | None = None, ics: str | None = None) -> EmailMessage:
    """The mail: the text part always (what was recorded, and what text-only mail programs
    show), an HTML alternative after it when given (multipart/alternative: a mail program
    shows the last part it can display)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = email_date(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "linli.local")
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    if ics is not None:
        # After the text and HTML: a file to open in any calendar app (METHOD:PUBLISH).
        message.add_attachment(ics.encode(), maintype="text", subtype="calendar",
                               filename="linli.ics", params={"method": "PUBLISH"})
    return message


@dataclass
class FileMailer:
    """Writes every message as an `.eml` file: read them with any mail program."""

    folder: Path
    sender: str

    def send(self, to: str, subject: str, body: str, html: str | None = None,
             ics: str | None = None) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        path = self.folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        path.write_bytes(bytes(_message(self.sender, to, subject, body, html, ics)))


@dataclass
class SmtpMailer:
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    #: "starttls" (port 587), "ssl" (implicit TLS on 465, as 163, Tencent and Aliyun mail
    #: use) or "none" (a local relay).
    security: str = "starttls"
    timeout: float = 10.0

    def send(self, to: str, subject: str, body: str, html: str | None = None,
             ics: str | None = None) -> None:
        context = ssl.create_default_context()
        if self.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                                  context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with smtp:
            if self.security == "starttls":
                smtp.starttls(context=context)
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(_message(self.sender, to, subject, body, html, ics))


class LoggingSmsSender:
    """Writes the text to the log (development); a deployment configures its SMS provider."""

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        pass

    def send(self, sms: Sms) -> None:
        # Logs are kept and read by many: no text and no parameter values (verification
        # codes, addresses, names), only what a developer needs to follow the message.
        log.info("SMS to %s***%s: template %s, parameters %s, %s characters",
                 sms.phone[:3], sms.phone[-2:], sms.template or "-",
                 ", ".join(sorted(sms.params)) or "-", len(sms.text))


def mailer_from_config(config: Mapping[str, Any], instance_path: str) -> Mailer:
    sender = config.get("LINLI_MAIL_SENDER") or "linli@localhost"
    host = config.get("LINLI_MAIL_SMTP_HOST")
    if host:
        port = int(config.get("LINLI_MAIL_SMTP_PORT") or 587)
        security = config.get("LINLI_MAIL_SMTP_SECURITY") or ("ssl" if port == 465 else "starttls")
        if config.get("LINLI_MAIL_SMTP_STARTTLS") is False:  # the older setting
            security = "none"
        if security not in ("starttls", "ssl", "none"):
            raise ValueError(f"LINLI_MAIL_SMTP_SECURITY must be starttls, ssl or none: {security}")
        return SmtpMailer(
            host=host,
            port=port,
            sender=sender,
            username=config.get("LINLI_MAIL_SMTP_USERNAME"),
            password=config.get("LINLI_MAIL_SMTP_PASSWORD"),
            security=security,
        )
    folder = config.get("LINLI_MAIL_OUTBOX") or str(Path(instance_path) / "outbox")
    return FileMailer(Path(folder), sender)


def sms_sender_from_config(config: Mapping[str, Any]) -> SmsSender:
    """``LINLI_SMS_PROVIDER`` first ("aliyun", "tencent" or "log"; see `notify.sms`), else
    the class named in ``LINLI_SMS_SENDER`` ("package.module:Class"), else the log."""
    provider = (config.get("LINLI_SMS_PROVIDER") or "").strip().lower()
    if provider == "log":
        return LoggingSmsSender(config)
    if provider:
        from app.services.notify.sms import PROVIDERS  # it builds on this module's `Sms`

        if provider not in PROVIDERS:
            raise ValueError(f"LINLI_SMS_PROVIDER must be aliyun, tencent or log: {provider}")
        return PROVIDERS[provider](config)
    spec = config.get("LINLI_SMS_SENDER") or ""
    if not spec or spec == "log":
        return LoggingSmsSender(config)
    module_name, _sep, class_name = spec.partition(":")
    return getattr(importlib.import_module(module_name), class_name)(config)


def senders() -> tuple[Mailer, SmsSender]:
    """The app's senders, built once per app (a deployment's SMS gateway may hold a client)."""
    app = current_app
    cached = app.extensions.get("linli_notify")
    if cached is None:
        cached = (
            mailer_from_config(app.config, app.instance_path),
            sms_sender_from_config(app.config),
        )
        app.extensions["linli_notify"] = cached
    return cached


def sms_logged_only() -> bool:
    """Whether text messages only go to the log (no SMS provider configured): a coordinator
    must not read "sent by SMS" as "on the phone"."""
    return isinstance(senders()[1], LoggingSmsSender)
