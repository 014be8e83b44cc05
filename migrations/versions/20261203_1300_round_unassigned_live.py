"""visit round unassigned live: the count of a round's contacts without a member is counted
when shown (it went stale as soon as the coordinator gave a contact to a member), so the
stored column goes

Revision ID: r0undl1ve001
Revises: rq8f0l10wup8
Create Date: 2026-12-03 13:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "r0undl1ve001"
down_revision = "rq8f0l10wup8"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("visit_rounds") as batch:
        batch.drop_column("unassigned_count")


def downgrade():
    with op.batch_alter_table("visit_rounds") as batch:
        batch.add_column(sa.Column("unassigned_count", sa.Integer(), nullable=False,
                                   server_default="0"))
    visits = sa.table("visits", sa.column("round_id", sa.Integer()),
                      sa.column("volunteer_id", sa.Integer()))
    rounds = sa.table("visit_rounds", sa.column("id", sa.Integer()),
                      sa.column("unassigned_count", sa.Integer()))
    op.execute(rounds.update().values(unassigned_count=sa.select(sa.func.count()).where(
        visits.c.round_id == rounds.c.id, visits.c.volunteer_id.is_(None)).scalar_subquery()))
