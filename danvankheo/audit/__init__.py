"""Nhật ký thay đổi: the append-only audit trail of who did what, when.

The trail imports no feature. Features tell it how to label and scope their events through
the hooks below, from their own `init_app`:

- `register_form_labels(object_type, form_class, **overrides)`, `register_enum(key, enum_cls)`,
  `register_enums({key: enum_cls})`
  (audit/labels.py): the Vietnamese names of recorded fields and values;
- `register_owned`, `register_people`, `register_default_organiser` (audit/scope.py): which
  events an organiser's secretariat reads;
- `register_history_extra`, `register_actor_search` (audit/queries.py): events that belong
  to an object's history without naming it, and how a typed name finds accounts.
"""

from __future__ import annotations

from flask import Flask

from .labels import register_enum, register_enums, register_form_labels
from .queries import register_actor_search, register_history_extra
from .scope import register_default_organiser, register_owned, register_people

__all__ = [
    "init_app", "register_actor_search", "register_default_organiser", "register_enum", "register_enums",
    "register_form_labels", "register_history_extra", "register_owned", "register_people",
]


def init_app(app: Flask) -> None:
    """Template helpers: `audit_history(obj)` for a page's own history, and the labels."""
    from .queries import action_label, audit_history, field_label, object_type_label, value_label

    app.add_template_global(audit_history, "audit_history")
    app.jinja_env.filters["audit_action"] = action_label
    app.jinja_env.filters["audit_object_type"] = object_type_label
    app.jinja_env.filters["audit_field"] = field_label
    app.jinja_env.filters["audit_value"] = value_label
