from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DDL, JSON, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..core.types import UTCDateTime, utcnow
from ..extensions import db


class AuditEvent(db.Model):
    """One recorded action. Rows are only ever inserted: no route updates or deletes them.

    The actor's name is copied so the trail stays readable if the account is renamed.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_object", "object_type", "object_id"),
        Index("ix_audit_events_parent", "parent_type", "parent_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    actor_name: Mapped[str] = mapped_column(String(255), default="")
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[int | None]
    object_label: Mapped[str] = mapped_column(String(500), default="")
    # The object this one belongs to (an evidence file's model), so its history shows it.
    parent_type: Mapped[str | None] = mapped_column(String(60))
    parent_id: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(Text)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip_address: Mapped[str | None] = mapped_column(String(64))


class AuditTrailIsAppendOnly(RuntimeError):
    """Raised when code tries to change or remove a recorded audit event."""


# PostgreSQL refuses UPDATE and DELETE on the trail even from raw SQL. The one update let
# through is the foreign key's own ON DELETE SET NULL on actor_id (the copied actor_name
# keeps the trail readable). The migration that creates the table runs these statements
# too (op.execute(APPEND_ONLY_SQL) / op.execute(DROP_APPEND_ONLY_SQL)).
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

# A row-level trigger never sees TRUNCATE: a statement-level one refuses it. (A superuser
# can still bypass triggers with session_replication_role; the application's role is not one,
# see docs/DEPLOY.md for the grants that leave it INSERT and SELECT only.)
NO_TRUNCATE_SQL = """
CREATE OR REPLACE FUNCTION audit_events_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'audit_events is append-only: TRUNCATE refused',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_no_truncate
    BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_no_truncate();
"""

DROP_NO_TRUNCATE_SQL = """
DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events;
DROP FUNCTION IF EXISTS audit_events_no_truncate();
"""

for _create, _drop in ((APPEND_ONLY_SQL, DROP_APPEND_ONLY_SQL), (NO_TRUNCATE_SQL, DROP_NO_TRUNCATE_SQL)):
    event.listen(AuditEvent.__table__, "after_create", DDL(_create).execute_if(dialect="postgresql"))
    event.listen(AuditEvent.__table__, "before_drop", DDL(_drop).execute_if(dialect="postgresql"))


@event.listens_for(Session, "before_flush")
def _refuse_changed_audit_events(session: Session, flush_context, instances) -> None:
    """The ORM side of the same rule, on every database (SQLite has no trigger here)."""
    for obj in session.deleted:
        if isinstance(obj, AuditEvent):
            raise AuditTrailIsAppendOnly("Nhật ký thay đổi không được xóa.")
    for obj in session.dirty:
        if isinstance(obj, AuditEvent) and session.is_modified(obj, include_collections=False):
            raise AuditTrailIsAppendOnly("Nhật ký thay đổi không được sửa.")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_audit_changes(state) -> None:
    if (state.is_update or state.is_delete) and any(
        mapper.class_ is AuditEvent for mapper in state.all_mappers
    ):
        raise AuditTrailIsAppendOnly("Nhật ký thay đổi chỉ được ghi thêm, không được sửa hay xóa.")
