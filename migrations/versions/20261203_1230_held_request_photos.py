"""held request photos: a photo chosen on the public request form is kept, checked and
stripped, while the form goes back to the resident (a code to type, a mistake to correct, a
matter already raised), under a token the form carries; forgotten after a few hours

Revision ID: h3ldph0705
Revises: ph0705t4g3
Create Date: 2026-12-03 12:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "h3ldph0705"
down_revision = "ph0705t4g3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "held_request_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint("size > 0 AND size <= 5242880",
                           name=op.f("ck_held_request_photos_size_within_limit")),
        sa.CheckConstraint("width > 0 AND height > 0",
                           name=op.f("ck_held_request_photos_dimensions_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_request_photos")),
        sa.UniqueConstraint("token", name=op.f("uq_held_request_photos_token")),
    )
    op.create_index(op.f("ix_held_request_photos_held_at"), "held_request_photos", ["held_at"])


def downgrade():
    op.drop_index(op.f("ix_held_request_photos_held_at"), table_name="held_request_photos")
    op.drop_table("held_request_photos")
