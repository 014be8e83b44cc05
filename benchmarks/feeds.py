"""Feed benchmark: `python -m benchmarks.feeds` (part of `make bench`).

Starts a real threaded werkzeug server on 127.0.0.1 over a temporary SQLite database built by
the migrations, seeds a volunteer with 50 assignments and a neighbourhood with 500 public
events, then measures requests per second, from a few keep-alive client threads, of

- the cached personal feed (200 with the full body),
- a 304 answer to If-None-Match,
- `/healthz`, a trivial JSON route on the same server and settings (the baseline),

and the render time of the uncached 500-event feed. Figures are printed as a table.
"""

from __future__ import annotations

import http.client
import logging
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask_migrate import upgrade
from werkzeug.serving import WSGIRequestHandler, make_server

CLIENTS = 4
REQUESTS_PER_CLIENT = 400
ROUNDS = 3


class _KeepAliveHandler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # measuring the server, not the terminal


def _seed(app) -> tuple[str, int]:
    from app.enums import AssignmentStatus, EventKind, EventStatus
    from app.extensions import db
    from app.models import Assignment, Event, Neighbourhood, Shift, Skill, Volunteer

    session = db.session
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    home = Neighbourhood(town="金桥镇", name="金桥居民区")
    public = Neighbourhood(town="金桥镇", name="佳虹居民区")
    skill = Skill(code="bp", name_zh="量血压", name_en="Blood pressure")
    volunteer = Volunteer(name="王芳", phone="13900000000", neighbourhood=home)
    session.add_all([home, public, skill, volunteer])
    for i in range(50):
        event = Event(neighbourhood=home, kind=EventKind.service_day, title=f"学雷锋便民服务{i}",
                      place="社区服务中心, 一楼; 大厅", contact="李主任 13912345678",
                      status=EventStatus.published,
                      start_at=start + timedelta(days=i), end_at=start + timedelta(days=i, hours=3))
        shift = Shift(event=event, title="量血压", skill=skill, start_at=event.start_at,
                      end_at=event.end_at)
        session.add(Assignment(shift=shift, volunteer=volunteer,
                               status=AssignmentStatus.confirmed if i % 3 else
                               AssignmentStatus.pending))
    for i in range(500):
        at = start + timedelta(hours=6 * i)
        session.add(Event(neighbourhood=public, kind=EventKind.service_day,
                          title=f"便民服务 {i}", place="社区广场", status=EventStatus.published,
                          description="量血压、理发、磨刀、修伞。", start_at=at,
                          end_at=at + timedelta(hours=2)))
    session.commit()
    return volunteer.feed_token, public.id


def _hammer(port: int, path: str, headers: dict[str, str], expect: int) -> float:
    """Requests per second over CLIENTS keep-alive connections, REQUESTS_PER_CLIENT each."""
    errors: list[str] = []
    barrier = threading.Barrier(CLIENTS + 1)

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        barrier.wait()
        for _ in range(REQUESTS_PER_CLIENT):
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != expect:
                errors.append(f"{path}: {response.status}")
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise RuntimeError(f"unexpected answers, e.g. {errors[0]} ({len(errors)} in all)")
    return CLIENTS * REQUESTS_PER_CLIENT / elapsed


def main() -> int:
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="linli-bench-") as folder:
        os.environ["LINLI_INSTANCE_PATH"] = folder
        from app import create_app
        from app.database import MIGRATIONS_DIR
        from app.extensions import db
        from app.feeds.views import feed_cache
        from app.models import utcnow
        from app.services import feeds
        from app.services.feeds import FeedKind, FeedSettings

        app = create_app({
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.db'}",
            "LINLI_EXTERNAL_URL": "http://127.0.0.1",
        })
        with app.app_context():
            upgrade(directory=str(MIGRATIONS_DIR))
            token, hood_id = _seed(app)
            settings = FeedSettings.from_config(app.config)
            renders = []
            for _ in range(5):
                began = time.perf_counter()
                big = feeds.build_public_feed(db.session, FeedKind.neighbourhood, hood_id,
                                              now=utcnow(), settings=settings, locale="zh_CN")
                renders.append(time.perf_counter() - began)
            db.session.rollback()
        server = make_server("127.0.0.1", 0, app, threaded=True,
                             request_handler=_KeepAliveHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        port = server.server_port
        feed_path = f"/feeds/v/{token}.ics"
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            probe.request("GET", feed_path)
            response = probe.getresponse()
            body = response.read()
            etag = response.headers["ETag"]
            probe.close()
            rates: dict[str, list[float]] = {"json": [], "feed": [], "304": []}
            for _ in range(ROUNDS):  # interleaved, so drift hits all three alike
                rates["json"].append(_hammer(port, "/healthz", {}, 200))
                rates["feed"].append(_hammer(port, feed_path, {}, 200))
                rates["304"].append(_hammer(port, feed_path, {"If-None-Match": etag}, 304))
        finally:
            server.shutdown()
            thread.join(10)
            server.server_close()
        cache = feed_cache(app)
        with app.app_context():
            db.engine.dispose()
    best = {name: max(values) for name, values in rates.items()}
    base = best["json"]
    print(f"Linli feed benchmark: werkzeug threaded server, SQLite, {CLIENTS} keep-alive "
          f"clients × {REQUESTS_PER_CLIENT} requests, best of {ROUNDS} rounds")
    print(f"{'route':<40}{'req/s':>10}{'ratio':>9}{'target':>9}")
    rows = [
        ("/healthz (JSON baseline)", "json", None),
        (f"personal feed, cached (50 events, {len(body) // 1024} KiB)", "feed", 0.5),
        ("personal feed, 304 If-None-Match", "304", 0.8),
    ]
    ok = True
    for label, key, target in rows:
        ratio = best[key] / base
        mark = "" if target is None else f"≥ {target:.1f}"
        if target is not None and ratio < target:
            ok = False
            mark += " ✗"
        print(f"{label:<40}{best[key]:>10.0f}{ratio:>9.2f}{mark:>9}")
    print(f"uncached render, 500-event public feed ({len(big.body) // 1024} KiB): "
          f"median {statistics.median(renders) * 1000:.0f} ms, best {min(renders) * 1000:.0f} ms")
    print(f"feed cache: {cache.hits} hits, {cache.misses} misses")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
