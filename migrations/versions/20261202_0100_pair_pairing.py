"""Step 3 pairing: members paired with families, families' needs, members' family limit.

Revision ID: p3a1r2i3n4g5
Revises: a77e0d160001
Create Date: 2026-12-02 01:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "p3a1r2i3n4g5"
down_revision = "a77e0d160001"
branch_labels = None
depends_on = None

STATUSES = ("proposed", "confirmed", "ended")
OPEN_SQL = "status IN ('proposed', 'confirmed')"


def upgrade():
    with op.batch_alter_table("volunteers") as batch:
        batch.add_column(sa.Column("max_families", sa.Integer(), nullable=False,
                                   server_default="2"))
        batch.create_check_constraint("max_families_range", "max_families BETWEEN 0 AND 20")

    op.create_table(
        "household_needs",
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"],
                                name=op.f("fk_household_needs_household_id_households"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["skill_id"], ["skills.id"],
                                name=op.f("fk_household_needs_skill_id_skills"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("household_id", "skill_id", name=op.f("pk_household_needs")),
    )
    op.create_index(op.f("ix_household_needs_skill_id"), "household_needs", ["skill_id"])

    op.create_table(
        "pairings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.Enum(*STATUSES, name="pairing_status", native_enum=False,
                                    create_constraint=True, length=17), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("aim", sa.String(length=300), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("distance_km", sa.Float(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on",
                           name=op.f("ck_pairings_date_range")),
        sa.CheckConstraint("status <> 'ended' OR ends_on IS NOT NULL",
                           name=op.f("ck_pairings_ended_has_end")),
        sa.CheckConstraint("distance_km IS NULL OR distance_km >= 0",
                           name=op.f("ck_pairings_distance_non_negative")),
        sa.CheckConstraint("length(trim(aim)) > 0", name=op.f("ck_pairings_aim_present")),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"],
                                name=op.f("fk_pairings_household_id_households"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteers.id"],
                                name=op.f("fk_pairings_volunteer_id_volunteers"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_pairings_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairings")),
    )
    op.create_index(op.f("ix_pairings_household_id"), "pairings", ["household_id"])
    op.create_index("ix_pairings_volunteer_status", "pairings", ["volunteer_id", "status"])
    op.create_index("uq_pairings_open", "pairings", ["household_id", "volunteer_id"],
                    unique=True, sqlite_where=sa.text(OPEN_SQL),
                    postgresql_where=sa.text(OPEN_SQL))


def downgrade():
    op.drop_index("uq_pairings_open", table_name="pairings")
    op.drop_index("ix_pairings_volunteer_status", table_name="pairings")
    op.drop_index(op.f("ix_pairings_household_id"), table_name="pairings")
    op.drop_table("pairings")
    op.drop_index(op.f("ix_household_needs_skill_id"), table_name="household_needs")
    op.drop_table("household_needs")
    with op.batch_alter_table("volunteers") as batch:
        batch.drop_constraint("max_families_range", type_="check")
        batch.drop_column("max_families")
