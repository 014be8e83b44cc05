"""package_visits.left_reason gains "no_free_time": a make-up visit left for the scheduler
because none of the helper's free times in the coming week holds it

SQLite: no batch rebuild (the way of the series-assignment-source migration): the CHECK cannot
be altered in place, so the one CHECK's text in the stored CREATE TABLE is replaced with
writable_schema on and the schema version raised. Only the list of allowed values grows, so
no row can break the new definition. Downgrade: such make-ups say "availability", the
checker's word for the same.

Revision ID: mk0f4eet1me0
Revises: rq6c0unc1l06
Create Date: 2026-12-03 08:05:00

"""

import sqlalchemy as sa
from alembic import op

revision = "mk0f4eet1me0"
down_revision = "rq6c0unc1l06"
branch_labels = None
depends_on = None

TABLE = "package_visits"
CHECK_NAME = "ck_package_visits_package_visit_left"
OLD = ("no_helper", "skill", "team", "availability", "overlap", "weekly_cap", "declined")
NEW = (*OLD, "no_free_time")


def _in(values):
    return "left_reason IN ({})".format(", ".join(f"'{v}'" for v in values))


def _sqlite_replace_check(old, new):
    conn = op.get_bind()
    table_sql = conn.execute(sa.text(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name"
    ), {"name": TABLE}).scalar_one()
    if table_sql.count(old) != 1:
        raise RuntimeError(f"{TABLE}: expected one {old!r} in {table_sql!r}")
    version = conn.exec_driver_sql("PRAGMA schema_version").scalar_one()
    conn.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        conn.execute(sa.text(
            "UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :name"
        ), {"sql": table_sql.replace(old, new), "name": TABLE})
        conn.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        conn.exec_driver_sql("PRAGMA writable_schema = OFF")


def _replace(old, new):
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_replace_check(_in(old), _in(new))
    else:
        op.drop_constraint(op.f(CHECK_NAME), TABLE, type_="check")
        op.create_check_constraint(op.f(CHECK_NAME), TABLE, _in(new))


def upgrade():
    _replace(OLD, NEW)


def downgrade():
    op.execute(f"UPDATE {TABLE} SET left_reason = 'availability' "
               "WHERE left_reason = 'no_free_time'")
    _replace(NEW, OLD)
