"""Telling people what happened: rendering (`mail`), choosing the channel and handing over after
commit (`delivery`), and the senders that talk to a mail server or an SMS gateway (`senders`)."""

from app.services.notify.delivery import (
    DISPATCHER,
    Message,
    dispatch,
    message_for,
    queue,
    send_message,
    to_resident,
    to_volunteer,
)
from app.services.notify.mail import Rendered, recipient_locale, render
from app.services.notify.senders import (
    FileMailer,
    LoggingSmsSender,
    SmtpMailer,
    mailer_from_config,
    senders,
    sms_sender_from_config,
)

__all__ = [
    "DISPATCHER",
    "FileMailer",
    "LoggingSmsSender",
    "Message",
    "Rendered",
    "SmtpMailer",
    "dispatch",
    "mailer_from_config",
    "message_for",
    "queue",
    "recipient_locale",
    "render",
    "send_message",
    "senders",
    "sms_sender_from_config",
    "to_resident",
    "to_volunteer",
]
