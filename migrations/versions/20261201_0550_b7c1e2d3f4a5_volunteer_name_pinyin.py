"""Volunteers sort by the pinyin of their names: a sort key column, filled for existing rows.

Revision ID: b7c1e2d3f4a5
Revises: e841a69e09ae
Create Date: 2026-12-01 05:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "b7c1e2d3f4a5"
down_revision = "e841a69e09ae"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from app.sorting import pinyin_key

    op.add_column("volunteers", sa.Column("name_sort", sa.String(length=400), nullable=False,
                                          server_default=""))
    op.create_index("ix_volunteers_name_sort", "volunteers", ["name_sort"])
    volunteers = sa.table("volunteers", sa.column("id", sa.Integer),
                          sa.column("name", sa.String), sa.column("name_sort", sa.String))
    connection = op.get_bind()
    for row in connection.execute(sa.select(volunteers.c.id, volunteers.c.name)).all():
        connection.execute(volunteers.update().where(volunteers.c.id == row.id)
                           .values(name_sort=pinyin_key(row.name)[0][:400]))


def downgrade() -> None:
    op.drop_index("ix_volunteers_name_sort", table_name="volunteers")
    with op.batch_alter_table("volunteers") as batch:
        batch.drop_column("name_sort")
