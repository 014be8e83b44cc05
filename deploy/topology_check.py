"""The production topology of README "Production", started on this machine, and a smoke flow.

PostgreSQL (a fresh database of its own), Redis (its own queue name and limiter prefix), the
commands of the README (migrate, create an admin, gunicorn with 2 workers, two huey
consumers), a tiny reverse proxy in front (deploy/tiny_proxy.py, standing in for nginx), then
through the proxy: log in, run the scheduler on an event, publish, a resident signs up, a
volunteer's feed is fetched (and answered 304 when unchanged), and rate limits are shared by
the workers (two clients, two budgets; one client stopped at the configured number whichever
worker answers). Run by .ci/run (`make topology-check`); exits non-zero on any failure.

    .venv/bin/python deploy/topology_check.py [--database postgresql+psycopg://…/test]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa
from requests.adapters import HTTPAdapter
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
IP_LIMIT = 6
#: What the README's production section says, command for command (checked below).
README_COMMANDS = [
    "flask db upgrade",
    "flask users create --username ops --role admin",
    "gunicorn -c deploy/gunicorn.conf.py 'app:create_app()'",
    "huey_consumer app.tasks.huey --workers 2 --worker-type thread",
]


def say(message: str) -> None:
    print(f"topology: {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SourceAddressAdapter(HTTPAdapter):
    """Connect from a given loopback address: a different client for the proxy."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client(base: str, address: str) -> requests.Session:
    session = requests.Session()
    session.mount(base, SourceAddressAdapter(address))
    return session


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    if not match:
        raise AssertionError("no csrf token on the page")
    return match.group(1)


def wait_for(what: str, check: Callable[[], Any], timeout: float = 90.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = check()
        except (requests.ConnectionError, OSError):
            value = None
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


@contextmanager
def fresh_database(base_url: str) -> Iterator[str]:
    name = f"linli_topology_{os.getpid()}_{secrets.token_hex(3)}"
    admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,))
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        admin.dispose()


class Topology:
    def __init__(self, work: Path, env: dict[str, str]) -> None:
        self.work, self.env = work, env
        self.processes: list[tuple[str, subprocess.Popen[bytes]]] = []

    def run(self, command: str, **kw: Any) -> str:
        """A README command, run as an operator would (venv on PATH, environment file)."""
        result = subprocess.run(shlex.split(command), cwd=ROOT, env=self.env, text=True,
                                capture_output=True, timeout=300, **kw)
        if result.returncode:
            raise AssertionError(f"{command} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def start(self, name: str, command: str) -> subprocess.Popen[bytes]:
        log = (self.work / f"{name}.log").open("wb")
        process = subprocess.Popen(shlex.split(command), cwd=ROOT, env=self.env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.processes.append((name, process))
        return process

    def log(self, name: str) -> str:
        return (self.work / f"{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        for _name, process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for _name, process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def check_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Production", 1)[1].split("\n## ", 1)[0]
    missing = [command for command in README_COMMANDS if command not in section]
    if missing:
        raise AssertionError(f"README 'Production' does not show: {missing}")


def smoke(top: Topology, base: str, password: str) -> None:
    ops = client(base, "127.0.0.1")
    health = ops.get(f"{base}/healthz")
    assert health.status_code == 200, health.text
    assert health.json()["checks"] == {"database": "ok", "queue": "ok"}, health.text
    assert re.fullmatch(r"[0-9a-f]{32}", health.headers["X-Request-ID"])
    say("/healthz through the proxy: database ok, queue ok")

    login_page = ops.get(f"{base}/login")
    logged_in = ops.post(f"{base}/login", allow_redirects=False, data={
        "csrf_token": csrf_token(login_page.text), "username": "ops", "password": password})
    assert logged_in.status_code == 302, logged_in.status_code
    say("logged in as ops (admin)")

    events = json.loads(top.run("flask events list --json"))
    candidates = [e for e in events if e["kind"] != "care_visit" and e["shifts"] > 0
                  and e["status"] != "cancelled"]
    assert candidates, "the demo has no event with shifts"
    event = max(candidates, key=lambda e: e["seats"])
    admin_list = ops.get(f"{base}/admin/event/")
    started = ops.post(f"{base}/admin/event/action/", allow_redirects=False, data={
        "csrf_token": csrf_token(admin_list.text), "action": "auto_schedule",
        "rowid": [str(event["id"])]})
    assert started.status_code == 302 and "/admin/schedule/run/" in started.headers["Location"]
    run_id = int(started.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    say(f"scheduler run {run_id} queued for event {event['id']} ({event['title']})")

    def finished() -> dict[str, Any] | None:
        status = ops.get(f"{base}/admin/schedule/run/{run_id}/status.json").json()
        return status if status["status"] in {"succeeded", "failed"} else None

    status = wait_for(f"run {run_id}", finished, timeout=180)
    assert status["status"] == "succeeded", status
    consumers = [name for name in ("consumer-1", "consumer-2")
                 if re.search(r"Executing app\.tasks\.scheduler\.run_schedule", top.log(name))]
    assert consumers, "no consumer logged the run"
    task_lines = [line for name in consumers for line in top.log(name).splitlines()
                  if line.startswith("{") and json.loads(line)["task_id"] != "-"]
    assert task_lines, "no log line of the run carries its task id"
    say(f"run {run_id} succeeded in a huey consumer ({', '.join(consumers)}); e.g. "
        f"{task_lines[0][:160]}")

    page = ops.get(f"{base}/admin/schedule/run/{run_id}")
    published = ops.post(f"{base}/admin/schedule/run/{run_id}/publish", allow_redirects=False,
                         data={"csrf_token": csrf_token(page.text)})
    assert published.status_code == 302, published.status_code
    assert ops.get(f"{base}/admin/schedule/run/{run_id}/status.json").json()["status"] \
        == "published"
    say(f"run {run_id} published")

    resident = client(base, "127.0.0.4")
    public = resident.get(f"{base}/api/v1/events").json()
    items = public["items"] if isinstance(public, dict) else public
    target = next((e for e in items if e["registration"] == "open" and roomy(e)), None)
    assert target, "no public event open for sign-up"
    signed = resident.post(f"{base}/api/v1/events/{target['id']}/registrations",
                           json=signup_body(target, "王小明", "13912345678"))
    assert signed.status_code == 201, (signed.status_code, signed.text)
    say(f"a resident signed up for event {target['id']}: {signed.json().get('status')}")

    engine = sa.create_engine(top.env["DATABASE_URL"])
    with engine.connect() as connection:
        volunteer_id = connection.execute(sa.text(
            "SELECT volunteer_id FROM assignments WHERE schedule_run_id = :run LIMIT 1"),
            {"run": run_id}).scalar_one()
    engine.dispose()
    feed_url = top.run(f"flask feeds url --volunteer {volunteer_id}").strip()
    path = "/" + feed_url.split("/", 3)[3]
    feed = resident.get(f"{base}{path}")
    assert feed.status_code == 200 and feed.text.startswith("BEGIN:VCALENDAR"), feed.status_code
    unfolded = feed.text.replace("\r\n ", "")
    assert event["title"] in unfolded, "the published shift is not in the feed"
    again = resident.get(f"{base}{path}", headers={"If-None-Match": feed.headers["ETag"]})
    assert again.status_code == 304, again.status_code
    say(f"volunteer {volunteer_id}'s feed: 200 with the published shift, then 304")

    check_shared_limits(top, base, target)

    web_log = top.log("gunicorn")
    token = path.rsplit("/", 1)[-1].split(".")[0]
    assert token not in web_log, "a feed token reached the log"
    lines = [json.loads(line) for line in web_log.splitlines() if line.startswith("{")]
    assert any("req=" in line["message"] and "/healthz" in line["message"] for line in lines)
    say(f"gunicorn logs: {len(lines)} JSON lines, request ids present, no feed token")


def roomy(event: dict[str, Any]) -> bool:
    if event["places"] is not None:
        return event["places"]["remaining"] > 0 or event["waitlist_enabled"]
    return any(slot["places"]["remaining"] > 0 for slot in event["slots"])


def signup_body(event: dict[str, Any], name: str, phone: str) -> dict[str, Any]:
    body = {"name": name, "phone": phone, "building": "5号楼", "room": "302", "consent": True}
    if event["places"] is None:
        body["slot_id"] = next(s["id"] for s in event["slots"] if s["places"]["remaining"] > 0)
    return body


def check_shared_limits(top: Topology, base: str, event: dict[str, Any]) -> None:
    """Concurrent sign-ups from one client, so both workers answer some; exactly IP_LIMIT
    pass. A client is a loopback source address, which the proxy puts in X-Forwarded-For."""

    def attempt(session: requests.Session, n: int) -> tuple[int, str]:
        response = session.post(f"{base}/api/v1/events/{event['id']}/registrations",
                                 json=signup_body(event, "李四", f"137{n:08d}"))
        return response.status_code, response.headers.get("X-Request-ID", "")

    def workers_of(request_ids: list[str]) -> set[str]:
        pids = set()
        for line in top.log("gunicorn").splitlines():
            if line.startswith("{"):
                match = re.search(r"pid=<?(\d+)>? req=(\w+)", json.loads(line)["message"])
                if match and match.group(2) in request_ids:
                    pids.add(match.group(1))
        return pids

    for round_number, address in enumerate(("127.0.0.2", "127.0.0.5", "127.0.0.6")):
        session = client(base, address)
        with ThreadPoolExecutor(max_workers=IP_LIMIT + 4) as pool:
            results = list(pool.map(lambda n, s=session, r=round_number: attempt(s, r * 100 + n),
                                    range(IP_LIMIT + 4)))
        statuses = sorted(status for status, _ in results)
        passed = [status for status in statuses if status != 429]
        assert len(passed) == IP_LIMIT, f"{len(passed)} of {statuses} passed, not {IP_LIMIT}"
        pids = workers_of([request_id for _, request_id in results])
        if len(pids) >= 2:
            break
    else:
        raise AssertionError("one worker answered every sign-up; cannot show the sharing")
    other, _ = attempt(client(base, "127.0.0.3"), 999)
    assert other != 429, "a second client shares the first one's budget"
    say(f"rate limit {IP_LIMIT}/minute shared across workers {sorted(pids)}: client "
        f"{address} {statuses}; client 127.0.0.3 {other}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default=os.environ.get(
        "TOPOLOGY_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--redis", default=os.environ.get(
        "TOPOLOGY_REDIS_URL", "redis://127.0.0.1:6379/14"))
    args = parser.parse_args()
    check_readme()
    name = f"linli-topology-{os.getpid()}"
    with tempfile.TemporaryDirectory(prefix="linli-topology-") as folder, \
            fresh_database(args.database) as database_url:
        work = Path(folder)
        web_port, proxy_port = free_port(), free_port()
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("LINLI_", "HUEY_", "FLASK_", "TEST_"))}
        env.update({
            "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
            "SECRET_KEY": secrets.token_hex(32),
            "LINLI_DEPLOYMENT_ID": secrets.token_hex(16),
            "DATABASE_URL": database_url,
            "HUEY_URL": args.redis,
            "HUEY_NAME": name,
            "LINLI_INSTANCE_PATH": str(work / "instance"),
            "LINLI_EXTERNAL_URL": f"http://127.0.0.1:{proxy_port}",
            "LINLI_PROXY_FIX_X_FOR": "1",
            "LINLI_PROXY_FIX_X_PROTO": "1",
            "LINLI_LOG_FORMAT": "json",
            "LINLI_SIGNUP_RATE_LIMIT_IP": f"{IP_LIMIT}/minute",
            "LINLI_MAIL_OUTBOX": str(work / "outbox"),
            "WEB_CONCURRENCY": "2",
            "GUNICORN_BIND": f"127.0.0.1:{web_port}",
        })
        top = Topology(work, env)
        try:
            top.run("flask db upgrade")
            top.run("flask demo load")
            created = top.run("flask users create --username ops --role admin")
            password = re.search(r"password: (\S+)", created).group(1)  # type: ignore[union-attr]
            say(f"PostgreSQL database {make_url(database_url).database} migrated, demo loaded")
            top.start("gunicorn", "gunicorn -c deploy/gunicorn.conf.py 'app:create_app()'")
            for n in (1, 2):
                top.start(f"consumer-{n}",
                          "huey_consumer app.tasks.huey --workers 2 --worker-type thread")
            top.start("proxy", f"{sys.executable} deploy/tiny_proxy.py "
                      f"--listen 127.0.0.1:{proxy_port} --upstream 127.0.0.1:{web_port}")
            base = f"http://127.0.0.1:{proxy_port}"
            wait_for("gunicorn behind the proxy",
                     lambda: requests.get(f"{base}/healthz", timeout=5).status_code == 200)
            say(f"gunicorn (2 workers) on :{web_port}, proxy on :{proxy_port}, 2 consumers, "
                f"Redis {args.redis} queue {name}")
            smoke(top, base, password)
        except BaseException:
            for process_name, _process in top.processes:
                print(f"----- {process_name}.log (tail)", file=sys.stderr)
                print(top.log(process_name)[-4000:], file=sys.stderr)
            raise
        finally:
            top.stop()
            import redis

            queue = redis.Redis.from_url(args.redis)
            for key in queue.scan_iter(f"*{name}*"):
                queue.delete(key)
    say("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
