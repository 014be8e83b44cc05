"""Feed benchmark: `python -m benchmarks.feeds` (part of `make bench`).

Runs gunicorn as deployed (benchmarks/deployed.py: deploy/gunicorn.conf.py, PostgreSQL, a fresh
database of its own); this separate client process seeds a volunteer with 50 assignments and a
neighbourhood with 500 public events, then measures requests per second over keep-alive
connections, in interleaved rounds, of

- `/_baseline` (the same server stack, no database),
- `/healthz` (database and queue checked: the yardstick the targets divide by, as issue 19
  sets them),
- the cached personal feed (200 with the full body; target ≥ 0.5),
- a 304 answer to If-None-Match (target ≥ 0.8),

checking every answer, and times the uncached render of the 500-event public feed. Exits 1
when a target is missed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from benchmarks.deployed import (
    DEFAULT_DATABASE,
    client_app,
    deployed_server,
    hammer,
    ratio_table,
    request,
)

TARGETS = {"personal feed 200": 0.5, "personal feed 304": 0.8}


def _seed(app) -> tuple[str, int]:
    from app.enums import AssignmentStatus, EventKind, EventStatus
    from app.extensions import db
    from app.models import Assignment, Event, Neighbourhood, Shift, Skill, Volunteer

    session = db.session
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    home = Neighbourhood(town="金桥镇", name="金桥居民区")
    public = Neighbourhood(town="金桥镇", name="佳虹居民区")
    skill = Skill(code="bp", name_zh="量血压", name_en="Blood pressure")
    volunteer = Volunteer(name="王芳", phone="13900000000", neighbourhood=home)
    session.add_all([home, public, skill, volunteer])
    for i in range(50):
        event = Event(neighbourhood=home, kind=EventKind.service_day, title=f"学雷锋便民服务{i}",
                      place="社区服务中心, 一楼; 大厅", contact="李主任 13912345678",
                      status=EventStatus.published,
                      start_at=start + timedelta(days=i), end_at=start + timedelta(days=i, hours=3))
        shift = Shift(event=event, title="量血压", skill=skill, start_at=event.start_at,
                      end_at=event.end_at)
        session.add(Assignment(shift=shift, volunteer=volunteer,
                               status=AssignmentStatus.confirmed if i % 3 else
                               AssignmentStatus.pending))
    for i in range(500):
        at = start + timedelta(hours=6 * i)
        session.add(Event(neighbourhood=public, kind=EventKind.service_day,
                          title=f"便民服务 {i}", place="社区广场", status=EventStatus.published,
                          description="量血压、理发、磨刀、修伞。", start_at=at,
                          end_at=at + timedelta(hours=2)))
    session.commit()
    return volunteer.feed_token, public.id


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=800)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    with deployed_server(args.database, workers=args.workers) as (port, url), \
            client_app(url) as app:
        from app.extensions import db
        from app.models import utcnow
        from app.services import feeds
        from app.services.feeds import FeedKind, FeedSettings

        token, hood_id = _seed(app)
        settings = FeedSettings.from_config(app.config)
        renders = []
        for _ in range(5):
            began = time.perf_counter()
            big = feeds.build_public_feed(db.session, FeedKind.neighbourhood, hood_id,
                                          now=utcnow(), settings=settings, locale="zh_CN")
            renders.append(time.perf_counter() - began)
        db.session.rollback()
        feed_path = f"/feeds/v/{token}.ics"
        status, headers, body = request(port, "GET", feed_path)
        assert status == 200 and b"BEGIN:VCALENDAR" in body, (status, body[:200])
        etag = headers["ETag"]

        def expect(code: int, marker: bytes = b""):  # type: ignore[no-untyped-def]
            def check(status: int, headers: dict[str, str], payload: bytes) -> str | None:
                if status != code or (marker and marker not in payload):
                    return f"{status} {payload[:80]!r}"
                return None
            return check

        targets = {
            "/_baseline": ("/_baseline", {}, expect(200)),
            "/healthz": ("/healthz", {}, expect(200, b'"ok"')),
            "personal feed 200": (feed_path, {}, expect(200, b"END:VCALENDAR")),
            "personal feed 304": (feed_path, {"If-None-Match": etag}, expect(304)),
        }
        rates: dict[str, list[float]] = {name: [] for name in targets}
        for _ in range(args.rounds):  # interleaved, so drift hits every route alike
            for name, (path, extra, check) in targets.items():
                rates[name].append(hammer(port, args.requests, args.threads,
                                          lambda n, p=path, h=extra: ("GET", p, None, h), check))
    table, met = ratio_table(
        f"Feeds: gunicorn -w {args.workers} (gthread) on PostgreSQL, client in a separate "
        f"process, {args.threads} keep-alive connections, {args.requests} requests x "
        f"{args.rounds} rounds; every answer checked; personal feed {len(body) // 1024} KiB.",
        rates, "/healthz", TARGETS)
    print(table)
    print(f"\nuncached render, 500-event public feed ({len(big.body) // 1024} KiB), in the "
          f"client: median {statistics.median(renders) * 1000:.0f} ms, "
          f"best {min(renders) * 1000:.0f} ms")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
