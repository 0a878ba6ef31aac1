"""Recording audit events. Call `record` from services, next to the change itself."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from ..extensions import db
from .models import AuditEvent


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def diff(obj: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields of `values` that differ from `obj`, as {field: [old, new]}."""
    return {
        field: [_plain(getattr(obj, field)), _plain(new)]
        for field, new in values.items()
        if getattr(obj, field) != new
    }


def record(
    action: str,
    obj: Any = None,
    *,
    changes: dict[str, list[Any]] | None = None,
    reason: str | None = None,
    actor: Any = None,
    object_type: str | None = None,
    object_id: int | None = None,
    label: str | None = None,
    parent: Any = None,
) -> AuditEvent:
    """Add an audit event to the session; it commits with the change it describes.

    `parent`: the object `obj` belongs to, whose history lists this event too.
    """
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    event = AuditEvent(
        action=action,
        object_type=object_type or (type(obj).__name__ if obj is not None else "System"),
        object_id=object_id if object_id is not None else getattr(obj, "id", None),
        object_label=(label if label is not None else _label(obj))[:500],
        actor_id=getattr(actor, "id", None),
        actor_name=getattr(actor, "full_name", "") or "",
        changes={k: [_plain(v) for v in pair] for k, pair in (changes or {}).items()},
        reason=reason,
        ip_address=request.remote_addr if has_request_context() else None,
        parent_type=type(parent).__name__ if parent is not None else None,
        parent_id=getattr(parent, "id", None),
    )
    db.session.add(event)
    return event


def _label(obj: Any) -> str:
    if obj is None:
        return ""
    for attr in ("name", "full_name", "title", "login", "code"):
        value = getattr(obj, attr, None)
        if isinstance(value, str) and value:
            return value
    return str(getattr(obj, "id", ""))
