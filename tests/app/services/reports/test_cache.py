"""The five comparisons kept per data version: asked again with nothing written, one query;
after a write to any table they read, computed again (the database's triggers change the
version). Transactions that wrote on PostgreSQL (every test's, rolled back) never use or keep a
kept report."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app.database import MIGRATIONS_DIR
from app.extensions import db
from app.models import ComparisonWeights, ReportDataVersion
from app.services.reports import cache
from app.services.reports.five_comparisons import compare
from tests.app.services.reports.town import MARCH, build_town
from tests.conftest import temporary_app
from tests.factories import make_visit

#: Each table the report reads, and a column to write to itself.
VERSIONED = {"neighbourhoods": "id", "service_groups": "id", "buildings": "id",
             "households": "id", "household_categories": "household_id",
             "household_contact_windows": "household_id", "visits": "id",
             "resident_requests": "id", "incidents": "id", "incident_households": "incident_id",
             "comparison_weights": "id"}


@pytest.fixture
def town(db_session):
    return build_town(db_session)


def _statements(db_session, call):
    statements: list[str] = []

    def listener(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db_session.get_bind().engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        result = call()
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return result, len(statements)


def _postgresql(db_session) -> bool:
    return db_session.get_bind().dialect.name == "postgresql"


def test_asked_again_unchanged_is_one_query_and_a_write_recomputes(db_session, town) -> None:
    first, computed = _statements(db_session, lambda: cache.compare_cached(db_session, MARCH))
    again, cost = _statements(db_session, lambda: cache.compare_cached(db_session, MARCH))
    a = town["a"].id
    contacts = {g.group_id: g.contacts for g in first.groups}[a]
    if _postgresql(db_session):
        # this test's transaction has written: computed each time, nothing kept
        assert cost == computed and again is not first
        assert cache.data_version(db_session)[1] is True
    else:
        assert cost == 1 and again is first and computed > 1
    make_visit(db_session, household=town["households"][1],
               visited_at=datetime(2026, 3, 20, 2, tzinfo=UTC))
    db_session.flush()
    after, cost = _statements(db_session, lambda: cache.compare_cached(db_session, MARCH))
    assert cost == computed
    assert {g.group_id: g.contacts for g in after.groups}[a] == contacts + 1


def test_the_scope_and_period_are_part_of_the_key(db_session, town) -> None:
    town_wide = cache.compare_cached(db_session, MARCH)
    own = cache.compare_cached(db_session, MARCH,
                               neighbourhood_ids=frozenset({town["n2"].id}))
    assert len(town_wide.groups) == 3 and [g.group for g in own.groups] == ["C组"]
    before = cache.compare_cached(db_session, MARCH.previous())
    assert before.period == MARCH.previous()


def test_a_write_to_each_table_read_changes_the_version(db_session, town) -> None:
    if _postgresql(db_session):
        # the version changes at commit, after this test's rolled-back transaction would end:
        # here, that each table has the deferred trigger (the benchmark sees it work)
        found = set(db_session.scalars(sa.text(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = 'report_data_changed' AND t.tgdeferrable AND t.tginitdeferred"
            " AND c.relnamespace = to_regnamespace(current_schema())")))
        assert found == set(VERSIONED)
        return
    for table, column in VERSIONED.items():
        before = db_session.scalar(sa.select(ReportDataVersion.version))
        db_session.execute(sa.text(f"UPDATE {table} SET {column} = {column}"))
        after = db_session.scalar(sa.select(ReportDataVersion.version))
        assert after != before, table
    weights = db_session.get(ComparisonWeights, 1)
    before = db_session.scalar(sa.select(ReportDataVersion.version))
    weights.solved = 3
    db_session.flush()
    assert db_session.scalar(sa.select(ReportDataVersion.version)) != before


def _figures(report) -> list[dict]:
    return [g.to_json() for g in report.groups]


def test_committed_data_is_aggregated_apart_with_the_same_figures(empty_database_url) -> None:
    """A transaction that wrote nothing (a page view) computes the report on PostgreSQL with
    its aggregates on three connections at once; the figures are those computed one after
    the other, and a committed write is in the next report. On SQLite, one connection."""
    with temporary_app(empty_database_url) as app, app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        town = build_town(db.session)
        db.session.commit()
        one_by_one = compare(db.session, MARCH)
        db.session.commit()
        connections: set[int] = set()

        def listener(conn, cursor, statement, *args):
            connections.add(id(conn.connection.dbapi_connection))

        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            apart = cache.compare_cached(db.session, MARCH)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        postgresql = db.engine.dialect.name == "postgresql"
        assert len(connections) == (3 if postgresql else 1)
        assert _figures(apart) == _figures(one_by_one)
        assert apart.previous.keys() == one_by_one.previous.keys()
        assert [g.to_json() for g in apart.previous.values()] == [
            g.to_json() for g in one_by_one.previous.values()]
        db.session.commit()
        make_visit(db.session, household=town["households"][1],
                   visited_at=datetime(2026, 3, 20, 2, tzinfo=UTC))
        db.session.commit()
        a = town["a"].id
        after = cache.compare_cached(db.session, MARCH)
        contacts = {g.group_id: g.contacts for g in one_by_one.groups}[a]
        assert {g.group_id: g.contacts for g in after.groups}[a] == contacts + 1
        db.session.commit()
