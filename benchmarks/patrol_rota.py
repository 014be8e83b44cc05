"""The demo squad's summer rota built through the queue, measured from outside (issue 17).

    .venv/bin/python -m benchmarks.patrol_rota [--rounds 5]
        [--database postgresql+psycopg://…/test] [--redis redis://127.0.0.1:6379/0]

The app as deployed (`benchmarks.deployed`: a fresh PostgreSQL database migrated and the demo
loaded with the README's commands, gunicorn, one huey consumer process on Redis). From this
process, as a town admin in a browser would: the season page's "Build the rota" button
(POST with its CSRF token), then the run's status.json polled until the run is done, then the
run discarded on its page, `--rounds` times. Prints per round the time from queued (the
button's answer) to done as the client saw it, and the run's own times (created → finished,
build and write included), with min / median / max, against the issue's target of ≤ 10 s
for 12 sites and 14 members; and the correctness check of each round read back from the
database: per site the inspections planned against those required, every shortfall with a
reason. The table says how loaded the machine was (its load average when printed).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

from benchmarks.deployed import (
    DEFAULT_DATABASE,
    DEFAULT_REDIS,
    client_app,
    csrf_token,
    deployed_server,
    login,
    machine_load,
    timed_request,
)

PASSWORD = "benchmark password 2026"
#: The issue's quality bar: a summer rota for 12 sites and 14 members in at most this.
TARGET_SECONDS = 10.0
POLL_SECONDS = 0.1


def seed_admin(database_url: str) -> int:
    """A town admin to click the button; returns the demo season's id."""
    from sqlalchemy import select

    from app.enums import Role
    from app.extensions import db
    from app.models import PatrolSeason
    from app.services.accounts import create_user

    with client_app(database_url):
        create_user(db.session, username="bench-admin", password=PASSWORD, role=Role.admin,
                    display_name="bench admin")
        season_id = db.session.scalar(select(PatrolSeason.id).order_by(PatrolSeason.id))
        db.session.commit()
    return season_id


class Browser:
    """The logged-in admin's requests; the session cookie follows the server's answers (the
    CSRF secret goes into the session when a page first carries a form)."""

    def __init__(self, port: int, cookie: str) -> None:
        self.port = port
        self.cookie = cookie

    def send(self, method: str, path: str,
             form: dict[str, Any] | None = None) -> tuple[int, dict[str, str], bytes]:
        _, status, headers, body = timed_request(self.port, method, path, self.cookie, form)
        self.cookie = headers.get("Set-Cookie", self.cookie).split(";")[0]
        return status, headers, body

    def token(self, path: str, must_contain: bytes) -> str:
        status, _, body = self.send("GET", path)
        if status != 200 or must_contain not in body:
            raise AssertionError(f"GET {path}: {status} {body[:200]!r}")
        return csrf_token(body.decode())


def build_once(browser: Browser, season_id: int) -> tuple[int, float]:
    """(run id, seconds from queued to done as the client sees it)."""
    token = browser.token(f"/admin/patrolseason/details/?id={season_id}",
                          b'id="season-build-rota"')
    status, headers, body = browser.send("POST", f"/admin/patrolseason/rota/?id={season_id}",
                                         {"csrf_token": token})
    queued = time.perf_counter()
    if status != 302 or "/admin/schedule/run/" not in headers.get("Location", ""):
        raise AssertionError(f"the build was not queued: {status} {body[:300]!r}")
    run_id = int(headers["Location"].rstrip("/").rsplit("/", 1)[1])
    while True:
        status, _, body = browser.send("GET", f"/admin/schedule/run/{run_id}/status.json")
        if status != 200:
            raise AssertionError(f"status.json: {status}")
        state = json.loads(body)
        if state["done"]:
            if state["status"] != "succeeded":
                raise AssertionError(f"run {run_id} {state['status']}: {state['error']}")
            return run_id, time.perf_counter() - queued
        if time.perf_counter() - queued > 600:
            raise AssertionError(f"run {run_id} not done within 600 s")
        time.sleep(POLL_SECONDS)


def discard(browser: Browser, run_id: int) -> None:
    token = browser.token(f"/admin/schedule/run/{run_id}", b'id="run-territories"')
    status, _, body = browser.send("POST", f"/admin/schedule/run/{run_id}/discard",
                                   {"csrf_token": token})
    if status != 302:
        raise AssertionError(f"discard: {status} {body[:200]!r}")


def read_back(database_url: str, run_id: int) -> dict[str, Any]:
    """The run's own times and its per-site review, read from the database."""
    from flask_babel import force_locale

    from app.extensions import db
    from app.models import ScheduleRun
    from app.services.scheduler import review

    with client_app(database_url):
        run = db.session.get(ScheduleRun, run_id)
        with force_locale("en"):
            sites = review.run_report(db.session, run).territories
        return {
            "server": (run.finished_at - run.created_at).total_seconds(),
            "phases": run.metrics.get("phases", {}),
            "sites": len(sites),
            "required": sum(s["required"] for s in sites),
            "planned": sum(min(s["planned"], s["required"]) for s in sites),
            "short": sum(1 for s in sites if s["shortfall"]),
            "unexplained": [s["site"] for s in sites if s["shortfall"] and not s["reasons"]],
            "seats": f"{run.metrics['seats_filled']}/{run.metrics['seats_total']}",
            "solver": run.metrics.get("solver"),
        }


def spread(values: list[float]) -> str:
    return (f"{min(values):.1f} / {statistics.median(values):.1f} / {max(values):.1f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--redis", default=DEFAULT_REDIS)
    args = parser.parse_args(argv)
    rows = []
    with deployed_server(args.database, workers=2, demo=True, redis=args.redis,
                         consumers=1) as (port, database_url):
        season_id = seed_admin(database_url)
        browser = Browser(port, login(port, "bench-admin", PASSWORD))
        for round_ in range(1, args.rounds + 1):
            run_id, seconds = build_once(browser, season_id)
            row = {"round": round_, "run": run_id, "client": seconds,
                   **read_back(database_url, run_id)}
            rows.append(row)
            print(f"  round {round_}: run {run_id} done in {seconds:.1f} s", flush=True)
            discard(browser, run_id)
    client = [r["client"] for r in rows]
    server = [r["server"] for r in rows]
    met = max(client) <= TARGET_SECONDS
    correct = all(not r["unexplained"] for r in rows)
    print(f"\nPatrol rota of the demo summer through the queue: {rows[0]['sites']} sites, "
          f"14 members, {args.rounds} rounds, 1 consumer, 2 gunicorn workers, PostgreSQL + "
          f"Redis ({machine_load()})")
    print("| round | run | queued → done (client) | created → finished (run) | in queue | "
          "plan | solve (budget) | planned / required | sites short | shortfalls without a "
          "reason | seats | solver |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        p = r["phases"]
        print(f"| {r['round']} | {r['run']} | {r['client']:.1f} s | {r['server']:.1f} s | "
              f"{p.get('queued', '—')} s | {p.get('plan', '—')} s | {p.get('solve', '—')} s "
              f"({p.get('solve_budget', '—')} s) | {r['planned']} / {r['required']} | "
              f"{r['short']} | {len(r['unexplained'])} | {r['seats']} | {r['solver']} |")
    print(f"| min / median / max | | {spread(client)} | {spread(server)} | | | | | | | | |")
    print(f"\nTarget: every round queued → done ≤ {TARGET_SECONDS:g} s: "
          f"{'✓' if met else '✗ MISSED'} (worst {max(client):.1f} s)")
    print(f"Correctness: every site planned as required or its shortfall with a reason: "
          f"{'✓' if correct else '✗ ' + str([r['unexplained'] for r in rows])}")
    return 0 if met and correct else 1


if __name__ == "__main__":
    raise SystemExit(main())
