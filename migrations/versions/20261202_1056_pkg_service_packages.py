"""Step 3 service packages: a household's package of items, each with its own helper and
cadence, and the visits generated from them.

Revision ID: pkg5e7v1c3a1
Revises: r18d4t4v3r5
Create Date: 2026-12-02 10:56:00

"""
import sqlalchemy as sa
from alembic import op

revision = "pkg5e7v1c3a1"
down_revision = "r18d4t4v3r5"
branch_labels = None
depends_on = None

CADENCES = ("weekly", "fortnightly", "monthly", "weekdays")
LEFT = ("no_helper", "skill", "team", "availability", "overlap", "weekly_cap", "declined")


def _timestamps() -> list[sa.Column]:
    return [sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False)]


def upgrade():
    op.create_table(
        "service_packages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        *_timestamps(),
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on",
                           name=op.f("ck_service_packages_date_range")),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"],
                                name=op.f("fk_service_packages_household_id_households"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_packages")),
        sa.UniqueConstraint("household_id", name=op.f("uq_service_packages_household_id")),
    )
    op.create_table(
        "service_package_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=True),
        sa.Column("cadence", sa.Enum(*CADENCES, name="package_cadence", native_enum=False,
                                     create_constraint=True, length=19), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("nth", sa.Integer(), nullable=True),
        sa.Column("weekdays_mask", sa.Integer(), nullable=False),
        sa.Column("time_of_day", sa.Time(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6",
                           name=op.f("ck_service_package_items_weekday_range")),
        sa.CheckConstraint("weekdays_mask BETWEEN 0 AND 127",
                           name=op.f("ck_service_package_items_weekdays_mask_range")),
        sa.CheckConstraint("cadence <> 'weekdays' OR weekdays_mask > 0",
                           name=op.f("ck_service_package_items_weekdays_chosen")),
        sa.CheckConstraint("cadence <> 'monthly' OR nth IN (1, 2, 3, 4, -1)",
                           name=op.f("ck_service_package_items_nth_range")),
        sa.CheckConstraint("duration_minutes BETWEEN 5 AND 480",
                           name=op.f("ck_service_package_items_duration_range")),
        sa.ForeignKeyConstraint(["package_id"], ["service_packages.id"],
                                name=op.f("fk_service_package_items_package_id_service_packages"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["skill_id"], ["skills.id"],
                                name=op.f("fk_service_package_items_skill_id_skills"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteers.id"],
                                name=op.f("fk_service_package_items_volunteer_id_volunteers"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_package_items")),
    )
    for column in ("package_id", "skill_id", "volunteer_id"):
        op.create_index(op.f(f"ix_service_package_items_{column}"), "service_package_items",
                        [column])
    op.create_table(
        "package_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("helper_id", sa.Integer(), nullable=True),
        sa.Column("left_reason", sa.Enum(*LEFT, name="package_visit_left", native_enum=False,
                                         create_constraint=True, length=20), nullable=True),
        sa.Column("kept_after_change", sa.Boolean(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(["item_id"], ["service_package_items.id"],
                                name=op.f("fk_package_visits_item_id_service_package_items"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"],
                                name=op.f("fk_package_visits_event_id_events"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["helper_id"], ["volunteers.id"],
                                name=op.f("fk_package_visits_helper_id_volunteers"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_package_visits")),
        sa.UniqueConstraint("item_id", "due_on", name=op.f("uq_package_visits_item_id_due_on")),
        sa.UniqueConstraint("event_id", name=op.f("uq_package_visits_event_id")),
    )
    op.create_index(op.f("ix_package_visits_helper_id"), "package_visits", ["helper_id"])


def downgrade():
    op.drop_table("package_visits")
    op.drop_table("service_package_items")
    op.drop_table("service_packages")
