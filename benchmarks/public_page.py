"""The public event page for anonymous visitors, against /healthz, measured from outside.

    .venv/bin/python benchmarks/public_page.py [--database postgresql+psycopg://…/test]
        [--rounds 5] [--requests 300] [--threads 8]

Starts gunicorn (deploy/gunicorn.conf.py, 2 workers) on a fresh PostgreSQL database of its own
with the demo data, then, from this separate client process, hammers over keep-alive
connections: `GET /healthz` (database + queue check, the baseline), `GET /events/<id>` (a full
render), and `GET /events/<id>` with the ETag the page gave (the cached visitor's 304). Every
answer is checked (status, no session cookie, the event's title in a 200, an empty 304); a
wrong answer fails the run. Prints requests/s per round, the median and spread, and the ratios
to /healthz with the targets (page ≥ 0.5 of /healthz for the cached, 304 answer).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deploy"))
from topology_check import free_port, fresh_database, wait_for  # noqa: E402

TARGET_304 = 0.5


class Target:
    def __init__(self, name: str, path: str, headers: dict[str, str],
                 check: Callable[[int, dict[str, str], bytes], str | None]) -> None:
        self.name, self.path, self.headers, self.check = name, path, headers, check


def hammer(port: int, target: Target, requests: int, threads: int) -> float:
    per_thread = requests // threads

    def work(_: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            for _ in range(per_thread):
                connection.request("GET", target.path, headers=target.headers)
                response = connection.getresponse()
                body = response.read()
                problem = target.check(response.status, dict(response.getheaders()), body)
                if problem:
                    raise AssertionError(f"{target.name}: {problem}")
        finally:
            connection.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(work, range(threads)))
    return per_thread * threads / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default=os.environ.get(
        "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="linli-bench-") as folder, \
            fresh_database(args.database) as database_url:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("LINLI_", "HUEY_", "FLASK_", "TEST_"))}
        port = free_port()
        env.update({
            "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
            "SECRET_KEY": secrets.token_hex(32), "DATABASE_URL": database_url,
            "LINLI_INSTANCE_PATH": str(Path(folder) / "instance"),
            "LINLI_LOG_LEVEL": "WARNING", "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": str(args.workers),
        })
        for command in ("flask db upgrade", "flask demo load"):
            subprocess.run(shlex.split(command), cwd=ROOT, env=env, check=True,
                           capture_output=True)
        server = subprocess.Popen(
            shlex.split("gunicorn -c deploy/gunicorn.conf.py --access-logfile /dev/null "
                        "'app:create_app()'"), cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

            def get(path: str, headers: dict[str, str] | None = None
                    ) -> tuple[int, dict[str, str], bytes]:
                base.request("GET", path, headers=headers or {})
                response = base.getresponse()
                return response.status, dict(response.getheaders()), response.read()

            wait_for("gunicorn", lambda: free_connection_ok(port))
            events = json.loads(get("/api/v1/events")[2])
            items = events["items"] if isinstance(events, dict) else events
            event = items[0]
            path = f"/events/{event['id']}"
            status, headers, _ = get(path)
            assert status == 200 and "Set-Cookie" not in headers, (status, headers)
            etag = headers["ETag"]
            title = event["title"].encode()

            def healthz(status: int, headers: dict[str, str], body: bytes) -> str | None:
                return None if status == 200 and b'"ok"' in body else f"{status} {body[:80]!r}"

            def page(status: int, headers: dict[str, str], body: bytes) -> str | None:
                if status != 200 or title not in body:
                    return f"{status}, title missing"
                return "set a cookie" if "Set-Cookie" in headers else None

            def cached(status: int, headers: dict[str, str], body: bytes) -> str | None:
                if status != 304 or body:
                    return f"{status} with {len(body)} bytes"
                return "set a cookie" if "Set-Cookie" in headers else None

            targets = [Target("/healthz", "/healthz", {}, healthz),
                       Target("event page 200", path, {}, page),
                       Target("event page 304", path, {"If-None-Match": etag}, cached)]
            rates: dict[str, list[float]] = {t.name: [] for t in targets}
            for _round in range(args.rounds):
                for target in targets:
                    rates[target.name].append(
                        hammer(port, target, args.requests, args.threads))
        finally:
            server.terminate()
            server.wait(timeout=30)
    baseline = statistics.median(rates["/healthz"])
    print(f"\nPublic event page, anonymous visitor: gunicorn -w {args.workers} (gthread) on "
          f"PostgreSQL, client in a separate process, {args.threads} keep-alive connections, "
          f"{args.requests} requests x {args.rounds} rounds; every answer checked.\n")
    print("| route | req/s per round | median | min–max | ÷ /healthz | target |")
    print("|---|---|---|---|---|---|")
    missed = False
    for name, values in rates.items():
        median = statistics.median(values)
        ratio = median / baseline
        target = {"event page 304": TARGET_304}.get(name)
        mark = "" if target is None else (f"≥ {target} ✓" if ratio >= target
                                          else f"≥ {target} ✗ MISSED")
        missed |= target is not None and ratio < target
        print(f"| {name} | {' '.join(f'{v:.0f}' for v in values)} | {median:.0f} | "
              f"{min(values):.0f}–{max(values):.0f} | {ratio:.2f} | {mark} |")
    return 1 if missed else 0


def free_connection_ok(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    finally:
        connection.close()


if __name__ == "__main__":
    sys.exit(main())
