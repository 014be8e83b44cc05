"""`make run`: the web server and the huey task consumer together; Ctrl-C stops both.

For a real deployment run `gunicorn wsgi:app` and `huey_consumer app.tasks.huey` as two
services instead; this is the one-command set-up for a single machine.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from werkzeug.serving import run_simple

from app import create_app


def start_consumer() -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "huey.bin.huey_consumer", "app.tasks.huey",
         "--workers", "2", "--worker-type", "thread"],
    )


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
    main()
