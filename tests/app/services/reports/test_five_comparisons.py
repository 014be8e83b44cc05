"""The five comparisons on the hand-built town of `tests.app.services.reports.town`."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.models import ComparisonWeights
from app.services.households.files import completeness
from app.services.reports.five_comparisons import (
    Period,
    compare,
    competition_ranks,
    five_comparisons,
)
from tests.app.services.reports.town import MARCH, ZONE, build_town
from tests.factories import make_service_group

ZONE_DAY = timedelta(days=1)


@pytest.fixture
def town(db_session):
    return build_town(db_session)


def _by_name(rows):
    return {r.group: r for r in rows}


def test_contacts_and_breadth(db_session, town) -> None:
    rows = _by_name(five_comparisons(db_session, MARCH, weighting=dict.fromkeys(
        ("contacts", "breadth", "completeness", "promptness", "solved"), 1)))
    a, b, c = rows["A组"], rows["B组"], rows["C组"]
    assert (a.contacts, a.households, a.contacted, a.never_contacted) == (4, 3, 2, 1)
    assert a.breadth == pytest.approx(2 / 3)
    assert (b.contacts, b.households, b.contacted, b.never_contacted) == (1, 2, 1, 1)
    assert (c.contacts, c.households, c.contacted, c.breadth) == (4, 1, 1, 1.0)
    assert set(rows) == {"A组", "B组", "C组"}  # building X's household is in no group


def test_file_completeness_matches_the_python_score(db_session, town) -> None:
    rows = _by_name(five_comparisons(db_session, MARCH))
    a, b, c = rows["A组"], rows["B组"], rows["C组"]
    assert a.completeness == pytest.approx((1 + 5 / 6 + 1) / 3)
    assert (a.complete, a.complete_share) == (2, pytest.approx(2 / 3))
    assert b.completeness == pytest.approx((6 / 8 + 5 / 7) / 2)
    assert b.complete == 0
    assert (c.completeness, c.complete) == (pytest.approx(1.0), 1)
    h1, h2, h3, h4, h5, *_ = town["households"]
    for household in (h1, h2, h3, h4, h5):
        db_session.refresh(household)
    python = [completeness(h).score for h in (h1, h2, h3, h4, h5)]
    assert python == pytest.approx([1, 5 / 6, 1, 6 / 8, 5 / 7])


def test_promptness_medians(db_session, town) -> None:
    rows = _by_name(five_comparisons(db_session, MARCH))
    a, b, c = rows["A组"], rows["B组"], rows["C组"]
    # Visit → request: 2 h and 374 h measured (even count: the mean of the two).
    assert (a.request_samples, a.request_hours) == (2, pytest.approx(188.0))
    # Incident → follow-up: 24 h, one pending; B 12 h.
    assert (a.follow_up_samples, a.follow_up_hours, a.follow_ups_pending) == (
        1, pytest.approx(24.0), 1)
    assert (b.follow_up_samples, b.follow_up_hours, b.follow_ups_pending) == (
        1, pytest.approx(12.0), 0)
    assert b.request_hours is None and b.request_samples == 0
    # Both samples: A {2, 24, 374} → 24 (odd count: the middle one); B {12}; C none.
    assert a.promptness_hours == pytest.approx(24.0)
    assert b.promptness_hours == pytest.approx(12.0)
    assert c.promptness_hours is None and c.follow_up_hours is None


def test_problems_solved(db_session, town) -> None:
    rows = _by_name(five_comparisons(db_session, MARCH))
    a, b, c = rows["A组"], rows["B组"], rows["C组"]
    assert (a.resolved, a.resolved_locally, a.resolution_days) == (2, 2, pytest.approx(10.0))
    assert (b.resolved, b.resolved_locally, b.resolution_days) == (3, 3, pytest.approx(1.0))
    assert (c.resolved, c.resolution_days) == (0, None)


def test_combined_rank_with_equal_and_with_set_weights(db_session, town) -> None:
    rows = five_comparisons(db_session, MARCH)
    by = _by_name(rows)
    # contacts A1 C1 B3; breadth C1 A2 B3; completeness C1 A2 B3; promptness B1 A2 C3 (none);
    # solved B1 A2 C3 → scores A 9/5, C 9/5, B 11/5.
    assert by["A组"].ranks == {"contacts": 1, "breadth": 2, "completeness": 2,
                               "promptness": 2, "solved": 2}
    assert by["C组"].ranks == {"contacts": 1, "breadth": 1, "completeness": 1,
                               "promptness": 3, "solved": 3}
    assert [(r.group, r.rank) for r in rows] == [("A组", 1), ("C组", 1), ("B组", 3)]
    assert by["B组"].score == pytest.approx(11 / 5)

    weights = db_session.get(ComparisonWeights, 1)
    assert weights is not None  # created by the migration
    weights.contacts, weights.solved = 0, 3
    db_session.flush()
    rows = five_comparisons(db_session, MARCH)
    # A (2+2+2+3·2)/6 = 2, B (3+3+1+3·1)/6 = 10/6, C (1+1+3+3·3)/6 = 14/6.
    assert [(r.group, r.rank) for r in rows] == [("B组", 1), ("A组", 2), ("C组", 3)]
    assert _by_name(rows)["B组"].score == pytest.approx(10 / 6)


def test_a_neighbourhood_sees_only_its_groups_ranked_among_themselves(db_session,
                                                                      town) -> None:
    rows = five_comparisons(db_session, MARCH, neighbourhood_ids=frozenset({town["n1"].id}))
    assert [r.group for r in rows] == ["A组", "B组"]
    assert [r.rank for r in rows] == [1, 2]


def test_trend_against_the_previous_period(db_session, town) -> None:
    report = compare(db_session, MARCH)
    assert (report.previous_period.first, report.previous_period.last) == (
        date(2026, 1, 29), date(2026, 2, 28))
    previous = report.previous[town["a"].id]
    # February: only h2's contact of the 28th (23:30 local) counts for A.
    assert (previous.contacts, previous.contacted) == (1, 1)
    assert all(report.trend(g) is not None for g in report.groups)


def test_constant_number_of_queries(db_session, town) -> None:
    statements: list[str] = []

    def listener(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db_session.get_bind().engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        db_session.expire_all()
        five_comparisons(db_session, MARCH)
        first = len(statements)
        for _ in range(3):
            make_service_group(db_session, neighbourhood=town["n2"])
        db_session.expire_all()
        statements.clear()
        five_comparisons(db_session, MARCH)
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    # five, and on PostgreSQL the statement that turns JIT off
    assert len(statements) == first
    assert first == (6 if engine.dialect.name == "postgresql" else 5)


def test_competition_ranks() -> None:
    assert competition_ranks([3, 5, 5, None, 1], lower_is_better=False) == [3, 1, 1, 5, 4]
    assert competition_ranks([3.0, None, 1.0], lower_is_better=True) == [2, 3, 1]
    assert competition_ranks([], lower_is_better=True) == []


def test_period_bounds_and_previous() -> None:
    assert MARCH.days == 31
    assert MARCH.start == datetime(2026, 3, 1, tzinfo=ZONE)
    assert MARCH.end == datetime(2026, 4, 1, tzinfo=ZONE)
    with pytest.raises(ValueError):
        Period.of_days(date(2026, 3, 2), date(2026, 3, 1), ZONE)


def test_both_periods_in_one_pass_equal_each_alone(db_session, town) -> None:
    report = compare(db_session, MARCH)
    alone = {g.group_id: g.to_json() for g in five_comparisons(db_session, MARCH)}
    assert {g.group_id: g.to_json() for g in report.groups} == alone
    before = {g.group_id: g.to_json()
              for g in five_comparisons(db_session, report.previous_period)}
    assert {gid: g.to_json() for gid, g in report.previous.items()} == before
    assert any(g["contacts"] for g in before.values())


def test_a_building_contact_older_than_the_lookback_did_not_produce_the_request(
        db_session, town) -> None:
    from app.enums import RequestChannel
    from app.services.reports.comparison_sql import BUILDING_LOOKBACK
    from tests.app.services.reports.town import at
    from tests.factories import make_building, make_household, make_resident_request, make_visit

    c = town["c"]
    old = make_building(db_session, neighbourhood_id=c.neighbourhood_id, service_group=c)
    recent = make_building(db_session, neighbourhood_id=c.neighbourhood_id, service_group=c)
    for building, visited in ((old, at(3, 10) - BUILDING_LOOKBACK - ZONE_DAY),
                              (recent, at(3, 10) - BUILDING_LOOKBACK + ZONE_DAY)):
        household = make_household(db_session, neighbourhood_id=c.neighbourhood_id,
                                   building=building, floor=1, room="101")
        make_visit(db_session, household, visited_at=visited)
        make_resident_request(db_session, neighbourhood_id=c.neighbourhood_id,
                              service_group_id=c.id, building_id=building.id,
                              channel=RequestChannel.visit, received_at=at(3, 10))
    row = _by_name(five_comparisons(db_session, MARCH))["C组"]
    assert row.request_samples == 1
    assert row.request_hours == pytest.approx((BUILDING_LOOKBACK - ZONE_DAY).total_seconds()
                                              / 3600)


def test_building_samples_equal_a_straightforward_recomputation(db_session, town) -> None:
    """Requests naming only their building, against the obvious definition computed here in
    Python: the latest effective contact of any of the building's households at or before the
    request and at most `BUILDING_LOOKBACK` before it. Contacts just inside and just outside
    the lookback, at the request's very minute, after it, not effective, in another building;
    a building without households; requests in both periods."""
    from app.enums import EFFECTIVE, RequestChannel
    from app.services.reports.comparison_sql import BUILDING_LOOKBACK, promptness_samples
    from tests.app.services.reports.town import at
    from tests.factories import make_building, make_household, make_resident_request, make_visit

    c = town["c"]
    hood = c.neighbourhood_id
    minute = timedelta(minutes=1)
    busy, quiet, empty = (make_building(db_session, neighbourhood_id=hood, service_group=c)
                          for _ in range(3))
    homes = [make_household(db_session, neighbourhood_id=hood, building=building, floor=1,
                            room=str(101 + i))
             for i, building in enumerate((busy, busy, busy, quiet, quiet))]
    asked = [(busy, at(3, 10)), (busy, at(3, 25, 15, 30)), (busy, at(2, 20)),
             (quiet, at(3, 12)), (quiet, at(3, 28)), (empty, at(3, 5))]
    contacts = [
        (homes[0], at(3, 10) - BUILDING_LOOKBACK + minute, "done"),  # just inside
        (homes[1], at(3, 10) - timedelta(days=40), "phone_instead"),
        (homes[2], at(3, 10) - timedelta(days=2), "missed"),  # not effective
        (homes[2], at(3, 25, 15, 30), "done"),  # the request's very minute
        (homes[0], at(3, 26), "done"),  # after every request of the building
        (homes[1], at(2, 20) - BUILDING_LOOKBACK - minute, "done"),  # just outside
        (homes[1], at(2, 19, 23, 59), "refused"),
        (homes[3], at(3, 12) - BUILDING_LOOKBACK - minute, "done"),  # outside: not measured
        (homes[4], at(3, 27, 8), "done"),
    ]
    for home, when, outcome in contacts:
        make_visit(db_session, home, visited_at=when, outcome=outcome)
    requests = [make_resident_request(db_session, neighbourhood_id=hood, service_group_id=c.id,
                                      building_id=building.id, channel=RequestChannel.visit,
                                      received_at=when)
                for building, when in asked]
    db_session.flush()

    def expected(request) -> tuple[int, float | None]:
        building = request.building_id
        before = [when for home, when, outcome in contacts
                  if home.building_id == building and outcome in {o.value for o in EFFECTIVE}
                  and request.received_at - BUILDING_LOOKBACK <= when <= request.received_at]
        hours = ((request.received_at - max(before)).total_seconds() / 3600 if before
                 else None)
        return (0 if request.received_at >= MARCH.start else 1), hours

    samples = promptness_samples([MARCH, MARCH.previous()], [c.id])
    found = {rid: (period, hours) for rid, period, hours in db_session.execute(
        sa.select(samples.c.request_id, samples.c.period, samples.c.hours)
        .where(samples.c.kind == "request",
               samples.c.request_id.in_([r.id for r in requests])))}
    wanted = {r.id: expected(r) for r in requests}
    assert set(found) == set(wanted)
    for rid, (period, hours) in wanted.items():
        assert found[rid][0] == period, rid
        assert found[rid][1] == (pytest.approx(hours) if hours is not None else None), rid
    measured = [h for _p, h in wanted.values() if h is not None]
    assert len(measured) == 4 and 0.0 in measured  # the test covers what it says
