"""Local fake SMS providers (Aliyun, Tencent Cloud) for `test_sms.py`: each a real HTTP server
on 127.0.0.1 that recomputes the request's signature with its own implementation of the
provider's documented algorithm — not Linli's — answers a wrong one in the provider's own
error shape, checks the sign name, the template code and its parameters against the
"approved" templates and the phone number, then answers success."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import urllib.parse
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SECRET_ID = "LTAI-test-key-id"
SECRET = "right-secret-0123456789"
SIGN_NAME = "邻里金桥"
APP_ID = "1400123456"
PHONE = "13912345678"
#: The "approved" templates of the fake account: code → parameter names, in order.
APPROVED = {"SMS_480002": ["line", "url"], "SMS_480003": ["title", "starts", "code", "url"]}
TEMPLATES = {
    "scheduler/reminder": {"code": "SMS_480002", "params": ["line", "url"]},
    "signup/promotion": {"code": "SMS_480003", "params": ["title", "starts", "code", "url"]},
}
URL = "http://linli.test/respond/" + "x" * 60  # longer than any variable may be
#: Numbers the fake providers treat as the real ones would: no such number (空号), its owner
#: unsubscribed (退订 / 免打扰名单), and one that hits a rate limit (temporary).
NO_SUCH_NUMBER = "13900000404"
UNSUBSCRIBED = "13900000403"
RATE_LIMITED = "13900000429"


class FakeProvider(ThreadingHTTPServer):
    """Records every request (headers and raw body) and what it decided."""

    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.requests: list[dict[str, Any]] = []
        self.accepted: list[dict[str, Any]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"


class _Handler(BaseHTTPRequestHandler):
    server: FakeProvider

    def log_message(self, *args: object) -> None:
        pass

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        raw = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _read(self) -> bytes:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.requests.append({"headers": dict(self.headers), "body": raw})
        return raw


def _aliyun_encode(text: str) -> str:
    # As Aliyun's documentation describes it: form-encode, then "+"→%20, "*"→%2A, %7E→"~".
    return (urllib.parse.quote_plus(text, safe="")
            .replace("+", "%20").replace("*", "%2A").replace("%7E", "~"))


class AliyunHandler(_Handler):
    nonces: set[str] = set()

    def _error(self, status: int, code: str, message: str) -> None:
        self._answer(status, {"RequestId": str(uuid.uuid4()).upper(), "Code": code,
                              "Message": message, "HostId": "dysmsapi.aliyuncs.com"})

    def do_POST(self) -> None:
        form = dict(urllib.parse.parse_qsl(self._read().decode(), keep_blank_values=True,
                                           strict_parsing=True))
        signature = form.pop("Signature", "")
        canonical = "&".join(f"{_aliyun_encode(k)}={_aliyun_encode(v)}"
                             for k, v in sorted(form.items()))
        to_sign = "POST&%2F&" + _aliyun_encode(canonical)
        expected = base64.b64encode(
            hmac.new((SECRET + "&").encode(), to_sign.encode(), hashlib.sha1).digest()
        ).decode()
        if form.get("AccessKeyId") != SECRET_ID:
            return self._error(404, "InvalidAccessKeyId.NotFound",
                               "Specified access key is not found.")
        if not hmac.compare_digest(signature, expected):
            return self._error(400, "SignatureDoesNotMatch",
                               "Specified signature is not matched with our calculation. "
                               f"server string to sign is:{to_sign}")
        if (form.get("SignatureMethod") != "HMAC-SHA1" or form.get("SignatureVersion") != "1.0"
                or form.get("SignatureNonce") in self.nonces
                or not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ",
                                    form.get("Timestamp", ""))):
            return self._error(400, "InvalidParameter", "bad common parameters")
        self.nonces.add(form["SignatureNonce"])
        if form.get("Action") != "SendSms" or form.get("Version") != "2017-05-25":
            return self._error(400, "InvalidAction.NotFound", "Specified api is not found")
        if form.get("SignName") != SIGN_NAME:
            return self._error(200, "isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名")
        names = APPROVED.get(form.get("TemplateCode", ""))
        params = json.loads(form.get("TemplateParam") or "{}")
        if names is None:
            return self._error(200, "isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板")
        if sorted(params) != sorted(names) or any(
                not v or (len(v) > 35 and not v.startswith("http")) for v in params.values()):
            return self._error(200, "isv.INVALID_PARAMETERS", "参数异常")
        phone = form.get("PhoneNumbers", "")
        if not re.fullmatch(r"1\d{10}", phone) or phone == NO_SUCH_NUMBER:
            return self._error(200, "isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
        if phone == UNSUBSCRIBED:
            return self._error(200, "isv.CUSTOMER_REFUSED", "用户已退订推广短信")
        if phone == RATE_LIMITED:
            return self._error(200, "isv.BUSINESS_LIMIT_CONTROL", "触发号码天级流控")
        self.server.accepted.append({"phone": form["PhoneNumbers"],
                                     "code": form["TemplateCode"], "params": params})
        self._answer(200, {"RequestId": str(uuid.uuid4()).upper(), "Message": "OK",
                           "BizId": "900619746936498440^0", "Code": "OK"})


def _sha256_hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


class TencentHandler(_Handler):
    def _error(self, code: str, message: str) -> None:
        self._answer(200, {"Response": {"Error": {"Code": code, "Message": message},
                                        "RequestId": str(uuid.uuid4())}})

    def do_POST(self) -> None:
        body = self._read()
        auth = re.fullmatch(
            r"TC3-HMAC-SHA256 Credential=([^/]+)/(\d{4}-\d\d-\d\d)/sms/tc3_request, "
            r"SignedHeaders=([a-z;-]+), Signature=([0-9a-f]{64})",
            self.headers.get("Authorization", ""),
        )
        if auth is None:
            return self._error("AuthFailure.InvalidAuthorization",
                               "Credential should contain SecretId, Date, service and tc3_request.")
        secret_id, date, signed, signature = auth.groups()
        if secret_id != SECRET_ID:
            return self._error("AuthFailure.SecretIdNotFound", "The SecretId is not found.")
        timestamp = int(self.headers.get("X-TC-Timestamp", "0"))
        if datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d") != date:
            return self._error("AuthFailure.InvalidAuthorization", "date mismatch")
        headers = "".join(f"{name}:{self.headers.get(name, '').strip().lower()}\n"
                          for name in signed.split(";"))
        canonical = "\n".join(["POST", "/", "", headers, signed,
                               hashlib.sha256(body).hexdigest()])
        to_sign = "\n".join(["TC3-HMAC-SHA256", str(timestamp), f"{date}/sms/tc3_request",
                             hashlib.sha256(canonical.encode()).hexdigest()])
        key = _sha256_hmac(_sha256_hmac(_sha256_hmac(("TC3" + SECRET).encode(), date), "sms"),
                           "tc3_request")
        expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        if not {"content-type", "host", "x-tc-action"} <= set(signed.split(";")) or \
                not hmac.compare_digest(signature, expected):
            return self._error("AuthFailure.SignatureFailure",
                               "The provided credentials could not be validated. "
                               "Please check your signature is correct.")
        if (self.headers.get("X-TC-Action") != "SendSms"
                or self.headers.get("X-TC-Version") != "2021-01-11"
                or not self.headers.get("X-TC-Region")):
            return self._error("InvalidAction", "bad action, version or region")
        request = json.loads(body)
        if request.get("SmsSdkAppId") != APP_ID:
            return self._error("FailedOperation.InsufficientBalanceInSmsPackage",
                               "no SMS package for this SdkAppId")
        if request.get("SignName") != SIGN_NAME:
            return self._error("FailedOperation.SignatureIncorrectOrUnapproved",
                               "签名未审批或格式错误")
        names = APPROVED.get(request.get("TemplateId", ""))
        values = request.get("TemplateParamSet") or []
        if names is None:
            return self._error("FailedOperation.TemplateIncorrectOrUnapproved",
                               "模板未审批或内容不匹配")
        if len(values) != len(names) or not all(isinstance(v, str) and v for v in values):
            return self._error("InvalidParameterValue.TemplateParameterFormatError",
                               "验证码模板参数格式错误")
        phones = request.get("PhoneNumberSet") or []
        if (len(phones) != 1 or not re.fullmatch(r"\+861\d{10}", phones[0])
                or phones[0] == "+86" + NO_SUCH_NUMBER):
            return self._error("InvalidParameterValue.IncorrectPhoneNumber", "手机号格式错误")
        if phones[0] == "+86" + UNSUBSCRIBED:
            return self._error("FailedOperation.PhoneNumberInBlacklist",
                               "手机号在免打扰名单库中")
        if phones[0] == "+86" + RATE_LIMITED:
            return self._error("LimitExceeded.PhoneNumberDailyLimit",
                               "单个手机号日下发短信条数超过设定的上限")
        self.server.accepted.append({"phone": phones[0], "code": request["TemplateId"],
                                     "params": dict(zip(names, values, strict=True))})
        self._answer(200, {"Response": {"SendStatusSet": [{
            "SerialNo": "5000:1045710669157053657849499619", "PhoneNumber": phones[0],
            "Fee": 1, "SessionContext": "", "Code": "Ok", "Message": "send success",
            "IsoCode": "CN"}], "RequestId": str(uuid.uuid4())}})


HANDLERS: dict[str, type[_Handler]] = {"aliyun": AliyunHandler, "tencent": TencentHandler}
