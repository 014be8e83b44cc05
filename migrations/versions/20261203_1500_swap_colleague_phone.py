"""swap colleague phone: a swap keeps the mobile number the volunteer gave, whether or not it
is a volunteer's; the portal no longer says which (it turned any number into a name), so the
coordinator needs the number itself to decide

Revision ID: sw4pph0ne001
Revises: r0ut1ngru1e5
Create Date: 2026-12-03 15:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "sw4pph0ne001"
down_revision = "r0ut1ngru1e5"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("shift_change_requests") as batch:
        batch.add_column(sa.Column("colleague_phone", sa.String(length=20), nullable=True))
    # Swaps asked before keep the colleague's number, so every swap shows the number asked for.
    requests = sa.table("shift_change_requests", sa.column("colleague_id", sa.Integer()),
                        sa.column("colleague_phone", sa.String()))
    volunteers = sa.table("volunteers", sa.column("id", sa.Integer()),
                          sa.column("phone", sa.String()))
    op.execute(requests.update().where(requests.c.colleague_id.is_not(None)).values(
        colleague_phone=sa.select(volunteers.c.phone).where(
            volunteers.c.id == requests.c.colleague_id).scalar_subquery()))


def downgrade():
    # Without the column an open swap to a number that is nobody's would read as a drop, which a
    # coordinator might approve: such requests are withdrawn instead (the volunteer stays on).
    requests = sa.table("shift_change_requests", sa.column("colleague_id", sa.Integer()),
                        sa.column("colleague_phone", sa.String()),
                        sa.column("status", sa.String()))
    op.execute(requests.update().where(
        requests.c.colleague_id.is_(None), requests.c.colleague_phone.is_not(None),
        requests.c.status == "open").values(status="withdrawn"))
    with op.batch_alter_table("shift_change_requests") as batch:
        batch.drop_column("colleague_phone")
