"""request_from_visit: a request raised on a household visit points back at the visit

SQLite: batch mode rebuilds `resident_requests` (the tables pointing at it keep their rows:
migrations run with foreign keys off) and drops its triggers, which are put back.

Revision ID: rqv1s1tf0rm1
Revises: as7r3l3a5ed0
Create Date: 2026-12-03 11:30:00

"""

import sqlalchemy as sa
from alembic import op
from sqlite_rebuild import restore_report_triggers

revision = "rqv1s1tf0rm1"
down_revision = "as7r3l3a5ed0"
branch_labels = None
depends_on = None

TABLE = "resident_requests"


def upgrade():
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.add_column(sa.Column("visit_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f(f"fk_{TABLE}_visit_id_visits"), "visits",
                                    ["visit_id"], ["id"], ondelete="SET NULL")
        batch_op.create_index(op.f(f"ix_{TABLE}_visit_id"), ["visit_id"])
    restore_report_triggers(TABLE)


def downgrade():
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index(op.f(f"ix_{TABLE}_visit_id"))
        batch_op.drop_constraint(op.f(f"fk_{TABLE}_visit_id_visits"), type_="foreignkey")
        batch_op.drop_column("visit_id")
    restore_report_triggers(TABLE)
