"""A district run in parts across huey consumers, measured from outside (issue 11).

    .venv/bin/python -m benchmarks.district [--towns 4] [--volunteers 4000] [--shifts 3000]
        [--seconds 10] [--consumers 2] [--database postgresql+psycopg://…/test]
        [--huey redis://127.0.0.1:6379/6]

Makes a fresh PostgreSQL database (migrated with `flask db upgrade`), seeds a district of
`--towns` towns of five neighbourhoods each (volunteers with 1–3 of 8 skills, 3–5 weekly
windows and the usual caps; a week of service shifts of 2–3 hours in every neighbourhood),
starts `--consumers` huey consumers on Redis (`--huey`; a queue name of its own), queues one run
over the whole district as the admin does, and follows it until its drafts are written. Prints
the phases (problem built and parts handed on, parts solved, drafts collected), the wall time,
and each part: shifts, seats filled of seats, time, attempts and the consumer that solved it.
Each table says how loaded the machine was (its load average when printed).
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

from benchmarks.deployed import DEFAULT_DATABASE, ROOT, fresh_database, machine_load

ZONE = ZoneInfo("Asia/Shanghai")
SKILLS = 8


def seed(session, *, towns: int, volunteers: int, shifts: int, rng: random.Random) -> date:
    """The district's rows; returns the Monday its week starts."""
    from app.enums import EventKind, EventStatus
    from app.models import Availability, Event, Neighbourhood, Shift, Skill, Volunteer

    skills = [Skill(code=f"bench_{i}", name_zh=f"技能{i}", name_en=f"Skill {i}")
              for i in range(SKILLS)]
    session.add_all(skills)
    hoods = []
    for t in range(towns):
        for n in range(5):
            hood = Neighbourhood(town=f"镇{t}", name=f"镇{t}居民区{n}",
                                 x_km=t * 30.0 + n * 2.0, y_km=0.0)
            hoods.append(hood)
    session.add_all(hoods)
    session.flush()
    for i in range(volunteers):
        hood = rng.choice(hoods)
        windows = []
        for _ in range(rng.randint(3, 5)):
            start = rng.randint(8, 14)
            windows.append(Availability(weekday=rng.randrange(7), start_time=clock(start),
                                        end_time=clock(min(21, start + rng.randint(3, 6)))))
        session.add(Volunteer(
            name=f"志愿者{i}", neighbourhood_id=hood.id, skills=rng.sample(skills,
                                                                        rng.randint(1, 3)),
            x_km=hood.x_km + rng.uniform(-1, 1), y_km=rng.uniform(-1, 1),
            availabilities=windows))
        if i % 2000 == 1999:
            session.flush()
    today = datetime.now(ZONE).date() + timedelta(days=14)
    monday = today + timedelta(days=(7 - today.weekday()) % 7)
    per_event = 6
    made = 0
    while made < shifts:
        for hood in hoods:
            day = monday + timedelta(days=rng.randrange(7))
            event = Event(neighbourhood_id=hood.id, kind=EventKind.service_day,
                          title=f"{hood.name}服务日", place="广场",
                          start_at=datetime.combine(day, clock(8), tzinfo=ZONE),
                          end_at=datetime.combine(day, clock(21), tzinfo=ZONE),
                          status=EventStatus.published)
            for _ in range(min(per_event, shifts - made)):
                start = rng.randint(8, 17)
                seats = rng.randint(1, 3)
                event.shifts.append(Shift(
                    title=f"岗位{made}", skill=rng.choice(skills),
                    start_at=datetime.combine(day, clock(start), tzinfo=ZONE),
                    end_at=datetime.combine(day, clock(start), tzinfo=ZONE)
                    + timedelta(minutes=rng.choice((120, 180))),
                    min_volunteers=1, max_volunteers=seats))
                made += 1
            session.add(event)
            if made >= shifts:
                break
        session.flush()
    return monday


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--towns", type=int, default=4)
    parser.add_argument("--volunteers", type=int, default=4000)
    parser.add_argument("--shifts", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--consumers", type=int, default=2)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--huey", default=os.environ.get("TEST_HUEY_URL",
                                                         "redis://127.0.0.1:6379/6"))
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="linli-district-") as folder, \
            fresh_database(args.database) as database_url:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("LINLI_", "HUEY_", "FLASK_", "TEST_"))}
        env.update({
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
            "SECRET_KEY": secrets.token_hex(16), "DATABASE_URL": database_url,
            "LINLI_INSTANCE_PATH": str(Path(folder) / "instance"),
            "LINLI_LOG_LEVEL": "WARNING", "HUEY_URL": args.huey,
            "HUEY_NAME": f"bench-district-{secrets.token_hex(3)}",
            "PYTHONPATH": str(ROOT),
        })
        subprocess.run(shlex.split("flask db upgrade"), cwd=ROOT, env=env, check=True,
                       capture_output=True)
        os.environ.update(env)  # this process queues to the same Redis queue

        from app import create_app
        from app.extensions import db
        from app.models import ScheduleRun
        from app.services.scheduler import review, runs
        from app.services.scheduler.scope import Scope
        from app.tasks import huey
        from app.tasks.scheduler import enqueue_run

        app = create_app()
        consumers: list[subprocess.Popen[bytes]] = []
        with app.app_context():
            t = time.perf_counter()
            monday = seed(db.session, towns=args.towns, volunteers=args.volunteers,
                          shifts=args.shifts, rng=random.Random(args.seed))
            db.session.commit()
            seeded = time.perf_counter() - t
            scope = Scope(date_from=monday, date_to=monday + timedelta(days=6))
            run = runs.create_run(db.session, scope, seconds=args.seconds)
            db.session.commit()
            run_id = run.id
            huey.storage.flush_all()
            for i in range(args.consumers):
                consumers.append(subprocess.Popen(
                    [sys.executable, "-m", "huey.bin.huey_consumer", "app.tasks.huey", "-w", "1",
                     "-k", "thread", "-d", "0.1", "-m", "0.5", "-n"],
                    cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                    stderr=open(Path(folder) / f"consumer-{i}.log", "wb")))  # noqa: SIM115
            try:
                t0 = time.perf_counter()
                enqueue_run(run_id)
                handed = last_line = None
                while True:
                    db.session.rollback()
                    current = db.session.get(ScheduleRun, run_id)
                    status = review.status_json(current)
                    if handed is None and status["parts_total"]:
                        handed = time.perf_counter() - t0
                    line = (f"  {time.perf_counter() - t0:6.1f} s  {status['status']:<9} parts "
                            f"{status['parts_done'] or 0}/{status['parts_total'] or 0}  seats "
                            f"{status['seats_filled'] or 0}/{status['seats_total'] or 0}")
                    if line.split("s ", 1)[1] != last_line:
                        print(line, flush=True)
                        last_line = line.split("s ", 1)[1]
                    if status["done"]:
                        break
                    if time.perf_counter() - t0 > 1800:
                        raise SystemExit("the run did not finish within 30 minutes")
                    time.sleep(0.5)
                wall = time.perf_counter() - t0
            finally:
                for process in consumers:
                    process.send_signal(signal.SIGTERM)
                for process in consumers:
                    try:
                        process.wait(timeout=20)
                    except subprocess.TimeoutExpired:
                        process.kill()
            run = db.session.get(ScheduleRun, run_id)
            m = run.metrics or {}
            print(f"\nDistrict run: {args.towns} towns, {args.volunteers} volunteers, "
                  f"{args.shifts} shifts, --seconds {args.seconds:g}, {args.consumers} "
                  f"consumers ({machine_load()})")
            print("| status | seeding | built+handed on | wall | seats filled | parts |")
            print("|---|---|---|---|---|---|")
            print(f"| {run.status.value} | {seeded:.1f} s | "
                  f"{handed if handed is not None else float('nan'):.1f} s | {wall:.1f} s | "
                  f"{m.get('filled_seats', '—')} / {m.get('total_seats', '—')} | "
                  f"{len(m.get('parts') or [])} |")
            print("\n| part | shifts | seats filled | seconds | attempts | consumer |")
            print("|---|---|---|---|---|---|")
            for p in m.get("parts") or []:
                print(f"| {p['number']} | {p['shifts']} | {p['seats_filled']} / {p['seats']} | "
                      f"{p['seconds']} | {p['attempts']} | {p['worker']} |")
            if run.error:
                print(f"error: {run.error}\n{run.log or ''}")
            db.session.rollback()
            db.engine.dispose()


if __name__ == "__main__":
    main()
