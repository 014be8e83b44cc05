"""Helpers for HTTP tests: real forms with real CSRF tokens."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser

from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import event as sa_event
from werkzeug.test import TestResponse

from app.extensions import db

#: The test apps' `LINLI_DEPLOYMENT_ID`: every feed UID ends in "@" and this.
DEPLOYMENT_ID = "linli-test-deployment"

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


class _FormFields(HTMLParser):
    """The values a browser would submit from each <form method="post"> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self.fields: dict[str, str] = {}
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._in_form = True
            self.fields = {}
            self.forms.append(self.fields)
        if not self._in_form or ("name" not in a and tag != "option"):
            return
        if tag == "input" and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields[a["name"]] = a.get("value", "y" if a.get("type") == "checkbox" else "")
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and ("selected" in a):
            self.fields[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields[a["name"]] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False


def count_page_statements(app: Flask, client: FlaskClient, path: str) -> int:
    """SQL statements run to answer a GET of `path` (which must answer 200)."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engines[None]  # the test's shared connection
    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get(path)
        assert response.status_code == 200
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)
    return len(statements)


def form_fields(html: str) -> dict[str, str]:
    """The fields of the page's main form: the POST form with the most fields."""
    parser = _FormFields()
    parser.feed(html)
    return max(parser.forms, key=len)


@contextmanager
def in_english(app: Flask) -> Iterator[None]:
    """A request context whose messages are English (services' refusals are read in tests)."""
    with app.test_request_context(), force_locale("en"):
        yield
