"""The migrations build exactly the schema the models describe, and can be undone."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect

from danvankheo import MIGRATIONS_DIR, create_app
from danvankheo.extensions import db


def test_upgrade_matches_models_then_downgrade_and_upgrade_again(database_url, tmp_path):
    # A separate database so the tables of the other tests are not disturbed.
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        engine = None
    else:
        import uuid

        from sqlalchemy import make_url

        name = f"dvk_mig_{uuid.uuid4().hex[:8]}"
        base = make_url(database_url)
        engine = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = base.set(database=name).render_as_string(hide_password=False)
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
    try:
        with app.app_context():
            upgrade(directory=str(MIGRATIONS_DIR))
            with db.engine.connect() as connection:
                diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
            assert diff == [], f"models and migrations differ: {diff}"
            if engine is not None:
                # The audit trail's append-only trigger comes from a migration too.
                with db.engine.connect() as connection:
                    triggers = connection.exec_driver_sql(
                        "SELECT count(*) FROM pg_trigger WHERE tgname = 'audit_events_append_only'"
                    ).scalar()
                assert triggers == 1
            downgrade(directory=str(MIGRATIONS_DIR), revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            upgrade(directory=str(MIGRATIONS_DIR))
            assert "initiatives" in inspect(db.engine).get_table_names()
            db.session.remove()
            db.engine.dispose()
    finally:
        if engine is not None:
            with engine.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            engine.dispose()


def test_migration_files_have_readable_timestamped_names():
    import re

    names = [p.name for p in (MIGRATIONS_DIR / "versions").glob("*.py")]
    assert names
    for name in names:
        assert re.match(r"^\d{8}_\d{4}_[0-9a-z]+_[a-z0-9_]+\.py$", name), name


def test_a_database_upgraded_before_the_listing_index_gets_it(database_url, tmp_path):
    """0800search gained ix_initiatives_listing after it shipped; 1050listingindex adds it to
    the databases that ran the shipped form."""
    if database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL only: the index exists only there")
    import uuid

    from flask_migrate import stamp
    from sqlalchemy import make_url

    name = f"dvk_mig_{uuid.uuid4().hex[:8]}"
    base = make_url(database_url)
    engine = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = base.set(database=name).render_as_string(hide_password=False)
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
    try:
        with app.app_context():
            upgrade(directory=str(MIGRATIONS_DIR), revision="1000standings")
            with db.engine.begin() as connection:  # the database as the shipped 0800search left it
                connection.exec_driver_sql("DROP INDEX ix_initiatives_listing")
            stamp(directory=str(MIGRATIONS_DIR), revision="1000standings")
            upgrade(directory=str(MIGRATIONS_DIR))
            indexes = {index["name"] for index in inspect(db.engine).get_indexes("initiatives")}
            assert "ix_initiatives_listing" in indexes
            db.session.remove()
            db.engine.dispose()
    finally:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()
