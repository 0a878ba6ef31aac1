"""Operations on the unit tree. They flush; the request commits."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import String, func, literal, select, update

from ..audit.services import record
from ..core.errors import DomainError
from ..extensions import db
from .models import Unit, UnitKind


class UnitError(DomainError):
    """A refused change to the tree; the message is shown to the user."""


def subtree_ids_select(unit: Unit):
    """A SELECT of the ids of `unit` and every unit below it."""
    return select(Unit.id).where(Unit.path.startswith(unit.path))


def create_unit(*, code: str, name: str, kind: UnitKind, parent: Unit | None) -> Unit:
    code = code.strip().upper()
    if db.session.scalar(select(func.count()).where(func.upper(Unit.code) == code)):
        raise UnitError(f"Mã đơn vị “{code}” đã được dùng.", field="code")
    if parent is not None and not parent.is_active:
        raise UnitError("Không thể tạo đơn vị trực thuộc một đơn vị đã ngừng hoạt động.", field="parent_id")
    unit = Unit(code=code, kind=kind, parent=parent, is_active=True)
    unit.set_name(name)
    db.session.add(unit)
    db.session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    from ..organisers.services import place_new_unit

    place_new_unit(unit)
    db.session.flush()
    record("unit.create", unit, changes={"code": [None, unit.code], "name": [None, unit.name]})
    return unit


def update_unit(unit: Unit, *, name: str, code: str, kind: UnitKind) -> None:
    code = code.strip().upper()
    clash = db.session.scalar(
        select(func.count()).where(func.upper(Unit.code) == code, Unit.id != unit.id)
    )
    if clash:
        raise UnitError(f"Mã đơn vị “{code}” đã được dùng.", field="code")
    changes = {}
    for field, new in (("name", name.strip()), ("code", code), ("kind", kind)):
        old = getattr(unit, field)
        if old != new:
            changes[field] = [getattr(old, "value", old), getattr(new, "value", new)]
    unit.code, unit.kind = code, kind
    unit.set_name(name)
    if changes:
        record("unit.update", unit, changes=changes)


def move_unit(unit: Unit, new_parent: Unit | None) -> None:
    if new_parent is not None and new_parent.is_within(unit):
        raise UnitError("Không thể chuyển một đơn vị vào chính nó hoặc đơn vị cấp dưới của nó.", field="parent_id")
    old_path = unit.path
    new_path = f"{new_parent.path if new_parent else '/'}{unit.id}/"
    old_parent = unit.parent.name if unit.parent else None
    unit.parent = new_parent
    # Rewrite the prefix of the whole subtree in one statement.
    db.session.execute(
        update(Unit)
        .where(Unit.path.startswith(old_path))
        .values(path=literal(new_path, String()).concat(func.substr(Unit.path, len(old_path) + 1)))
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    from ..organisers.services import refresh_unit_organisers

    refresh_unit_organisers()
    record(
        "unit.move",
        unit,
        changes={"parent": [old_parent, new_parent.name if new_parent else None]},
    )


def set_unit_active(unit: Unit, active: bool) -> None:
    if unit.is_active == active:
        return
    if not active:
        active_children = db.session.scalar(
            select(func.count()).where(Unit.parent_id == unit.id, Unit.is_active.is_(True))
        )
        if active_children:
            raise UnitError(
                "Đơn vị còn đơn vị trực thuộc đang hoạt động; hãy chuyển hoặc ngừng hoạt động "
                "các đơn vị đó trước."
            )
    unit.is_active = active
    record("unit.activate" if active else "unit.deactivate", unit, changes={"is_active": [not active, active]})


def tree_order(units: list[Unit]) -> list[Unit]:
    """Depth-first order with siblings in Vietnamese alphabetical order."""
    by_parent: dict[int | None, list[Unit]] = {}
    ids = {u.id for u in units}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in ids else None
        by_parent.setdefault(parent, []).append(unit)
    ordered: list[Unit] = []

    def walk(parent_id: int | None) -> None:
        for child in sorted(by_parent.get(parent_id, []), key=lambda u: u.sort_name):
            ordered.append(child)
            walk(child.id)

    walk(None)
    return ordered


def all_units_in_tree_order(active_only: bool = False, organiser_ids: Iterable[int] | None = None) -> list[Unit]:
    """Units in `tree_order`; `organiser_ids`: only the units of these organisers (None: the
    units under no organiser), chosen in the query (a province's hundred units, not the
    nation's thousands loaded and dropped)."""
    query = select(Unit)
    if active_only:
        query = query.where(Unit.is_active.is_(True))
    if organiser_ids is not None:
        ids = set(organiser_ids)
        chosen = Unit.organiser_id.in_(ids - {None})
        query = query.where(chosen | Unit.organiser_id.is_(None) if None in ids else chosen)
    return tree_order(list(db.session.scalars(query)))
