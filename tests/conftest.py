"""Fixtures: an app on SQLite (default) or PostgreSQL (`TEST_DATABASE_URL`), a clean
database for every test, a client and a `login_as` helper.

On PostgreSQL each test process creates its own throw-away database next to the one
named in `TEST_DATABASE_URL`, so parallel runs never share tables.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import make_url

from danvankheo import create_app
from danvankheo.auth.models import Role, User
from danvankheo.extensions import db
from tests import factories

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    if not TEST_DATABASE_URL:
        path = tmp_path_factory.mktemp("db") / "test.sqlite"
        yield f"sqlite:///{path}"
        return
    import psycopg

    base = make_url(TEST_DATABASE_URL)
    if base.get_backend_name() != "postgresql":
        yield TEST_DATABASE_URL
        return
    name = f"dvk_test_{_worker()}_{uuid.uuid4().hex[:8]}"
    admin_dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        admin = psycopg.connect(admin_dsn, autocommit=True)
    except psycopg.OperationalError as error:
        pytest.fail(f"PostgreSQL is required (TEST_DATABASE_URL={TEST_DATABASE_URL}) but unreachable: {error}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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


@pytest.fixture
def app(_app, tmp_path) -> Iterator:
    """The app inside an application context, with empty tables and an empty upload folder."""
    _app.config["UPLOAD_FOLDER"] = str(tmp_path / "evidence")
    saved = dict(_app.config)
    ctx = _app.app_context()
    ctx.push()
    try:
        yield _app
    finally:
        db.session.rollback()
        db.session.remove()
        _clear_tables()
        ctx.pop()
        _app.config.clear()
        _app.config.update(saved)


def _clear_tables() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            # The audit trail refuses TRUNCATE (a trigger); the tests' superuser skips triggers
            # for this one transaction, as only a superuser can.
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
            connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        return
    with db.engine.connect() as connection:
        # Like TRUNCATE … CASCADE: the tables reference each other in cycles (units and
        # users), so no order of deletes satisfies the foreign keys one table at a time.
        connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
        connection.commit()
        try:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
            connection.commit()
        finally:
            connection.exec_driver_sql("PRAGMA foreign_keys = ON")
            connection.commit()


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
