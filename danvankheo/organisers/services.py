"""Organisers and their scopes. They flush; the request commits.

Every unit belongs to one organiser: the nearest organiser at or above it, or, for a unit
outside every organiser's subtree, the deployment's default organiser (the one an older
database's data moved to). `Unit.organiser_id` stores it; `refresh_unit_organisers` recomputes
it, and `Organiser.parent_id`, after every change of the tree or of the organisers.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, update

from ..audit.services import record
from ..awards.models import PassRule
from ..core.errors import DomainError
from ..extensions import db
from ..units.models import Unit, UnitKind
from .models import Organiser, OrganiserLevel


class OrganiserError(DomainError):
    """A refused change to the organisers; the message is shown to the user."""


LEVEL_OF_KIND = {
    UnitKind.PROVINCE: OrganiserLevel.PROVINCE,
    UnitKind.COMMUNE: OrganiserLevel.COMMUNE,
    UnitKind.DISTRICT: OrganiserLevel.COMMUNE,
    UnitKind.DEPARTMENT: OrganiserLevel.DEPARTMENT,
}


def default_organiser() -> Organiser | None:
    return db.session.scalar(select(Organiser).where(Organiser.is_default.is_(True)))


def default_organiser_id() -> int | None:
    """The default organiser's id: what "no organiser named" means to deadlines and rounds."""
    return db.session.scalar(select(Organiser.id).where(Organiser.is_default.is_(True)))


def all_organisers() -> list[Organiser]:
    organisers = list(db.session.scalars(select(Organiser)))
    return sorted(organisers, key=lambda o: (o.unit.path.count("/"), o.unit.sort_name))


def organiser_of_unit(unit: Unit | None) -> Organiser | None:
    if unit is None or unit.organiser_id is None:
        return default_organiser()
    return db.session.scalar(select(Organiser).where(Organiser.id == unit.organiser_id))


def nearest_organiser_id(unit_path: str, organiser_by_unit: dict[int, int], default_id: int | None) -> int | None:
    for part in reversed([p for p in unit_path.strip("/").split("/") if p]):
        found = organiser_by_unit.get(int(part))
        if found is not None:
            return found
    return default_id


def refresh_unit_organisers() -> int:
    """Recompute every unit's organiser and every organiser's parent. Returns how many units
    changed organiser. A province of a few thousand units takes one pass in memory."""
    db.session.flush()
    organisers = list(db.session.scalars(select(Organiser)))
    by_unit = {o.unit_id: o.id for o in organisers}
    default = next((o for o in organisers if o.is_default), None)
    default_id = default.id if default else None
    rows = db.session.execute(select(Unit.id, Unit.path, Unit.organiser_id, Unit.parent_id)).all()
    paths = {row.id: row.path for row in rows}
    changed: dict[int, int | None] = {}
    for row in rows:
        wanted = nearest_organiser_id(row.path, by_unit, default_id)
        if wanted != row.organiser_id:
            changed[row.id] = wanted
    for target in set(changed.values()):
        ids = [unit_id for unit_id, org in changed.items() if org == target]
        for start in range(0, len(ids), 500):
            db.session.execute(
                update(Unit).where(Unit.id.in_(ids[start:start + 500])).values(organiser_id=target)
                .execution_options(synchronize_session=False)
            )
    parent_unit = {row.id: row.parent_id for row in rows}
    for organiser in organisers:
        above = parent_unit.get(organiser.unit_id)
        if above is not None:
            parent = nearest_organiser_id(paths[above], by_unit, default_id)
        else:
            parent = None if organiser.is_default else default_id
        if parent == organiser.id:
            parent = None
        if organiser.parent_id != parent:
            organiser.parent_id = parent
    db.session.flush()
    db.session.expire_all()
    return len(changed)


def place_new_unit(unit: Unit) -> None:
    """A new unit joins its parent's organiser (or the default one); the first unit of an
    empty deployment becomes its default organiser."""
    if unit.parent is not None and unit.parent.organiser_id is not None:
        unit.organiser_id = unit.parent.organiser_id
        return
    default = default_organiser()
    if default is None and unit.parent is None:
        default = _create(unit, level=LEVEL_OF_KIND.get(unit.kind, OrganiserLevel.PROVINCE), is_default=True)
    unit.organiser_id = default.id if default else None


def _create(unit: Unit, *, level: OrganiserLevel, is_default: bool = False, **settings) -> Organiser:
    organiser = Organiser(unit_id=unit.id, level=level, is_default=is_default)
    for key, value in settings.items():
        setattr(organiser, key, (value or "").strip() if isinstance(value, str) or value is None else value)
    db.session.add(organiser)
    db.session.flush()
    return organiser


SETTINGS_FIELDS = (
    "secretariat_name", "parent_body_name", "issuing_body_name", "number_suffix", "place_name",
    "signer_authority", "signer_title", "signer_name", "decision_body_name", "decision_number_suffix",
    "submission_addressee", "vote_threshold_percent",
)


def make_organiser(unit: Unit, *, level: OrganiserLevel, by=None, **settings) -> Organiser:
    """Mark `unit` as an organiser: its subtree (without nested organisers') becomes its scope."""
    if not unit.is_active:
        raise OrganiserError("Đơn vị đã ngừng hoạt động không thể là cơ quan tổ chức.", field="unit_id")
    if db.session.scalar(select(Organiser.id).where(Organiser.unit_id == unit.id)):
        raise OrganiserError(f"{unit.name} đã là cơ quan tổ chức.", field="unit_id")
    _check_settings(settings)
    has_default = default_organiser() is not None
    organiser = _create(unit, level=level, is_default=not has_default, **settings)
    moved = refresh_unit_organisers()
    record("organiser.create", organiser, actor=by,
           changes={"unit": [None, unit.name], "level": [None, level.value], "units": [0, moved]})
    return organiser


def update_organiser(organiser: Organiser, *, level: OrganiserLevel, by=None, **settings) -> None:
    _check_settings(settings)
    changes = {}
    if organiser.level is not level:
        changes["level"] = [organiser.level.value, level.value]
        organiser.level = level
    for key, value in settings.items():
        value = value.strip() if isinstance(value, str) else value
        if getattr(organiser, key) != value:
            changes[key] = [getattr(organiser, key), value]
            setattr(organiser, key, value)
    if changes:
        db.session.flush()
        record("organiser.update", organiser, actor=by, changes=changes)


def _check_settings(settings: dict) -> None:
    unknown = set(settings) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"unknown organiser settings: {sorted(unknown)}")
    threshold = settings.get("vote_threshold_percent")
    if threshold is not None and int(threshold) not in {rule.percent for rule in PassRule}:
        raise OrganiserError("Hãy chọn một quy định về số phiếu đồng ý: quá bán, từ 2/3 hoặc từ 70% tổng số "
                             "thành viên Hội đồng.", field="vote_threshold_percent")


def remove_organiser(organiser: Organiser, *, by=None) -> None:
    """Unmark an organiser that has run nothing yet: its units go back to the organiser above."""
    from ..registry.models import SubmissionDeadline
    from ..scoring.models import Round
    from .models import Nomination

    if organiser.is_default:
        raise OrganiserError("Không thể bỏ cơ quan tổ chức mặc định của hệ thống.")
    if db.session.scalar(select(Round.id).where(Round.organiser_id == organiser.id).limit(1)):
        raise OrganiserError(
            f"{organiser.name} đã có đợt đánh giá: không thể bỏ vai trò cơ quan tổ chức. "
            "Các đợt, hội đồng và khen thưởng của cơ quan này phải được giữ nguyên."
        )
    if db.session.scalar(
        select(Nomination.id).where(
            (Nomination.from_organiser_id == organiser.id) | (Nomination.to_organiser_id == organiser.id)
        ).limit(1)
    ):
        raise OrganiserError(f"{organiser.name} đã có mô hình đề nghị cấp trên: không thể bỏ.")
    from ..auth.models import UserRole

    if db.session.scalar(select(UserRole.id).where(UserRole.organiser_id == organiser.id).limit(1)):
        raise OrganiserError(
            f"Còn tài khoản giữ vai trò tại {organiser.name} (thường trực, giám khảo hoặc theo dõi): "
            "hãy chuyển các tài khoản đó trước."
        )
    db.session.execute(
        SubmissionDeadline.__table__.delete().where(SubmissionDeadline.organiser_id == organiser.id)
    )
    name = organiser.name
    record("organiser.delete", organiser, actor=by, changes={"unit": [name, None]})
    db.session.delete(organiser)
    refresh_unit_organisers()


# --- Scopes ---------------------------------------------------------------------------------


def descendant_ids(organiser: Organiser | int) -> set[int]:
    """The organiser and every organiser nested below it."""
    root = organiser if isinstance(organiser, int) else organiser.id
    children: dict[int | None, list[int]] = {}
    for org_id, parent_id in db.session.execute(select(Organiser.id, Organiser.parent_id)):
        children.setdefault(parent_id, []).append(org_id)
    found, todo = set(), [root]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found.add(current)
        todo.extend(children.get(current, []))
    return found


def own_units_select(organiser: Organiser | int):
    """Ids of the units in the organiser's own scope (nested organisers' units excluded)."""
    org_id = organiser if isinstance(organiser, int) else organiser.id
    return select(Unit.id).where(Unit.organiser_id == org_id)


def subtree_units_select(organiser: Organiser | int):
    """Ids of every unit under the organiser, nested organisers' units included."""
    return select(Unit.id).where(Unit.organiser_id.in_(descendant_ids(organiser)))


def children_of(organiser: Organiser) -> list[Organiser]:
    return sorted(
        db.session.scalars(select(Organiser).where(Organiser.parent_id == organiser.id)),
        key=lambda o: o.unit.sort_name,
    )


def unit_in_scope(unit_organiser_id: int | None, organiser: Organiser | None) -> bool:
    return organiser is not None and unit_organiser_id == organiser.id


def ids(organisers: Iterable[Organiser]) -> list[int]:
    return [o.id for o in organisers]
