"""The public event page for anonymous visitors, measured from outside the server.

    .venv/bin/python -m benchmarks.public_page [--database postgresql+psycopg://…/test]
        [--rounds 5] [--requests 300] [--threads 8]

Runs gunicorn as deployed (benchmarks/deployed.py) on a fresh PostgreSQL database with the demo
data; this separate client process then hammers over keep-alive connections, in interleaved
rounds: `/_baseline` (the server stack, no database), `/healthz` (database + queue: the
yardstick issue 19 sets), `GET /events/<id>` (a full render) and `GET /events/<id>` with the
page's ETag (the cached visitor's 304). Every answer is checked (status, no session cookie, the
event's title in a 200, an empty 304); a wrong answer fails the run. Target: the 304 at ≥ 0.5
of /healthz, round by round against the same round's /healthz.
"""

from __future__ import annotations

import argparse
import json
import sys

from benchmarks.deployed import DEFAULT_DATABASE, deployed_server, hammer, ratio_table, request

TARGETS = {"event page 304": 0.5}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    with deployed_server(args.database, workers=args.workers, demo=True) as (port, _url):
        events = json.loads(request(port, "GET", "/api/v1/events")[2])
        event = (events["items"] if isinstance(events, dict) else events)[0]
        path = f"/events/{event['id']}"
        status, headers, _ = request(port, "GET", path)
        assert status == 200 and "Set-Cookie" not in headers, (status, headers)
        etag = headers["ETag"]
        title = event["title"].encode()

        def ok(status: int, headers: dict[str, str], body: bytes) -> str | None:
            return None if status == 200 else f"{status} {body[:80]!r}"

        def page(status: int, headers: dict[str, str], body: bytes) -> str | None:
            if status != 200 or title not in body:
                return f"{status}, title missing"
            return "set a cookie" if "Set-Cookie" in headers else None

        def cached(status: int, headers: dict[str, str], body: bytes) -> str | None:
            if status != 304 or body:
                return f"{status} with {len(body)} bytes"
            return "set a cookie" if "Set-Cookie" in headers else None

        targets = {"/_baseline": ("/_baseline", {}, ok), "/healthz": ("/healthz", {}, ok),
                   "event page 200": (path, {}, page),
                   "event page 304": (path, {"If-None-Match": etag}, cached)}
        rates: dict[str, list[float]] = {name: [] for name in targets}
        for _ in range(args.rounds):
            for name, (target, extra, check) in targets.items():
                if extra:
                    # The ETag turns over every five minutes (app/public/caching.py), and a
                    # run on a loaded machine lasts longer: the visitor's copy is the one
                    # current when the round starts.
                    extra = {"If-None-Match": request(port, "GET", path)[1]["ETag"]}
                rates[name].append(hammer(port, args.requests, args.threads,
                                          lambda n, p=target, h=extra: ("GET", p, None, h),
                                          check))
    table, met = ratio_table(
        f"Public event page, anonymous visitor: gunicorn -w {args.workers} (gthread) on "
        f"PostgreSQL, client in a separate process, {args.threads} keep-alive connections, "
        f"{args.requests} requests x {args.rounds} rounds; every answer checked.",
        rates, "/healthz", TARGETS)
    print(table)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
