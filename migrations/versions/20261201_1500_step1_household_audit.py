"""Step 1: the audit trail of residents' files (who viewed, changed or exported a household).

Revision ID: s1a7d1e2f3a4
Revises: s2a1b2c3d4e5
Create Date: 2026-12-01 15:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = "s1a7d1e2f3a4"
down_revision = "s2a1b2c3d4e5"
branch_labels = None
depends_on = None

ACTIONS = ("viewed", "created", "changed", "deleted", "exported", "imported")


def upgrade():
    op.create_table(
        "household_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("neighbourhood_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("household_label", sa.String(length=300), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_name", sa.String(length=80), nullable=False),
        sa.Column("action", sa.Enum(*ACTIONS, name="audit_action", native_enum=False,
                                    create_constraint=True,
                                    length=max(len(a) for a in ACTIONS) + 8),
                  nullable=False),
        sa.Column("fields", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["neighbourhood_id"], ["neighbourhoods.id"],
                                name=op.f("fk_household_audit_neighbourhood_id_neighbourhoods"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"],
                                name=op.f("fk_household_audit_household_id_households"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_household_audit_user_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_audit")),
    )
    with op.batch_alter_table("household_audit") as batch_op:
        for column in ("at", "household_id", "user_id"):
            batch_op.create_index(batch_op.f(f"ix_household_audit_{column}"), [column])
        batch_op.create_index("ix_household_audit_neighbourhood_at", ["neighbourhood_id", "at"])


def downgrade():
    op.drop_table("household_audit")
