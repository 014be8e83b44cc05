"""Time the worst .ics uploads (issue 10): each round parses one file in a fresh process.

    .venv/bin/python -m benchmarks.ics_import [--rounds 5]

Prints per case: min / median / max seconds of `parse_busy_times`, the peak resident memory of
the process and how much of it the parse added over the imports, and whether the outcome is the
expected one (a refusal with the expected message, or the expected number of busy times).
The target is <= 2 s and <= 100 MB extra for any file within the 1 MB limit.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

NOW = datetime(2026, 3, 2, tzinfo=UTC)
ZONE = ZoneInfo("Asia/Shanghai")
LIMIT = 1024 * 1024


def _calendar(events: list[str]) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{e}\r\nEND:VEVENT\r\n" for e in events)
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\n"
    return f"{head}{body}END:VCALENDAR\r\n".encode()


def _fill(make: object) -> bytes:
    """As many events from make(i) as fit in 1 MB."""
    events: list[str] = []
    size = 100
    while True:
        event = make(len(events))  # type: ignore[operator]
        size += len(event.encode()) + 30
        if size > LIMIT:
            return _calendar(events)
        events.append(event)


def _plain(i: int) -> str:
    # Mostly past events (a long history), every 20th one in the next 12 weeks: 400-odd busy.
    day = (NOW - timedelta(days=3000) + timedelta(hours=6 * i)) if i % 20 else (
        NOW + timedelta(hours=4 * (i // 20) + 1))
    stamp = day.strftime("%Y%m%dT%H%M%SZ")
    return (f"UID:plain-{i}@bench\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:会议 {i}\r\n"
            f"DTSTART:{stamp}\r\nDURATION:PT30M")


def _rule(rule: str, start: str = "20260101T000000Z", duration: str = "PT1S"):
    def make(i: int) -> str:
        return (f"UID:r-{i}@bench\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:rule {i}\r\n"
                f"DTSTART:{start}\r\nDURATION:{duration}\r\nRRULE:{rule}")
    return make


CASES: dict[str, tuple[str, object]] = {
    # name: (expected outcome: "refused:<words>" or "busy:<count>", file factory)
    "SECONDLY bomb (206 B)": ("refused:every hour", lambda: _calendar([_rule("FREQ=SECONDLY")(0)])),
    "MINUTELY": ("refused:every hour", lambda: _calendar([_rule("FREQ=MINUTELY")(0)])),
    "HOURLY since 1970": ("refused:every hour",
                          lambda: _calendar([_rule("FREQ=HOURLY", "19700101T000000Z")(0)])),
    "DAILY, never matches": ("refused:matches no day", lambda: _calendar(
        [_rule("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30")(0)])),
    "1 MB of plain VEVENTs": ("busy:", lambda: _fill(_plain)),
    "1 MB of SECONDLY rules": ("refused:more than 500 events", lambda: _fill(
        _rule("FREQ=SECONDLY"))),
    "1 MB of DAILY since 1900": ("refused:more than 500 events", lambda: _fill(
        _rule("FREQ=DAILY", "19000101T090000Z", "PT1H"))),
    "1 MB of RDATE values": ("refused:more than 500 events", lambda: _rdates()),
    # At the 500-event count: the rules' own cost is what is bounded.
    "500 SECONDLY rules": ("refused:every hour", lambda: _n(_rule("FREQ=SECONDLY"))),
    "500 DAILY since 1900": ("refused:more than 500 busy times", lambda: _n(
        _rule("FREQ=DAILY", "19000101T090000Z", "PT1H"))),
    "500 MONTHLY since 1900": ("refused:reach too far back", lambda: _n(
        _rule("FREQ=MONTHLY;BYDAY=-1FR", "19000105T090000Z", "PT1H"))),
    "500 YEARLY since 0001": ("refused:reach too far back", lambda: _n(
        _rule("FREQ=YEARLY", "00010101T090000Z", "PT1H"))),
    "500 rules, never matching": ("refused:matches no day", lambda: _n(
        _rule("FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31"))),
    "150 WEEKLY since 2000 (valid)": ("busy:", lambda: _n(
        _rule("FREQ=WEEKLY;INTERVAL=4", "20000103T090000Z", "PT1H"), 150)),
}


def _rdates() -> bytes:
    values = ",".join(f"2019{m:02d}{d:02d}T{h:02d}0000Z" for m in range(1, 13)
                      for d in range(1, 29) for h in range(24))
    head = "UID:rdates@bench\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20190101T000000Z\r\n"
    return _calendar([head + "DURATION:PT1H\r\nRDATE:" + values] * 7)[:LIMIT - 40] + (
        b"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


def _n(make: object, count: int = 500) -> bytes:
    return _calendar([make(i) for i in range(count)])  # type: ignore[operator]


def _one(name: str) -> None:
    from app.services.ics_import import IcsImportError, parse_busy_times

    _, factory = CASES[name]
    data = factory()  # type: ignore[operator]
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    began = time.perf_counter()
    try:
        outcome = f"busy:{len(parse_busy_times(data, zone=ZONE, start=NOW))}"
    except IcsImportError as exc:
        outcome = f"refused:{exc.args[0]}"
    seconds = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_mb": peak / 1024, "extra_mb": (peak - base) / 1024,
                      "bytes": len(data), "outcome": str(outcome)}))


def _expected(name: str, outcome: str) -> bool:
    want = CASES[name][0]
    if want == "busy:":
        return outcome.startswith("busy:") and 0 < int(outcome[5:]) <= 500
    return outcome.startswith(want.split(":")[0] + ":") and want.split(":", 1)[1] in outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        _one(args.one)
        return
    print(f"{'case':30} {'size':>8} {'min s':>7} {'median':>7} {'max s':>7} "
          f"{'peak MB':>8} {'+MB':>6}  correct  outcome")
    for name in CASES:
        runs = []
        for _ in range(args.rounds):
            done = subprocess.run([sys.executable, "-m", "benchmarks.ics_import", "--one", name],
                                  capture_output=True, text=True, timeout=120, check=True)
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        seconds = [r["seconds"] for r in runs]
        outcomes = {r["outcome"] for r in runs}
        correct = all(_expected(name, r["outcome"]) for r in runs) and len(outcomes) == 1
        print(f"{name:30} {runs[0]['bytes']:>8} {min(seconds):7.3f} "
              f"{statistics.median(seconds):7.3f} {max(seconds):7.3f} "
              f"{max(r['peak_mb'] for r in runs):8.1f} {max(r['extra_mb'] for r in runs):6.1f}"
              f"  {'yes' if correct else 'NO':7}  {sorted(outcomes)[0][:60]}")


if __name__ == "__main__":
    main()
