"""SMS through the mainland providers: Alibaba Cloud (Aliyun) and Tencent Cloud SMS.

Both send only an **approved template** (a code issued by the provider) with its parameters
under an approved **sign name** ("【邻里】"), never free text. Linli's messages are templates
already (``app/templates/mail/<concept>/<kind>.txt``); ``LINLI_SMS_TEMPLATES`` maps each Linli
template name to the provider's code and the order of its parameters, e.g.::

    LINLI_SMS_TEMPLATES = {
        "scheduler/publish":  {"code": "SMS_480001", "params": ["line", "url"]},
        "scheduler/reminder": {"code": "SMS_480002", "params": ["line", "url"]},
        "signup/promotion":   {"code": "SMS_480003", "params": ["title", "code", "url"]},
    }

The parameter names are the template's plain values (`Sms.params`, recorded on the
`Notification`; times formatted as the recipient reads them). Aliyun receives them by name
(``TemplateParam`` JSON, so name them in the approved template as ``${line}``…); Tencent by
position (``{1}``, ``{2}``…), in the listed order. The values each message has (all have
``name``):

- ``scheduler/publish``: count, line (the first shift), url (its answer link, or the portal when
  there are several), portal_url
- ``scheduler/reminder``, ``scheduler/changed``, ``scheduler/help``: title, line, url
- ``scheduler/cancelled``, ``scheduler/event_cancelled``: title, line
- ``packages/changed``: count (the visits concerned)
- ``packages/missed`` (to coordinators): family, address, line, helper, makeup, makeup_helper,
  makeup_reason
- ``requests/survey`` (the questionnaire, days after resolution): code, survey_url, url,
  committee
- ``signup/promotion``: title, starts, code, url; ``signup/event_cancelled``: title, starts,
  place; ``signup/staffing_waitlisted``: title, starts, position, url

Limits (the providers' published rules for notification templates): Aliyun accepts at most 35
characters per variable; Tencent (enterprise accounts, the only ones that may send in the
mainland) sets no per-variable limit but at most 500 characters per message including the sign,
so Linli caps each value at 100. Longer values are cut with "…"; ``LINLI_SMS_PARAM_MAX_LENGTH``
overrides the cap. A value that is a URL is never cut: a cut link is worse than none (and the
provider then refuses the message, which is recorded). Both providers review links in templates:
an approved template usually carries the domain as fixed text, which is the deployment's affair.

Errors: a Linli template without a mapping, a mapping naming a parameter the message lacks, a
missing credential — `SmsRefused`; a provider that answers with an error — `SmsProviderError`
with the provider's own code and message. Either makes the try fail; the delivery records the
reason and the task retries (`app.services.notify.delivery`) — unless the provider's refusal is
permanent (`SmsProviderError.permanent`, from the codes below): a refusal of the **number**
(invalid, or the owner unsubscribed / is on the do-not-disturb list) is recorded as ``refused``
and the number is not tried again for anyone; a refusal of the **message** as configured
(template or sign not approved, a sensitive word, a URL in a variable) fails at once, as every
retry would fail the same way. Everything else (signature, rate limits, balance, the provider's
own errors, timeouts) is retried with backoff.

Only the standard library: one HTTPS request per message, 5-second timeout
(``LINLI_SMS_TIMEOUT``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.services.notify.senders import Sms

TIMEOUT = 5.0
ALIYUN_ENDPOINT = "https://dysmsapi.aliyuncs.com/"
ALIYUN_VERSION = "2017-05-25"
ALIYUN_MAX_PARAM = 35
TENCENT_ENDPOINT = "https://sms.tencentcloudapi.com/"
TENCENT_VERSION = "2021-01-11"
TENCENT_MAX_PARAM = 100


class SmsRefused(Exception):
    """Linli will not send this message as configured (nothing was sent)."""


#: Provider codes that refuse the number itself: no later try, for this message or another,
#: can succeed (Aliyun's and Tencent Cloud's published SendSms error codes).
NUMBER_REFUSALS = {
    "aliyun": {
        "isv.MOBILE_NUMBER_ILLEGAL",  # 手机号码格式错误
        "isv.CUSTOMER_REFUSED",  # 用户已退订推广短信
        "isv.DOMESTIC_NUMBER_NOT_SUPPORTED",
    },
    "tencent": {
        "InvalidParameterValue.IncorrectPhoneNumber",  # 手机号格式错误
        "FailedOperation.PhoneNumberInBlacklist",  # 免打扰名单：用户退订或运营商名单
        "FailedOperation.PhoneNumberParseFail",
    },
}
#: Provider codes that refuse the message as configured: retrying it unchanged cannot succeed.
MESSAGE_REFUSALS = {
    "aliyun": {
        "isv.SMS_TEMPLATE_ILLEGAL", "isv.SMS_SIGNATURE_ILLEGAL", "isv.SMS_SIGN_ILLEGAL",
        "isv.TEMPLATE_MISSING_PARAMETERS", "isv.INVALID_JSON_PARAM", "isv.PARAM_LENGTH_LIMIT",
        "isv.PARAM_NOT_SUPPORT_URL", "isv.BLACK_KEY_CONTROL_LIMIT", "isv.INVALID_PARAMETERS",
        "isv.SMS_CONTENT_ILLEGAL",
    },
    "tencent": {
        "FailedOperation.TemplateIncorrectOrUnapproved",
        "FailedOperation.SignatureIncorrectOrUnapproved",
        "FailedOperation.ContainSensitiveWord",
        "InvalidParameterValue.ContentLengthLimit",
        "InvalidParameterValue.ProhibitedUseUrlInTemplateParameter",
        "InvalidParameterValue.TemplateParameterFormatError",
        "InvalidParameterValue.TemplateParameterLengthLimit",
    },
}


class SmsProviderError(Exception):
    """The provider answered with an error: its code and message, as it gave them.

    `permanent` says whether trying again could help: ``"address"`` (the number is refused
    for good), ``"message"`` (this message, as configured, is refused), or None (a temporary
    or unknown fault: retried)."""

    def __init__(self, provider: str, code: str, message: str) -> None:
        super().__init__(f"{provider} refused the message: {code}: {message}")
        self.provider = provider
        self.code = code
        self.message = message
        self.permanent: str | None = (
            "address" if code in NUMBER_REFUSALS.get(provider, ())
            else "message" if code in MESSAGE_REFUSALS.get(provider, ()) else None)


@dataclass(frozen=True)
class TemplateSpec:
    code: str
    params: tuple[str, ...]


def template_specs(raw: Any) -> dict[str, TemplateSpec]:
    """``LINLI_SMS_TEMPLATES`` (a mapping, or JSON text from the environment) read strictly."""
    if not raw:
        return {}
    if isinstance(raw, str):
        raw = json.loads(raw)
    if not isinstance(raw, Mapping):
        raise ValueError("LINLI_SMS_TEMPLATES must map Linli template names to "
                         '{"code": ..., "params": [...]}')
    specs = {}
    for name, entry in raw.items():
        if not isinstance(entry, Mapping) or not entry.get("code"):
            raise ValueError(f"LINLI_SMS_TEMPLATES[{name!r}] needs a provider template code")
        params = entry.get("params") or []
        if isinstance(params, str) or not all(isinstance(p, str) for p in params):
            raise ValueError(f"LINLI_SMS_TEMPLATES[{name!r}]['params'] must be a list of names")
        specs[name] = TemplateSpec(str(entry["code"]), tuple(params))
    return specs


def fit(value: str, limit: int) -> str:
    """`value` within `limit` characters ("…" marks a cut); URLs are kept whole."""
    value = " ".join(value.split())
    if value.startswith(("http://", "https://")) or len(value) <= limit:
        return value
    return value[: max(0, limit - 1)] + "…"


class TemplateSmsSender:
    """What both providers share: the template mapping, parameter limits, one HTTP call."""

    provider = ""
    default_endpoint = ""
    default_max_param = 0

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.templates = template_specs(config.get("LINLI_SMS_TEMPLATES"))
        self.sign_name = config.get("LINLI_SMS_SIGN_NAME") or ""
        self.endpoint = config.get("LINLI_SMS_ENDPOINT") or self.default_endpoint
        self.max_param = int(config.get("LINLI_SMS_PARAM_MAX_LENGTH") or self.default_max_param)
        self.timeout = float(config.get("LINLI_SMS_TIMEOUT") or TIMEOUT)

    def _require(self, **settings: str) -> None:
        missing = [name for name, value in settings.items() if not value]
        if missing:
            raise SmsRefused(f"SMS provider {self.provider} is not configured: set "
                             + ", ".join(missing))

    def template(self, sms: Sms) -> tuple[str, list[tuple[str, str]]]:
        """The provider's template code and the parameters, in order, within the limits."""
        spec = self.templates.get(sms.template)
        if spec is None:
            raise SmsRefused(
                f"no {self.provider} SMS template is configured for Linli template "
                f"{sms.template or '(none)'!r}: add it to LINLI_SMS_TEMPLATES "
                "(the provider sends only approved templates, never free text)"
            )
        missing = [name for name in spec.params if name not in sms.params]
        if missing:
            raise SmsRefused(
                f"Linli template {sms.template!r} has no value for SMS parameter(s) "
                f"{', '.join(missing)} (it has: {', '.join(sorted(sms.params)) or 'none'})"
            )
        return spec.code, [(name, fit(str(sms.params[name]), self.max_param))
                           for name in spec.params]

    def _post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
        """POST and read the JSON answer, whatever the HTTP status (errors carry a body)."""
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        try:
            return status, json.loads(raw.decode("utf-8"))
        except ValueError:
            raise SmsProviderError(self.provider, f"HTTP {status}",
                                   raw[:200].decode("utf-8", "replace")) from None


# -- Alibaba Cloud ----------------------------------------------------------------------------

def aliyun_encode(value: str) -> str:
    """Aliyun's percent-encoding (RFC 3986: only A-Z a-z 0-9 - _ . ~ stay as they are)."""
    return urllib.parse.quote(value, safe="-_.~")


def aliyun_signature(method: str, params: Mapping[str, str], secret: str) -> str:
    """RPC signature v1: HMAC-SHA1, keyed by the secret and "&", over
    ``METHOD&%2F&encode(canonicalised query)``, base64. `params` excludes ``Signature``."""
    canonical = "&".join(f"{aliyun_encode(k)}={aliyun_encode(v)}"
                         for k, v in sorted(params.items()))
    string_to_sign = f"{method}&{aliyun_encode('/')}&{aliyun_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunSmsSender(TemplateSmsSender):
    """Alibaba Cloud SMS (Dysmsapi ``SendSms``), signed as its RPC API requires."""

    provider = "aliyun"
    default_endpoint = ALIYUN_ENDPOINT
    default_max_param = ALIYUN_MAX_PARAM

    def __init__(self, config: Mapping[str, Any]) -> None:
        super().__init__(config)
        self.key_id = config.get("LINLI_SMS_ACCESS_KEY_ID") or ""
        self.secret = config.get("LINLI_SMS_ACCESS_KEY_SECRET") or ""
        self.region = config.get("LINLI_SMS_REGION") or "cn-hangzhou"

    def send(self, sms: Sms) -> None:
        self._require(LINLI_SMS_ACCESS_KEY_ID=self.key_id,
                      LINLI_SMS_ACCESS_KEY_SECRET=self.secret,
                      LINLI_SMS_SIGN_NAME=self.sign_name)
        code, values = self.template(sms)
        params = {
            "AccessKeyId": self.key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": "".join(sms.phone.split()),
            "RegionId": self.region,
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": code,
            "TemplateParam": json.dumps(dict(values), ensure_ascii=False),
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": ALIYUN_VERSION,
        }
        params["Signature"] = aliyun_signature("POST", params, self.secret)
        body = "&".join(f"{aliyun_encode(k)}={aliyun_encode(v)}" for k, v in params.items())
        _status, answer = self._post(
            self.endpoint, body.encode(),
            {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
             "Accept": "application/json"},
        )
        if not isinstance(answer, dict) or answer.get("Code") != "OK":
            answer = answer if isinstance(answer, dict) else {}
            raise SmsProviderError(self.provider, str(answer.get("Code") or "unknown"),
                                   str(answer.get("Message") or answer))


# -- Tencent Cloud ----------------------------------------------------------------------------

def _hmac256(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def tencent_authorization(*, secret_id: str, secret_key: str, host: str, action: str,
                          content_type: str, payload: bytes, timestamp: int,
                          service: str = "sms") -> str:
    """API 3.0 signature TC3-HMAC-SHA256 of a POST to ``/``, signing content-type, host and
    x-tc-action; the value of the ``Authorization`` header."""
    signed_headers = "content-type;host;x-tc-action"
    canonical_request = "\n".join([
        "POST", "/", "",
        f"content-type:{content_type}\nhost:{host}\nx-tc-action:{action.lower()}\n",
        signed_headers,
        hashlib.sha256(payload).hexdigest(),
    ])
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    scope = f"{date}/{service}/tc3_request"
    string_to_sign = "\n".join([
        "TC3-HMAC-SHA256", str(timestamp), scope,
        hashlib.sha256(canonical_request.encode()).hexdigest(),
    ])
    key = _hmac256(_hmac256(_hmac256(f"TC3{secret_key}".encode(), date), service),
                   "tc3_request")
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    return (f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, "
            f"SignedHeaders={signed_headers}, Signature={signature}")


def e164_mainland(phone: str) -> str:
    """Tencent wants E.164: a mainland number without a country code gets +86."""
    phone = "".join(phone.split()).replace("-", "")
    if phone.startswith("+"):
        return phone
    if phone.startswith("0086"):
        return "+" + phone[2:]
    if phone.startswith("86") and len(phone) == 13:
        return "+" + phone
    return "+86" + phone


class TencentSmsSender(TemplateSmsSender):
    """Tencent Cloud SMS (``SendSms``, API version 2021-01-11), signed TC3-HMAC-SHA256."""

    provider = "tencent"
    default_endpoint = TENCENT_ENDPOINT
    default_max_param = TENCENT_MAX_PARAM
    content_type = "application/json; charset=utf-8"

    def __init__(self, config: Mapping[str, Any]) -> None:
        super().__init__(config)
        self.secret_id = (config.get("LINLI_SMS_SECRET_ID")
                          or config.get("LINLI_SMS_ACCESS_KEY_ID") or "")
        self.secret_key = (config.get("LINLI_SMS_SECRET_KEY")
                           or config.get("LINLI_SMS_ACCESS_KEY_SECRET") or "")
        self.app_id = str(config.get("LINLI_SMS_SDK_APP_ID") or "")
        self.region = config.get("LINLI_SMS_REGION") or "ap-guangzhou"

    def send(self, sms: Sms) -> None:
        self._require(LINLI_SMS_SECRET_ID=self.secret_id, LINLI_SMS_SECRET_KEY=self.secret_key,
                      LINLI_SMS_SDK_APP_ID=self.app_id, LINLI_SMS_SIGN_NAME=self.sign_name)
        code, values = self.template(sms)
        payload = json.dumps({
            "PhoneNumberSet": [e164_mainland(sms.phone)],
            "SmsSdkAppId": self.app_id,
            "SignName": self.sign_name,
            "TemplateId": code,
            "TemplateParamSet": [value for _name, value in values],
        }, ensure_ascii=False).encode()
        host = urllib.parse.urlsplit(self.endpoint).netloc
        timestamp = int(datetime.now(UTC).timestamp())
        headers = {
            "Content-Type": self.content_type,
            "Host": host,
            "X-TC-Action": "SendSms",
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Version": TENCENT_VERSION,
            "X-TC-Region": self.region,
            "Authorization": tencent_authorization(
                secret_id=self.secret_id, secret_key=self.secret_key, host=host,
                action="SendSms", content_type=self.content_type, payload=payload,
                timestamp=timestamp,
            ),
        }
        _status, answer = self._post(self.endpoint, payload, headers)
        response = answer.get("Response") if isinstance(answer, dict) else None
        if not isinstance(response, dict):
            raise SmsProviderError(self.provider, "unknown", str(answer)[:200])
        error = response.get("Error")
        if error:
            raise SmsProviderError(self.provider, str(error.get("Code")),
                                   str(error.get("Message")))
        statuses = response.get("SendStatusSet") or [{}]
        status = statuses[0]
        if status.get("Code") != "Ok":
            raise SmsProviderError(self.provider, str(status.get("Code") or "unknown"),
                                   str(status.get("Message") or response))


PROVIDERS: dict[str, type[TemplateSmsSender]] = {
    "aliyun": AliyunSmsSender,
    "tencent": TencentSmsSender,
}
