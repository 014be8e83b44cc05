"""resident requests: photos (checked, metadata stripped; public only when published)

Revision ID: rq4p7h0t0s04
Revises: rq3s4t1s5f03
Create Date: 2026-12-02 12:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "rq4p7h0t0s04"
down_revision = "rq3s4t1s5f03"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "resident_request_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("size > 0 AND size <= 5242880",
                           name=op.f("ck_resident_request_photos_size_within_limit")),
        sa.CheckConstraint("width > 0 AND height > 0",
                           name=op.f("ck_resident_request_photos_dimensions_positive")),
        sa.ForeignKeyConstraint(
            ["request_id"], ["resident_requests.id"],
            name=op.f("fk_resident_request_photos_request_id_resident_requests"),
            ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"],
            name=op.f("fk_resident_request_photos_uploaded_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resident_request_photos")),
    )
    with op.batch_alter_table("resident_request_photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resident_request_photos_request_id"),
                              ["request_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_resident_request_photos_uploaded_by_id"),
                              ["uploaded_by_id"], unique=False)


def downgrade():
    op.drop_table("resident_request_photos")
