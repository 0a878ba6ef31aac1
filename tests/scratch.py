"""The one place where the suite makes databases of its own: a SQLite file, or a throw-away
PostgreSQL database next to the one named by `TEST_DATABASE_URL`, dropped afterwards.

The session's database (`conftest.database_url`), the migration tests, the backup/restore
tests and the benchmark generator's test all come here.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import make_url

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@contextmanager
def scratch_database(dialect: str, folder: Path, prefix: str = "dvk_scratch", *,
                     skip_if_unreachable: bool = False) -> Iterator[str]:
    """Yield the URL of a new, empty database of `dialect` ("sqlite" or "postgresql")."""
    if dialect == "sqlite":
        yield f"sqlite:///{folder / f'{prefix}-{uuid.uuid4().hex[:8]}.sqlite'}"
        return
    import psycopg

    base = make_url(TEST_DATABASE_URL or DEFAULT_POSTGRES)
    admin_dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"{prefix}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect(admin_dsn, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        if skip_if_unreachable and not TEST_DATABASE_URL:
            pytest.skip(f"needs PostgreSQL at {base}: {error}")
        pytest.fail(f"PostgreSQL is required (TEST_DATABASE_URL={TEST_DATABASE_URL}) but unreachable: {error}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def suite_dialect() -> str:
    """The dialect of this pass: PostgreSQL when `TEST_DATABASE_URL` names one, else SQLite."""
    if TEST_DATABASE_URL and make_url(TEST_DATABASE_URL).get_backend_name() == "postgresql":
        return "postgresql"
    return "sqlite"
