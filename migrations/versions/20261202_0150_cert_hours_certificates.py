"""service-hours certificates with a verification code

Revision ID: c3e71f1ca7e5
Revises: p3r0j3c7s0a1
Create Date: 2026-12-02 01:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c3e71f1ca7e5"
down_revision = "p3r0j3c7s0a1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "hours_certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=True),
        sa.Column("volunteer_name", sa.String(length=80), nullable=False),
        sa.Column("town", sa.String(length=80), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_hours_certificates_date_range")),
        sa.CheckConstraint("minutes >= 0", name=op.f("ck_hours_certificates_minutes_non_negative")),
        sa.ForeignKeyConstraint(["issued_by_id"], ["users.id"],
                                name=op.f("fk_hours_certificates_issued_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteers.id"],
                                name=op.f("fk_hours_certificates_volunteer_id_volunteers"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hours_certificates")),
        sa.UniqueConstraint("code", name=op.f("uq_hours_certificates_code")),
    )
    with op.batch_alter_table("hours_certificates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hours_certificates_volunteer_id"), ["volunteer_id"])


def downgrade():
    op.drop_table("hours_certificates")
