"""Step 2: residents' requests, their history, and notifications about them.

Revision ID: s2a1b2c3d4e5
Revises: 7f1ba9b8383a
Create Date: 2026-12-01 15:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "s2a1b2c3d4e5"
down_revision = "7f1ba9b8383a"
branch_labels = None
depends_on = None

CATEGORIES = ("environment", "property_repair", "public_facilities", "safety", "elderly_care",
              "health", "parking_traffic", "neighbours", "other")
CHANNELS = ("form", "call", "visit", "patrol", "api")
STATUSES = ("received", "handling", "explained", "improving", "council", "resolved")


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True,
                   length=max(len(v) for v in values) + 8)


def upgrade():
    op.create_table(
        "resident_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("neighbourhood_id", sa.Integer(), nullable=False),
        sa.Column("reference_code", sa.String(length=12), nullable=False),
        sa.Column("follow_token", sa.String(length=64), nullable=False),
        sa.Column("category", _enum(CATEGORIES, "request_category"), nullable=False),
        sa.Column("channel", _enum(CHANNELS, "request_channel"), nullable=False),
        sa.Column("status", _enum(STATUSES, "request_status"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("place", sa.String(length=120), nullable=True),
        sa.Column("building_id", sa.Integer(), nullable=True),
        sa.Column("service_group_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=80), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("locale", sa.String(length=10), nullable=True),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("volunteer_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("board_title", sa.String(length=200), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("council_event_id", sa.Integer(), nullable=True),
        sa.Column("council_decision", sa.Text(), nullable=True),
        sa.Column("council_decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(text) > 0", name=op.f("ck_resident_requests_text_not_empty")),
        sa.CheckConstraint("resolved_at IS NULL OR status = 'resolved'",
                           name=op.f("ck_resident_requests_resolved_at_only_when_resolved")),
        sa.ForeignKeyConstraint(["neighbourhood_id"], ["neighbourhoods.id"],
                                name=op.f("fk_resident_requests_neighbourhood_id_neighbourhoods"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["building_id"], ["buildings.id"],
                                name=op.f("fk_resident_requests_building_id_buildings"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["service_group_id"], ["service_groups.id"],
                                name=op.f("fk_resident_requests_service_group_id_service_groups"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"],
                                name=op.f("fk_resident_requests_household_id_households"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteers.id"],
                                name=op.f("fk_resident_requests_volunteer_id_volunteers"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_resident_requests_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["council_event_id"], ["events.id"],
                                name=op.f("fk_resident_requests_council_event_id_events"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resident_requests")),
        sa.UniqueConstraint("reference_code", name=op.f("uq_resident_requests_reference_code")),
        sa.UniqueConstraint("follow_token", name=op.f("uq_resident_requests_follow_token")),
    )
    with op.batch_alter_table("resident_requests") as batch_op:
        for column in ("neighbourhood_id", "status", "building_id", "service_group_id",
                       "household_id", "volunteer_id", "created_by_id", "posted_at",
                       "council_event_id"):
            batch_op.create_index(batch_op.f(f"ix_resident_requests_{column}"), [column])
        batch_op.create_index("ix_resident_requests_neighbourhood_status",
                              ["neighbourhood_id", "status"])

    op.create_table(
        "resident_request_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_status", _enum(STATUSES, "request_change_from"), nullable=True),
        sa.Column("to_status", _enum(STATUSES, "request_change_to"), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["request_id"], ["resident_requests.id"],
                                name=op.f("fk_resident_request_changes_request_id_resident_requests"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_resident_request_changes_user_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resident_request_changes")),
    )
    with op.batch_alter_table("resident_request_changes") as batch_op:
        batch_op.create_index(batch_op.f("ix_resident_request_changes_request_id"),
                              ["request_id"])
        batch_op.create_index(batch_op.f("ix_resident_request_changes_user_id"), ["user_id"])

    with op.batch_alter_table("notifications") as batch_op:
        batch_op.add_column(sa.Column("resident_request_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_notifications_resident_request_id"),
                              ["resident_request_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_notifications_resident_request_id_resident_requests"),
            "resident_requests", ["resident_request_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_notifications_resident_request_id_resident_requests"),
            type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_notifications_resident_request_id"))
        batch_op.drop_column("resident_request_id")
    op.drop_table("resident_request_changes")
    op.drop_table("resident_requests")
