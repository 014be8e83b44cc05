"""patrols: sites, groups with certified members, seasons, checklists, the inspection log

Revision ID: p17a0c5e1a01
Revises: n0t1f7d4e5f6
Create Date: 2026-12-02 01:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "p17a0c5e1a01"
down_revision = "n0t1f7d4e5f6"
branch_labels = None
depends_on = None

SITE_KINDS = ("internet_cafe", "entertainment", "market", "residential", "other")
ANSWERS = ("yes", "no", "not_applicable")


def _kind(name):
    return sa.Enum(*SITE_KINDS, name=name, native_enum=False, create_constraint=True,
                   length=21)


def upgrade():
    op.create_table(
        "patrol_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("neighbourhood_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["neighbourhood_id"], ["neighbourhoods.id"],
                                name=op.f("fk_patrol_groups_neighbourhood_id_neighbourhoods"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_groups")),
        sa.UniqueConstraint("neighbourhood_id", "name",
                            name=op.f("uq_patrol_groups_neighbourhood_id_name")),
    )
    with op.batch_alter_table("patrol_groups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_patrol_groups_neighbourhood_id"),
                              ["neighbourhood_id"], unique=False)

    op.create_table(
        "patrol_group_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("certified", sa.Boolean(), nullable=False),
        sa.Column("certified_until", sa.Date(), nullable=True),
        sa.CheckConstraint("certified OR certified_until IS NULL",
                           name=op.f("ck_patrol_group_members_until_only_when_certified")),
        sa.ForeignKeyConstraint(["group_id"], ["patrol_groups.id"],
                                name=op.f("fk_patrol_group_members_group_id_patrol_groups"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteers.id"],
                                name=op.f("fk_patrol_group_members_volunteer_id_volunteers"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_group_members")),
        sa.UniqueConstraint("group_id", "volunteer_id",
                            name=op.f("uq_patrol_group_members_group_id_volunteer_id")),
    )
    with op.batch_alter_table("patrol_group_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_patrol_group_members_group_id"), ["group_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_patrol_group_members_volunteer_id"),
                              ["volunteer_id"], unique=False)

    op.create_table(
        "patrol_sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("neighbourhood_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", _kind("patrol_site_kind"), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("opens_at", sa.Time(), nullable=True),
        sa.Column("closes_at", sa.Time(), nullable=True),
        sa.Column("contact_name", sa.String(length=80), nullable=True),
        sa.Column("contact_phone", sa.String(length=20), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)",
                           name=op.f("ck_patrol_sites_latitude_range")),
        sa.CheckConstraint("longitude IS NULL OR (longitude >= -180 AND longitude <= 180)",
                           name=op.f("ck_patrol_sites_longitude_range")),
        sa.CheckConstraint("(opens_at IS NULL AND closes_at IS NULL)"
                           " OR (opens_at IS NOT NULL AND closes_at IS NOT NULL)",
                           name=op.f("ck_patrol_sites_opening_hours_complete")),
        sa.ForeignKeyConstraint(["neighbourhood_id"], ["neighbourhoods.id"],
                                name=op.f("fk_patrol_sites_neighbourhood_id_neighbourhoods"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["group_id"], ["patrol_groups.id"],
                                name=op.f("fk_patrol_sites_group_id_patrol_groups"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_sites")),
        sa.UniqueConstraint("neighbourhood_id", "name",
                            name=op.f("uq_patrol_sites_neighbourhood_id_name")),
    )
    with op.batch_alter_table("patrol_sites", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_patrol_sites_neighbourhood_id"),
                              ["neighbourhood_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_patrol_sites_group_id"), ["group_id"],
                              unique=False)

    op.create_table(
        "patrol_seasons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("town", sa.String(length=80), nullable=False),
        sa.Column("neighbourhood_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("required_per_site", sa.Integer(), nullable=False),
        sa.Column("min_per_week", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.CheckConstraint("ends_on >= starts_on",
                           name=op.f("ck_patrol_seasons_ends_after_start")),
        sa.CheckConstraint("required_per_site >= 0",
                           name=op.f("ck_patrol_seasons_required_non_negative")),
        sa.CheckConstraint("min_per_week >= 0",
                           name=op.f("ck_patrol_seasons_min_per_week_non_negative")),
        sa.ForeignKeyConstraint(["neighbourhood_id"], ["neighbourhoods.id"],
                                name=op.f("fk_patrol_seasons_neighbourhood_id_neighbourhoods"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_seasons")),
        sa.UniqueConstraint("town", "name", name=op.f("uq_patrol_seasons_town_name")),
    )
    with op.batch_alter_table("patrol_seasons", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_patrol_seasons_neighbourhood_id"),
                              ["neighbourhood_id"], unique=False)

    op.create_table(
        "patrol_checklist_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_kind", _kind("patrol_checklist_kind"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=200), nullable=False),
        sa.Column("question_en", sa.String(length=200), nullable=True),
        sa.Column("concern_answer",
                  sa.Enum(*ANSWERS, name="patrol_checklist_concern", native_enum=False,
                          create_constraint=True, length=22),
                  nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("length(question) > 0",
                           name=op.f("ck_patrol_checklist_items_question_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_checklist_items")),
        sa.UniqueConstraint("site_kind", "question",
                            name=op.f("uq_patrol_checklist_items_site_kind_question")),
    )
    with op.batch_alter_table("patrol_checklist_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_patrol_checklist_items_site_kind"), ["site_kind"],
                              unique=False)

    op.create_table(
        "patrol_inspections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=True),
        sa.Column("follow_up_needed", sa.Boolean(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ended_at IS NULL OR ended_at >= started_at",
                           name=op.f("ck_patrol_inspections_ends_after_start")),
        sa.ForeignKeyConstraint(["site_id"], ["patrol_sites.id"],
                                name=op.f("fk_patrol_inspections_site_id_patrol_sites"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["group_id"], ["patrol_groups.id"],
                                name=op.f("fk_patrol_inspections_group_id_patrol_groups"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["started_by_id"], ["volunteers.id"],
                                name=op.f("fk_patrol_inspections_started_by_id_volunteers"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"],
                                name=op.f("fk_patrol_inspections_recorded_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["request_id"], ["resident_requests.id"],
                                name=op.f("fk_patrol_inspections_request_id_resident_requests"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_inspections")),
    )
    with op.batch_alter_table("patrol_inspections", schema=None) as batch_op:
        batch_op.create_index("ix_patrol_inspections_site_started", ["site_id", "started_at"],
                              unique=False)
        batch_op.create_index("ix_patrol_inspections_started_at", ["started_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_patrol_inspections_group_id"), ["group_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_patrol_inspections_started_by_id"),
                              ["started_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_patrol_inspections_recorded_by_id"),
                              ["recorded_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_patrol_inspections_request_id"), ["request_id"],
                              unique=False)

    op.create_table(
        "patrol_inspection_members",
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("certified", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"], ["patrol_inspections.id"],
            name=op.f("fk_patrol_inspection_members_inspection_id_patrol_inspections"),
            ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["volunteer_id"], ["volunteers.id"],
            name=op.f("fk_patrol_inspection_members_volunteer_id_volunteers"),
            ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("inspection_id", "volunteer_id",
                                name=op.f("pk_patrol_inspection_members")),
    )
    with op.batch_alter_table("patrol_inspection_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_patrol_inspection_members_volunteer_id"),
                              ["volunteer_id"], unique=False)

    op.create_table(
        "patrol_inspection_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("volunteer_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"], ["patrol_inspections.id"],
            name=op.f("fk_patrol_inspection_changes_inspection_id_patrol_inspections"),
            ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_patrol_inspection_changes_user_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteers.id"],
                                name=op.f("fk_patrol_inspection_changes_volunteer_id_volunteers"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_inspection_changes")),
    )
    with op.batch_alter_table("patrol_inspection_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_patrol_inspection_changes_inspection_id"),
                              ["inspection_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_patrol_inspection_changes_user_id"), ["user_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_patrol_inspection_changes_volunteer_id"),
                              ["volunteer_id"], unique=False)


def downgrade():
    for table in ("patrol_inspection_changes", "patrol_inspection_members",
                  "patrol_inspections", "patrol_checklist_items", "patrol_seasons",
                  "patrol_sites", "patrol_group_members", "patrol_groups"):
        op.drop_table(table)
