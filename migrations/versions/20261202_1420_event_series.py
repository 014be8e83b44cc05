"""event series: repeat rules whose occurrences are events (one per series and day)

Revision ID: s3r1e5rep001
Revises: d0typh0ne001
Create Date: 2026-12-02 14:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "s3r1e5rep001"
down_revision = "d0typh0ne001"
branch_labels = None
depends_on = None

KINDS = ("service_day", "care_visit", "training", "patrol", "other")


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True,
                   length=max(len(v) for v in values) + 8)


def upgrade():
    op.create_table(
        "event_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("neighbourhood_id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum(KINDS, "series_event_kind"), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("contact", sa.String(length=120), nullable=True),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("publish", sa.Boolean(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("frequency", _enum(("weekly", "monthly"), "series_frequency"),
                  nullable=False),
        sa.Column("repeat_interval", sa.Integer(), nullable=False),
        sa.Column("weekdays_mask", sa.Integer(), nullable=False),
        sa.Column("month_position", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("occurrences", sa.Integer(), nullable=True),
        sa.Column("skip_holidays", sa.Boolean(), nullable=False),
        sa.Column("on_makeup_days", sa.Boolean(), nullable=False),
        sa.Column("skipped_days", sa.JSON(), nullable=False),
        sa.Column("shift_title", sa.String(length=200), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("min_volunteers", sa.Integer(), nullable=False),
        sa.Column("max_volunteers", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("duration_minutes BETWEEN 1 AND 1440",
                           name=op.f("ck_event_series_duration_range")),
        sa.CheckConstraint("repeat_interval BETWEEN 1 AND 52",
                           name=op.f("ck_event_series_interval_range")),
        sa.CheckConstraint("weekdays_mask BETWEEN 1 AND 127",
                           name=op.f("ck_event_series_weekdays_given")),
        sa.CheckConstraint("month_position IS NULL OR month_position IN (-1, 1, 2, 3, 4)",
                           name=op.f("ck_event_series_month_position_allowed")),
        sa.CheckConstraint("frequency = 'weekly' OR month_position IS NOT NULL",
                           name=op.f("ck_event_series_monthly_has_position")),
        sa.CheckConstraint("ends_on IS NULL OR occurrences IS NULL",
                           name=op.f("ck_event_series_end_date_or_count")),
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on",
                           name=op.f("ck_event_series_ends_after_start")),
        sa.CheckConstraint("occurrences IS NULL OR occurrences >= 1",
                           name=op.f("ck_event_series_occurrences_positive")),
        sa.CheckConstraint("min_volunteers >= 0 AND max_volunteers >= 1"
                           " AND min_volunteers <= max_volunteers",
                           name=op.f("ck_event_series_staffing")),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0",
                           name=op.f("ck_event_series_capacity_non_negative")),
        sa.CheckConstraint("NOT is_public OR kind NOT IN ('care_visit')",
                           name=op.f("ck_event_series_private_never_public")),
        sa.ForeignKeyConstraint(["neighbourhood_id"], ["neighbourhoods.id"],
                                name=op.f("fk_event_series_neighbourhood_id_neighbourhoods"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["skill_id"], ["skills.id"],
                                name=op.f("fk_event_series_skill_id_skills"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"],
                                name=op.f("fk_event_series_team_id_teams"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteers.id"],
                                name=op.f("fk_event_series_volunteer_id_volunteers"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_series")),
    )
    for column in ("neighbourhood_id", "skill_id", "team_id", "volunteer_id"):
        op.create_index(op.f(f"ix_event_series_{column}"), "event_series", [column])
    # `events` has no reports trigger, so SQLite's batch rebuild loses nothing.
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("series_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("series_day", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("series_detached", sa.Boolean(),
                                      server_default=sa.false(), nullable=False))
        batch_op.create_index(batch_op.f("ix_events_series_id"), ["series_id"])
        batch_op.create_unique_constraint(batch_op.f("uq_events_series_id_series_day"),
                                          ["series_id", "series_day"])
        batch_op.create_foreign_key(batch_op.f("fk_events_series_id_event_series"),
                                    "event_series", ["series_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_events_series_id_event_series"),
                                 type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_events_series_id_series_day"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_events_series_id"))
        batch_op.drop_column("series_detached")
        batch_op.drop_column("series_day")
        batch_op.drop_column("series_id")
    for column in ("neighbourhood_id", "skill_id", "team_id", "volunteer_id"):
        op.drop_index(op.f(f"ix_event_series_{column}"), table_name="event_series")
    op.drop_table("event_series")
