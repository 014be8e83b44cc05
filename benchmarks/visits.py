"""Step 1's quality bar, measured from outside the server: the due list and a visit round.

    .venv/bin/python -m benchmarks.visits [--database postgresql+psycopg://…/test]
        [--households 5000] [--visits-each 8] [--rounds 5]

Runs gunicorn as deployed (benchmarks/deployed.py) on a fresh PostgreSQL database and fills it
from this client process with generated rows (SQL ``generate_series``): the neighbourhood 佳虹
with 5,000 households in 100 buildings, 6 service groups (the first one's patch: 30
buildings, 1,500 households, 30 members), categories, contact windows and a year of contacts
(8 a household); and a second neighbourhood 永业 of 1,000 households that 佳虹's coordinator
must not see. The first group fell behind: each of its households' contacts is 338–365 days
old, so all 1,500 are due within the next 4 weeks.

Logged in as 佳虹's coordinator over HTTP, each round times

- the due page of the neighbourhood (``/admin/visits/``; target ≤ 0.3 s median), checked
  against a count of due households computed here in plain SQL, and free of 永业;
- the first group's due page for the next 4 weeks;
- planning that group's next 4 weeks (the admin form's POST: 1,500 households; target
  ≤ 10 s median), checked here: one planned contact for each of the 1,500 households, every
  member one of the group's, no member in two places at once or over her weekly minutes;
- the round's review page; then the round is discarded so the next round plans the same.

It also counts the SQL statements of the due page in this process: the same whatever the
data's size (tests/admin/test_visits_admin.py asserts it on small data).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import defaultdict
from datetime import timedelta
from itertools import pairwise
from typing import Any

from benchmarks.deployed import (
    DEFAULT_DATABASE,
    client_app,
    csrf_token,
    deployed_server,
    login,
    machine_load,
    timed_request,
)

PASSWORD = "benchmark password 2026"
COORDINATOR = "bench-jiahong"
DUE_PAGE_TARGET = 0.3
PLAN_TARGET = 10.0
WEEKS = 4
HOUSEHOLDS_A_BUILDING = 50
#: 佳虹's first group: its patch and its members.
PATCH_BUILDINGS, PATCH_MEMBERS, OTHER_MEMBERS = 30, 30, 8

SEED = [
    "INSERT INTO neighbourhoods (town, name, x_km, y_km) "
    "VALUES ('金桥镇', '佳虹', 0, 0), ('金桥镇', '永业', 3, 3)",
    "INSERT INTO service_groups (neighbourhood_id, name, kind) "
    "SELECT n.id, n.name || '第' || g || '团组', 'resident_volunteers' "
    "FROM neighbourhoods n, generate_series(1, 6) g",
    # 佳虹: buildings 1–30 are the first group's patch, the others shared by groups 2–6.
    "INSERT INTO buildings (neighbourhood_id, number, address, floors, x_km, y_km, "
    "service_group_id) "
    "SELECT n.id, b::text, n.name || '路' || b || '号', 10, n.x_km + (b % 10) * 0.08, "
    "n.y_km + (b / 10) * 0.08, (SELECT sg.id FROM service_groups sg "
    " WHERE sg.neighbourhood_id = n.id AND sg.name = n.name || '第' || CASE WHEN b <= "
    " :patch_buildings THEN 1 ELSE 2 + (b - :patch_buildings) % 5 END || '团组') "
    "FROM neighbourhoods n, generate_series(1, CASE WHEN n.name = '佳虹' THEN :buildings "
    "ELSE :other_buildings END) b",
    "INSERT INTO households (neighbourhood_id, address, building_id, unit, floor, room, "
    "contact_name, contact_phone, members_count, created_at, updated_at) "
    "SELECT b.neighbourhood_id, b.address || ((1 + (h - 1) / 5) * 100 + 1 + (h - 1) % 5) "
    "|| '室', b.id, '', 1 + (h - 1) / 5, ((1 + (h - 1) / 5) * 100 + 1 + (h - 1) % 5)::text, "
    "'住户' || b.number || '-' || h, '13800000000', 1 + h % 4, now() - interval '900 days', "
    "now() FROM buildings b, generate_series(1, :per_building) h",
    "INSERT INTO household_categories (household_id, category) "
    "SELECT id, (ARRAY['ordinary','ordinary','ordinary','ordinary','ordinary','ordinary',"
    "'ordinary','ordinary','ordinary','ordinary','ordinary','ordinary','elderly_only',"
    "'elderly_only','living_alone','very_old','resource','disabled','group_renting',"
    "'poor_and_ill'])[1 + id % 20] FROM households",
    "INSERT INTO household_categories (household_id, category) "
    "SELECT id, 'elderly_only' FROM households WHERE id % 20 = 15",
    "INSERT INTO household_contact_windows (household_id, \"window\") "
    "SELECT id, (ARRAY['weekday_evening','weekend_daytime'])[1 + id % 4] FROM households "
    "WHERE id % 4 < 2",
    "INSERT INTO volunteers (name, name_sort, neighbourhood_id, max_minutes_per_week, "
    "max_shifts_per_week, x_km, y_km, is_party_member, is_dual_registered, locale, "
    "feed_token, active, notes, created_at, updated_at) "
    "SELECT sg.name || '组员' || m, '', sg.neighbourhood_id, 480, 4, (m % 10) * 0.08, "
    "(m / 10) * 0.08, m % 3 = 0, false, 'zh_CN', md5('bench-' || sg.id || '-' || m), true, "
    "sg.id::text, now(), now() FROM service_groups sg, generate_series(1, CASE WHEN "
    "sg.name LIKE '%第1团组' THEN :patch_members ELSE :other_members END) m",
    "INSERT INTO service_group_members (group_id, volunteer_id) "
    "SELECT notes::int, id FROM volunteers",
    "INSERT INTO availabilities (volunteer_id, weekday, start_time, end_time) "
    "SELECT v.id, d, CASE WHEN d < 5 THEN time '13:30' ELSE time '09:00' END, "
    "CASE WHEN d < 5 THEN time '21:00' ELSE time '17:00' END "
    "FROM volunteers v, generate_series(0, 6) d",
    # A year of contacts by a member of the household's group; the first group of 佳虹 fell
    # behind (its contacts are 338–365 days old).
    "INSERT INTO visits (household_id, volunteer_id, visited_at, kind, outcome, created_at, "
    "updated_at) "
    "SELECT h.id, visitor.volunteer_id, now() - CASE WHEN b.number::int <= :patch_buildings "
    "AND n.name = '佳虹' THEN 338 + (h.id * 7 + v * 61) % 27 ELSE (h.id * 7 + v * 61) % 365 "
    "END * interval '1 day' - (v * 5 % 9) * interval '1 hour', "
    "(ARRAY['door','phone','appointment'])[1 + (h.id + v) % 3], "
    "(ARRAY['done','done','phone_instead','not_at_home','done','refused','done','done'])"
    "[1 + (h.id + v) % 8], now(), now() "
    "FROM households h JOIN buildings b ON b.id = h.building_id "
    "JOIN neighbourhoods n ON n.id = h.neighbourhood_id "
    "JOIN LATERAL (SELECT volunteer_id FROM service_group_members m "
    " WHERE m.group_id = b.service_group_id ORDER BY volunteer_id "
    " OFFSET h.id % :other_members LIMIT 1) visitor ON true, "
    "generate_series(1, :visits_each) v",
    "ANALYZE",
]

#: Due now, in plain SQL (not the service's code): last effective contact (or the file's
#: creation) plus the shortest policy interval, at most a year.
EXPECTED_DUE = (
    "WITH last AS (SELECT household_id, max(visited_at) AS at FROM visits "
    "  WHERE outcome IN :effective GROUP BY household_id), "
    "intervals AS (SELECT c.household_id, min(p.interval_days) AS days "
    "  FROM household_categories c JOIN visit_policies p ON p.category = c.category "
    "  GROUP BY c.household_id) "
    "SELECT count(*) FROM households h LEFT JOIN last ON last.household_id = h.id "
    "LEFT JOIN intervals i ON i.household_id = h.id WHERE h.neighbourhood_id = :n "
    "AND coalesce(last.at, h.created_at) + least(coalesce(i.days, 365), 365) "
    "* interval '1 day' <= now()"
)


def seed(households: int, visits_each: int) -> dict[str, Any]:
    from sqlalchemy import bindparam, func, select, text

    from app.enums import EFFECTIVE, Role
    from app.extensions import db
    from app.models import Household, Neighbourhood, ServiceGroup, Visit, VisitPolicy
    from app.services.accounts import create_user
    from app.services.demo.data import VISIT_POLICIES

    params = {"buildings": households // HOUSEHOLDS_A_BUILDING,
              "other_buildings": max(1, households // (5 * HOUSEHOLDS_A_BUILDING)),
              "per_building": HOUSEHOLDS_A_BUILDING, "patch_buildings": PATCH_BUILDINGS,
              "patch_members": PATCH_MEMBERS, "other_members": OTHER_MEMBERS,
              "visits_each": visits_each}
    for category, interval, kind, notes in VISIT_POLICIES:
        db.session.add(VisitPolicy(category=category, interval_days=interval,
                                   preferred_kind=kind, notes=notes))
    db.session.commit()
    for statement in SEED:
        db.session.execute(text(statement), params)
        db.session.commit()
    jiahong = db.session.scalar(select(Neighbourhood).where(Neighbourhood.name == "佳虹"))
    create_user(db.session, username=COORDINATOR, password=PASSWORD, role=Role.coordinator,
                display_name="佳虹居委", neighbourhoods=[jiahong])
    db.session.commit()
    group = db.session.scalar(select(ServiceGroup).where(ServiceGroup.name == "佳虹第1团组"))
    expected = db.session.scalar(
        text(EXPECTED_DUE).bindparams(bindparam("effective", expanding=True)),
        {"effective": [o.value for o in EFFECTIVE], "n": jiahong.id})
    return {
        "households": db.session.scalar(select(func.count(Household.id)).where(
            Household.neighbourhood_id == jiahong.id)),
        "visits": db.session.scalar(select(func.count(Visit.id))),
        "neighbourhood": jiahong.id, "group": group.id, "expected_due": expected,
    }


def due_total(page: str) -> int:
    """The sum of the Due column of the page's counts table."""
    table = re.search(r'id="due-counts">(.*?)</table>', page, re.S).group(1)
    return sum(int(due) for due, _ in re.findall(r"<td>(\d+)</td><td>(\d+)</td>", table))


def check_round(round_id: int, group_id: int, households: int) -> tuple[int, int]:
    """(contacts, with a member) of the round, after checking it here in plain Python: one
    planned contact a household of the patch, members of the group only, no member in two
    places at once, no member over her weekly minutes. Raises AssertionError otherwise."""
    from sqlalchemy import select

    from app.extensions import db
    from app.i18n import deployment_zone
    from app.models import (
        Building,
        Household,
        Visit,
        VisitRound,
        Volunteer,
        service_group_members,
    )
    from app.services.visits import rounds

    db.session.expire_all()
    round_ = db.session.get(VisitRound, round_id)
    rows = db.session.execute(
        select(Visit.household_id, Visit.volunteer_id, Visit.visited_at, Building.service_group_id)
        .join(Household, Household.id == Visit.household_id)
        .join(Building, Building.id == Household.building_id)
        .where(Visit.round_id == round_id)).tuples().all()
    assert round_.proposed_count == len(rows) == households, (round_.proposed_count, len(rows))
    assert len({hid for hid, *_ in rows}) == households, "a household planned twice"
    assert {gid for *_, gid in rows} == {group_id}, "a contact outside the group's patch"
    members = set(db.session.scalars(select(service_group_members.c.volunteer_id).where(
        service_group_members.c.group_id == group_id)))
    limits = dict(db.session.execute(select(Volunteer.id, Volunteer.max_minutes_per_week)
                                     .where(Volunteer.id.in_(members))).tuples().all())
    zone = deployment_zone()
    starts: dict[int, list] = defaultdict(list)
    for _, vid, at, _ in rows:
        if vid is not None:
            assert vid in members, f"volunteer {vid} is not a member of the group"
            starts[vid].append(at)
    for vid, times in starts.items():
        times.sort()
        for before, after in pairwise(times):
            assert after - before >= timedelta(minutes=30), f"volunteer {vid} double-booked"
        weeks: dict[tuple[int, int], int] = defaultdict(int)
        for at in times:
            weeks[at.astimezone(zone).isocalendar()[:2]] += 30
        assert max(weeks.values()) <= limits[vid], f"volunteer {vid} over her weekly minutes"
    assigned = sum(len(times) for times in starts.values())
    assert rounds.unassigned_count(db.session, round_) == len(rows) - assigned
    return len(rows), assigned


def count_due_page_queries(app: Any) -> int:
    """SQL statements of one due page, in this process (the same app, the Flask test client)."""
    from sqlalchemy import event

    from app.extensions import db

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": COORDINATOR, "password": PASSWORD,
                                "csrf_token": csrf_token(page)})
    statements: list[str] = []

    def listener(*args: Any) -> None:
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get("/admin/visits/").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--households", type=int, default=5000)
    parser.add_argument("--visits-each", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    patch = PATCH_BUILDINGS * HOUSEHOLDS_A_BUILDING
    with deployed_server(args.database) as (port, database_url), \
            client_app(database_url) as app:
        from app.i18n import deployment_zone
        from app.models import utcnow

        started = time.perf_counter()
        sizes = seed(args.households, args.visits_each)
        seeded = time.perf_counter() - started
        cookie = login(port, COORDINATOR, PASSWORD)
        group = sizes["group"]
        group_page = f"/admin/visits/?group={group}&within=28"
        starts_on = (utcnow().astimezone(deployment_zone()) + timedelta(days=1)).date()
        times: dict[str, list[float]] = defaultdict(list)
        contacts: list[tuple[int, int]] = []

        def send(method: str, path: str, form: dict[str, Any] | None = None) -> tuple:
            # The session cookie changes when the session does (the CSRF secret goes in it).
            nonlocal cookie
            answer = timed_request(port, method, path, cookie, form)
            cookie = answer[2].get("Set-Cookie", cookie).split(";")[0]
            return answer

        def get(name: str, path: str) -> str:
            elapsed, status, _, body = send("GET", path)
            page = body.decode()
            if status != 200 or "永业" in page:
                raise AssertionError(f"GET {path}: {status} {page[:300]!r}")
            times[name].append(elapsed)
            return page

        send("GET", "/admin/visits/")  # warm the workers
        send("GET", "/admin/visits/")
        for _ in range(args.rounds):
            page = get("due page, neighbourhood", "/admin/visits/")
            if due_total(page) != sizes["expected_due"]:
                raise AssertionError(f"due page counts {due_total(page)}, "
                                     f"SQL counts {sizes['expected_due']}")
            page = get("due page, group, 4 weeks", group_page)
            if due_total(page) != patch:
                raise AssertionError(f"group page counts {due_total(page)}, not {patch}")
            form = {"csrf_token": csrf_token(page), "group": group,
                    "starts_on": starts_on.isoformat(), "weeks": WEEKS}
            elapsed, status, headers, body = send("POST", "/admin/visits/plan", form)
            where = re.search(r"/admin/visits/round/(\d+)", headers.get("Location", ""))
            if status != 302 or where is None:
                raise AssertionError(f"plan: {status} {headers} {body[:300]!r}")
            times[f"plan {WEEKS} weeks, {patch:,} households"].append(elapsed)
            round_id = int(where.group(1))
            contacts.append(check_round(round_id, group, patch))
            page = get("round review page", f"/admin/visits/round/{round_id}")
            _, status, _, _ = send("POST", f"/admin/visits/round/{round_id}/discard",
                                   {"csrf_token": csrf_token(page)})
            if status != 302:
                raise AssertionError(f"discard: {status}")
        queries = count_due_page_queries(app)
    targets = {"due page, neighbourhood": DUE_PAGE_TARGET,
               f"plan {WEEKS} weeks, {patch:,} households": PLAN_TARGET}
    assigned = sorted({a for _, a in contacts})
    lines = [
        f"Follow-up visits, PostgreSQL, gunicorn 2 workers; {sizes['households']:,} households "
        f"in the neighbourhood, {sizes['visits']:,} contacts (seeded in {seeded:.0f} s); "
        f"{sizes['expected_due']:,} due now; {queries} SQL statements per due page; each round "
        f"{patch:,} contacts proposed, {'/'.join(map(str, assigned))} with a member; "
        f"{machine_load()}",
        "", "| measure | seconds per round | median | min–max | target |", "|---|---|---|---|---|",
    ]
    met = True
    for name, values in times.items():
        median = statistics.median(values)
        target = targets.get(name)
        mark = ""
        if target is not None:
            ok = median <= target
            met &= ok
            mark = f"≤ {target:g} s " + ("✓" if ok else "✗ MISSED")
        lines.append(f"| {name} | {' '.join(f'{v:.3f}' for v in values)} | {median:.3f} | "
                     f"{min(values):.3f}–{max(values):.3f} | {mark} |")
    print("\n".join(lines))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
