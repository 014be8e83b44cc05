from typing import Any

import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

from app.database import MIGRATIONS_DIR


def revision_before(revision: str) -> str:
    """The revision `revision` follows. The scripts are read through alembic.ini, as `flask db`
    reads them: its `prepend_sys_path` lets revisions import the helpers beside env.py."""
    config = Config(str(MIGRATIONS_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config).get_revision(revision).down_revision


def insert_row(connection: Any, table: str, **values: Any) -> int:
    """Insert one row as the schema stood at an older revision (no model knows that shape);
    returns its id."""
    columns = ", ".join(values)
    marks = ", ".join(f":{key}" for key in values)
    return connection.execute(sa.text(
        f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING id"), values).scalar_one()
