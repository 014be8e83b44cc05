"""one 团组 concept (issue 12): a team of kind "service_group" becomes the neighbourhood's
ServiceGroup; shifts can be reserved for a service group's members

Each team of kind "service_group" is mapped to the service group of its neighbourhood with the
same name (created when there is none), its members are added to the group's, the shifts it
staffed are reserved for the group instead, and the team is deleted (its lead's team feed and
team-lead accounts' link to it go with it; a template item reserved for it is reserved for
nobody: a template is not a neighbourhood's). A town-wide "service_group" team, which no
neighbourhood owns, becomes a team of kind "other". The kind is then refused by the database.

SQLite: no batch rebuild. Rebuilding `shifts` or `teams` drops the old table, and with foreign
keys on that deletes in cascade every assignment or team membership. The column is added with
plain ALTER TABLE (a column's REFERENCES and CHECK are allowed there), and the kind is refused
by a trigger instead of a rebuilt CHECK. SQLite cannot report a column's ON DELETE, so the
foreign key has none on either database (the ORM frees a deleted group's shifts).

The downgrade gives back a "service_group" team for every group that staffs a shift (its
members, the shifts); the groups stay.

Revision ID: grp1s3rv1c3
Revises: sk1pheadays1
Create Date: 2026-12-02 14:15:00

"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "grp1s3rv1c3"
down_revision = "sk1pheadays1"
branch_labels = None
depends_on = None

KINDS = ("medical", "haircut", "repair", "counselling", "elder_care", "environment", "youth",
         "legal", "patrol", "other")
OLD_KINDS = (*KINDS[:-1], "service_group", "other")
CHECK_NAME = "ck_teams_team_kind"
ONE_OWNER = "team_id IS NULL OR service_group_id IS NULL"
TRIGGERS = {
    "insert": "BEFORE INSERT ON teams",
    "update": "BEFORE UPDATE OF kind ON teams",
}


def _in(values):
    return "kind IN ({})".format(", ".join(f"'{v}'" for v in values))


def _sqlite():
    return op.get_bind().dialect.name == "sqlite"


def upgrade():
    if _sqlite():
        op.execute(
            "ALTER TABLE shifts ADD COLUMN service_group_id INTEGER"
            " CONSTRAINT fk_shifts_service_group_id_service_groups"
            " REFERENCES service_groups (id)"
            f" CONSTRAINT ck_shifts_one_team_or_service_group CHECK ({ONE_OWNER})")
    else:
        op.add_column("shifts", sa.Column("service_group_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f("fk_shifts_service_group_id_service_groups"), "shifts",
                              "service_groups", ["service_group_id"], ["id"])
        op.create_check_constraint(op.f("ck_shifts_one_team_or_service_group"), "shifts",
                                   ONE_OWNER)
    op.create_index(op.f("ix_shifts_service_group_id"), "shifts", ["service_group_id"])
    _merge_teams_into_groups(op.get_bind())
    if _sqlite():
        for event, when in TRIGGERS.items():
            op.execute(
                f"CREATE TRIGGER teams_kind_not_service_group_{event} {when}"
                " WHEN NEW.kind = 'service_group' BEGIN SELECT RAISE(ABORT,"
                " 'a service group (团组) is a service_groups row, not a team'); END")
    else:
        op.drop_constraint(op.f(CHECK_NAME), "teams", type_="check")
        op.create_check_constraint(op.f(CHECK_NAME), "teams", _in(KINDS))


def _merge_teams_into_groups(conn):
    teams = conn.execute(sa.text(
        "SELECT id, name, neighbourhood_id FROM teams WHERE kind = 'service_group'"
        " ORDER BY id")).all()
    for team_id, name, neighbourhood_id in teams:
        if neighbourhood_id is None:
            conn.execute(sa.text("UPDATE teams SET kind = 'other' WHERE id = :t"), {"t": team_id})
            continue
        group_id = conn.execute(sa.text(
            "SELECT id FROM service_groups WHERE neighbourhood_id = :n AND name = :name"),
            {"n": neighbourhood_id, "name": name}).scalar()
        if group_id is None:
            conn.execute(sa.text(
                "INSERT INTO service_groups (neighbourhood_id, name, kind)"
                " VALUES (:n, :name, 'resident_volunteers')"),
                {"n": neighbourhood_id, "name": name})
            group_id = conn.execute(sa.text(
                "SELECT id FROM service_groups WHERE neighbourhood_id = :n AND name = :name"),
                {"n": neighbourhood_id, "name": name}).scalar_one()
        ids = {"t": team_id, "g": group_id}
        conn.execute(sa.text(
            "INSERT INTO service_group_members (group_id, volunteer_id)"
            " SELECT :g, volunteer_id FROM team_members WHERE team_id = :t"
            " AND volunteer_id NOT IN"
            " (SELECT volunteer_id FROM service_group_members WHERE group_id = :g)"), ids)
        conn.execute(sa.text(
            "UPDATE shifts SET service_group_id = :g, team_id = NULL WHERE team_id = :t"), ids)
        conn.execute(sa.text(
            "UPDATE template_items SET team_id = NULL WHERE team_id = :t"), ids)
        for table in ("feed_tombstones", "user_teams", "team_members"):
            conn.execute(sa.text(f"DELETE FROM {table} WHERE team_id = :t"), ids)
        conn.execute(sa.text("DELETE FROM teams WHERE id = :t"), ids)


def downgrade():
    if _sqlite():
        for event in TRIGGERS:
            op.execute(f"DROP TRIGGER teams_kind_not_service_group_{event}")
    else:
        op.drop_constraint(op.f(CHECK_NAME), "teams", type_="check")
        op.create_check_constraint(op.f(CHECK_NAME), "teams", _in(OLD_KINDS))
    _groups_back_into_teams(op.get_bind())
    op.drop_index(op.f("ix_shifts_service_group_id"), table_name="shifts")
    if _sqlite():
        op.execute("ALTER TABLE shifts DROP COLUMN service_group_id")
    else:
        op.drop_constraint(op.f("ck_shifts_one_team_or_service_group"), "shifts", type_="check")
        op.drop_constraint(op.f("fk_shifts_service_group_id_service_groups"), "shifts",
                           type_="foreignkey")
        op.drop_column("shifts", "service_group_id")


def _groups_back_into_teams(conn):
    groups = conn.execute(sa.text(
        "SELECT g.id, g.name, g.neighbourhood_id, n.town FROM service_groups g"
        " JOIN neighbourhoods n ON n.id = g.neighbourhood_id"
        " WHERE g.id IN (SELECT service_group_id FROM shifts)"
        " ORDER BY g.id")).all()
    for group_id, name, neighbourhood_id, town in groups:
        taken = conn.execute(sa.text("SELECT 1 FROM teams WHERE name = :name"),
                             {"name": name}).first()
        team_name = f"{name} #{group_id}" if taken else name
        conn.execute(sa.text(
            "INSERT INTO teams (name, kind, town, neighbourhood_id, feed_token)"
            " VALUES (:name, 'service_group', :town, :n, :token)"),
            {"name": team_name, "town": town, "n": neighbourhood_id,
             "token": secrets.token_urlsafe(32)})
        team_id = conn.execute(sa.text("SELECT id FROM teams WHERE name = :name"),
                               {"name": team_name}).scalar_one()
        ids = {"t": team_id, "g": group_id}
        conn.execute(sa.text(
            "INSERT INTO team_members (team_id, volunteer_id)"
            " SELECT :t, volunteer_id FROM service_group_members WHERE group_id = :g"), ids)
        conn.execute(sa.text(
            "UPDATE shifts SET team_id = :t, service_group_id = NULL"
            " WHERE service_group_id = :g"), ids)
