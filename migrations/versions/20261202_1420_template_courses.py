"""event templates: a completion rule, so an event made from a course template is a course

Revision ID: tm9c0urse001
Revises: r3l1ab1l1ty1
Create Date: 2026-12-02 14:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "tm9c0urse001"
down_revision = "r3l1ab1l1ty1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("event_templates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("completion_sessions", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_event_templates_course_completion"),
            "completion_sessions IS NULL OR (completion_sessions >= 1 AND capacity IS NOT NULL)")


def downgrade():
    with op.batch_alter_table("event_templates", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_event_templates_course_completion"), type_="check")
        batch_op.drop_column("completion_sessions")
