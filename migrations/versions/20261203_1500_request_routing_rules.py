"""request routing rules: a request's category (in one neighbourhood, or town-wide) decides
the service group or the department that takes it on intake, before the building's patch;
the first entry of a request's history says how it was routed

Revision ID: r0ut1ngru1e5
Revises: r0tase4s0n01
Create Date: 2026-12-03 15:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "r0ut1ngru1e5"
down_revision = "r0tase4s0n01"
branch_labels = None
depends_on = None

CATEGORIES = ("environment", "property_repair", "public_facilities", "safety", "elderly_care",
              "health", "parking_traffic", "neighbours", "other")
LOCAL = "neighbourhood_id IS NOT NULL"
TOWN_WIDE = "neighbourhood_id IS NULL"


def upgrade():
    op.create_table(
        "request_routing_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category", sa.Enum(*CATEGORIES, name="routing_rule_category",
                                      native_enum=False, create_constraint=True, length=25),
                  nullable=False),
        sa.Column("neighbourhood_id", sa.Integer(), nullable=True),
        sa.Column("service_group_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("(service_group_id IS NULL) <> (department_id IS NULL)",
                           name=op.f("ck_request_routing_rules_one_target")),
        sa.CheckConstraint("neighbourhood_id IS NOT NULL OR department_id IS NOT NULL",
                           name=op.f("ck_request_routing_rules_town_wide_names_department")),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"],
                                name=op.f("fk_request_routing_rules_department_id_departments"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(
            ["neighbourhood_id"], ["neighbourhoods.id"],
            name=op.f("fk_request_routing_rules_neighbourhood_id_neighbourhoods"),
            ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["service_group_id"], ["service_groups.id"],
            name=op.f("fk_request_routing_rules_service_group_id_service_groups"),
            ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_routing_rules")),
    )
    for column in ("neighbourhood_id", "service_group_id", "department_id"):
        op.create_index(op.f(f"ix_request_routing_rules_{column}"), "request_routing_rules",
                        [column])
    op.create_index("uq_request_routing_rules_category_neighbourhood", "request_routing_rules",
                    ["category", "neighbourhood_id"], unique=True,
                    sqlite_where=sa.text(LOCAL), postgresql_where=sa.text(LOCAL))
    op.create_index("uq_request_routing_rules_category_town_wide", "request_routing_rules",
                    ["category"], unique=True,
                    sqlite_where=sa.text(TOWN_WIDE), postgresql_where=sa.text(TOWN_WIDE))
    op.add_column("resident_request_changes", sa.Column("routing", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("resident_request_changes") as batch:
        batch.drop_column("routing")
    op.drop_index("uq_request_routing_rules_category_town_wide",
                  table_name="request_routing_rules")
    op.drop_index("uq_request_routing_rules_category_neighbourhood",
                  table_name="request_routing_rules")
    for column in ("department_id", "service_group_id", "neighbourhood_id"):
        op.drop_index(op.f(f"ix_request_routing_rules_{column}"),
                      table_name="request_routing_rules")
    op.drop_table("request_routing_rules")
