"""Helpers for HTTP tests: real forms with real CSRF tokens."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    return csrf_token_from(client.get(path).get_data(as_text=True))


def login(client: FlaskClient, username: str, password: str) -> TestResponse:
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_token(client)},
    )
