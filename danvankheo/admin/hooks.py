"""What the administration pages register into the audit trail: the forms that name the
recorded fields of units and accounts."""

from __future__ import annotations

from .. import audit
from .forms import UnitForm, UserForm


def register() -> None:
    audit.register_form_labels("Unit", UnitForm)
    audit.register_form_labels("User", UserForm)
