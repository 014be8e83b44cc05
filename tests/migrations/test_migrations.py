"""The schema comes from the migrations, and the migrations match the models."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade

from app.database import MIGRATIONS_DIR
from app.extensions import db
from tests.conftest import make_test_app

pytestmark = pytest.mark.integration


def test_models_and_migrations_do_not_drift(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "run `flask db migrate`: models and migrations differ"


def test_upgrade_from_empty_downgrade_and_upgrade_again(empty_database_url: str) -> None:
    fresh = make_test_app(empty_database_url)
    with fresh.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {"volunteers", "shifts", "assignments", "households", "registrations"} <= tables
        downgrade(directory=str(MIGRATIONS_DIR), revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade(directory=str(MIGRATIONS_DIR))
        assert "volunteers" in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()


@pytest.mark.parametrize("table", ["visits", "households"])
def test_writes_change_the_report_data_version_after_every_migration(db_session,
                                                                     table: str) -> None:
    """The reports' cache relies on triggers; a later migration that rebuilds a table
    (SQLite's batch mode) must not lose them."""
    from app.models import ReportDataVersion
    from tests.factories import make_household, make_visit

    postgres = db_session.get_bind().dialect.name == "postgresql"
    if postgres:  # the deferred trigger at once, not at the (never reached) commit
        db_session.execute(sa.text("SET CONSTRAINTS ALL IMMEDIATE"))
    before = db_session.scalar(sa.select(ReportDataVersion.version))
    household = make_household(db_session)
    if table == "visits":
        if postgres:  # PostgreSQL changes the version once a transaction: forget that it did
            db_session.execute(sa.text("SELECT set_config('linli.report_data_changed', '', "
                                       "true)"))
        db_session.expire_all()
        before = db_session.scalar(sa.select(ReportDataVersion.version))
        make_visit(db_session, household)
    db_session.expire_all()
    assert db_session.scalar(sa.select(ReportDataVersion.version)) != before


def test_every_table_the_reports_read_keeps_its_triggers(app: Flask) -> None:
    """SQLite's batch mode rebuilds a table and loses its triggers; a migration that alters a
    table the reports' data version watches must put them back (see the festival migration's
    `_restore_sqlite_report_triggers`)."""
    import importlib.util

    [path] = MIGRATIONS_DIR.glob("versions/*_report_data_version.py")
    spec = importlib.util.spec_from_file_location("report_data_version", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            rows = connection.execute(sa.text(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'report_data_changed_%'")).scalars().all()
            per_table = {t: rows.count(t) for t in module.TABLES}
            assert per_table == dict.fromkeys(module.TABLES, 3)
        else:
            rows = connection.execute(sa.text(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = 'report_data_changed' "
                "AND c.relnamespace = to_regnamespace(current_schema())")).scalars().all()
            assert sorted(rows) == sorted(module.TABLES)
