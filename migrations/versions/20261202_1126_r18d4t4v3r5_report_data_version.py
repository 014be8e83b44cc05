"""Reports: a data version the five comparisons are cached by, changed by the database itself
on every write to a table they read; and an index of the effective contacts by household and
time, which the reports' aggregates read instead of the whole visits table.

Triggers rather than application hooks: bulk SQL, imports and the CLI change the version too.
The version is a random token, not a counter, so a rolled-back write never leaves a version
that a later, different write could take again. On PostgreSQL the trigger is a deferred
constraint trigger that changes the version once per transaction, at commit: the version row is
the last lock a writing transaction takes, so it cannot deadlock with the rows it wrote.

Revision ID: r18d4t4v3r5
Revises: n0t1f7b8c9d0
Create Date: 2026-12-02 11:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = "r18d4t4v3r5"
down_revision = "n0t1f7b8c9d0"
branch_labels = None
depends_on = None

#: What the five comparisons read (keep in step with app.models.reports.VERSIONED_TABLES).
TABLES = ("neighbourhoods", "service_groups", "buildings", "households", "household_categories",
          "household_contact_windows", "visits", "resident_requests", "incidents",
          "incident_households", "comparison_weights")

PG_FUNCTION = """
CREATE FUNCTION report_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('linli.report_data_changed', true) IS DISTINCT FROM 'yes' THEN
        UPDATE report_data_version SET version = md5(random()::text || clock_timestamp()::text)
        WHERE id = 1;
        PERFORM set_config('linli.report_data_changed', 'yes', true);
    END IF;
    RETURN NULL;
END $$
"""


EFFECTIVE = "outcome IN ('done', 'phone_instead')"


def upgrade():
    op.create_index("ix_visits_effective_household", "visits", ["household_id", "visited_at"],
                    postgresql_where=sa.text(EFFECTIVE), sqlite_where=sa.text(EFFECTIVE))
    op.create_table(
        "report_data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_report_data_version_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_data_version")),
    )
    op.execute("INSERT INTO report_data_version (id, version) VALUES (1, 'initial')")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for table in TABLES:
            op.execute(
                f"CREATE CONSTRAINT TRIGGER report_data_changed AFTER INSERT OR UPDATE OR DELETE"
                f" ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
                f" EXECUTE FUNCTION report_data_changed()")
    else:
        for table in TABLES:
            for event in ("INSERT", "UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER report_data_changed_{table}_{event.lower()} AFTER {event}"
                    f" ON {table} BEGIN UPDATE report_data_version"
                    f" SET version = lower(hex(randomblob(16))) WHERE id = 1; END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER report_data_changed ON {table}")
        op.execute("DROP FUNCTION report_data_changed()")
    else:
        for table in TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER report_data_changed_{table}_{event}")
    op.drop_table("report_data_version")
    op.drop_index("ix_visits_effective_household", table_name="visits")
