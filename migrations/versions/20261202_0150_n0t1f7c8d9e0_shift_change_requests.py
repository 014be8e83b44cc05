"""shift change requests: a volunteer asks to drop or swap a confirmed shift, a coordinator
decides

Revision ID: n0t1f7c8d9e0
Revises: p17a0c5e1a01
Create Date: 2026-12-02 01:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "n0t1f7c8d9e0"
down_revision = "p17a0c5e1a01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "shift_change_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("colleague_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("status", sa.Enum("open", "approved", "refused", "withdrawn",
                                    name="shift_change_status", native_enum=False,
                                    create_constraint=True, length=17), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("help_request_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("colleague_id IS NULL OR colleague_id <> volunteer_id",
                           name=op.f("ck_shift_change_requests_colleague_not_self")),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignments.id"],
                                name=op.f("fk_shift_change_requests_assignment_id_assignments"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["colleague_id"], ["volunteers.id"],
                                name=op.f("fk_shift_change_requests_colleague_id_volunteers"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"],
                                name=op.f("fk_shift_change_requests_decided_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["help_request_id"], ["help_requests.id"],
                                name=op.f("fk_shift_change_requests_help_request_id_help_requests"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteers.id"],
                                name=op.f("fk_shift_change_requests_volunteer_id_volunteers"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift_change_requests")),
    )
    with op.batch_alter_table("shift_change_requests", schema=None) as batch_op:
        for column in ("assignment_id", "volunteer_id", "colleague_id", "status",
                       "decided_by_id", "help_request_id"):
            batch_op.create_index(batch_op.f(f"ix_shift_change_requests_{column}"), [column])
        batch_op.create_index("uq_shift_change_requests_one_open", ["assignment_id"],
                              unique=True, sqlite_where=sa.text("status = 'open'"),
                              postgresql_where=sa.text("status = 'open'"))


def downgrade():
    with op.batch_alter_table("shift_change_requests", schema=None) as batch_op:
        batch_op.drop_index("uq_shift_change_requests_one_open")
        for column in ("help_request_id", "decided_by_id", "status", "colleague_id",
                       "volunteer_id", "assignment_id"):
            batch_op.drop_index(batch_op.f(f"ix_shift_change_requests_{column}"))
    op.drop_table("shift_change_requests")
