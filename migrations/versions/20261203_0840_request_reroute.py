"""request_reroute: a request's history records a re-routing, the service group it left and
the one it went to (the reason is the entry's note)

SQLite: batch mode rebuilds `resident_request_changes`; no table points at it.

Revision ID: rq7r0ut3r07
Revises: mk0f4eet1me0
Create Date: 2026-12-03 08:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "rq7r0ut3r07"
down_revision = "mk0f4eet1me0"
branch_labels = None
depends_on = None

TABLE = "resident_request_changes"


def upgrade():
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        for column in ("from_group_id", "to_group_id"):
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                op.f(f"fk_{TABLE}_{column}_service_groups"), "service_groups", [column],
                ["id"], ondelete="SET NULL")
            batch_op.create_index(op.f(f"ix_{TABLE}_{column}"), [column])


def downgrade():
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        for column in ("to_group_id", "from_group_id"):
            batch_op.drop_index(op.f(f"ix_{TABLE}_{column}"))
            batch_op.drop_constraint(op.f(f"fk_{TABLE}_{column}_service_groups"),
                                     type_="foreignkey")
            batch_op.drop_column(column)
