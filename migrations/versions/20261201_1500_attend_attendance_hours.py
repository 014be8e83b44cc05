"""attendance on shifts and the append-only service-hours ledger

Revision ID: a77e0d160001
Revises: s1a7d1e2f3a4
Create Date: 2026-12-01 15:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a77e0d160001"
down_revision = "s1a7d1e2f3a4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "attendances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("present", "late", "absent", name="attendance_status",
                    native_enum=False, create_constraint=True, length=15),
            nullable=False,
        ),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_out_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("late_minutes", sa.Integer(), nullable=False),
        sa.Column("early_leave_minutes", sa.Integer(), nullable=False),
        sa.Column("credited_minutes", sa.Integer(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("late_minutes >= 0", name=op.f("ck_attendances_late_non_negative")),
        sa.CheckConstraint("early_leave_minutes >= 0",
                           name=op.f("ck_attendances_early_leave_non_negative")),
        sa.CheckConstraint("credited_minutes >= 0",
                           name=op.f("ck_attendances_credited_non_negative")),
        sa.CheckConstraint("status <> 'absent' OR credited_minutes = 0",
                           name=op.f("ck_attendances_absent_no_hours")),
        sa.CheckConstraint(
            "checked_out_at IS NULL OR (checked_in_at IS NOT NULL"
            " AND checked_out_at >= checked_in_at)", name=op.f("ck_attendances_out_after_in")),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignments.id"],
                                name=op.f("fk_attendances_assignment_id_assignments"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"],
                                name=op.f("fk_attendances_recorded_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendances")),
        sa.UniqueConstraint("assignment_id", name=op.f("uq_attendances_assignment_id")),
    )
    with op.batch_alter_table("attendances", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attendances_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_attendances_recorded_by_id"), ["recorded_by_id"],
                              unique=False)

    op.create_table(
        "hours_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum("attendance", "change", "correction", name="hours_kind",
                    native_enum=False, create_constraint=True, length=18),
            nullable=False,
        ),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("service_on", sa.Date(), nullable=False),
        sa.Column("activity", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("minutes BETWEEN -10080 AND 10080",
                           name=op.f("ck_hours_entries_minutes_range")),
        sa.CheckConstraint("kind = 'attendance' OR reason IS NOT NULL",
                           name=op.f("ck_hours_entries_changes_say_why")),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteers.id"],
                                name=op.f("fk_hours_entries_volunteer_id_volunteers"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignments.id"],
                                name=op.f("fk_hours_entries_assignment_id_assignments"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_hours_entries_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hours_entries")),
    )
    with op.batch_alter_table("hours_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hours_entries_assignment_id"), ["assignment_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_hours_entries_created_by_id"), ["created_by_id"],
                              unique=False)
        batch_op.create_index("ix_hours_entries_volunteer_day", ["volunteer_id", "service_on"],
                              unique=False)
        batch_op.create_index("ix_hours_entries_day", ["service_on"], unique=False)


def downgrade():
    with op.batch_alter_table("hours_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_hours_entries_day")
        batch_op.drop_index("ix_hours_entries_volunteer_day")
        batch_op.drop_index(batch_op.f("ix_hours_entries_created_by_id"))
        batch_op.drop_index(batch_op.f("ix_hours_entries_assignment_id"))
    op.drop_table("hours_entries")
    with op.batch_alter_table("attendances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendances_recorded_by_id"))
        batch_op.drop_index(batch_op.f("ix_attendances_status"))
    op.drop_table("attendances")
