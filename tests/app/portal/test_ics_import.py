"""Parsing uploaded calendars into busy times (pure: no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.services import ics_import
from app.services.ics_import import MAX_BYTES, IcsImportError, parse_busy_times

pytestmark = pytest.mark.unit

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # Monday 08:00 in Shanghai


def ics(*events: str, extra: str = "") -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    return (f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{extra}{body}"
            "END:VCALENDAR\r\n").encode()


def vevent(uid: str, *lines: str) -> str:
    return "\r\n".join([f"UID:{uid}", "DTSTAMP:20260101T000000Z", *lines])


def test_good_file() -> None:
    data = ics(
        vevent("a", "SUMMARY:看牙医", "DTSTART;TZID=Asia/Shanghai:20260304T140000",
               "DTEND;TZID=Asia/Shanghai:20260304T160000"),
        vevent("b", "SUMMARY:UTC meeting", "DTSTART:20260305T010000Z", "DURATION:PT90M"),
        vevent("c", "SUMMARY:free", "TRANSP:TRANSPARENT", "DTSTART:20260306T010000Z",
               "DTEND:20260306T020000Z"),
        vevent("d", "SUMMARY:past", "DTSTART:20250101T010000Z", "DTEND:20250101T020000Z"),
        vevent("e", "SUMMARY:floating", "DTSTART:20260307T090000", "DTEND:20260307T100000"),
    )
    busy = parse_busy_times(data, zone=ZONE, start=NOW)
    assert [(b.summary, b.start, b.end) for b in busy] == [
        ("看牙医", datetime(2026, 3, 4, 6, tzinfo=UTC), datetime(2026, 3, 4, 8, tzinfo=UTC)),
        ("UTC meeting", datetime(2026, 3, 5, 1, tzinfo=UTC),
         datetime(2026, 3, 5, 2, 30, tzinfo=UTC)),
        ("floating", datetime(2026, 3, 7, 1, tzinfo=UTC), datetime(2026, 3, 7, 2, tzinfo=UTC)),
    ]


def test_recurring_file_expanded_with_exdate() -> None:
    data = ics(vevent(
        "r", "SUMMARY:合唱团", "DTSTART;TZID=Asia/Shanghai:20260303T190000",
        "DTEND;TZID=Asia/Shanghai:20260303T210000", "RRULE:FREQ=WEEKLY;BYDAY=TU",
        "EXDATE;TZID=Asia/Shanghai:20260310T190000",
    ))
    busy = parse_busy_times(data, zone=ZONE, start=NOW)
    # 12 weeks from Monday 2 March: Tuesdays 3 March .. 19 May, minus 10 March.
    assert len(busy) == 11
    assert busy[0].start == datetime(2026, 3, 3, 11, tzinfo=UTC)
    assert datetime(2026, 3, 10, 11, tzinfo=UTC) not in {b.start for b in busy}
    assert all(b.start < NOW + timedelta(weeks=12) for b in busy)


def test_all_day_event_covers_local_days() -> None:
    data = ics(vevent("d", "SUMMARY:出差", "DTSTART;VALUE=DATE:20260310",
                      "DTEND;VALUE=DATE:20260312"))
    [busy] = parse_busy_times(data, zone=ZONE, start=NOW)
    assert busy.all_day
    assert busy.start == datetime(2026, 3, 10, tzinfo=ZONE)
    assert busy.end == datetime(2026, 3, 12, tzinfo=ZONE)


@pytest.mark.parametrize(("data", "words"), [
    (b"", "empty"),
    (b"hello, this is not a calendar", "BEGIN:VCALENDAR"),
    (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", "cannot be read"),
    (ics(vevent("x", "SUMMARY:坏日期", "DTSTART:2026XX01", "DTEND:20260101T000000Z")),
     "DTSTART"),
    (b"BEGIN:VCALENDAR\r\n" + b"X" * (MAX_BYTES + 1), "1 MB"),
])
def test_malformed_files_get_a_clear_error(data: bytes, words: str) -> None:
    with pytest.raises(IcsImportError) as raised:
        parse_busy_times(data, zone=ZONE, start=NOW)
    assert words in str(raised.value)


# --- Repeat-rule bombs (issue 10): refused before any expansion, whatever their size ---

BOMB = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nBEGIN:VEVENT\r\nUID:bomb\r\n"
        b"DTSTAMP:20260101T000000Z\r\nDTSTART:20260101T000000Z\r\nDURATION:PT1S\r\n"
        b"RRULE:FREQ=SECONDLY\r\nSUMMARY:bomb\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


@pytest.mark.parametrize("rule", [
    "FREQ=SECONDLY", "FREQ=MINUTELY", "FREQ=HOURLY", "FREQ=MINUTELY;INTERVAL=15;COUNT=100000",
    "FREQ=DAILY;BYHOUR=0,1,2,3,4;BYMINUTE=0,10,20,30,40,50",
    "FREQ=DAILY;BYHOUR=1,2;BYMINUTE=1,2;BYSECOND=1,2,3,4,5,6,7",
])
def test_hourly_and_finer_rules_are_refused(rule: str) -> None:
    data = ics(vevent("x", "SUMMARY:闹钟", "DTSTART:20200101T000000Z", "DURATION:PT1S",
                      f"RRULE:{rule}"))
    with pytest.raises(IcsImportError) as raised:
        parse_busy_times(data, zone=ZONE, start=NOW)
    assert "every hour or more often" in str(raised.value) and "闹钟" in str(raised.value)


def test_the_206_byte_bomb_is_refused() -> None:
    with pytest.raises(IcsImportError, match="every hour or more often"):
        parse_busy_times(BOMB, zone=ZONE, start=NOW)


@pytest.mark.parametrize("rule", [
    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "FREQ=DAILY;COUNT=3;BYMONTH=4;BYMONTHDAY=31",
    "FREQ=MONTHLY;BYDAY=6MO", "FREQ=WEEKLY;BYDAY=MO;BYSETPOS=2", "FREQ=DAILY;BYYEARDAY=367",
])
def test_rules_that_never_match_are_refused(rule: str) -> None:
    # dateutil only stops at UNTIL on a match: these would run day by day to the year 9999.
    data = ics(vevent("x", "SUMMARY:never", "DTSTART:20260101T000000Z", "DURATION:PT1H",
                      f"RRULE:{rule}"))
    with pytest.raises(IcsImportError, match=r"matches no day|cannot be read"):
        parse_busy_times(data, zone=ZONE, start=NOW)


def test_many_old_rules_are_refused_as_too_costly() -> None:
    events = [vevent(f"m{i}", "DTSTART:19000105T010000Z", "DURATION:PT1H",
                     "RRULE:FREQ=MONTHLY;BYDAY=-1FR") for i in range(200)]
    with pytest.raises(IcsImportError, match="reach too far back"):
        parse_busy_times(ics(*events), zone=ZONE, start=NOW)


@pytest.mark.parametrize("lines", [
    ("DTSTART;TZID=Asia/Shanghai:19990104T190000", "DTEND;TZID=Asia/Shanghai:19990104T210000",
     "RRULE:FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,TH"),
    ("DTSTART:19000101T093000Z", "DURATION:PT45M", "RRULE:FREQ=DAILY;INTERVAL=7"),
    ("DTSTART:20010201T060000", "DTEND:20010201T080000", "RRULE:FREQ=DAILY;INTERVAL=5;BYHOUR=6,14"),
    ("DTSTART;VALUE=DATE:19950301", "DTEND;VALUE=DATE:19950302", "RRULE:FREQ=WEEKLY;INTERVAL=2"),
    ("DTSTART:20100131T010000Z", "DURATION:PT2H", "RRULE:FREQ=MONTHLY;BYMONTHDAY=31"),
    ("DTSTART:19800412T010000Z", "DURATION:PT2H", "RRULE:FREQ=YEARLY"),
    ("DTSTART:20000103T010000Z", "DURATION:PT2H", "RRULE:FREQ=DAILY;BYMONTH=3,4;BYDAY=MO",
     "EXDATE:20260309T010000Z"),
])
def test_old_series_give_exactly_what_the_library_gives(lines: tuple[str, ...]) -> None:
    """Moving an old daily/weekly start forward and capping UNTIL change nothing in the window."""
    import recurring_ical_events
    from icalendar import Calendar

    data = ics(vevent("s", "SUMMARY:series", *lines))
    end = NOW + timedelta(weeks=12)
    expected = set()
    for occurrence in recurring_ical_events.of(Calendar.from_ical(data)).between(NOW, end):
        interval = ics_import._busy(occurrence, ZONE, NOW, end)
        if interval is not None:
            expected.add(interval)
    assert expected, "the case must have times in the window"
    assert parse_busy_times(data, zone=ZONE, start=NOW) == sorted(expected)


def test_a_long_history_is_skipped_unparsed_but_many_current_events_are_refused() -> None:
    past = [vevent(f"p{i}", f"SUMMARY:old {i}", "DTSTART:20200101T010000Z",
                   "DTEND:20200101T020000Z") for i in range(ics_import.MAX_COMPONENTS + 10)]
    current = vevent("c", "SUMMARY:看牙医", "DTSTART:20260304T060000Z", "DURATION:PT2H")
    [busy] = parse_busy_times(ics(*past, current), zone=ZONE, start=NOW)
    assert busy.summary == "看牙医"
    future = [vevent(f"f{i}", "DTSTART:20260304T060000Z", "DURATION:PT2H")
              for i in range(ics_import.MAX_COMPONENTS + 1)]
    with pytest.raises(IcsImportError, match="more than 500 events"):
        parse_busy_times(ics(*future), zone=ZONE, start=NOW)


def test_thousands_of_rdate_values_are_refused_unparsed() -> None:
    values = ",".join(f"2019{m:02d}{d:02d}T010000Z" for m in range(1, 13) for d in range(1, 29))
    data = ics(*(vevent(f"r{i}", "DTSTART:20190101T010000Z", "DURATION:PT1H",
                        f"RDATE:{values}") for i in range(7)))
    with pytest.raises(IcsImportError, match="more than 500 events"):
        parse_busy_times(data, zone=ZONE, start=NOW)
