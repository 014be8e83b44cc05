"""Test fixtures: one database per session built by the migrations, one rollback per test.

`TEST_DATABASE_URL` (PostgreSQL) and `TEST_HUEY_URL` (Redis) switch to the real services;
the PostgreSQL run gets a fresh schema of its own. Under `CI=true` a skip is a failure: CI
must not pass by quietly not testing a service it is supposed to have.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app import create_app
from app.database import MIGRATIONS_DIR
from app.extensions import db
from app.services.demo import load_demo
from tests.demo import DEMO_TODAY, DEMO_ZONE, LoadedDemo
from tests.helpers import DEPLOYMENT_ID


def _postgres_url_with_fresh_schema(url: str) -> tuple[str, str]:
    schema = f"linli_test_{os.getpid()}_{secrets.token_hex(3)}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    engine.dispose()
    parsed = make_url(url)
    return (
        parsed.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False
        ),
        schema,
    )


@contextmanager
def _empty_database(folder: Path) -> Iterator[str]:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{folder / 'linli-test.db'}"
        return
    url, schema = _postgres_url_with_fresh_schema(base)
    try:
        yield url
    finally:
        engine = sa.create_engine(base)
        with engine.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with _empty_database(tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A database of its own for tests that build or tear down a schema."""
    with _empty_database(tmp_path) as url:
        yield url


def make_test_app(database_url: str, **config: object) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-" + secrets.token_hex(16),
            "SQLALCHEMY_DATABASE_URI": database_url,
            "LINLI_EXTERNAL_URL": "http://linli.test",
            "LINLI_DEPLOYMENT_ID": DEPLOYMENT_ID,
            "LINLI_LOGIN_MAX_FAILURES": 3,
            # No consumer runs here: messages are delivered on the spot by the task's own
            # function; tests/app/scheduling/test_notify_queue.py sends through a consumer.
            "LINLI_NOTIFY_QUEUE": False,
            "LINLI_LOGIN_RATE_LIMIT_IP": "100000/minute",
            **config,
        }
    )


@contextmanager
def temporary_app(database_url: str, **config: object) -> Iterator[Flask]:
    """An app of its own for one test; its connection pool is closed afterwards (a pool left
    to the garbage collector warns, and warnings are errors here)."""
    application = make_test_app(database_url, **config)
    try:
        yield application
    finally:
        with application.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    application = make_test_app(database_url)
    with application.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
    yield application
    with application.app_context():
        db.engine.dispose()


@contextmanager
def _rolled_back_session(app: Flask) -> Iterator[Session]:
    """A session on one connection of `app`'s database whose outer transaction is rolled back
    at the end; the app's requests and CLI commands run on that connection too, so their
    commits only release savepoints."""
    with app.app_context():
        engines = db.engines
        engine = engines[None]
        connection = engine.connect()
        transaction = connection.begin()
        engines[None] = connection
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield session
    finally:
        session.close()
        with app.app_context():
            engines[None] = engine
        transaction.rollback()
        connection.close()


@pytest.fixture
def db_session(app: Flask) -> Iterator[Session]:
    """A session for the test body; everything in the test shares one connection whose outer
    transaction is rolled back at the end, so commits (by requests, CLI commands and the
    test) only release savepoints.

    The test body deliberately runs outside an application context: each request through
    the test client then gets a fresh one (fresh `g`, login state and locale), exactly as in
    production. After a request changed rows, `expire_all()` shows the test the new state.
    """
    with _rolled_back_session(app) as session:
        yield session


@pytest.fixture(scope="session")
def loaded_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoadedDemo]:
    """The demonstration town, loaded once per test session into a database of its own
    (loading it takes tens of seconds, and many tests read it); `demo_session` gives each
    test a rolled-back session on it, as `db_session` does on the empty one."""
    with _empty_database(tmp_path_factory.mktemp("demo-db")) as url:
        application = make_test_app(url)
        with application.app_context():
            upgrade(directory=str(MIGRATIONS_DIR))
            report = load_demo(db.session, zone=DEMO_ZONE, today=DEMO_TODAY)
            db.session.commit()
            db.session.remove()
        yield LoadedDemo(application, report)
        with application.app_context():
            db.engine.dispose()


@pytest.fixture
def demo_session(loaded_demo: LoadedDemo) -> Iterator[Session]:
    with _rolled_back_session(loaded_demo.app) as session:
        yield session


@pytest.fixture
def client(app: Flask, db_session) -> FlaskClient:
    return app.test_client()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if (
        os.environ.get("CI") == "true"
        and report.skipped
        and not hasattr(report, "wasxfail")
    ):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped under CI=true, which must not happen: {reason}"
    return report
