"""Alembic environment, driven by Flask-Migrate inside the application context."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from logging.config import fileConfig

from alembic import context
from flask import current_app

from app.models.base import UTCDateTime

config = context.config
if config.config_file_name and not logging.getLogger().handlers:
    # Only where nothing configured logging yet (the app does, see app/logs.py); and then keep
    # the application's loggers: Alembic's default would silence them.
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db


def render_item(type_, obj, autogen_context):
    """Write plain SQLAlchemy types into revisions, so old revisions never import app code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_offline():
    context.configure(
        url=str(target_db.engine.url),
        target_metadata=target_db.metadata,
        literal_binds=True,
        render_item=render_item,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


@contextmanager
def sqlite_foreign_keys_off(connection) -> Iterator[None]:
    """On SQLite, run the migrations with foreign keys off and check them before the commit.

    Batch mode rebuilds a table by copying it and dropping the old one; with foreign keys on,
    SQLite's DROP TABLE first deletes every row and fires ON DELETE CASCADE on the tables that
    point at it (shifts, visits, assignments…): an upgrade would wipe them. The pragma is a
    no-op inside a transaction, so it is set on the driver's connection before Alembic begins.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    driver_connection = connection.connection.driver_connection
    driver_connection.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        # Alembic commits each SQLite migration on its own (no transactional DDL); what is
        # still open here is a failed step's or a read after the last commit, and the pragma
        # would be ignored inside it.
        if connection.in_transaction():
            connection.rollback()
        driver_connection.execute("PRAGMA foreign_keys=ON")


def check_sqlite_foreign_keys(connection) -> None:
    """Fail the upgrade loudly if a migration left a row pointing at nothing (foreign keys
    were off while it ran)."""
    if connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"migration left rows that point at nothing: {broken[:10]}")


def run_migrations_online():
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    conf_args.setdefault("render_item", render_item)

    def run(connection):
        context.configure(connection=connection, target_metadata=target_db.metadata, **conf_args)
        with sqlite_foreign_keys_off(connection), context.begin_transaction():
            context.run_migrations()
            check_sqlite_foreign_keys(connection)

    connectable = config.attributes.get("connection")
    if connectable is not None:
        run(connectable)
        return
    with target_db.engine.connect() as connection:
        run(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
