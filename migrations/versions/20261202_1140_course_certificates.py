"""course completion certificates

Revision ID: c0a5ec3e7102
Revises: c0a5e5e55101
Create Date: 2026-12-02 11:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c0a5ec3e7102"
down_revision = "c0a5e5e55101"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "course_certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("resident_name", sa.String(length=80), nullable=False),
        sa.Column("course_title", sa.String(length=200), nullable=False),
        sa.Column("town", sa.String(length=80), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("sessions_attended", sa.Integer(), nullable=False),
        sa.Column("sessions_total", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_course_certificates_date_range")),
        sa.CheckConstraint("sessions_attended >= 1 AND sessions_attended <= sessions_total",
                           name=op.f("ck_course_certificates_sessions_range")),
        sa.ForeignKeyConstraint(["registration_id"], ["registrations.id"],
                                name=op.f("fk_course_certificates_registration_id_registrations"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"],
                                name=op.f("fk_course_certificates_event_id_events"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["issued_by_id"], ["users.id"],
                                name=op.f("fk_course_certificates_issued_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_certificates")),
        sa.UniqueConstraint("code", name=op.f("uq_course_certificates_code")),
        sa.UniqueConstraint("registration_id",
                            name=op.f("uq_course_certificates_registration_id")),
    )
    with op.batch_alter_table("course_certificates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_course_certificates_event_id"), ["event_id"],
                              unique=False)


def downgrade():
    op.drop_table("course_certificates")
