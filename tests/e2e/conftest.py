"""The browser and the live site every e2e test drives (Debian's chromium, a real server)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from app.extensions import db
from tests.e2e.test_residents_browser import ARGS, CHROMIUM
from tests.live import make_app, running_server

playwright_sync = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_sync.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def site(empty_database_url: str, tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = make_app(empty_database_url, TESTING=True, LINLI_MAIL_OUTBOX=str(tmp_path))
    with running_server(app) as base:
        yield app, base
    with app.app_context():
        db.engine.dispose()
