"""What a revision puts back after Alembic's batch mode rebuilt an SQLite table.

Batch mode re-creates the table and copies the rows; SQLite drops the old table's triggers with
it. Revisions import this module by name (`from sqlite_rebuild import …`): alembic.ini puts this
folder on `sys.path` (`prepend_sys_path`), in the source tree and in the installed wheel alike,
for every command that loads revisions (upgrade, downgrade, heads, history). It lives beside
env.py, not in versions/, where Alembic would load it as a revision.

Revisions that ran keep running unchanged: change nothing here that an older revision relies
on; a revision that needs other SQL gets its own function.
"""

from alembic import op


def restore_report_triggers(table: str) -> None:
    """Put back the reports' data-version triggers on `table`, as revision r18d4t4v3r5 made them,
    or the five comparisons would not see later writes to the table. PostgreSQL keeps its
    triggers across ALTER TABLE: nothing to do there."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for event in ("INSERT", "UPDATE", "DELETE"):
        op.execute(f"DROP TRIGGER IF EXISTS report_data_changed_{table}_{event.lower()}")
        op.execute(f"CREATE TRIGGER report_data_changed_{table}_{event.lower()} AFTER {event}"
                   f" ON {table} BEGIN UPDATE report_data_version"
                   f" SET version = lower(hex(randomblob(16))) WHERE id = 1; END")
