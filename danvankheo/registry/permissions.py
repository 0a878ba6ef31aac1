"""Who may do what with a model. Views, services and templates all ask these functions.

- Staff see and edit only their own unit's models, drafts included.
- The secretariat, observers and admins read every model that has been submitted
  (never another unit's draft or withdrawn model).
- Only the secretariat reviews (accepts, returns, rejects); an admin has exactly the
  secretariat's rights here and nothing more.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_

from ..auth.models import Role
from .models import SUBMITTED_STATUSES, Initiative, Status


def is_own_unit(user, initiative: Initiative) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_staff
        and user.unit_id is not None
        and user.unit_id == initiative.unit_id
    )


def may_register(user) -> bool:
    """Staff of a unit may register models for it."""
    return bool(getattr(user, "is_authenticated", False) and user.is_staff and user.unit_id)


def may_review(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(Role.SECRETARIAT, Role.ADMIN))


def may_manage_deadlines(user) -> bool:
    return may_review(user)


def may_read_all_submitted(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.can_read_all_submitted)


def can_view(user, initiative: Initiative) -> bool:
    if is_own_unit(user, initiative):
        return True
    return may_read_all_submitted(user) and initiative.has_been_submitted


def can_edit(user, initiative: Initiative) -> bool:
    """The dossier and its evidence: the own unit's staff, while the model is editable."""
    return is_own_unit(user, initiative) and initiative.is_editable


def can_submit(user, initiative: Initiative) -> bool:
    return can_edit(user, initiative)


def can_withdraw(user, initiative: Initiative) -> bool:
    return is_own_unit(user, initiative) and initiative.status in (Status.SUBMITTED, Status.RETURNED)


def can_review(user, initiative: Initiative) -> bool:
    return may_review(user) and initiative.status is Status.SUBMITTED


def visible_clause(user) -> ColumnElement[bool]:
    """The SQL condition for "models this user may see", matching `can_view`."""
    conditions = []
    if getattr(user, "is_authenticated", False) and user.is_staff and user.unit_id:
        conditions.append(Initiative.unit_id == user.unit_id)
    if may_read_all_submitted(user):
        conditions.append(Initiative.status.in_(SUBMITTED_STATUSES))
    if not conditions:
        return false()
    return or_(*conditions)
