"""The server as deployed, for benchmarks that measure from a separate client process.

`deployed_server()` makes a fresh PostgreSQL database of its own, migrates it (and loads the
demo when asked) with the README's commands, starts gunicorn with deploy/gunicorn.conf.py on
Redis as deploy/linli.env.example sets it (HUEY_URL: the queue, and the rate limits every
worker shares, under a queue name of the run's own whose keys are deleted afterwards) and
yields its port; `hammer()` sends requests over keep-alive connections from this process and
checks every answer. The server runs with LINLI_BENCHMARK_BASELINE on, so `/_baseline` (no
database, no session) is there to divide by.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deploy"))
from topology_check import free_port, fresh_database, wait_for  # noqa: E402

DEFAULT_DATABASE = os.environ.get("TEST_DATABASE_URL",
                                  "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DEFAULT_REDIS = os.environ.get("TEST_HUEY_URL", "redis://127.0.0.1:6379/0")
#: An answer's check: None when it is right, else what is wrong with it.
Check = Callable[[int, dict[str, str], bytes], "str | None"]


@contextmanager
def deployed_server(database: str = DEFAULT_DATABASE, *, workers: int = 2, demo: bool = False,
                    env: dict[str, str] | None = None, redis: str = DEFAULT_REDIS,
                    consumers: int = 0) -> Iterator[tuple[int, str]]:
    """gunicorn on a fresh database and Redis, and `consumers` huey consumer processes on the
    same queue (one worker thread each, as deploy/ runs them); yields (port, database URL)."""
    bin_dir = Path(sys.executable).parent
    name = f"bench-{secrets.token_hex(4)}"
    with tempfile.TemporaryDirectory(prefix="linli-bench-") as folder, \
            fresh_database(database) as database_url, redis_keys(redis, name):
        server_env = {k: v for k, v in os.environ.items()
                      if not k.startswith(("LINLI_", "HUEY_", "FLASK_", "TEST_"))}
        port = free_port()
        server_env.update({
            "PATH": f"{bin_dir}{os.pathsep}{server_env.get('PATH', '')}",
            "SECRET_KEY": secrets.token_hex(32), "DATABASE_URL": database_url,
            "LINLI_INSTANCE_PATH": str(Path(folder) / "instance"),
            "LINLI_LOG_LEVEL": "WARNING", "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": str(workers), "LINLI_BENCHMARK_BASELINE": "true",
            "HUEY_URL": redis, "HUEY_NAME": name,
            **(env or {}),
        })
        commands = ["flask db upgrade"] + (["flask demo load"] if demo else [])
        for command in commands:
            done = subprocess.run(shlex.split(command), cwd=ROOT, env=server_env,
                                  capture_output=True, text=True)
            if done.returncode:
                raise SystemExit(f"{command} failed:\n{done.stdout}\n{done.stderr}")
        server = subprocess.Popen(
            shlex.split("gunicorn -c deploy/gunicorn.conf.py --access-logfile /dev/null "
                        "'app:create_app()'"), cwd=ROOT, env=server_env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        workers_of_queue = [subprocess.Popen(
            [sys.executable, "-m", "huey.bin.huey_consumer", "app.tasks.huey", "-w", "1",
             "-k", "thread", "-n"], cwd=ROOT, env=server_env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(consumers)]
        try:
            wait_for("gunicorn", lambda: request(port, "GET", "/_baseline")[0] == 200)
            yield port, database_url
        finally:
            for process in [server, *workers_of_queue]:
                process.terminate()
            for process in [server, *workers_of_queue]:
                process.wait(timeout=30)


@contextmanager
def redis_keys(url: str, name: str) -> Iterator[None]:
    """The run's keys (queue `name`, limits under `name`-limits) deleted afterwards."""
    import redis

    try:
        yield
    finally:
        connection = redis.Redis.from_url(url)
        for pattern in (f"*{name}*",):
            for key in connection.scan_iter(pattern):
                connection.delete(key)
        connection.close()


@contextmanager
def client_app(database_url: str) -> Iterator[Any]:
    """The app in this client process, on the server's database, for seeding rows and reading
    them back (inside an app context)."""
    from app import create_app
    from app.extensions import db

    with tempfile.TemporaryDirectory(prefix="linli-bench-client-") as folder:
        app = create_app({"SECRET_KEY": secrets.token_hex(16),
                          "SQLALCHEMY_DATABASE_URI": database_url,
                          "LINLI_INSTANCE_PATH": folder,
                          "LINLI_EXTERNAL_URL": "http://127.0.0.1"})
        with app.app_context():
            try:
                yield app
            finally:
                db.session.rollback()
                db.engine.dispose()


def machine_load() -> str:
    """How busy the machine was, for a table's title: the 1-minute load average when the
    table is printed (the benchmark's own work included) against the cores there are."""
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def request(port: int, method: str, path: str, body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def login(port: int, username: str, password: str) -> str:
    """Log in through the login form; returns the session cookie ("name=value")."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", "/login")
        response = connection.getresponse()
        page = response.read().decode()
        cookie = response.getheader("Set-Cookie", "").split(";")[0]
        body = urlencode({"username": username, "password": password,
                          "csrf_token": csrf_token(page)}).encode()
        connection.request("POST", "/login", body=body, headers={
            "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        response.read()
        assert response.status == 302, response.status
        return response.getheader("Set-Cookie", "").split(";")[0] or cookie
    finally:
        connection.close()


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def timed_request(port: int, method: str, path: str, cookie: str,
                  form: dict[str, Any] | None = None) -> tuple[float, int, dict[str, str], bytes]:
    """(seconds, status, headers, body) of one request with the session cookie; `form` is
    sent url-encoded."""
    headers = {"Cookie": cookie}
    body = None
    if form is not None:
        body = urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        started = time.perf_counter()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        elapsed = time.perf_counter() - started
    finally:
        connection.close()
    return elapsed, response.status, dict(response.getheaders()), payload


def fetch(port: int, path: str, cookie: str, must_contain: bytes) -> tuple[float, bytes]:
    """(seconds, body) of one GET that must answer 200 with `must_contain` in the body."""
    elapsed, status, _, body = timed_request(port, "GET", path, cookie)
    if status != 200 or must_contain not in body:
        raise AssertionError(f"GET {path}: {status} {body[:200]!r}")
    return elapsed, body


def timed(port: int, path: str, cookie: str, must_contain: bytes) -> float:
    return fetch(port, path, cookie, must_contain)[0]


def hammer(port: int, requests: int, threads: int,
           make: Callable[[int], tuple[str, str, bytes | None, dict[str, str]]],
           check: Check) -> float:
    """Requests per second: `requests` answers over `threads` keep-alive connections, request
    n being `make(n)` = (method, path, body, headers). A wrong answer stops the run."""
    per_thread = requests // threads

    def work(thread: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            for i in range(per_thread):
                method, path, body, headers = make(thread * per_thread + i)
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
                problem = check(response.status, dict(response.getheaders()), payload)
                if problem:
                    raise AssertionError(f"{method} {path}: {problem}")
        finally:
            connection.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(work, range(threads)))
    return per_thread * threads / (time.perf_counter() - started)


def ratio_table(title: str, rates: dict[str, list[float]], baseline: str,
                targets: dict[str, float], *, every_round: bool = False) -> tuple[str, bool]:
    """A Markdown table of requests/s per round, median, spread and ratio to the baseline;
    returns (table, every target met).

    Rounds are paired (each route ran once per round, interleaved), so a route's ratio is
    taken round by round — its own round's baseline, under the same machine load — and the
    table shows each round's ratio and their median. A target is met by that median, or,
    with `every_round`, only when every round's ratio reaches it.
    """
    lines = [title, "", f"| route | req/s per round | median | min–max | ÷ {baseline} per round "
             f"| ÷ {baseline} (median) | target |", "|---|---|---|---|---|---|---|"]
    met = True
    for name, values in rates.items():
        ratios = [v / b for v, b in zip(values, rates[baseline], strict=True)]
        ratio = statistics.median(ratios)
        target = targets.get(name)
        reached = target is None or (min(ratios) if every_round else ratio) >= target
        which = "every round " if every_round else ""
        mark = "" if target is None else (f"≥ {target} {which}✓" if reached
                                          else f"≥ {target} {which}✗ MISSED")
        met &= reached
        lines.append(f"| {name} | {' '.join(f'{v:.0f}' for v in values)} | "
                     f"{statistics.median(values):.0f} | {min(values):.0f}–{max(values):.0f} | "
                     f"{' '.join(f'{r:.2f}' for r in ratios)} | {ratio:.2f} | {mark} |")
    return "\n".join(lines), met
