"""feed tombstones: entries whose row is gone stay in their feed as CANCELLED for 30 days

Revision ID: n0t1f7a1b2c3
Revises: r18a0c0e0w01
Create Date: 2026-12-02 01:15:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "n0t1f7a1b2c3"
down_revision = "r18a0c0e0w01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "feed_tombstones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=80), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("neighbourhood_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(CASE WHEN volunteer_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN team_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN neighbourhood_id IS NULL THEN 0 ELSE 1 END) = 1",
            name=op.f("ck_feed_tombstones_one_owner"),
        ),
        sa.CheckConstraint("sequence >= 0", name=op.f("ck_feed_tombstones_sequence_not_negative")),
        sa.ForeignKeyConstraint(["neighbourhood_id"], ["neighbourhoods.id"],
                                name=op.f("fk_feed_tombstones_neighbourhood_id_neighbourhoods"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"],
                                name=op.f("fk_feed_tombstones_team_id_teams"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteers.id"],
                                name=op.f("fk_feed_tombstones_volunteer_id_volunteers"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_tombstones")),
    )
    with op.batch_alter_table("feed_tombstones", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feed_tombstones_event_id"), ["event_id"])
        batch_op.create_index(batch_op.f("ix_feed_tombstones_neighbourhood_id"),
                              ["neighbourhood_id"])
        batch_op.create_index(batch_op.f("ix_feed_tombstones_removed_at"), ["removed_at"])
        batch_op.create_index(batch_op.f("ix_feed_tombstones_team_id"), ["team_id"])
        batch_op.create_index(batch_op.f("ix_feed_tombstones_volunteer_id"), ["volunteer_id"])


def downgrade():
    with op.batch_alter_table("feed_tombstones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feed_tombstones_volunteer_id"))
        batch_op.drop_index(batch_op.f("ix_feed_tombstones_team_id"))
        batch_op.drop_index(batch_op.f("ix_feed_tombstones_removed_at"))
        batch_op.drop_index(batch_op.f("ix_feed_tombstones_neighbourhood_id"))
        batch_op.drop_index(batch_op.f("ix_feed_tombstones_event_id"))
    op.drop_table("feed_tombstones")
