"""Messages to volunteers and residents: channels and delivery states."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.enums.base import LabelledEnum


class NotificationChannel(LabelledEnum):
    email = "email"
    sms = "sms"
    none = "none"  #: nobody to send to: no e-mail address and no mobile number

    @classmethod
    def _labels(cls):
        return {
            cls.email: _l("E-mail"),
            cls.sms: _l("SMS"),
            cls.none: _l("No contact"),
        }

class NotificationStatus(LabelledEnum):
    queued = "queued"  #: waiting for a consumer (or for its next try)
    sending = "sending"  #: a consumer has claimed it
    sent = "sent"  #: accepted by the mail server or the SMS provider
    failed = "failed"  #: given up after the last try; `error` says why
    #: the provider or mail server refused the number or address for good (invalid,
    #: unsubscribed, no such mailbox): not retried, and not used again for anyone
    refused = "refused"
    unreachable = "unreachable"  #: no channel: nothing was sent

    @classmethod
    def _labels(cls):
        return {
            cls.queued: _l("Waiting to be sent"),
            cls.sending: _l("Sending"),
            cls.sent: _l("Sent"),
            cls.failed: _l("Could not be sent"),
            cls.refused: _l("Refused: number or address invalid or unsubscribed"),
            cls.unreachable: _l("No contact details"),
        }
