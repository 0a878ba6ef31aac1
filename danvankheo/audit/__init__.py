"""Nhật ký thay đổi: the append-only audit trail of who did what, when."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Template helpers: `audit_history(obj)` for a page's own history, and the labels."""
    from .queries import action_label, audit_history, field_label, object_type_label, value_label

    app.add_template_global(audit_history, "audit_history")
    app.jinja_env.filters["audit_action"] = action_label
    app.jinja_env.filters["audit_object_type"] = object_type_label
    app.jinja_env.filters["audit_field"] = field_label
    app.jinja_env.filters["audit_value"] = value_label
