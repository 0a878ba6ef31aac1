"""Registering and editing a model's dossier, and finding models. Services flush; views commit."""

from __future__ import annotations

import heapq
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, false, select, true
from sqlalchemy.orm import joinedload

from ..audit.services import diff, record
from ..core.errors import DomainError, StaleError
from ..core.paging import COUNT_CAP, KeysetPage, SortKey, keyset_page
from ..core.queries import where_given
from ..core.text import fold, search_terms, sort_key
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


class DossierError(DomainError):
    """A refused change to a dossier; the Vietnamese message is shown to the user."""


class StaleDossier(DossierError, StaleError):
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
    unit_text: str = ""  # tên hoặc mã đơn vị, typed: see match_units

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
            unit_text=(args.get("ten_don_vi") or "").strip()[:200],
        )


def apply_search(query: Select, q: str) -> Select:
    """Diacritics-insensitive search: every folded word must occur in `search_text`."""
    for word in search_terms(q):
        query = query.where(Initiative.search_text.contains(word, autoescape=True))
    return query


# The list's order: newest year first, then by name (a byte-ordered key, so Python sorts it the
# same way), the id last. Paged by key; PostgreSQL walks the `(year DESC, sort_name, id)` index.
LIST_ORDER = (SortKey(Initiative.year, descending=True), SortKey(Initiative.sort_name), SortKey(Initiative.id))


def list_order() -> tuple[ColumnElement, ...]:
    return tuple(key.ordering for key in LIST_ORDER)


def filtered_initiatives_query(
    user, args: Mapping[str, Any] | ListFilters, *, units: UnitMatch | None = None, load_unit: bool = True
) -> Select:
    """The models `user` may see that match the list's filters, newest year first.

    Shared by the list page and the Excel export. Both unit filters include sub-units; pass
    `units` when the caller has already resolved `filters.unit_text` (it costs a query). The
    models' tags are the list page's to load: the export does not write them. `load_unit`:
    False for a caller that reads plain columns instead of models (the export).
    """
    filters = args if isinstance(args, ListFilters) else ListFilters.from_args(args)
    query = select(Initiative).where(visible_clause(user)).order_by(*list_order())
    if load_unit:
        query = query.options(joinedload(Initiative.unit))
    query = where_given(
        apply_search(query, filters.q),
        (Initiative.year, filters.year),
        (Initiative.field, filters.field),
        (Initiative.status, filters.status),
        (Initiative.kind, filters.kind),
    )
    if filters.unit_id:
        unit = db.session.get(Unit, filters.unit_id)
        if unit is not None:
            subtree = select(Unit.id).where(Unit.path.startswith(unit.path, autoescape=True))
            query = query.where(Initiative.unit_id.in_(subtree))
    if filters.unit_text:
        query = query.where((units or match_units(filters.unit_text)).clause())
    if filters.unit_kind:
        query = query.where(Initiative.unit_id.in_(select(Unit.id).where(Unit.kind == filters.unit_kind)))
    return query


# --- The unit filter: units found by a typed name or code ----------------------------------
#
# A national tree has 3,500 units: a drop-down of all of them weighed 200 KB and took most of
# the list page's time. Units are found instead by what the user types, ignoring diacritics
# and case like the model search. A unit's label carries its ancestors' names ("Sở Y tế
# (UBND tỉnh Ninh Bình)"), so "y te ninh binh" finds it and "ninh binh" finds the province
# with everything below it. Folding happens in Python, so SQLite and PostgreSQL behave alike
# without an extension: the tree is read in one query of four short columns (a few ms for
# 3,500 units) and each name is folded once per process.

_WORD_RE = re.compile(r"\w+")


@lru_cache(maxsize=32768)
def _folded_words(text: str) -> str:
    return " ".join(_WORD_RE.findall(fold(text)))


_sort_key = lru_cache(maxsize=32768)(sort_key)


def unit_words(text: str | None) -> list[str]:
    """The folded words of a typed unit filter; punctuation such as the label's brackets drops out."""
    return _WORD_RE.findall(fold(text))


def _label(name: str, parents: list[str]) -> str:
    return f"{name} ({', '.join(parents)})" if parents else name


@dataclass(frozen=True)
class UnitChoice:
    """One unit as the filter shows it: "Name (parent, grandparent, ...)"."""

    id: int
    label: str


class _UnitTree:
    """Every unit (inactive ones too: their models stay in the list) with its ancestors and the
    folded words of its label, for matching."""

    def __init__(self, rows: Sequence[Any]) -> None:
        self.parent = {row.id: row.parent_id for row in rows}
        self.name = {row.id: row.name for row in rows}
        self.code = {row.id: _folded_words(row.code) for row in rows}
        self.own = {row.id: _folded_words(row.name) for row in rows}
        self.ancestors: dict[int, tuple[int, ...]] = {}  # nearest first
        self.words: dict[int, str] = {}  # own name, then the parents' names, folded
        for uid in self.name:
            self._walk(uid, ())

    def _walk(self, uid: int, below: tuple[int, ...]) -> None:
        if uid in self.ancestors:
            return
        parent = self.parent[uid]
        # A parent missing from the rows, or a cycle (neither happens in a sound tree), ends the chain.
        if parent in self.name and parent != uid and parent not in below:
            self._walk(parent, (*below, uid))
            self.ancestors[uid] = (parent, *self.ancestors[parent])
            self.words[uid] = f"{self.own[uid]} {self.words[parent]}"
        else:
            self.ancestors[uid] = ()
            self.words[uid] = self.own[uid]

    def choice(self, uid: int) -> UnitChoice:
        return UnitChoice(uid, _label(self.name[uid], [self.name[a] for a in self.ancestors[uid]]))

    def match(self, words: list[str]) -> set[int]:
        """Units whose label is exactly the text (a suggestion picked as offered); else those
        whose label holds the text as a phrase, or whose code is the text; else those whose
        label or code holds every word."""
        phrase = " ".join(words)
        found = {uid for uid, label in self.words.items() if label == phrase}
        if not found:
            found = {uid for uid, label in self.words.items() if phrase in label or self.code[uid] == phrase}
        if not found:
            found = {uid for uid, label in self.words.items()
                     if all(w in label or w in self.code[uid] for w in words)}
        return found

    def order(self, uid: int) -> tuple[int, str]:
        return len(self.ancestors[uid]), _sort_key(self.name[uid])


# The last tree built by this process, with the rows it was built from.
_last_tree: tuple[Sequence[Any], _UnitTree] | None = None


def _unit_tree() -> _UnitTree:
    """The tree as it is now. It is read on every call, but folded again only when a row has
    changed: comparing 3,500 rows costs 3 ms, building the tree from them 20 ms."""
    global _last_tree
    rows = db.session.execute(select(Unit.id, Unit.parent_id, Unit.name, Unit.code).order_by(Unit.id)).all()
    last = _last_tree
    if last is not None and last[0] == rows:
        return last[1]
    tree = _UnitTree(rows)
    _last_tree = (rows, tree)
    return tree


@dataclass(frozen=True)
class UnitMatch:
    """The units a typed filter stands for.

    `named` are the first of the top-most matching units, which the page shows, out of
    `named_count`; `unit_ids` holds all of those and every unit below them, or None when every
    unit matched (no restriction).
    """

    text: str
    named: list[UnitChoice]
    named_count: int
    unit_ids: frozenset[int] | None

    def clause(self) -> ColumnElement[bool]:
        if self.unit_ids is None:
            return true()
        if not self.unit_ids:
            return false()
        return Initiative.unit_id.in_(sorted(self.unit_ids))


def match_units(text: str, shown: int = 5, *, allowed: set[int] | None = None) -> UnitMatch:
    """Resolve a typed unit filter to the units it names and everything below them.

    `allowed`: the units the user may filter by (its organisers' scope); None, every unit."""
    words = unit_words(text)
    if not words:
        return UnitMatch(text=text, named=[], named_count=0, unit_ids=None)
    tree = _unit_tree()
    found = tree.match(words)
    if allowed is not None:
        found &= allowed
    if len(found) == len(tree.name if allowed is None else allowed):
        return UnitMatch(text=text, named=[], named_count=0, unit_ids=None)
    covered = {uid for uid, above in tree.ancestors.items() if uid in found or not found.isdisjoint(above)}
    if allowed is not None:
        covered &= allowed
    top = [uid for uid in found if found.isdisjoint(tree.ancestors[uid])]
    named = [tree.choice(uid) for uid in heapq.nsmallest(shown, top, key=tree.order)]
    return UnitMatch(text=text, named=named, named_count=len(top), unit_ids=frozenset(covered))


def suggest_units(text: str, limit: int = 15, *, allowed: set[int] | None = None) -> list[UnitChoice]:
    """Units to offer while the user types: the top of the tree (of the `allowed` units, when
    given) when nothing is typed; else the matches, units whose own name or code matches
    first, higher levels first."""
    words = unit_words(text)
    tree = _unit_tree()
    if words:
        found = tree.match(words)
        if allowed is not None:
            found &= allowed
    elif allowed is None:
        found = {uid for uid, above in tree.ancestors.items() if not above}
    else:
        found = {uid for uid in allowed if uid in tree.ancestors and allowed.isdisjoint(tree.ancestors[uid])}

    def rank(uid: int) -> tuple[bool, int, str]:
        own = f"{tree.own[uid]} {tree.code[uid]}"
        return (not all(w in own for w in words), *tree.order(uid))

    return [tree.choice(uid) for uid in heapq.nsmallest(limit, found, key=rank)]


def unit_label(unit: Unit) -> str:
    """The same label as the filter's suggestions, for a unit chosen by id (one query)."""
    return _label(unit.name, [a.name for a in reversed(unit.ancestors())])


# --- Paging the list ---------------------------------------------------------------------------


def page_of_initiatives(query: Select, *, per_page: int, after: str | None = None,
                        before: str | None = None) -> KeysetPage:
    """The page of `filtered_initiatives_query` after (or before) the model a paging link
    names. Counting every match of a broad search costs as much as reading them all (100-450 ms
    for 9,000 matches at national size) and nobody pages that far, so past COUNT_CAP the list
    says "hơn 1.000"; under it the page is cut from the matches' keys (see keyset_page)."""
    return keyset_page(query, LIST_ORDER, per_page=per_page, after=after, before=before,
                       count_cap=COUNT_CAP, cut_in_python=True)
