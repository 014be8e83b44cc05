"""Telling people what happened: rendering (`mail`), recording each message and choosing its
channel, handing it over after commit and sending it exactly once (`delivery`), the senders
that talk to a mail server or an SMS gateway (`senders`, and `sms` for the Aliyun and
Tencent Cloud SMS providers), and the numbers and addresses refused for good (`refusals`)."""

from app.services.notify.delivery import (
    DISPATCHER,
    MAX_ATTEMPTS,
    ChannelCounts,
    DeliveryCounts,
    DeliveryFailed,
    backoff,
    deliver,
    deliver_now,
    dispatch,
    permanent_refusal,
    refused_addresses,
    to_phone,
    to_requester,
    to_resident,
    to_staff,
    to_volunteer,
)
from app.services.notify.mail import (
    Rendered,
    html_alternative,
    recipient_locale,
    render,
    text_html,
)
from app.services.notify.senders import (
    FileMailer,
    LoggingSmsSender,
    Sms,
    SmsSender,
    SmtpMailer,
    mailer_from_config,
    senders,
    sms_logged_only,
    sms_sender_from_config,
)
from app.services.notify.sms import (
    AliyunSmsSender,
    SmsProviderError,
    SmsRefused,
    TencentSmsSender,
)

__all__ = [
    "DISPATCHER",
    "MAX_ATTEMPTS",
    "AliyunSmsSender",
    "ChannelCounts",
    "DeliveryCounts",
    "DeliveryFailed",
    "FileMailer",
    "LoggingSmsSender",
    "Rendered",
    "Sms",
    "SmsProviderError",
    "SmsRefused",
    "SmsSender",
    "SmtpMailer",
    "TencentSmsSender",
    "backoff",
    "deliver",
    "deliver_now",
    "dispatch",
    "html_alternative",
    "mailer_from_config",
    "permanent_refusal",
    "recipient_locale",
    "refused_addresses",
    "render",
    "senders",
    "sms_logged_only",
    "sms_sender_from_config",
    "text_html",
    "to_phone",
    "to_requester",
    "to_resident",
    "to_staff",
    "to_volunteer",
]
