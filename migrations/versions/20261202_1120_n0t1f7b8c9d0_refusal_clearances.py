"""refusal clearances: a refused number or address tried again, with who and why

Revision ID: n0t1f7b8c9d0
Revises: n0t1f7a6b7c8
Create Date: 2026-12-02 11:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "n0t1f7b8c9d0"
down_revision = "n0t1f7a6b7c8"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "refusal_clearances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_name", sa.String(length=80), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(reason) > 0", name=op.f("ck_refusal_clearances_reason_given")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_refusal_clearances_user_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refusal_clearances")),
    )
    with op.batch_alter_table("refusal_clearances", schema=None) as batch_op:
        batch_op.create_index("ix_refusal_clearances_address_at", ["address", "at"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_refusal_clearances_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_refusal_clearances_user_id"), ["user_id"],
                              unique=False)


def downgrade():
    op.drop_table("refusal_clearances")
