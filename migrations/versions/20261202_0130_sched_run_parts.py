"""parts of a partitioned (district) scheduler run, one huey task each

Revision ID: 5c4ed0a7a001
Revises: n0t1f7a1b2c3
Create Date: 2026-12-02 01:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5c4ed0a7a001"
down_revision = "n0t1f7a1b2c3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "schedule_run_parts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("queued", "running", "succeeded", "failed", name="run_part_status",
                    native_enum=False, create_constraint=True, length=17),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("shifts", sa.Integer(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("seats_filled", sa.Integer(), nullable=True),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("solution", sa.Text(), nullable=True),
        sa.Column("worker", sa.String(length=120), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("attempts >= 0",
                           name=op.f("ck_schedule_run_parts_attempts_non_negative")),
        sa.ForeignKeyConstraint(["run_id"], ["schedule_runs.id"],
                                name=op.f("fk_schedule_run_parts_run_id_schedule_runs"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_run_parts")),
        sa.UniqueConstraint("run_id", "number", name=op.f("uq_schedule_run_parts_run_id_number")),
    )
    with op.batch_alter_table("schedule_run_parts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_schedule_run_parts_run_id"), ["run_id"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("schedule_run_parts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedule_run_parts_run_id"))
    op.drop_table("schedule_run_parts")
