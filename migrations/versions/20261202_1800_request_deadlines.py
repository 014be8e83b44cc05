"""request_deadlines: the working days a request of each category should take

Revision ID: d3adl1n3s001
Revises: p4tr0lph0t01
Create Date: 2026-12-02 18:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d3adl1n3s001"
down_revision = "p4tr0lph0t01"
branch_labels = None
depends_on = None

CATEGORIES = ("environment", "property_repair", "public_facilities", "safety", "elderly_care",
              "health", "parking_traffic", "neighbours", "other")

# Working days from the day after a request comes in; the town admin changes them. Hazards
# first, repairs within a week, matters that need a department or the council longer. As in
# app.services.requests.deadlines.DEFAULT_WORKING_DAYS (copied: a migration stays as written).
DEFAULTS = {"safety": 2, "property_repair": 5, "environment": 5, "elderly_care": 5,
            "health": 10, "neighbours": 10, "public_facilities": 15, "parking_traffic": 15,
            "other": 15}


def upgrade():
    table = op.create_table(
        "request_deadlines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category", sa.Enum(*CATEGORIES, name="deadline_category", native_enum=False,
                                      create_constraint=True, length=25), nullable=False),
        sa.Column("working_days", sa.Integer(), nullable=False),
        sa.CheckConstraint("working_days > 0 AND working_days <= 250",
                           name=op.f("ck_request_deadlines_working_days_in_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_deadlines")),
        sa.UniqueConstraint("category", name=op.f("uq_request_deadlines_category")),
    )
    op.bulk_insert(table, [{"category": category, "working_days": DEFAULTS[category]}
                           for category in CATEGORIES])


def downgrade():
    op.drop_table("request_deadlines")
