"""patrol_inspection_photos: photos of an inspection taken on the phone at the site

Revision ID: p4tr0lph0t01
Revises: q5can0000001
Create Date: 2026-12-02 15:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "p4tr0lph0t01"
down_revision = "q5can0000001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "patrol_inspection_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint("size > 0 AND size <= 5242880",
                           name=op.f("ck_patrol_inspection_photos_size_within_limit")),
        sa.CheckConstraint("width > 0 AND height > 0",
                           name=op.f("ck_patrol_inspection_photos_dimensions_positive")),
        sa.ForeignKeyConstraint(["inspection_id"], ["patrol_inspections.id"],
                                name=op.f("fk_patrol_inspection_photos_inspection_id_patrol_inspections"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["volunteers.id"],
                                name=op.f("fk_patrol_inspection_photos_uploaded_by_id_volunteers"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"],
                                name=op.f("fk_patrol_inspection_photos_recorded_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_inspection_photos")),
    )
    for column in ("inspection_id", "uploaded_by_id", "recorded_by_id"):
        op.create_index(op.f(f"ix_patrol_inspection_photos_{column}"),
                        "patrol_inspection_photos", [column])


def downgrade():
    for column in ("recorded_by_id", "uploaded_by_id", "inspection_id"):
        op.drop_index(op.f(f"ix_patrol_inspection_photos_{column}"),
                      table_name="patrol_inspection_photos")
    op.drop_table("patrol_inspection_photos")
