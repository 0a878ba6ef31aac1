"""The audit trail cannot be emptied: TRUNCATE raises, and the application's database role,
set up as docs/DEPLOY.md says, has no UPDATE, DELETE or TRUNCATE on it at all."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from danvankheo.audit.models import AuditEvent
from danvankheo.extensions import db

pytestmark = pytest.mark.postgres_only

DEPLOY = Path(__file__).resolve().parents[2] / "docs" / "DEPLOY.md"


def _postgres_only():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL triggers and roles")


def _event() -> int:
    event = AuditEvent(action="unit.update", object_type="Unit", object_id=1, object_label="x", actor_name="",
                       changes={})
    db.session.add(event)
    db.session.flush()
    event_id = event.id
    db.session.commit()
    db.session.close()  # no transaction of ours may hold a lock that TRUNCATE would wait for
    return event_id


def test_truncate_of_the_audit_trail_raises(app):
    _postgres_only()
    event_id = _event()
    for sql in ("TRUNCATE audit_events", "TRUNCATE audit_events CASCADE"):
        with pytest.raises(DBAPIError, match="TRUNCATE refused"), db.engine.begin() as conn:
            conn.execute(text(sql))
    assert db.session.get(AuditEvent, event_id) is not None


def deploy_sql() -> str:
    """The SQL block of docs/DEPLOY.md that hands the audit trail to its own owner."""
    match = re.search(r"<!-- audit-role-sql -->\s*```sql\n(.*?)```\s*<!-- /audit-role-sql -->",
                      DEPLOY.read_text(encoding="utf-8"), re.S)
    assert match, "docs/DEPLOY.md lost its audit role SQL"
    return match.group(1)


def test_deploy_sql_leaves_the_app_role_insert_and_select_only(app):
    _postgres_only()
    event_id = _event()
    suffix = uuid.uuid4().hex[:8]
    app_role, audit_role = f"dvk_app_{suffix}", f"dvk_audit_{suffix}"
    sql = deploy_sql().replace("danvankheo_audit", audit_role)
    sql = re.sub(r"\bdanvankheo\b", app_role, sql)
    with db.engine.connect() as conn:
        outer = conn.begin()  # everything, roles included, is rolled back at the end
        try:
            conn.exec_driver_sql(f"CREATE ROLE {app_role} NOLOGIN")
            # The application's usual rights on every table, as the database owner would have them.
            conn.exec_driver_sql(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {app_role}")
            conn.exec_driver_sql(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {app_role}")
            conn.exec_driver_sql(sql)
            conn.exec_driver_sql(f"SET ROLE {app_role}")
            conn.exec_driver_sql(
                "INSERT INTO audit_events (occurred_at, action, object_type, object_label, actor_name, changes) "
                "VALUES (now(), 'unit.create', 'Unit', 'y', '', '{}')"
            )
            assert conn.exec_driver_sql("SELECT count(*) FROM audit_events").scalar() == 2
            for statement in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events",
                              "TRUNCATE audit_events", "DROP TRIGGER audit_events_no_truncate ON audit_events",
                              "ALTER TABLE audit_events DISABLE TRIGGER ALL"):
                savepoint = conn.begin_nested()
                with pytest.raises(DBAPIError, match="permission denied|must be owner"):
                    conn.exec_driver_sql(statement)
                savepoint.rollback()
            # Even without triggers: the privileges themselves are gone.
            rights = conn.exec_driver_sql(
                "SELECT privilege_type FROM information_schema.role_table_grants "
                "WHERE table_name = 'audit_events' AND grantee = current_user"
            ).scalars().all()
            assert sorted(rights) == ["INSERT", "SELECT"]
        finally:
            outer.rollback()
    assert db.session.get(AuditEvent, event_id) is not None
