"""resident requests: merged into another request (state "merged"), and "me too" counts

Revision ID: rq1m3r6e7d01
Revises: n0t1f7f3a4b5
Create Date: 2026-12-02 11:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "rq1m3r6e7d01"
down_revision = "n0t1f7f3a4b5"
branch_labels = None
depends_on = None

OLD = ("received", "handling", "explained", "improving", "council", "resolved")
NEW = (*OLD, "merged")
#: (table, column, check constraint name) of every column holding a request's state.
STATE_COLUMNS = (
    ("resident_requests", "status", "ck_resident_requests_request_status"),
    ("resident_request_changes", "from_status", "ck_resident_request_changes_request_change_from"),
    ("resident_request_changes", "to_status", "ck_resident_request_changes_request_change_to"),
)


def _states(column, values):
    return f"{column} IN (%s)" % ", ".join(f"'{v}'" for v in values)


def _state_checks(values):
    for table, column, name in STATE_COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(name), type_="check")
            batch_op.create_check_constraint(op.f(name), _states(column, values))


def upgrade():
    _state_checks(NEW)
    with op.batch_alter_table("resident_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("me_too", sa.Integer(), server_default="0",
                                      nullable=False))
        batch_op.create_foreign_key(
            batch_op.f("fk_resident_requests_merged_into_id_resident_requests"),
            "resident_requests", ["merged_into_id"], ["id"], ondelete="SET NULL")
        batch_op.create_index(batch_op.f("ix_resident_requests_merged_into_id"),
                              ["merged_into_id"], unique=False)
        batch_op.create_check_constraint(
            op.f("ck_resident_requests_merged_into_only_when_merged"),
            "merged_into_id IS NULL OR (status = 'merged' AND merged_into_id <> id)")
        batch_op.create_check_constraint(op.f("ck_resident_requests_me_too_not_negative"),
                                         "me_too >= 0")


def downgrade():
    # A merged request goes back to being handled on its own.
    op.execute("UPDATE resident_requests SET status = 'handling' WHERE status = 'merged'")
    op.execute("UPDATE resident_request_changes SET to_status = 'handling' "
               "WHERE to_status = 'merged'")
    op.execute("UPDATE resident_request_changes SET from_status = 'handling' "
               "WHERE from_status = 'merged'")
    with op.batch_alter_table("resident_requests", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_resident_requests_me_too_not_negative"), type_="check")
        batch_op.drop_constraint(op.f("ck_resident_requests_merged_into_only_when_merged"),
                                 type_="check")
        batch_op.drop_index(batch_op.f("ix_resident_requests_merged_into_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_resident_requests_merged_into_id_resident_requests"),
            type_="foreignkey")
        batch_op.drop_column("me_too")
        batch_op.drop_column("merged_into_id")
    _state_checks(OLD)
