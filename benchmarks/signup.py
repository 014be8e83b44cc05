"""Sign-ups per second for one event under concurrency, against a trivial POST route.

    python -m benchmarks.signup [--postgres URL] [--requests 400] [--threads 16]

Both are measured on the same real threaded server (werkzeug), the same app and settings:
the sign-up route (`POST /api/v1/events/<id>/registrations`, which locks the event, counts,
inserts and commits) and a trivial POST route that only returns a small JSON body. The
ratio says how much of the server's request throughput sign-up keeps (target ≥ 0.3). Runs
on SQLite always, and on PostgreSQL when `--postgres` or `TEST_DATABASE_URL` is given.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
import statistics
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, jsonify
from werkzeug.serving import make_server

#: Rate limits out of the way: the benchmark measures the database and the service.
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


@contextmanager
def fresh_postgres_schema(base_url: str) -> Iterator[str]:
    """A throw-away schema on the given server, so the benchmark never touches real data."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    schema = f"linli_bench_{secrets.token_hex(4)}"
    engine = sa.create_engine(base_url)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        engine.dispose()


def _rate(url_for_n: Callable[[int], tuple[str, dict[str, Any]]], count: int,
          threads: int) -> tuple[float, list[int]]:
    statuses: list[int] = []

    def one(n: int) -> int:
        url, body = url_for_n(n)
        return post_json(url, body)[0]

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        statuses = list(pool.map(one, range(count)))
    return count / (time.perf_counter() - started), statuses


def measure(database_url: str, label: str, count: int, threads: int) -> dict[str, Any]:
    app = make_app(database_url)

    @app.post("/_bench/noop")
    def noop():  # type: ignore[no-untyped-def]
        return jsonify(ok=True)

    from app.extensions import csrf, db

    csrf.exempt(noop)
    with running_server(app) as base:
        # Warm both paths (connections, template and JIT-free caches).
        warm = add_event(app, capacity=5)
        for n in range(5):
            post_json(f"{base}/api/v1/events/{warm}/registrations", signup_body(900_000 + n))
            post_json(f"{base}/_bench/noop", {})
        rates, trivial = [], []
        for round_ in range(2):
            event_id = add_event(app, capacity=max(count // 3, 1))
            rate, statuses = _rate(
                lambda n, e=event_id, r=round_: (f"{base}/api/v1/events/{e}/registrations",
                                                  signup_body(r * 100_000 + n)),
                count, threads)
            bad = [s for s in statuses if s != 201]
            if bad:
                raise SystemExit(f"{label}: {len(bad)} sign-ups failed: {sorted(set(bad))}")
            rates.append(rate)
            trivial_rate, statuses = _rate(lambda n: (f"{base}/_bench/noop", {}), count, threads)
            trivial.append(trivial_rate)
    with app.app_context():
        db.engine.dispose()
    signups, noops = statistics.median(rates), statistics.median(trivial)
    return {"database": label, "signups_per_s": signups, "trivial_per_s": noops,
            "ratio": signups / noops}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"),
                        help="PostgreSQL URL (default: $TEST_DATABASE_URL)")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("LINLI_INSTANCE_PATH", folder)
        rows.append(measure(f"sqlite:///{Path(folder) / 'bench.db'}", "SQLite (WAL)",
                            args.requests, args.threads))
        if args.postgres:
            with fresh_postgres_schema(args.postgres) as url:
                rows.append(measure(url, "PostgreSQL", args.requests, args.threads))
    print(f"sign-up benchmark: {args.requests} POSTs per run, {args.threads} client threads, "
          "werkzeug threaded server, median of 2 runs")
    print(f"{'database':<14} {'sign-ups/s':>11} {'trivial POST/s':>15} {'ratio':>7}  target")
    for row in rows:
        verdict = "ok" if row["ratio"] >= 0.3 else "BELOW"
        print(f"{row['database']:<14} {row['signups_per_s']:>11.1f} "
              f"{row['trivial_per_s']:>15.1f} {row['ratio']:>7.2f}  ≥ 0.30 {verdict}")


if __name__ == "__main__":
    main()
