"""Operations: the reverse proxy's client address, /healthz, request ids and log lines, the
rate limiter's off switch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from huey import RedisHuey

import app.tasks.queue
from app.extensions import db, limiter
from tests.conftest import make_test_app, temporary_app

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
MISSING = "/api/v1/events/987654321/registrations"


def _dispose(application: Flask) -> None:
    with application.app_context():
        db.engine.dispose()


def _signup(client: FlaskClient, phone: str, forwarded_for: str) -> int:
    body = {"name": "张三", "phone": phone, "building": "1", "room": "1", "consent": True}
    return client.post(MISSING, json=body, headers={"X-Forwarded-For": forwarded_for}).status_code


def test_behind_a_proxy_each_client_has_its_own_budget(app: Flask, database_url: str) -> None:
    proxied = make_test_app(database_url, LINLI_PROXY_FIX_X_FOR=1,
                            LINLI_SIGNUP_RATE_LIMIT_IP="2/minute")
    client = proxied.test_client()
    try:
        first = [_signup(client, f"1380000000{n}", "203.0.113.7") for n in range(3)]
        second = _signup(client, "13900000001", "198.51.100.9")
    finally:
        limiter.reset()
        _dispose(proxied)
    assert first == [404, 404, 429]
    assert second == 404


def test_without_proxy_fix_forwarded_headers_are_ignored(app: Flask, database_url: str) -> None:
    direct = make_test_app(database_url, LINLI_SIGNUP_RATE_LIMIT_IP="2/minute")
    client = direct.test_client()
    try:
        statuses = [_signup(client, f"1380000001{n}", f"203.0.113.{n}") for n in range(3)]
    finally:
        limiter.reset()
        _dispose(direct)
    assert statuses == [404, 404, 429]


def test_healthz_checks_database_and_queue(client: FlaskClient,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    healthy = client.get("/healthz")
    assert healthy.status_code == 200
    assert healthy.get_json() == {"status": "ok", "checks": {"database": "ok", "queue": "ok"}}
    # A queue whose Redis does not answer (nothing listens on port 1).
    monkeypatch.setattr(app.tasks.queue.huey, "storage",
                        RedisHuey("down", url="redis://127.0.0.1:1/0").storage)
    down = client.get("/healthz")
    assert down.status_code == 503
    assert down.get_json()["checks"] == {"database": "ok", "queue": "unavailable"}


def test_benchmark_baseline_is_off_unless_configured(client: FlaskClient,
                                                     database_url: str) -> None:
    assert client.get("/_baseline").status_code == 404
    assert client.post("/_baseline").status_code == 404
    with temporary_app(database_url, LINLI_BENCHMARK_BASELINE=True) as bench_app:
        bench = bench_app.test_client()
        # No CSRF token and no session: the yardstick does none of the request's work.
        answer = bench.post("/_baseline", data={"x": "1"})
        assert answer.status_code == 200 and answer.get_json() == {"ok": True}
        assert "Set-Cookie" not in answer.headers
        assert bench.get("/_baseline").status_code == 200


def test_request_id_is_echoed_or_made(client: FlaskClient) -> None:
    given = client.get("/healthz", headers={"X-Request-ID": "edge-42.a"})
    assert given.headers["X-Request-ID"] == "edge-42.a"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id <script>" + "x" * 80})
    assert len(made.headers["X-Request-ID"]) == 32
    assert made.headers["X-Request-ID"] != client.get("/healthz").headers["X-Request-ID"]


def _run_app(tmp_path: Path, script: str, **env: str) -> subprocess.CompletedProcess[str]:
    """A fresh process with a production-like app (no TESTING): logging as configured."""
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("LINLI_", "HUEY_"))},
        "LINLI_INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'linli.db'}",
        "SECRET_KEY": "s" * 32,
        "PYTHONPATH": str(ROOT),
        **env,
    }
    prelude = textwrap.dedent("""
        import logging
        from flask_migrate import upgrade
        from app import create_app
        from app.database import MIGRATIONS_DIR
        application = create_app()
        with application.app_context():
            upgrade(directory=str(MIGRATIONS_DIR))
        client = application.test_client()
    """)
    return subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(script)],
                          cwd=tmp_path, env=environment, capture_output=True, text=True,
                          timeout=120, check=True)


def test_json_log_lines_carry_the_request_id_and_hide_feed_tokens(tmp_path: Path) -> None:
    result = _run_app(tmp_path, """
        @application.get("/log-something")
        def log_something():
            logging.getLogger("app.demo").info("fetched /feeds/v/SECRET123.ics for someone")
            return "ok"
        client.get("/log-something", headers={"X-Request-ID": "req-777"})
    """, LINLI_LOG_FORMAT="json")
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    mine = [line for line in lines if line["logger"] == "app.demo"]
    assert len(mine) == 1, result.stderr
    assert mine[0]["request_id"] == "req-777"
    assert mine[0]["level"] == "INFO"
    assert "SECRET123" not in result.stderr
    assert "/feeds/v/[redacted]" in mine[0]["message"]


def test_text_log_lines_are_the_default(tmp_path: Path) -> None:
    result = _run_app(tmp_path, """
        with application.test_request_context("/x", headers={"X-Request-ID": "r-1"}):
            application.preprocess_request()
            logging.getLogger("app.demo").warning("hello")
    """)
    line = next(line for line in result.stderr.splitlines() if "app.demo" in line)
    assert "WARNING [req=r-1 task=-] app.demo: hello" in line


def test_rate_limits_can_be_switched_off(tmp_path: Path) -> None:
    script = """
        body = {"name": "张三", "phone": "13800000000", "building": "1", "room": "1",
                "consent": True}
        print([client.post(MISSING, json=body).status_code for _ in range(3)])
    """.replace("MISSING", repr(MISSING))
    limits = {"LINLI_SIGNUP_RATE_LIMIT_PHONE": "1/minute"}
    on = _run_app(tmp_path, script, **limits)
    off = _run_app(tmp_path, script, LINLI_RATELIMIT_ENABLED="false", **limits)
    assert on.stdout.strip() == "[404, 429, 429]"
    assert off.stdout.strip() == "[404, 404, 404]"
