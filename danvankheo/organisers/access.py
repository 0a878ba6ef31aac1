"""Which organisers' data a user reads and manages in this request.

A request acts for one organiser (`User.acting_organiser_id`, chosen in the header). Its
secretariat and the admin manage that organiser only; its observers read it and every
organiser nested below it (a province observer follows every commune); its council members
score what they are assigned; its supervisors (MTTQ, đoàn thể) read its accepted models
only. Views ask these functions, never the raw roles.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false

from ..core.roles import Role
from ..units.models import Unit
from .services import descendant_ids


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def managed_organiser_id(user) -> int | None:
    """The organiser whose competition the user runs now (secretariat or admin), else None."""
    if _authenticated(user) and user.has_role(Role.SECRETARIAT, Role.ADMIN):
        return user.acting_organiser_id
    return None


def supervised_organiser_id(user) -> int | None:
    """The organiser whose accepted models the user supervises now (the Mặt trận Tổ quốc and
    mass organisations of its level), else None. Supervising reads no round, ranking or report."""
    if _authenticated(user) and user.has_role(Role.SUPERVISOR):
        return user.acting_organiser_id
    return None


def readable_organiser_ids(user) -> set[int]:
    """The organisers whose rounds, rankings, proposals and reports the user reads."""
    if not _authenticated(user) or user.acting_organiser_id is None:
        return set()
    found: set[int] = set()
    if user.has_role(Role.SECRETARIAT, Role.ADMIN):
        found.add(user.acting_organiser_id)
    if user.has_role(Role.OBSERVER):
        found |= descendant_ids(user.acting_organiser_id)
    return found


def readable_organisers_in_order(user) -> list[int]:
    """`readable_organiser_ids`, the organiser the user acts for first: the order of reports
    and compliance lists that cover several organisers."""
    acting = getattr(user, "acting_organiser_id", None) if _authenticated(user) else None
    return sorted(readable_organiser_ids(user), key=lambda org: (org != acting, org))


def may_manage(user, organiser_id: int | None) -> bool:
    return organiser_id is not None and managed_organiser_id(user) == organiser_id


def may_read(user, organiser_id: int | None) -> bool:
    return organiser_id is not None and organiser_id in readable_organiser_ids(user)


def readable_units_clause(user, unit_id_column) -> ColumnElement[bool]:
    """SQL: `unit_id_column` is a unit whose organiser the user reads."""
    from sqlalchemy import select

    organisers = readable_organiser_ids(user)
    if not organisers:
        return false()
    return unit_id_column.in_(select(Unit.id).where(Unit.organiser_id.in_(organisers)))
