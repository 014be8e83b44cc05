"""courses: an event booked as a whole with a completion rule, residents' attendance, notices

Revision ID: c0a5e5e55101
Revises: rq4p7h0t0s04
Create Date: 2026-12-02 11:05:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c0a5e5e55101"
down_revision = "rq4p7h0t0s04"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("completion_sessions", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_events_course_completion"),
            "completion_sessions IS NULL OR (completion_sessions >= 1 AND capacity IS NOT NULL)")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_notices", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))

    op.create_table(
        "session_attendances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=True),
        sa.Column("slot_key", sa.Integer(), nullable=False),
        sa.Column(
            "method",
            sa.Enum("sheet_qr", "staff", "code", name="attendance_method",
                    native_enum=False, create_constraint=True, length=16),
            nullable=False,
        ),
        sa.Column("attended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("slot_key = COALESCE(slot_id, 0)",
                           name=op.f("ck_session_attendances_slot_key_matches")),
        sa.ForeignKeyConstraint(["registration_id"], ["registrations.id"],
                                name=op.f("fk_session_attendances_registration_id_registrations"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"],
                                name=op.f("fk_session_attendances_event_id_events"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["slot_id"], ["slots.id"],
                                name=op.f("fk_session_attendances_slot_id_slots"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"],
                                name=op.f("fk_session_attendances_recorded_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_attendances")),
        sa.UniqueConstraint("registration_id", "slot_key",
                            name=op.f("uq_session_attendances_registration_id_slot_key")),
    )
    with op.batch_alter_table("session_attendances", schema=None) as batch_op:
        batch_op.create_index("ix_session_attendances_event_slot", ["event_id", "slot_key"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_session_attendances_slot_id"), ["slot_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_session_attendances_recorded_by_id"),
                              ["recorded_by_id"], unique=False)

    op.create_table(
        "session_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["registration_id"], ["registrations.id"],
                                name=op.f("fk_session_notices_registration_id_registrations"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["slot_id"], ["slots.id"],
                                name=op.f("fk_session_notices_slot_id_slots"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_notices")),
        sa.UniqueConstraint("registration_id", "slot_id",
                            name=op.f("uq_session_notices_registration_id_slot_id")),
    )
    with op.batch_alter_table("session_notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_session_notices_slot_id"), ["slot_id"],
                              unique=False)


def downgrade():
    op.drop_table("session_notices")
    op.drop_table("session_attendances")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_column("session_notices")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_events_course_completion"), type_="check")
        batch_op.drop_column("completion_sessions")
