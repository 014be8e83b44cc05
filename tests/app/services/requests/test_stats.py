"""The requests' figures on a hand-built month whose answers are worked out below, and
`flask requests list|stats`."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.enums import RequestStatus, RoundStatus, VisitOutcome
from app.models import VisitRound, utcnow
from app.services.reports.five_comparisons import Period
from app.services.requests import change_status, from_visits
from app.services.requests.stats import request_stats
from tests import factories as f

pytestmark = pytest.mark.integration

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 12, tzinfo=ZONE)


def _at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 12, tzinfo=ZONE)


@pytest.fixture
def month(db_session):
    """October 2026 in 佳虹统计 (group 第一团组, volunteer 陈志):
    A received 10-05 resolved 10-07 (2 d), group;      B 10-10 → 10-16 (6 d), group, by 陈志;
    C 10-20 → 10-30 (10 d), no group;                   D 10-25 open, due 10-28, group, by 陈志;
    E received 09-01 resolved 10-02 (31 d), group;      F in 永业统计, received 10-15 open.
    Group: received 3 (A B D), resolved 3 (A B E) median 6 d, overdue 1 (D).
    No group: received 1, resolved 1 (10 d). All: received 4, resolved 4, median (6+10)/2 = 8.
    陈志: filed 2 (B D), resolved 1."""
    n = f.make_neighbourhood(db_session, name="佳虹统计")
    other = f.make_neighbourhood(db_session, name="永业统计")
    group = f.make_service_group(db_session, neighbourhood=n, name="第一团组")
    chen = f.make_volunteer(db_session, neighbourhood=n, name="陈志")

    def req(received, resolved=None, *, grouped=True, volunteer=None, due=None, where=n):
        r = f.make_resident_request(db_session, neighbourhood=where, received_at=received,
                                    service_group=group if grouped else None,
                                    volunteer=volunteer, due_at=due)
        if resolved is not None:
            r.status, r.resolved_at = RequestStatus.resolved, resolved
        return r

    req(_at(10, 5), _at(10, 7))
    req(_at(10, 10), _at(10, 16), volunteer=chen)
    req(_at(10, 20), _at(10, 30), grouped=False)
    req(_at(10, 25), volunteer=chen, due=_at(10, 28))
    req(_at(9, 1), _at(10, 2))
    req(_at(10, 15), where=other, grouped=False, due=_at(10, 20))
    db_session.flush()
    return n, group, chen


def test_the_month_in_figures(db_session, month) -> None:
    n, group, _chen = month
    period = Period.of_days(_at(10, 1).date(), _at(10, 31).date(), ZONE)
    stats = request_stats(db_session, period.start, period.end, now=NOW,
                          neighbourhood_ids=frozenset({n.id}))
    by_group = {g.group_id: g for g in stats.groups}
    mine = by_group[group.id]
    assert (mine.group, mine.neighbourhood) == ("第一团组", "佳虹统计")
    assert (mine.received, mine.resolved, mine.median_days, mine.overdue) == (3, 3, 6.0, 1)
    assert mine.resolved_locally_pct == 100.0
    loose = by_group[None]
    assert (loose.received, loose.resolved, loose.median_days, loose.overdue) == (1, 1, 10.0, 0)
    total = stats.total
    assert (total.received, total.resolved, total.median_days, total.overdue) == (4, 4, 8.0, 1)
    assert [(v.name, v.filed, v.resolved) for v in stats.volunteers] == [("陈志", 2, 1)]
    assert (stats.answers, stats.satisfied_pct) == (0, None)  # nobody answered: not made up

    town = request_stats(db_session, period.start, period.end, now=NOW)
    assert (town.total.received, town.total.overdue) == (5, 2)  # 永业's F joins


def test_requests_commands(app, db_session, month) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["requests", "stats", "--from", "2026-10-01", "--to",
                                 "2026-10-31", "--neighbourhood", "佳虹统计", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["received"], data["resolved"], data["median_days"], data["overdue"],
            data["resolved_at_level_1_pct"]) == (4, 4, 8.0, 1, 100.0)
    assert data["volunteers"] == [{"volunteer_id": month[2].id, "name": "陈志", "filed": 2,
                                   "resolved": 1}]
    # Every key the issue names, per group too, with the month's worked-out counts.
    assert (data["satisfied_pct"], data["answers"]) == (None, 0)
    by_group = {g["group_id"]: g for g in data["groups"]}
    assert set(by_group) == {month[1].id, None}
    assert {k: by_group[month[1].id][k] for k in ("group", "neighbourhood", "received",
                                              "resolved", "resolved_at_level_1_pct",
                                              "median_days", "overdue")} == {
        "group": "第一团组", "neighbourhood": "佳虹统计", "received": 3, "resolved": 3,
        "resolved_at_level_1_pct": 100.0, "median_days": 6.0, "overdue": 1}
    assert (by_group[None]["received"], by_group[None]["median_days"]) == (1, 10.0)
    listed = runner.invoke(args=["requests", "list", "--neighbourhood", "佳虹统计",
                                 "--state", "resolved", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert len(rows) == 4 and {r["state"] for r in rows} == {"resolved"}
    assert "text" not in rows[0] and "phone" not in rows[0]
    opened = json.loads(runner.invoke(args=["requests", "list", "--state", "received",
                                            "--json"]).output)
    assert sum(r["overdue"] for r in opened) >= 2
    table = runner.invoke(args=["requests", "stats", "--from", "2026-10-01", "--to",
                                "2026-10-31", "--neighbourhood", "佳虹统计"])
    assert table.exit_code == 0 and "陈志" in table.output
    assert table.output.splitlines()[-1].split() == ["陈志", "filed", "2", "resolved", "1"]
    bad = runner.invoke(args=["requests", "stats", "--from", "2026-10-31", "--to",
                              "2026-10-01"])
    assert bad.exit_code != 0 and "--to is before --from" in bad.output


def test_a_members_suggestions_are_those_she_filed_on_her_visits(app, db_session) -> None:
    """The per-volunteer figure counts what the member filed (on a visit here): not the
    household's other requests, nor those filed by another member."""
    n = f.make_neighbourhood(db_session, name="永业走访")
    household = f.make_household(db_session, neighbourhood=n)
    members = [f.make_volunteer(db_session, neighbourhood=n, name=name)
               for name in ("江洁志", "陈志")]
    round_ = VisitRound(neighbourhood=n, starts_on=NOW.date(), weeks=1,
                        status=RoundStatus.published)
    db_session.add(round_)
    visits = [f.make_visit(db_session, household, volunteer=m, round=round_,
                           outcome=VisitOutcome.done) for m in members]
    with app.test_request_context():
        filed = [from_visits.file(db_session, from_visits.check(
            db_session, visit, visit.volunteer_id, from_visits.VisitRequestInput(
                category="environment", text=text))).request
            for visit, text in ((visits[0], "垃圾桶太少"), (visits[0], "路灯不亮"),
                                (visits[1], "想要健身器材"))]
        for step in (RequestStatus.handling, RequestStatus.explained, RequestStatus.resolved):
            change_status(db_session, filed[0], step, user=None, note="已答复")
    f.make_resident_request(db_session, neighbourhood=n, household=household)  # a call
    tomorrow = utcnow() + timedelta(days=1)
    stats = request_stats(db_session, min(r.received_at for r in filed), tomorrow,
                          now=tomorrow, neighbourhood_ids=frozenset({n.id}))
    assert [(v.name, v.filed, v.resolved) for v in stats.volunteers] == [
        ("江洁志", 2, 1), ("陈志", 1, 0)]
    assert stats.total.received == 4

