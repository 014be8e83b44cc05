"""qualifications with expiry; skills that require one

Revision ID: q0a11f1ca7e5
Revises: n0t1f7c8d9e0
Create Date: 2026-12-02 01:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "q0a11f1ca7e5"
down_revision = "n0t1f7c8d9e0"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("skills", schema=None) as batch_op:
        batch_op.add_column(sa.Column("requires_qualification", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.create_table(
        "qualifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("licence_number", sa.String(length=80), nullable=False),
        sa.Column("issued_by", sa.String(length=120), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("expiry_alerted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "valid_from IS NULL OR valid_until IS NULL OR valid_until >= valid_from",
            name=op.f("ck_qualifications_date_range")),
        sa.CheckConstraint("length(trim(licence_number)) > 0",
                           name=op.f("ck_qualifications_licence_number_present")),
        sa.ForeignKeyConstraint(["skill_id"], ["skills.id"],
                                name=op.f("fk_qualifications_skill_id_skills"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteers.id"],
                                name=op.f("fk_qualifications_volunteer_id_volunteers"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qualifications")),
        sa.UniqueConstraint("volunteer_id", "skill_id", "licence_number",
                            name=op.f("uq_qualifications_volunteer_id_skill_id_licence_number")),
    )
    with op.batch_alter_table("qualifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_qualifications_volunteer_id"), ["volunteer_id"])
        batch_op.create_index(batch_op.f("ix_qualifications_skill_id"), ["skill_id"])
        batch_op.create_index(batch_op.f("ix_qualifications_valid_until"), ["valid_until"])


def downgrade():
    op.drop_table("qualifications")
    with op.batch_alter_table("skills", schema=None) as batch_op:
        batch_op.drop_column("requires_qualification")
