"""assignments.source gains "series": a series' regular volunteer's seats told apart from a
coordinator's; the seats series already made (source "manual", on an occurrence of a series
whose regular volunteer holds them) become "series"

SQLite: no batch rebuild. `assignments` is pointed at by other tables, and rebuilding a table
drops the old one, which deletes in cascade whatever points at it with ON DELETE CASCADE (see
tests/migrations/test_sqlite_rebuilds.py). A CHECK cannot be altered in place, so the stored
CREATE TABLE is edited instead, as SQLite's own documentation describes for schema changes
ALTER TABLE cannot make ("Making Other Kinds Of Table Schema Changes"): writable_schema on,
the one CHECK's text replaced, the schema version raised so every connection reads it again.
Only the list of allowed values changes, so no row can break the new definition.

Revision ID: s3r1e5s0urc3
Revises: c4r3subm3rg3
Create Date: 2026-12-03 07:25:00

"""

import sqlalchemy as sa
from alembic import op

revision = "s3r1e5s0urc3"
down_revision = "c4r3subm3rg3"
branch_labels = None
depends_on = None

CHECK_NAME = "ck_assignments_assignment_source"
OLD = ("solver", "manual", "self")
NEW = (*OLD, "series")

#: Seats a series made: on one of its occurrences, held by its regular volunteer, by the
#: manual source the series used until now (the scheduler's and volunteers' own stay theirs).
SERIES_MADE = (
    "source = 'manual' AND id IN (SELECT a.id FROM assignments a"
    " JOIN shifts s ON s.id = a.shift_id JOIN events e ON e.id = s.event_id"
    " JOIN event_series es ON es.id = e.series_id WHERE a.volunteer_id = es.volunteer_id)")


def _in(values):
    return "source IN ({})".format(", ".join(f"'{v}'" for v in values))


def _sqlite_replace_check(old, new):
    conn = op.get_bind()
    table_sql = conn.execute(sa.text(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'assignments'"
    )).scalar_one()
    if table_sql.count(old) != 1:
        raise RuntimeError(f"assignments: expected one {old!r} in {table_sql!r}")
    version = conn.exec_driver_sql("PRAGMA schema_version").scalar_one()
    conn.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        conn.execute(sa.text(
            "UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = 'assignments'"
        ), {"sql": table_sql.replace(old, new)})
        conn.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        conn.exec_driver_sql("PRAGMA writable_schema = OFF")


def _widen(old, new):
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_replace_check(_in(old), _in(new))
    else:
        op.drop_constraint(op.f(CHECK_NAME), "assignments", type_="check")
        op.create_check_constraint(op.f(CHECK_NAME), "assignments", _in(new))


def upgrade():
    _widen(OLD, NEW)
    op.execute(f"UPDATE assignments SET source = 'series' WHERE {SERIES_MADE}")


def downgrade():
    op.execute("UPDATE assignments SET source = 'manual' WHERE source = 'series'")
    _widen(NEW, OLD)
