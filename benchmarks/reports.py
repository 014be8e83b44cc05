"""The town's five-comparisons report for a year, measured from outside the server.

    .venv/bin/python -m benchmarks.reports [--database postgresql+psycopg://…/test]
        [--households 50000] [--visits-each 10] [--requests 20000] [--rounds 5]

Runs gunicorn as deployed (benchmarks/deployed.py) on a fresh PostgreSQL database, fills it from
this client process with generated rows (SQL ``generate_series``: 10 neighbourhoods, 100 service
groups, 2,500 buildings, 50,000 households with categories and contact windows, 500,000
contacts over two years, 20,000 requests, 100 incidents with 20 followed-up households each),
logs in as the town admin over HTTP and times, in rounds, the report's JSON (the figures the
page and charts show, this year and the year before), the page itself, the XLSX export, one
neighbourhood's JSON — these are served from the report kept for the data's version
(`app.services.reports.cache`) — the admin's dashboard (its to-dos and charts, computed on each
visit), and the town's JSON right after a write (a contact recorded
from this process, committed: the version changes and the report is computed again). Every
answer is checked (status 200, a group's name in it; after each write, the town's effective
contacts one more than before). It also counts the SQL statements of one computed report in
this process: the same whatever the data's size. Target: the town's JSON for a year in ≤ 1 s
(median).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from benchmarks.deployed import (
    DEFAULT_DATABASE,
    client_app,
    deployed_server,
    fetch,
    login,
    machine_load,
    timed,
)

PASSWORD = "benchmark password 2026"
TARGET_SECONDS = 1.0
AFTER_WRITE = "town JSON, a year, right after a write (computed)"

SEED = [
    "INSERT INTO neighbourhoods (town, name) "
    "SELECT '金桥镇', '居民区' || g FROM generate_series(1, 10) g",
    "INSERT INTO service_groups (neighbourhood_id, name, kind) "
    "SELECT n.id, '第' || g || '团组', 'resident_volunteers' "
    "FROM neighbourhoods n, generate_series(1, 10) g",
    "INSERT INTO buildings (neighbourhood_id, number, address, floors, service_group_id) "
    "SELECT sg.neighbourhood_id, sg.id || '-' || b, '金桥路' || sg.id || '弄' || b || '号', 6, "
    "sg.id FROM service_groups sg, generate_series(1, :buildings_each) b",
    "INSERT INTO households (neighbourhood_id, address, building_id, unit, floor, room, "
    "contact_name, contact_phone, members_count, notes, created_at, updated_at) "
    "SELECT b.neighbourhood_id, b.address || h || '室', b.id, '', 1 + h % 6, "
    "CASE WHEN h % 7 = 0 THEN NULL ELSE (100 * (1 + h % 6) + h)::text END, '住户', "
    "CASE WHEN h % 5 = 0 THEN NULL ELSE '13800000000' END, 1 + h % 4, "
    "CASE WHEN h % 3 = 0 THEN '独居' END, now() - interval '900 days', now() "
    "FROM buildings b, generate_series(1, :households_each) h",
    "INSERT INTO household_categories (household_id, category) SELECT id, (ARRAY['ordinary',"
    "'elderly_only','resource','living_alone','group_renting','disabled'])[1 + id % 6] "
    "FROM households",
    "INSERT INTO household_contact_windows (household_id, \"window\") "
    "SELECT id, 'weekday_daytime' FROM households WHERE id % 4 = 0",
    "INSERT INTO visits (household_id, visited_at, kind, outcome, created_at, updated_at) "
    "SELECT h.id, now() - ((h.id * 7 + v * 73) % 730) * interval '1 day' "
    "- (v * 37 % 24) * interval '1 hour', 'door', (ARRAY['done','done','done',"
    "'phone_instead','missed','not_at_home','refused','done','done','planned'])"
    "[1 + (h.id + v) % 10], now(), now() "
    "FROM households h, generate_series(1, :visits_each) v",
    "INSERT INTO resident_requests (neighbourhood_id, reference_code, follow_token, category, "
    "channel, status, text, building_id, service_group_id, household_id, received_at, "
    "resolved_at, due_at, created_at, updated_at) "
    "SELECT h.neighbourhood_id, 'B' || r, 'bench-' || r, 'other', "
    "(ARRAY['form','call','visit'])[1 + r % 3], "
    "CASE WHEN r % 10 < 7 THEN 'resolved' ELSE 'handling' END, '楼道灯坏了', b.id, "
    "b.service_group_id, CASE WHEN r % 2 = 0 THEN h.id END, "
    "now() - (30 + r % 700) * interval '1 day', "
    "CASE WHEN r % 10 < 7 THEN now() - (30 + r % 700) * interval '1 day' "
    "+ (1 + r % 20) * interval '1 day' END, "
    "now() - (16 + r % 700) * interval '1 day', now(), now() "
    "FROM generate_series(1, :requests) r "
    "JOIN households h ON h.id = :first_household + (r * 37) % :households "
    "JOIN buildings b ON b.id = h.building_id",
    "INSERT INTO incidents (neighbourhood_id, kind, title, started_at, restored_at, "
    "follow_up_days, created_at, updated_at) "
    "SELECT n.id, 'water_cut', '水管爆裂', now() - (i * 7 + 3) * interval '1 day', "
    "now() - (i * 7 + 3) * interval '1 day' + interval '8 hours', 3, now(), now() "
    "FROM neighbourhoods n, generate_series(1, 10) i",
    "INSERT INTO incident_households (incident_id, household_id, follow_up_due_on, "
    "follow_up_visit_id) "
    "SELECT i.id, h.id, (i.restored_at + interval '3 days')::date, "
    "(SELECT v.id FROM visits v WHERE v.household_id = h.id AND v.visited_at >= i.restored_at "
    " AND v.outcome IN ('done', 'phone_instead') ORDER BY v.visited_at LIMIT 1) "
    "FROM incidents i JOIN LATERAL (SELECT id FROM households WHERE neighbourhood_id = "
    "i.neighbourhood_id ORDER BY id OFFSET (i.id * 53) % 4000 LIMIT 20) h ON true",
]


def seed(database_url: str, households: int, visits_each: int, requests: int) -> dict[str, int]:
    from sqlalchemy import func, select, text

    from app.enums import Role
    from app.extensions import db
    from app.models import Household, Neighbourhood, ResidentRequest, Visit
    from app.services.accounts import create_user

    with client_app(database_url):
        create_user(db.session, username="bench-admin", password=PASSWORD, role=Role.admin,
                    display_name="镇管理员")
        db.session.commit()
        buildings_each = 25
        params = {"buildings_each": buildings_each,
                  "households_each": max(1, households // (100 * buildings_each)),
                  "visits_each": visits_each, "requests": requests}
        for statement in SEED:
            if ":first_household" in statement:
                params["first_household"] = db.session.scalar(select(func.min(Household.id)))
                params["households"] = db.session.scalar(select(func.count(Household.id)))
            db.session.execute(text(statement), params)
            db.session.commit()
        # as autovacuum leaves a table that is not being loaded: index-only scans need it
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
        first = db.session.scalar(select(Neighbourhood.id).order_by(Neighbourhood.id))
        return {"households": db.session.scalar(select(func.count(Household.id))),
                "visits": db.session.scalar(select(func.count(Visit.id))),
                "requests": db.session.scalar(select(func.count(ResidentRequest.id))),
                "neighbourhood": first}


def count_queries(database_url: str, first: Any, last: Any) -> int:
    from sqlalchemy import event

    from app.extensions import db
    from app.i18n import deployment_zone
    from app.services.reports.five_comparisons import Period, compare

    with client_app(database_url):
        statements: list[str] = []
        engine = db.engine

        def listener(*args: Any) -> None:
            statements.append(args[2])

        event.listen(engine, "before_cursor_execute", listener)
        try:
            compare(db.session, Period.of_days(first, last, deployment_zone()))
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)


#: A contact recorded as the app would (committed), from this process.
WRITE = ("INSERT INTO visits (household_id, visited_at, kind, outcome, created_at, updated_at) "
         "SELECT min(id), now() - interval '1 hour', 'door', 'done', now(), now() "
         "FROM households")


def record_contact(database_url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(WRITE))
    finally:
        engine.dispose()


def town_contacts(body: bytes) -> int:
    import json

    charts = json.loads(body)["charts"]
    return sum(v or 0 for c in charts if c["measure"] == "contacts" for v in c["values"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--visits-each", type=int, default=10)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    with deployed_server(args.database, workers=1) as (port, database_url):
        started = time.perf_counter()
        sizes = seed(database_url, args.households, args.visits_each, args.requests)
        seeded = time.perf_counter() - started
        cookie = login(port, "bench-admin", PASSWORD)
        # The report's days are the town's: by a UTC date, from 16:00 UTC the contact
        # written "an hour ago" falls after the period, and the check after a write fails.
        today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
        first = today - timedelta(days=364)
        year = {"from": first.isoformat(), "to": today.isoformat()}
        one = {**year, "neighbourhood": sizes["neighbourhood"]}
        group = "第1团组".encode()
        json_group = b"\\u7b2c1\\u56e2\\u7ec4"
        routes = {
            "town JSON, a year": (f"/admin/reports/data.json?{urlencode(year)}", json_group),
            "town page, a year": (f"/admin/reports/?{urlencode(year)}", group),
            "town XLSX, a year": (f"/admin/reports/export.xlsx?{urlencode(year)}", b"PK"),
            "one neighbourhood JSON": (f"/admin/reports/data.json?{urlencode(one)}", json_group),
            # not cached: its to-do counts and charts are computed on every visit
            "dashboard, the town admin's": ("/admin/", b'id="chart-buildings"'),
        }
        after_write = AFTER_WRITE
        times: dict[str, list[float]] = {name: [] for name in [*routes, after_write]}
        town_json = routes["town JSON, a year"][0]
        _, body = fetch(port, town_json, cookie, json_group)  # warm the worker
        contacts = town_contacts(body)
        for _ in range(args.rounds):
            for name, (path, marker) in routes.items():
                times[name].append(timed(port, path, cookie, marker))
            record_contact(database_url)
            elapsed, body = fetch(port, town_json, cookie, json_group)
            times[after_write].append(elapsed)
            if town_contacts(body) != contacts + 1:
                raise AssertionError(f"after a write: {town_contacts(body)} contacts, "
                                     f"expected {contacts + 1}")
            contacts += 1
        queries = count_queries(database_url, first, today)
    after_write = AFTER_WRITE
    lines = [
        f"Five comparisons, a year, PostgreSQL, gunicorn 1 worker; {sizes['households']:,} "
        f"households, {sizes['visits']:,} contacts, {sizes['requests']:,} requests "
        f"(seeded in {seeded:.0f} s); {queries} SQL statements per report (this period and "
        f"the previous); {machine_load()}",
        "", "| route | seconds per round | median | min–max | target | answers checked |",
        "|---|---|---|---|---|---|",
    ]
    met = True
    for name, values in times.items():
        median = statistics.median(values)
        mark = ""
        if name in ("town JSON, a year", after_write):
            ok = median <= TARGET_SECONDS
            met &= ok
            mark = f"≤ {TARGET_SECONDS:.0f} s " + ("✓" if ok else "✗ MISSED")
        # a wrong answer stops the run, so every round listed was checked
        check = "contacts +1 each round" if name == after_write else "200 and a group's name"
        lines.append(f"| {name} | {' '.join(f'{v:.2f}' for v in values)} | {median:.2f} | "
                     f"{min(values):.2f}–{max(values):.2f} | {mark} | "
                     f"{len(values)}/{len(values)} ({check}) |")
    print("\n".join(lines))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
