"""`make run`: the web server and the huey task consumer together; Ctrl-C stops both.

For a real deployment run `gunicorn wsgi:app` and `huey_consumer app.tasks.huey` as two
services instead; this is the one-command set-up for a single machine.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

from werkzeug.serving import run_simple

from app import create_app

CONSUMER_ARGS = ["app.tasks.huey", "--workers", "2", "--worker-type", "thread"]
#: How often the consumer checks that the server that started it is still there.
PARENT_CHECK_SECONDS = 1.0


def start_consumer() -> subprocess.Popen[bytes]:
    """The huey consumer as a child that ends with this process, however this one ends.

    Ctrl-C and SIGTERM stop it in `main`; a SIGKILL of the server (or a crash) leaves no
    orphan either: the child asks Linux to send it SIGTERM when its parent dies, and, on any
    system, watches its parent id and stops itself when it changes (see `consumer_main`).
    """
    return subprocess.Popen(
        [sys.executable, "-m", "app.serve", "--consumer-of", str(os.getpid()), *CONSUMER_ARGS],
    )


def _die_with_parent_linux() -> None:
    """prctl(PR_SET_PDEATHSIG, SIGTERM): the kernel signals us when the parent exits."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):  # no libc prctl: the watcher below still works
        pass


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(PARENT_CHECK_SECONDS)
    os.kill(os.getpid(), signal.SIGTERM)


def consumer_main(parent_pid: int, args: list[str]) -> None:
    """Run huey's consumer, stopping when the server process `parent_pid` is gone."""
    _die_with_parent_linux()
    if os.getppid() != parent_pid:  # the server died before we got here
        return
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True,
                     name="linli-parent-watch").start()
    from huey.bin.huey_consumer import consumer_main as huey_consumer_main

    sys.argv = ["huey_consumer", *args]
    huey_consumer_main()


def main() -> None:
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    app = create_app()
    consumer = start_consumer()
    # A `kill` of the server ends the consumer too, like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        print(f" * Linli: http://{host}:{port}/admin  (Ctrl-C stops the server and the consumer)")
        run_simple(host, port, app, threaded=True, use_reloader=False)
    finally:
        consumer.terminate()
        try:
            consumer.wait(timeout=10)
        except subprocess.TimeoutExpired:
            consumer.kill()


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--consumer-of":
        consumer_main(int(sys.argv[2]), sys.argv[3:])
    else:
        main()
