"""Next contact due, and the due/overdue lists in a constant number of queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.enums import HouseholdCategory, VisitOutcome
from app.models import VisitPolicy
from app.services.households.due import count_due, due_counts, due_rows, next_contact_due
from tests.factories import (
    make_building,
    make_household,
    make_neighbourhood,
    make_service_group,
    make_visit,
)

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def _policies(session) -> None:
    wanted = {HouseholdCategory.elderly_only: 30, HouseholdCategory.disabled: 14}
    existing = {p.category: p for p in session.scalars(sa.select(VisitPolicy))}
    for category, days in wanted.items():
        if category in existing:
            existing[category].interval_days = days
        else:
            session.add(VisitPolicy(category=category, interval_days=days))
    for category, policy in existing.items():
        if category == HouseholdCategory.ordinary:
            policy.interval_days = 400  # longer than a year: the yearly minimum applies
    session.flush()


def test_next_due_uses_last_effective_contact_and_shortest_interval(db_session) -> None:
    _policies(db_session)
    household = make_household(db_session, created_at=NOW - timedelta(days=900), categories=[
        HouseholdCategory.elderly_only, HouseholdCategory.disabled])
    make_visit(db_session, household, visited_at=NOW - timedelta(days=20))
    # A later contact that was not effective does not count.
    make_visit(db_session, household, visited_at=NOW - timedelta(days=5),
               outcome=VisitOutcome.not_at_home)
    assert next_contact_due(db_session, household) == NOW - timedelta(days=20) + timedelta(days=14)
    # "Phone call instead" is effective.
    make_visit(db_session, household, visited_at=NOW - timedelta(days=2),
               outcome=VisitOutcome.phone_instead)
    assert next_contact_due(db_session, household) == NOW + timedelta(days=12)


def test_ordinary_households_at_least_yearly(db_session) -> None:
    _policies(db_session)
    household = make_household(db_session, categories=[HouseholdCategory.ordinary])
    make_visit(db_session, household, visited_at=NOW - timedelta(days=100))
    assert next_contact_due(db_session, household) == NOW - timedelta(days=100) + timedelta(
        days=365)
    uncategorised = make_household(db_session, categories=[], created_at=NOW)
    assert next_contact_due(db_session, uncategorised) == NOW + timedelta(days=365)


def _count_queries(session):
    statements: list[str] = []

    def listener(conn, cursor, statement, *args):
        statements.append(statement)

    engine = session.get_bind().engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    return statements, lambda: sa.event.remove(engine, "before_cursor_execute", listener)


def test_due_list_per_group_sorted_by_lateness_in_constant_queries(db_session) -> None:
    _policies(db_session)
    n = make_neighbourhood(db_session)
    group = make_service_group(db_session, neighbourhood=n)
    building = make_building(db_session, neighbourhood=n, service_group=group)
    other = make_building(db_session, neighbourhood=n)
    old = NOW - timedelta(days=800)

    def household(days_ago, building=building, category=HouseholdCategory.elderly_only):
        h = make_household(db_session, neighbourhood=n, building=building, created_at=old,
                           categories=[category])
        make_visit(db_session, h, visited_at=NOW - timedelta(days=days_ago))
        return h

    late_10 = household(40)
    late_50 = household(80)
    household(10)  # not due for 20 days
    outside = household(100, building=other)
    db_session.flush()

    statements, stop = _count_queries(db_session)
    rows = due_rows(db_session, now=NOW, neighbourhood_ids=frozenset({n.id}), group_id=group.id)
    stop()
    assert [r.household_id for r in rows] == [late_50.id, late_10.id]
    assert [r.days_late for r in rows] == [50, 10]
    assert len(statements) == 2  # the policies' intervals, then the list

    # More households: still two queries.
    for days in range(31, 61):
        household(days)
    statements, stop = _count_queries(db_session)
    everything = due_rows(db_session, now=NOW, neighbourhood_ids=frozenset({n.id}))
    stop()
    assert len(statements) == 2
    assert everything[0].household_id == outside.id
    within = due_rows(db_session, now=NOW, neighbourhood_ids=frozenset({n.id}), within_days=30)
    assert len(within) == len(everything) + 1

    counts = due_counts(everything)
    assert [(c.group_id, c.overdue) for c in counts] == [(group.id, 32), (None, 1)]
    by_building = due_rows(db_session, now=NOW, building_id=other.id)
    assert [r.household_id for r in by_building] == [outside.id]


def test_count_due_counts_in_the_database_what_the_due_list_lists(db_session) -> None:
    """Hand-built: every edge of "due" and "overdue", each household's answer known."""
    _policies(db_session)  # elderly-only 30 days, disabled 14, ordinary 400 (so: a year)
    n = make_neighbourhood(db_session)
    group = make_service_group(db_session, neighbourhood=n, name="甲组")
    building = make_building(db_session, neighbourhood=n, service_group=group)
    ungrouped = make_building(db_session, neighbourhood=n)
    old = NOW - timedelta(days=800)
    elderly, disabled = HouseholdCategory.elderly_only, HouseholdCategory.disabled

    def household(last_ago, categories=(elderly,), building=building, created=old,
                  neighbourhood=n):
        h = make_household(db_session, neighbourhood=neighbourhood, building=building,
                           created_at=created, categories=list(categories))
        if last_ago is not None:
            make_visit(db_session, h, visited_at=NOW - last_ago)
        return h

    # due, not overdue: due this very moment, and due 23 hours ago
    household(timedelta(days=30))
    household(timedelta(days=30, hours=23))
    # overdue: a whole day late; and the shortest interval (14) wins over 30
    household(timedelta(days=31))
    household(timedelta(days=20), categories=(elderly, disabled))
    # not due: a minute to go
    household(timedelta(days=30) - timedelta(minutes=1))
    # a later contact that was not effective does not count: still overdue
    late = household(timedelta(days=40))
    make_visit(db_session, late, visited_at=NOW - timedelta(days=1),
               outcome=VisitOutcome.not_at_home)
    # ordinary (policy 400 days): the yearly minimum, counted from the file's creation when
    # never contacted
    household(timedelta(days=366), categories=(HouseholdCategory.ordinary,))
    household(None, categories=(HouseholdCategory.ordinary,),
              created=NOW - timedelta(days=364))  # not due
    # no group: uncategorised, never contacted, file a year and a day old
    household(None, categories=(), building=ungrouped, created=NOW - timedelta(days=366))
    # another neighbourhood: not counted
    elsewhere = make_neighbourhood(db_session)
    household(timedelta(days=100), building=None, neighbourhood=elsewhere)
    db_session.flush()

    scope = frozenset({n.id})
    statements, stop = _count_queries(db_session)
    counts = count_due(db_session, now=NOW, neighbourhood_ids=scope)
    stop()
    assert [(c.group_id, c.group_name, c.due, c.overdue) for c in counts] == [
        (group.id, "甲组", 6, 4), (None, None, 1, 1)]
    assert counts == due_counts(due_rows(db_session, now=NOW, neighbourhood_ids=scope))
    assert len(statements) == 2
    everywhere = count_due(db_session, now=NOW)
    assert [(c.group_id, c.due) for c in everywhere] == [(group.id, 6), (None, 2)]

    # More households: the same two queries.
    for days in range(31, 61):
        household(timedelta(days=days))
    db_session.flush()
    statements, stop = _count_queries(db_session)
    counts = count_due(db_session, now=NOW, neighbourhood_ids=scope)
    stop()
    assert len(statements) == 2
    assert counts[0].due == 36 and counts[0].overdue == 34
