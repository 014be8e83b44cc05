"""`make run` (app.serve): the huey consumer it starts never outlives the server, even when
the server is SIGKILLed and cannot clean up (issue 10). Real processes, no mocks."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True,
                         text=True, check=False).stdout
    return [int(p) for p in out.split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    if stat.exists():  # a zombie has ended; only its exit status waits to be collected
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return True


def _wait(predicate, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def test_consumer_ends_when_the_server_is_sigkilled(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("HUEY_URL", "DATABASE_URL")}
    env.update({
        "LINLI_INSTANCE_PATH": str(tmp_path), "PORT": str(port),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "HUEY_NAME": f"serve-test-{os.getpid()}", "SECRET_KEY": "serve-test",
    })
    server = subprocess.Popen([sys.executable, "-m", "app.serve"], cwd=ROOT, env=env,
                              start_new_session=True, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    consumers: list[int] = []
    try:
        assert _wait(lambda: bool(_children(server.pid)), 120), "no consumer started"
        consumers = _children(server.pid)

        def answers() -> bool:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2)
            except OSError:
                return False
            return True

        assert _wait(answers, 120), "the server never answered"
        assert all(_alive(pid) for pid in consumers)
        os.kill(server.pid, signal.SIGKILL)
        server.wait(10)
        assert _wait(lambda: not any(_alive(pid) for pid in consumers), 30), \
            "the huey consumer outlived the SIGKILLed server"
    finally:
        # Whatever is left of this test's own processes (the server's process group).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(server.pid, signal.SIGKILL)
        for pid in consumers:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        if server.poll() is None:
            server.wait(10)
