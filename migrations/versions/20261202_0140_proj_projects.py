"""Step 3 service projects: projects, their organisers and their events.

Revision ID: p3r0j3c7s0a1
Revises: q0a11f1ca7e5
Create Date: 2026-12-02 01:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = "p3r0j3c7s0a1"
down_revision = "q0a11f1ca7e5"
branch_labels = None
depends_on = None

TARGETS = ("children_families", "new_residents", "elderly", "youth", "all_residents")


def upgrade():
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("neighbourhood_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("target", sa.Enum(*TARGETS, name="project_target", native_enum=False,
                                    create_constraint=True, length=25), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("goal_events", sa.Integer(), nullable=False),
        sa.Column("goal_participants", sa.Integer(), nullable=False),
        sa.Column("report", sa.Text(), nullable=True),
        sa.Column("photo_links", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on",
                           name=op.f("ck_projects_date_range")),
        sa.CheckConstraint("goal_events >= 0", name=op.f("ck_projects_goal_events_non_negative")),
        sa.CheckConstraint("goal_participants >= 0",
                           name=op.f("ck_projects_goal_participants_non_negative")),
        sa.ForeignKeyConstraint(["neighbourhood_id"], ["neighbourhoods.id"],
                                name=op.f("fk_projects_neighbourhood_id_neighbourhoods"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
    )
    op.create_index(op.f("ix_projects_neighbourhood_id"), "projects", ["neighbourhood_id"])
    op.create_table(
        "project_organisers",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"],
                                name=op.f("fk_project_organisers_project_id_projects"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteers.id"],
                                name=op.f("fk_project_organisers_volunteer_id_volunteers"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("project_id", "volunteer_id",
                                name=op.f("pk_project_organisers")),
    )
    op.create_index(op.f("ix_project_organisers_volunteer_id"), "project_organisers",
                    ["volunteer_id"])
    op.create_table(
        "project_events",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"],
                                name=op.f("fk_project_events_event_id_events"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"],
                                name=op.f("fk_project_events_project_id_projects"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_project_events")),
    )
    op.create_index(op.f("ix_project_events_project_id"), "project_events", ["project_id"])


def downgrade():
    op.drop_index(op.f("ix_project_events_project_id"), table_name="project_events")
    op.drop_table("project_events")
    op.drop_index(op.f("ix_project_organisers_volunteer_id"), table_name="project_organisers")
    op.drop_table("project_organisers")
    op.drop_index(op.f("ix_projects_neighbourhood_id"), table_name="projects")
    op.drop_table("projects")
