"""council_attendees: the residents' representatives invited to a council meeting, and who came

Revision ID: rq6c0unc1l06
Revises: rq5d3adl1n05
Create Date: 2026-12-03 08:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "rq6c0unc1l06"
down_revision = "rq5d3adl1n05"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "council_attendees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("attended", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(name) > 0", name=op.f("ck_council_attendees_name_not_empty")),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE",
                                name=op.f("fk_council_attendees_event_id_events")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_attendees")),
        sa.UniqueConstraint("event_id", "name",
                            name=op.f("uq_council_attendees_event_id_name")),
    )
    op.create_index(op.f("ix_council_attendees_event_id"), "council_attendees", ["event_id"])


def downgrade():
    op.drop_index(op.f("ix_council_attendees_event_id"), table_name="council_attendees")
    op.drop_table("council_attendees")
