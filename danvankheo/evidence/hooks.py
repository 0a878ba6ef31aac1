"""What the evidence feature registers into the audit trail."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, select

from .. import audit
from ..audit.models import AuditEvent
from ..registry.hooks import initiatives_of_organiser
from .models import Evidence


def evidence_of_organiser(organiser_id: int) -> Select:
    return select(Evidence.id).where(Evidence.initiative_id.in_(initiatives_of_organiser(organiser_id)))


def legacy_evidence_events(initiative_id: int) -> ColumnElement[bool]:
    """Evidence events recorded before events named their parent: through the files kept."""
    return (
        (AuditEvent.object_type == "Evidence")
        & AuditEvent.parent_type.is_(None)
        & AuditEvent.object_id.in_(select(Evidence.id).where(Evidence.initiative_id == initiative_id))
    )


def register() -> None:
    audit.register_owned("Evidence", evidence_of_organiser)
    audit.register_history_extra("Initiative", legacy_evidence_events)
