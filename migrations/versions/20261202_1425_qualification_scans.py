"""qualification scans: a photo (without metadata) or PDF of a volunteer's licence

Revision ID: q5can0000001
Revises: tm9c0urse001
Create Date: 2026-12-02 14:25:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "q5can0000001"
down_revision = "tm9c0urse001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "qualification_scans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("qualification_id", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("size > 0 AND size <= 5242880",
                           name=op.f("ck_qualification_scans_size_within_limit")),
        sa.ForeignKeyConstraint(["qualification_id"], ["qualifications.id"],
                                name=op.f("fk_qualification_scans_qualification_id_qualifications"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["users.id"],
                                name=op.f("fk_qualification_scans_uploaded_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qualification_scans")),
        sa.UniqueConstraint("qualification_id",
                            name=op.f("uq_qualification_scans_qualification_id")),
    )
    with op.batch_alter_table("qualification_scans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_qualification_scans_uploaded_by_id"),
                              ["uploaded_by_id"], unique=False)


def downgrade():
    with op.batch_alter_table("qualification_scans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_qualification_scans_uploaded_by_id"))
    op.drop_table("qualification_scans")
