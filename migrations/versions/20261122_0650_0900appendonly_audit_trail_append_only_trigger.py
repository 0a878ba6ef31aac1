"""audit trail: refuse UPDATE and DELETE on audit_events in PostgreSQL (a trigger)

The ORM refuses such changes on every database (danvankheo.audit.models); this trigger makes
PostgreSQL refuse them too, whatever client issues them. The one update it lets through is
the one `ON DELETE SET NULL` makes when an actor's account row is removed. SQLite keeps the
ORM rule only.

Revision ID: 0900appendonly
Revises: 0500awards
Create Date: 2026-11-22 06:50:00

"""
from alembic import op

# Copied from danvankheo.audit.models at the time of this migration, so that later edits
# there do not change history.
APPEND_ONLY_SQL = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
       AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING
        MESSAGE = 'audit_events is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_append_only
    BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
"""

DROP_APPEND_ONLY_SQL = """
DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events;
DROP FUNCTION IF EXISTS audit_events_append_only();
"""

# revision identifiers, used by Alembic.
revision = '0900appendonly'
down_revision = '0500awards'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY_SQL)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(DROP_APPEND_ONLY_SQL)
