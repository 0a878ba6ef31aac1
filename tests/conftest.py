"""Fixtures: an app on SQLite (default) or PostgreSQL (`TEST_DATABASE_URL`), a clean
database for every test, a client and a `login_as` helper.

On PostgreSQL each test process creates its own throw-away database next to the one
named in `TEST_DATABASE_URL` (tests/scratch.py), so parallel runs never share tables.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import Connection, make_url

from danvankheo import create_app
from danvankheo.auth.models import User
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from tests import factories
from tests.scratch import TEST_DATABASE_URL, scratch_database, suite_dialect

# Property tests judge results, never time: Hypothesis's per-example deadline and its "slow
# generation" check fail a correct test on a busy machine.
settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("suite")


@pytest.fixture(scope="session", autouse=True)
def _kept_office() -> Iterator[None]:
    """The print tests' LibreOffice (tests/render.py) ends with the test process."""
    from tests import render

    yield
    render.KEPT_OFFICE.stop()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    if TEST_DATABASE_URL and make_url(TEST_DATABASE_URL).get_backend_name() != "postgresql":
        yield TEST_DATABASE_URL
        return
    with scratch_database(suite_dialect(), tmp_path_factory.mktemp("db"), "dvk_test") as url:
        yield url


@pytest.fixture
def scratch_url(tmp_path) -> Iterator[str]:
    """A second, empty database of this pass's kind, for tests that build their own schema."""
    with scratch_database(suite_dialect(), tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def _app(database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        {
            "APP_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "UPLOAD_FOLDER": str(instance / "evidence"),
        }
    )
    app.instance_path = str(instance)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


# Tests that need real commits: another thread or process reads what they wrote (the browser
# tests' server, concurrency and two-instance tests, the security harness). Everything else on
# PostgreSQL runs inside one transaction that is rolled back (SQLAlchemy's "joining a Session
# into an external transaction" recipe); the app's own commits become savepoints.
REAL_COMMIT_FIXTURES = {"live_server", "browser_app", "make_app", "chromium"}
REAL_COMMIT_MODULES = {
    "test_concurrency.py", "test_two_instances.py", "test_backup.py",  # other threads and processes
    "test_authorization_matrix.py", "test_csrf.py", "test_xss.py",  # the security harness resets its world
    "test_audit_trail.py", "test_search_index.py", "test_database_role.py",  # raw SQL, own connections
    "test_crash_safe_uploads.py",  # a child process uploads
    "test_feedback_concurrency.py", "test_feedback_jobs.py",  # threads; a job's own connection
}
REAL_COMMIT_FOLDERS = {"jobs"}  # a job writes its progress through a connection of its own

# `TEST_ISOLATION=truncate` runs every test as the suite once did: real commits, and every
# table truncated after each test. Only the suite benchmark (bench/suite.py) sets it, to
# measure today's suite against that baseline on the same code.
TRUNCATE_BASELINE = os.environ.get("TEST_ISOLATION") == "truncate"


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if (TRUNCATE_BASELINE or REAL_COMMIT_FIXTURES & set(getattr(item, "fixturenames", ()))
                or item.path.name in REAL_COMMIT_MODULES or REAL_COMMIT_FOLDERS & set(item.path.parent.parts[-1:])):
            item.add_marker("real_commits")


@pytest.fixture
def app(_app, tmp_path, request) -> Iterator:
    """The app inside an application context, with empty tables and an empty upload folder."""
    _app.config["UPLOAD_FOLDER"] = str(tmp_path / "evidence")
    saved = dict(_app.config)
    ctx = _app.app_context()
    ctx.push()
    rolled_back = db.engine.dialect.name == "postgresql" and request.node.get_closest_marker("real_commits") is None
    if rolled_back:
        engine = db.engines[None]
        connection = engine.connect()
        outer = connection.begin()
        db.session.remove()
        db.engines[None] = connection  # db.engine and every new session use this connection
        db.session.configure(join_transaction_mode="create_savepoint")
    try:
        yield _app
    finally:
        try:
            db.session.rollback()
            db.session.remove()
        finally:
            if rolled_back:
                db.session.configure(join_transaction_mode="conditional_savepoint")
                db.engines[None] = engine
                if outer.is_active:
                    outer.rollback()
                connection.close()
            else:
                _clear_tables()
            ctx.pop()
        _app.config.clear()
        _app.config.update(saved)


@contextmanager
def constraints_off() -> Iterator[Connection]:
    """A connection whose writes skip foreign keys (and, on PostgreSQL, triggers), committed
    at the end: for emptying every table and for writing a kept world back, where no order of
    tables satisfies the foreign keys one table at a time (units and users reference each
    other) and the audit trail refuses deletes. On PostgreSQL the tests' superuser takes the
    replica role for this one transaction, as only a superuser can; SQLite switches its
    foreign keys off outside a transaction, where the pragma takes effect."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
            yield connection
        return
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
        connection.commit()
        try:
            yield connection
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        finally:
            connection.exec_driver_sql("PRAGMA foreign_keys = ON")
            connection.commit()


def _clear_tables() -> None:
    with constraints_off() as connection:
        if connection.dialect.name == "postgresql" and TRUNCATE_BASELINE:
            names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        elif connection.dialect.name == "postgresql":
            # Like TRUNCATE … RESTART IDENTITY, but a DELETE of a small table costs a fraction
            # of a TRUNCATE, which makes new files for every table (1.7 s against 0.09 s for
            # the 49 tables, measured).
            connection.exec_driver_sql("; ".join(f'DELETE FROM "{t.name}"' for t in db.metadata.sorted_tables))
            connection.exec_driver_sql(
                "SELECT setval(oid::regclass, 1, false) FROM pg_class "
                "WHERE relkind = 'S' AND relnamespace = current_schema()::regnamespace"
            )
        else:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(app) -> Callable[..., User]:
    def make(*roles: Role, **kwargs) -> User:
        user = factories.make_user(*roles, **kwargs)
        db.session.commit()
        return user

    return make


@pytest.fixture
def login_as(client, make_user) -> Callable[..., User]:
    """Create a user with the given roles (or use the given user) and log the client in."""

    def login(*roles: Role | User, **kwargs) -> User:
        if roles and isinstance(roles[0], User):
            user = roles[0]
        else:
            user = make_user(*roles, **kwargs)
        response = client.post(
            "/dang-nhap", data={"login": user.login, "password": kwargs.get("password", factories.PASSWORD)}
        )
        assert response.status_code == 302, "login failed in test helper"
        return user

    return login
