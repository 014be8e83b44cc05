"""linkage levels: the levels of the linkage (四级联动) become rows the town admin edits
(rename in Chinese and English, add, reorder, retire) instead of a fixed list; departments,
requests and escalations point at a level row

Seeded with the four levels as they were, in their order, so every existing department,
request and escalation keeps its meaning: the service group and the neighbourhood committee
(grassroots, handled by themselves), the town department and the district (handled by
departments). The downgrade maps levels back: the service group's and the committee's to
theirs, the lowest level handled by departments to the town department and any higher to
the district.

Revision ID: l1nkl3v3l001
Revises: s1tec0unt001
Create Date: 2026-12-03 18:10:00

"""

import sqlalchemy as sa
from alembic import op
from sqlite_rebuild import restore_report_triggers

revision = "l1nkl3v3l001"
down_revision = "s1tec0unt001"
branch_labels = None
depends_on = None

OLD_LEVELS = ("group", "neighbourhood", "town_department", "district")
HANDLERS = ("service_group", "committee", "department")
NOT_A_DEPARTMENT = "handled_by <> 'department'"
#: rank, name, English name, handled by, grassroots; the old code it stands for.
SEEDED = (
    (1, "团组", "Service group", "service_group", True, "group"),
    (2, "居委会", "Neighbourhood committee", "committee", True, "neighbourhood"),
    (3, "镇职能部门", "Town department", "department", False, "town_department"),
    (4, "区级", "District", "department", False, "district"),
)
#: (table, old enum column, its CHECK constraint's name, new id column).
LEVEL_COLUMNS = (
    ("departments", "level", "department_level", "level_id"),
    ("resident_requests", "level", "request_level", "level_id"),
    ("resident_request_escalations", "from_level", "escalation_from", "from_level_id"),
    ("resident_request_escalations", "to_level", "escalation_to", "to_level_id"),
)


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True,
                   length=max(len(v) for v in values) + 8)


#: The width of the old level columns (their enum's longest value and 8).
OLD_WIDTH = 23


def _create_levels():
    op.create_table(
        "linkage_levels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("name_en", sa.String(length=60), nullable=False),
        sa.Column("handled_by", _enum(HANDLERS, "level_handler"), nullable=False),
        sa.Column("grassroots", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rank > 0", name=op.f("ck_linkage_levels_rank_positive")),
        sa.CheckConstraint("length(trim(name)) > 0",
                           name=op.f("ck_linkage_levels_name_not_empty")),
        sa.CheckConstraint("length(trim(name_en)) > 0",
                           name=op.f("ck_linkage_levels_name_en_not_empty")),
        sa.CheckConstraint("handled_by = 'department' OR (grassroots AND active)",
                           name=op.f("ck_linkage_levels_neighbourhood_levels_grassroots_active")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linkage_levels")),
        sa.UniqueConstraint("name", name=op.f("uq_linkage_levels_name")),
        sa.UniqueConstraint("rank", name=op.f("uq_linkage_levels_rank")),
    )
    op.create_index("uq_linkage_levels_handled_by", "linkage_levels", ["handled_by"],
                    unique=True, sqlite_where=sa.text(NOT_A_DEPARTMENT),
                    postgresql_where=sa.text(NOT_A_DEPARTMENT))
    levels = sa.table("linkage_levels", sa.column("rank", sa.Integer()),
                      sa.column("name", sa.String()), sa.column("name_en", sa.String()),
                      sa.column("handled_by", sa.String()),
                      sa.column("grassroots", sa.Boolean()), sa.column("active", sa.Boolean()),
                      sa.column("created_at", sa.DateTime(timezone=True)),
                      sa.column("updated_at", sa.DateTime(timezone=True)))
    op.execute(levels.insert().values([
        {"rank": rank, "name": name, "name_en": name_en, "handled_by": handled_by,
         "grassroots": grassroots, "active": True,
         "created_at": sa.func.current_timestamp(), "updated_at": sa.func.current_timestamp()}
        for rank, name, name_en, handled_by, grassroots, _old in SEEDED]))


def _old_to_id(column):
    cases = " ".join(f"WHEN '{old}' THEN {rank}" for rank, *_rest, old in SEEDED)
    return (f"(SELECT id FROM linkage_levels WHERE rank = CASE {column} {cases} END)")


def _id_to_old(column):
    """The old code of a level row: by who handles it, then by rank among departments'."""
    lowest = ("(SELECT min(rank) FROM linkage_levels WHERE handled_by = 'department')")
    return (f"(SELECT CASE WHEN l.handled_by = 'service_group' THEN 'group'"
            f" WHEN l.handled_by = 'committee' THEN 'neighbourhood'"
            f" WHEN l.rank = {lowest} THEN 'town_department' ELSE 'district' END"
            f" FROM linkage_levels l WHERE l.id = {column})")


def _report_trigger_at_once():
    """PostgreSQL refuses to alter a table with trigger events pending: the reports' data
    version trigger (deferred to commit) fires at each statement's end while the rows are
    rewritten here."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SET CONSTRAINTS report_data_changed IMMEDIATE")


def upgrade():
    _create_levels()
    _report_trigger_at_once()
    for table, old, _check, new in LEVEL_COLUMNS:
        # A plain nullable column first: SQLite adds it in place; filled, then made required.
        op.add_column(table, sa.Column(new, sa.Integer(), nullable=True))
        op.execute(f"UPDATE {table} SET {new} = {_old_to_id(old)}")
    for table in ("departments", "resident_requests", "resident_request_escalations"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table == "departments":
                batch_op.drop_constraint(op.f("ck_departments_level_is_department"),
                                         type_="check")
            if table == "resident_request_escalations":
                batch_op.drop_constraint(op.f(
                    "ck_resident_request_escalations_department_level_names_department"),
                    type_="check")
            for column_table, old, check, new in LEVEL_COLUMNS:
                if column_table != table:
                    continue
                batch_op.drop_constraint(op.f(f"ck_{table}_{check}"), type_="check")
                batch_op.drop_column(old)
                batch_op.alter_column(new, existing_type=sa.Integer(), nullable=False)
                batch_op.create_foreign_key(batch_op.f(f"fk_{table}_{new}_linkage_levels"),
                                            "linkage_levels", [new], ["id"],
                                            ondelete="RESTRICT")
                batch_op.create_index(batch_op.f(f"ix_{table}_{new}"), [new], unique=False)
    restore_report_triggers("resident_requests")


def downgrade():
    _report_trigger_at_once()
    for table, old, _check, new in LEVEL_COLUMNS:
        op.add_column(table, sa.Column(old, sa.String(length=OLD_WIDTH), nullable=True))
        op.execute(f"UPDATE {table} SET {old} = {_id_to_old(new)}")
    for table in ("departments", "resident_requests", "resident_request_escalations"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column_table, old, check, new in LEVEL_COLUMNS:
                if column_table != table:
                    continue
                batch_op.drop_index(batch_op.f(f"ix_{table}_{new}"))
                batch_op.drop_constraint(batch_op.f(f"fk_{table}_{new}_linkage_levels"),
                                         type_="foreignkey")
                batch_op.drop_column(new)
                batch_op.alter_column(
                    old, existing_type=sa.String(length=OLD_WIDTH), nullable=False,
                    **({"server_default": "neighbourhood"} if table == "resident_requests"
                       else {}))
                listed = ", ".join(f"'{code}'" for code in OLD_LEVELS)
                batch_op.create_check_constraint(op.f(f"ck_{table}_{check}"),
                                                 f"{old} IN ({listed})")
            if table == "departments":
                batch_op.create_check_constraint(
                    op.f("ck_departments_level_is_department"),
                    "level IN ('town_department', 'district')")
            if table == "resident_request_escalations":
                batch_op.create_check_constraint(
                    op.f("ck_resident_request_escalations_department_level_names_department"),
                    "to_level IN ('group', 'neighbourhood') OR department_id IS NOT NULL")
    restore_report_triggers("resident_requests")
    op.drop_table("linkage_levels")
