"""`flask feeds url/rotate`, and secret links kept out of a real server's request log."""

from __future__ import annotations

import http.client
import logging
import threading

import pytest
from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from app.feeds.logs import redact
from tests.factories import make_team, make_volunteer

pytestmark = pytest.mark.integration


def test_cli_url_and_rotate(app: Flask, db_session: Session) -> None:
    volunteer = make_volunteer(db_session)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["feeds", "url", "--volunteer", str(volunteer.id)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"http://linli.test/feeds/v/{volunteer.feed_token}.ics"
    old = volunteer.feed_token
    result = runner.invoke(args=["feeds", "rotate", "--volunteer", str(volunteer.id)])
    assert result.exit_code == 0, result.output
    db_session.expire_all()
    assert volunteer.feed_token != old
    assert result.output.strip() == f"http://linli.test/feeds/v/{volunteer.feed_token}.ics"
    team = make_team(db_session)
    result = runner.invoke(args=["feeds", "url", "--team", str(team.id)])
    assert result.output.strip() == f"http://linli.test/feeds/t/{team.feed_token}.ics"
    missing = runner.invoke(args=["feeds", "url", "--volunteer", "999999"])
    assert missing.exit_code != 0 and "no volunteer" in missing.output
    neither = runner.invoke(args=["feeds", "url"])
    assert neither.exit_code != 0


def test_redact() -> None:
    line = '127.0.0.1 - - "GET /feeds/v/AbC_d-123456789012345678901.ics HTTP/1.1" 200 -'
    assert "AbC_d" not in redact(line)
    assert "/feeds/v/[redacted].ics" in redact(line)
    assert redact("/feeds/events/3.ics") == "/feeds/events/3.ics"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_tokens_absent_from_real_server_log(app: Flask, db_session: Session) -> None:
    volunteer = make_volunteer(db_session)
    team = make_team(db_session)
    db_session.commit()  # releases the savepoint; the outer transaction is still rolled back
    collect = _Collect()
    logger = logging.getLogger("werkzeug")
    logger.addHandler(collect)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for path in (f"/feeds/v/{volunteer.feed_token}.ics", f"/feeds/t/{team.feed_token}.ics",
                     "/feeds/v/" + "x" * 43 + ".ics"):
            connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            connection.close()
            assert response.status in (200, 404)
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()
        logger.removeHandler(collect)
        logger.setLevel(old_level)
    log = "\n".join(collect.lines)
    assert log.count("/feeds/v/[redacted].ics") == 2
    assert "/feeds/t/[redacted].ics" in log
    assert volunteer.feed_token not in log and team.feed_token not in log


def test_every_secret_link_is_redacted_by_route_in_the_real_server_log(
        app: Flask, db_session: Session) -> None:
    """Issue 10: portal links, confirm/decline, cancel pages and API cancels, `/./` tricks."""
    secret = "S3cretTok_" + "q" * 30
    requests = [
        ("GET", f"/portal/?t={secret}"), ("GET", f"/respond/a/{secret}"),
        ("POST", f"/respond/a/{secret}/confirm"), ("GET", f"/respond/help/{secret}"),
        ("GET", f"/r/{secret}"), ("POST", f"/r/{secret}/cancel"),
        ("GET", f"/api/v1/registrations/{secret}"),
        ("POST", f"/api/v1/registrations/{secret}/cancel"),
        ("GET", f"/feeds/v/./{secret}.ics"), ("GET", f"/feeds/t//{secret}.ics"),
        ("GET", f"/feeds/v/%2E/{secret}.ics"), ("GET", f"/r/{secret}/cancel/more"),
        ("GET", f"/login?next=/portal/%3Ft%3D{secret}"),
    ]
    collect = _Collect()
    logger = logging.getLogger("werkzeug")
    logger.addHandler(collect)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for method, path in requests:
            connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
            connection.request(method, path, headers={"Referer": f"http://x.test/portal/?t={secret}"})
            connection.getresponse().read()
            connection.close()
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()
        logger.removeHandler(collect)
        logger.setLevel(old_level)
    log = "\n".join(collect.lines)
    assert len(collect.lines) >= len(requests)
    assert "S3cretTok" not in log, log
    assert "/portal/?t=[redacted]" in log and "/r/[redacted]/cancel" in log
    assert "/api/v1/registrations/[redacted]/cancel" in log
