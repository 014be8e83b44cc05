"""Sign-ups per second for one event, against a trivial POST, measured from outside the server.

    .venv/bin/python -m benchmarks.signup [--database postgresql+psycopg://…/test]
        [--redis redis://…/0] [--rounds 5] [--requests 400] [--threads 16] [--workers 2]
        [--slices 4]

Runs gunicorn as deployed (deploy/gunicorn.conf.py, gthread workers) on a fresh PostgreSQL
database of its own, the rate limits counted in Redis as deployed (`--redis`); this separate
client process then, every round, opens a new event with room for half the requests and posts
`--requests` sign-ups to `POST /api/v1/events/<id>/registrations` (which checks the limits,
locks the event, counts, inserts and commits), then as many `POST /_baseline` (the same server
stack, no database). Every answer is checked (201, "confirmed" or "waitlisted", no
Retry-After), and after each round the database must hold exactly one
registration per 201 with no more confirmed places than the event has: an overbooking or a
lost sign-up fails the run. A round is cut into `--slices` slices of sign-ups and baselines in
turn (which goes first alternating), and the ratio is taken per round (each against its own
round's baseline); prints requests/s per round, median,
spread and the ratio per round (target ≥ 0.30 in every round); exits 1 when a round misses it.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from benchmarks.deployed import (
    DEFAULT_DATABASE,
    DEFAULT_REDIS,
    client_app,
    deployed_server,
    hammer,
    ratio_table,
)

TARGET = 0.30
#: Rate limits counted as deployed (a minute's and a day's window per client and per number,
#: in Redis) but too high to refuse: the client's address is the same for every request.
NO_LIMITS = {"LINLI_SIGNUP_RATE_LIMIT_IP": "1000000/minute;10000000/day",
             "LINLI_SIGNUP_RATE_LIMIT_PHONE": "1000000/minute;10000000/day"}
JSON = {"Content-Type": "application/json"}


def add_event(capacity: int) -> int:
    """A published service day three days ahead with a waitlist, in a neighbourhood of its
    own (inside the client app's context)."""
    from app.enums import EventKind, EventStatus
    from app.extensions import db
    from app.models import Event, Neighbourhood

    neighbourhood = Neighbourhood(town="金桥镇", name=f"居民区{secrets.token_hex(3)}")
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    event = Event(neighbourhood=neighbourhood, kind=EventKind.service_day,
                  title="学雷锋便民服务日", start_at=start, end_at=start + timedelta(hours=3),
                  status=EventStatus.published, capacity=capacity, waitlist_enabled=True)
    db.session.add(event)
    db.session.commit()
    return event.id


def signup_body(n: int) -> bytes:
    return json.dumps({"name": f"居民{n}", "phone": f"139{n:08d}", "building": "3号楼",
                       "room": "201", "consent": True}).encode()


def check_signup(status: int, headers: dict[str, str], body: bytes) -> str | None:
    if status != 201:
        return f"{status} {body[:120]!r}"
    if "Retry-After" in headers:
        return "Retry-After on an accepted sign-up"
    if json.loads(body).get("status") not in ("confirmed", "waitlisted"):
        return f"unexpected registration {body[:120]!r}"
    return None


def check_baseline(status: int, headers: dict[str, str], body: bytes) -> str | None:
    return None if status == 200 else f"{status} {body[:80]!r}"


def check_round(event_id: int, capacity: int, answered: int) -> str:
    from app.extensions import db
    from app.models import Registration

    rows = db.session.execute(
        sa.select(Registration.status, sa.func.count()).where(Registration.event_id == event_id)
        .group_by(Registration.status)).all()
    db.session.rollback()
    counts = Counter({status.value: n for status, n in rows})
    if sum(counts.values()) != answered:
        raise SystemExit(f"event {event_id}: {answered} answered 201, "
                         f"{sum(counts.values())} registrations stored")
    if counts["confirmed"] > capacity:
        raise SystemExit(f"event {event_id}: {counts['confirmed']} confirmed > {capacity}")
    return f"{counts['confirmed']}/{capacity} confirmed, {counts['waitlisted']} waitlisted"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--redis", default=DEFAULT_REDIS)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--slices", type=int, default=4)
    args = parser.parse_args(argv)
    rates: dict[str, list[float]] = {"sign-up": [], "/_baseline": []}
    checks: list[str] = []
    with deployed_server(args.database, workers=args.workers, env=NO_LIMITS,
                         redis=args.redis) as (port, url), \
            client_app(url):
        # Each round is cut into slices of sign-ups and baselines taken in turn, so the
        # machine's load (shared, and it swings within seconds) weighs on both alike.
        chunk = args.requests // args.slices - args.requests // args.slices % args.threads
        requests = chunk * args.slices
        for round_ in range(args.rounds + 1):  # round 0 warms both paths and is not counted
            size = chunk if round_ else args.threads * 2
            capacity = size * args.slices // 2
            event_id = add_event(capacity)
            seconds = {"sign-up": 0.0, "/_baseline": 0.0}
            for slice_ in range(args.slices):
                offset = round_ * 1_000_000 + slice_ * size

                def make(n: int, e: int = event_id, o: int = offset) -> tuple[Any, ...]:
                    return "POST", f"/api/v1/events/{e}/registrations", signup_body(o + n), JSON

                def baseline(n: int) -> tuple[Any, ...]:
                    return "POST", "/_baseline", b"{}", JSON

                runs = [("sign-up", make, check_signup), ("/_baseline", baseline, check_baseline)]
                # Which goes first alternates, so a trend in the load favours neither.
                for name, maker, check in runs[::-1] if (round_ + slice_) % 2 else runs:
                    seconds[name] += size / hammer(port, size, args.threads, maker, check)
            result = check_round(event_id, capacity, size * args.slices)
            if round_:
                for name, spent in seconds.items():
                    rates[name].append(size * args.slices / spent)
                checks.append(result)
    table, met = ratio_table(
        f"Sign-ups for one event: gunicorn -w {args.workers} (gthread) on PostgreSQL, rate "
        f"limits in Redis, client in "
        f"a separate process, {args.threads} keep-alive connections, {requests} requests x "
        f"{args.rounds} rounds; every answer and every round's rows checked.",
        rates, "/_baseline", {"sign-up": TARGET}, every_round=True)
    print(table)
    print("\nper round: " + "; ".join(checks))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
