"""Registering and editing a model's dossier, and finding models. Services flush; views commit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from ..audit.services import diff, record
from ..core.text import search_terms
from ..core.types import utcnow
from ..extensions import db
from ..units.models import Unit, UnitKind
from .models import Field, Initiative, InitiativeKind, Status, Transition
from .permissions import visible_clause

STALE_MESSAGE = (
    "Hồ sơ đã được người khác thay đổi trong lúc bạn đang sửa, nên thay đổi của bạn chưa được lưu. "
    "Vui lòng tải lại trang để xem bản mới nhất rồi nhập lại."
)

# What a submitted dossier must contain, with the Vietnamese label of each field.
REQUIRED_ON_SUBMIT = (
    ("name", "Tên mô hình"),
    ("field", "Lĩnh vực"),
    ("situation", "Thực trạng, lý do xây dựng mô hình"),
    ("goals", "Mục tiêu"),
    ("content_method", "Nội dung, cách thức thực hiện"),
    ("area", "Địa bàn thực hiện"),
    ("target_group", "Đối tượng"),
    ("lead_name", "Họ tên người phụ trách"),
    ("lead_position", "Chức vụ người phụ trách"),
    ("lead_phone", "Số điện thoại liên hệ"),
    ("start_date", "Thời gian bắt đầu"),
    ("results_quantitative", "Kết quả định lượng"),
    ("results_qualitative", "Kết quả định tính"),
    ("sustainability", "Khả năng duy trì, nhân rộng"),
)


class DossierError(ValueError):
    """A refused change to a dossier; the Vietnamese message is shown to the user."""


class StaleDossier(DossierError):
    def __init__(self) -> None:
        super().__init__(STALE_MESSAGE)


@dataclass
class DossierData:
    """The values of a dossier as a form delivers them, already parsed and checked."""

    name: str
    values: dict[str, Any]
    tags: list[str]
    members: list[tuple[str, str]]


def missing_for_submit(initiative: Initiative) -> list[str]:
    """Labels of the required fields that are still empty, in form order."""
    missing = []
    for attr, label in REQUIRED_ON_SUBMIT:
        value = getattr(initiative, attr)
        if value is None or (isinstance(value, str) and not value.strip()):
            missing.append(label)
    if not initiative.is_ongoing and initiative.end_date is None:
        missing.append("Thời gian kết thúc (hoặc chọn “Đang tiếp tục thực hiện”)")
    if not initiative.evidence:
        missing.append("Ít nhất một tệp minh chứng")
    return missing


def _check_links(unit: Unit, initiative: Initiative, values: dict[str, Any]) -> None:
    continues_id = values.get("continues_id")
    if continues_id:
        earlier = db.session.get(Initiative, continues_id)
        if earlier is None or earlier.unit_id != unit.id or earlier.year >= values["year"]:
            raise DossierError("Mô hình được tiếp nối phải là mô hình của đơn vị mình ở một năm trước.")
    replicates_id = values.get("replicates_id")
    if replicates_id:
        source = db.session.get(Initiative, replicates_id)
        if source is None or source.status is not Status.ACCEPTED:
            raise DossierError(f"Không tìm thấy mô hình đã được công nhận có mã số {replicates_id}.")
        if source.unit_id == unit.id:
            raise DossierError("Mô hình nhân rộng phải là mô hình của một đơn vị khác.")
        if initiative.id is not None and source.id == initiative.id:
            raise DossierError("Mô hình không thể nhân rộng chính nó.")


def _normalise(values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    for key in ("continues_id", "replicates_id"):
        values[key] = values.get(key) or None
    if values.get("is_ongoing"):
        values["end_date"] = None
    start, end = values.get("start_date"), values.get("end_date")
    if isinstance(start, date) and isinstance(end, date) and end < start:
        raise DossierError("Thời gian kết thúc phải sau thời gian bắt đầu.")
    for key in ("budget_state", "budget_social", "workdays", "beneficiaries"):
        if values.get(key) is None:
            values[key] = 0
        if values[key] < 0:
            raise DossierError("Kinh phí, ngày công và số người hưởng lợi không được là số âm.")
    return values


def _apply(initiative: Initiative, data: DossierData, values: dict[str, Any]) -> None:
    initiative.set_name(data.name)
    for key, value in values.items():
        setattr(initiative, key, value)
    initiative.set_tags(data.tags)
    initiative.set_members(data.members)


def create_initiative(unit: Unit, data: DossierData, *, actor) -> Initiative:
    """Register a new model as a draft of `unit`."""
    values = _normalise(data.values)
    initiative = Initiative(unit=unit, status=Status.DRAFT, created_by_id=getattr(actor, "id", None))
    _check_links(unit, initiative, values)
    _apply(initiative, data, values)
    db.session.add(initiative)
    initiative.transitions.append(
        Transition(from_status=None, to_status=Status.DRAFT, actor_id=getattr(actor, "id", None))
    )
    db.session.flush()
    initiative.refresh_search_text()
    db.session.flush()
    record("initiative.create", initiative, actor=actor, changes={"name": [None, initiative.name]})
    return initiative


def update_initiative(initiative: Initiative, data: DossierData, *, actor, expected_version: int | None) -> None:
    """Save the dossier; refuse it when the form was opened on an older version."""
    if expected_version is None or expected_version != initiative.version:
        raise StaleDossier()
    if not initiative.is_editable:
        raise DossierError("Mô hình đã nộp nên không sửa được, trừ khi được trả lại để bổ sung.")
    values = _normalise(data.values)
    _check_links(initiative.unit, initiative, values)
    changes = diff(initiative, {"name": data.name.strip(), **values})
    old_tags, old_members = initiative.tag_list, [(m.full_name, m.position) for m in initiative.members]
    _apply(initiative, data, values)
    if old_tags != initiative.tag_list:
        changes["tags"] = [old_tags, initiative.tag_list]
    if old_members != data.members:
        changes["members"] = [[" - ".join(m) for m in old_members], [" - ".join(m) for m in data.members]]
    initiative.refresh_search_text()
    # Always touch the row so its version moves on, even when only tags or members changed.
    initiative.updated_at = utcnow()
    db.session.flush()
    if changes:
        record("initiative.update", initiative, actor=actor, changes=changes)


# --- Finding models -------------------------------------------------------------------------


@dataclass(frozen=True)
class ListFilters:
    """The list's filters, parsed from the query string (Vietnamese parameter names)."""

    q: str = ""
    year: int | None = None
    unit_id: int | None = None
    field: Field | None = None
    status: Status | None = None
    kind: InitiativeKind | None = None
    unit_kind: UnitKind | None = None  # loại đơn vị, e.g. from the dashboard's counts

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> ListFilters:
        def enum_or_none(enum_cls, raw):
            try:
                return enum_cls(raw) if raw else None
            except ValueError:
                return None

        def int_or_none(raw):
            try:
                return int(raw) if raw not in (None, "") else None
            except (TypeError, ValueError):
                return None

        return cls(
            q=(args.get("q") or "").strip()[:200],
            year=int_or_none(args.get("nam")),
            unit_id=int_or_none(args.get("don_vi")),
            field=enum_or_none(Field, args.get("linh_vuc")),
            status=enum_or_none(Status, args.get("trang_thai")),
            kind=enum_or_none(InitiativeKind, args.get("loai")),
            unit_kind=enum_or_none(UnitKind, args.get("loai_don_vi")),
        )


def apply_search(query: Select, q: str) -> Select:
    """Diacritics-insensitive search: every folded word must occur in `search_text`."""
    for word in search_terms(q):
        query = query.where(Initiative.search_text.contains(word, autoescape=True))
    return query


def filtered_initiatives_query(user, args: Mapping[str, Any] | ListFilters) -> Select:
    """The models `user` may see that match the list's filters, newest year first.

    Shared by the list page and the Excel export. The unit filter includes sub-units.
    """
    filters = args if isinstance(args, ListFilters) else ListFilters.from_args(args)
    query = (
        select(Initiative)
        .where(visible_clause(user))
        .options(joinedload(Initiative.unit), selectinload(Initiative.tags))
        .order_by(Initiative.year.desc(), Initiative.sort_name, Initiative.id)
    )
    query = apply_search(query, filters.q)
    if filters.year:
        query = query.where(Initiative.year == filters.year)
    if filters.unit_id:
        unit = db.session.get(Unit, filters.unit_id)
        if unit is not None:
            subtree = select(Unit.id).where(Unit.path.startswith(unit.path, autoescape=True))
            query = query.where(Initiative.unit_id.in_(subtree))
    if filters.field:
        query = query.where(Initiative.field == filters.field)
    if filters.status:
        query = query.where(Initiative.status == filters.status)
    if filters.kind:
        query = query.where(Initiative.kind == filters.kind)
    if filters.unit_kind:
        query = query.where(Initiative.unit_id.in_(select(Unit.id).where(Unit.kind == filters.unit_kind)))
    return query
