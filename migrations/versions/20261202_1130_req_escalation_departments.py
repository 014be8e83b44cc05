"""resident requests: the four-level linkage (escalations, departments, department handlers)

Revision ID: rq2e5c4l8t02
Revises: pkg5m1s5e2d1
Create Date: 2026-12-02 11:12:00

"""

import sqlalchemy as sa
from alembic import op
from sqlite_rebuild import restore_report_triggers

# revision identifiers, used by Alembic.
revision = "rq2e5c4l8t02"
down_revision = "pkg5m1s5e2d1"
branch_labels = None
depends_on = None

LEVELS = ("group", "neighbourhood", "town_department", "district")
OLD_ROLES = ("admin", "coordinator", "team_lead", "volunteer")
NEW_ROLES = (*OLD_ROLES, "department")


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True,
                   length=max(len(v) for v in values) + 8)


def _roles(values):
    listed = ", ".join(f"'{v}'" for v in values)
    return f"role IN ({listed})"


def upgrade():
    op.create_table(
        "departments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=True),
        sa.Column("level", _enum(LEVELS, "department_level"), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("level IN ('town_department', 'district')",
                           name=op.f("ck_departments_level_is_department")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_departments")),
        sa.UniqueConstraint("name", name=op.f("uq_departments_name")),
    )
    op.create_table(
        "resident_request_escalations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_level", _enum(LEVELS, "escalation_from"), nullable=False),
        sa.Column("to_level", _enum(LEVELS, "escalation_to"), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.CheckConstraint("length(reason) > 0",
                           name=op.f("ck_resident_request_escalations_reason_not_empty")),
        sa.CheckConstraint(
            "to_level IN ('group', 'neighbourhood') OR department_id IS NOT NULL",
            name=op.f("ck_resident_request_escalations_department_level_names_department")),
        sa.ForeignKeyConstraint(
            ["request_id"], ["resident_requests.id"],
            name=op.f("fk_resident_request_escalations_request_id_resident_requests"),
            ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"],
            name=op.f("fk_resident_request_escalations_department_id_departments"),
            ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"],
            name=op.f("fk_resident_request_escalations_user_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resident_request_escalations")),
    )
    with op.batch_alter_table("resident_request_escalations", schema=None) as batch_op:
        for column in ("request_id", "department_id", "user_id"):
            batch_op.create_index(batch_op.f(f"ix_resident_request_escalations_{column}"),
                                  [column], unique=False)
    with op.batch_alter_table("resident_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("level", _enum(LEVELS, "request_level"),
                                      server_default="neighbourhood", nullable=False))
        batch_op.add_column(sa.Column("department_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_resident_requests_department_id_departments"), "departments",
            ["department_id"], ["id"], ondelete="RESTRICT")
        batch_op.create_index(batch_op.f("ix_resident_requests_department_id"),
                              ["department_id"], unique=False)
    restore_report_triggers("resident_requests")
    # A request of a building's patch starts with its service group.
    op.execute("UPDATE resident_requests SET level = 'group' "
               "WHERE service_group_id IS NOT NULL")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("department_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_users_department_id_departments"),
                                    "departments", ["department_id"], ["id"],
                                    ondelete="RESTRICT")
        batch_op.create_index(batch_op.f("ix_users_department_id"), ["department_id"],
                              unique=False)
        batch_op.drop_constraint(op.f("ck_users_user_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_users_user_role"), _roles(NEW_ROLES))


def downgrade():
    op.execute("UPDATE users SET role = 'volunteer', active = false WHERE role = 'department'")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_user_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_users_user_role"), _roles(OLD_ROLES))
        batch_op.drop_index(batch_op.f("ix_users_department_id"))
        batch_op.drop_constraint(batch_op.f("fk_users_department_id_departments"),
                                 type_="foreignkey")
        batch_op.drop_column("department_id")
    with op.batch_alter_table("resident_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resident_requests_department_id"))
        batch_op.drop_constraint(batch_op.f("fk_resident_requests_department_id_departments"),
                                 type_="foreignkey")
        batch_op.drop_column("department_id")
        batch_op.drop_constraint(op.f("ck_resident_requests_request_level"), type_="check")
        batch_op.drop_column("level")
    restore_report_triggers("resident_requests")
    op.drop_table("resident_request_escalations")
    op.drop_table("departments")
