"""Fixtures for scheduler tests that need real processes.

`live_app` is an application on a database of its own (SQLite file, or a fresh PostgreSQL
schema under TEST_DATABASE_URL), migrated once per module: a huey consumer in another process
must see what the test commits, so these tests commit for real.
`start_consumer` runs `huey_consumer app.tasks.huey` as a subprocess on that database and on
the queue the test enqueues to (SqliteHuey in a temporary instance folder, or RedisHuey under
TEST_HUEY_URL on a database number of its own, flushed before and after).
"""

from __future__ import annotations

import os
import random
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, select

import app.tasks
from app.database import MIGRATIONS_DIR
from app.enums import AssignmentStatus
from app.extensions import db
from app.models import Assignment, ScheduleRun
from app.tasks import make_huey
from tests.conftest import _empty_database, make_test_app, temporary_app

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def live_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("live")


@pytest.fixture(scope="module")
def live_url(live_dir: Path) -> Iterator[str]:
    with _empty_database(live_dir) as url:
        yield url


@pytest.fixture(scope="module")
def live_secret() -> str:
    return "live-" + secrets.token_hex(16)


@pytest.fixture(scope="module")
def live_app(live_url: str, live_dir: Path, live_secret: str) -> Iterator[Flask]:
    application = make_test_app(
        live_url, SECRET_KEY=live_secret, LINLI_MAIL_OUTBOX=str(live_dir / "outbox"),
    )
    with application.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def live(live_app: Flask) -> Iterator[Flask]:
    """An app context on the live database; the session is cleaned up afterwards."""
    with live_app.app_context():
        yield live_app
        db.session.rollback()
        db.session.remove()


def outbox(live_dir: Path) -> list[Path]:
    folder = live_dir / "outbox"
    return sorted(folder.glob("*.eml")) if folder.exists() else []


@pytest.fixture(scope="module")
def queue_url() -> str | None:
    url = os.environ.get("TEST_HUEY_URL")
    if not url:
        return None
    base = url.rsplit("/", 1)[0] if url.count("/") > 2 else url
    # A database number of its own keeps other runs' consumers away from our messages.
    return f"{base}/{random.Random(os.getpid()).randrange(1, 16)}"


@pytest.fixture
def queue(live_dir: Path, queue_url: str | None, monkeypatch: pytest.MonkeyPatch):
    """Point `app.tasks.huey` at the test's queue (what the consumer subprocess reads)."""
    instance = live_dir / "instance"
    instance.mkdir(exist_ok=True)
    monkeypatch.setenv("LINLI_INSTANCE_PATH", str(instance))
    test_queue = make_huey(queue_url)
    test_queue.storage.flush_all()
    monkeypatch.setattr(app.tasks.huey, "storage", test_queue.storage)
    yield test_queue
    test_queue.storage.flush_all()


@pytest.fixture
def start_consumer(
    live_url: str, live_dir: Path, live_secret: str, queue_url: str | None, queue
) -> Iterator[Callable[..., subprocess.Popen]]:
    started: list[subprocess.Popen] = []
    logs: list = []

    def start(**extra_env: str) -> subprocess.Popen:
        env = {
            **os.environ,
            "DATABASE_URL": live_url,
            "LINLI_INSTANCE_PATH": str(live_dir / "instance"),
            "SECRET_KEY": live_secret,
            "LINLI_EXTERNAL_URL": "http://linli.test",
            "LINLI_MAIL_OUTBOX": str(live_dir / "outbox"),
            "PYTHONPATH": str(ROOT),
            **extra_env,
        }
        env.pop("HUEY_URL", None)
        if queue_url:
            env["HUEY_URL"] = queue_url
        log = open(live_dir / f"consumer-{len(started)}.log", "wb")  # noqa: SIM115
        logs.append(log)
        process = subprocess.Popen(
            [sys.executable, "-m", "huey.bin.huey_consumer", "app.tasks.huey", "-w", "1",
             "-k", "thread", "-d", "0.1", "-m", "0.5", "-n"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
    for log in logs:
        log.close()


def wait_for(condition: Callable[[], object], timeout: float = 60.0, step: float = 0.2) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"condition not met within {timeout} s")


def fresh_run(run_id: int) -> ScheduleRun:
    """The run as the consumers left it (this session's cached copy dropped)."""
    db.session.rollback()
    db.session.expire_all()
    run = db.session.get(ScheduleRun, run_id)
    assert run is not None
    return run


def run_drafts(run_id: int) -> int:
    """How many drafts (proposed assignments) the run wrote."""
    return db.session.scalar(
        select(func.count()).select_from(Assignment).where(
            Assignment.schedule_run_id == run_id,
            Assignment.status == AssignmentStatus.proposed,
        )
    ) or 0


@pytest.fixture
def queued_app(live_app: Flask, live_url: str, live_secret: str,
               live_dir: Path) -> Iterator[Flask]:
    """The app as the web side runs it with a consumer: messages go through the queue, and
    mail lands in the live directory's outbox."""
    with temporary_app(live_url, SECRET_KEY=live_secret, LINLI_NOTIFY_QUEUE=True,
                       LINLI_MAIL_OUTBOX=str(live_dir / "outbox")) as application:
        yield application
