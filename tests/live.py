"""A real threaded server in the test process, and the sign-up requests tests send it.

Browser tests and the concurrency test serve the app with werkzeug on a free port; benchmarks
measure the deployed server instead (benchmarks/deployed.py).
"""

from __future__ import annotations

import json
import secrets
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

#: Rate limits out of the way where a test sends many sign-ups from one address.
NO_LIMITS = {"LINLI_SIGNUP_RATE_LIMIT_IP": "1000000/minute",
             "LINLI_SIGNUP_RATE_LIMIT_PHONE": "1000000/minute"}


@contextmanager
def running_server(app: Flask) -> Iterator[str]:
    """Serve `app` with a real threaded werkzeug server on a free port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def post_json(url: str, body: dict[str, Any], timeout: float = 60) -> tuple[int, dict[str, Any]]:
    data = json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        payload = error.read()
        try:
            return error.code, json.loads(payload or b"{}")
        except ValueError:
            return error.code, {"raw": payload.decode(errors="replace")}


def make_app(database_url: str, **config: Any) -> Flask:
    from flask_migrate import upgrade

    from app import create_app
    from app.database import MIGRATIONS_DIR

    app = create_app({
        "SECRET_KEY": secrets.token_hex(16),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "LINLI_EXTERNAL_URL": "http://linli.test",
        **NO_LIMITS,
        **config,
    })
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
    return app


def add_event(app: Flask, capacity: int, **kw: Any) -> int:
    from app.enums import EventKind, EventStatus
    from app.extensions import db
    from app.models import Event, Neighbourhood

    with app.app_context():
        neighbourhood = Neighbourhood(town="金桥镇", name=f"居民区{secrets.token_hex(3)}")
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
        event = Event(neighbourhood=neighbourhood, kind=EventKind.service_day,
                      title="学雷锋便民服务日", start_at=start,
                      end_at=start + timedelta(hours=3), status=EventStatus.published,
                      capacity=capacity, **kw)
        db.session.add(event)
        db.session.commit()
        return event.id


def phone_number(n: int) -> str:
    return f"139{n:08d}"


def signup_body(n: int) -> dict[str, Any]:
    return {"name": f"居民{n}", "phone": phone_number(n), "building": "3号楼",
            "room": "201", "consent": True}
