"""The filters and sorts of a round's ranking, shared by the ranking page and its Excel
download, so that what is downloaded is what the page shows.

Query parameters (Vietnamese, like the rest of the app's URLs): `linh_vuc` (field), `khoi`
(unit kind), `don_vi` (a unit id: it and every unit below it), `thuoc` (units named like the
text or with that code, and every unit below them), `xep_loai` (grade), `tinh_trang`
(`chua-du`: not enough scorecards, `chenh-lech`: large disagreement), `q` (the registry's
folded search text), `sap_xep` and `chieu` (sort key and direction).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from sqlalchemy import select

from ..core.text import search_terms
from ..extensions import db
from ..registry.models import Field, Initiative
from ..registry.services import match_units
from ..units.models import Unit, UnitKind
from .models import Grade, Round, RoundEntry
from .ranking import RankingRow

SORTS = {
    "hang": lambda r: (r.rank is None, r.rank or 0, r.unit_sort, r.name_sort),
    "diem": lambda r: (r.total is None, -(r.total or 0), r.unit_sort),
    "ten": lambda r: (r.name_sort, r.unit_sort),
    "don-vi": lambda r: (r.unit_sort, r.name_sort),
    "chenh-lech": lambda r: (r.spread is None, -(r.spread or 0)),
}
UNIT_HINTS = 5  # units named under the typed unit filter
FILTER_KEYS = ("linh_vuc", "khoi", "don_vi", "thuoc", "xep_loai", "tinh_trang", "q")


@dataclass
class RankingView:
    """The rows left by the filters, in the chosen order, and the filters as read."""

    rows: list[RankingRow]
    field: str = ""
    kind: str = ""
    scope: Unit | None = None
    unit_text: str = ""
    matched_units: list[str] = dataclass_field(default_factory=list)
    matched_count: int = 0
    grade: str = ""
    status: str = ""
    q: str = ""
    sort: str = "hang"
    descending: bool = False
    unit_ids: set[int] | None = None  # the units `unit_text` names and those below them

    @property
    def is_filtered(self) -> bool:
        return bool(self.field or self.kind or self.scope or self.unit_text or self.grade
                    or self.status or search_terms(self.q))

    def describe(self) -> list[str]:
        """The filters in words, for the heading of a download."""
        from ..registry.models import Field
        from ..units.models import UnitKind

        parts = []
        if self.field:
            parts.append(f"Lĩnh vực: {Field.labels().get(Field(self.field), self.field)}")
        if self.kind:
            parts.append(f"Khối: {UnitKind.labels().get(UnitKind(self.kind), self.kind)}")
        if self.scope is not None:
            parts.append(f"Đơn vị: {self.scope.name} và các đơn vị trực thuộc")
        if self.unit_text:
            parts.append(f"Đơn vị: “{self.unit_text}” và các đơn vị trực thuộc")
        if self.grade:
            parts.append(f"Xếp loại: {Grade(self.grade).label}")
        if self.status == "chua-du":
            parts.append("Chưa đủ phiếu chấm")
        elif self.status == "chenh-lech":
            parts.append("Chênh lệch lớn")
        if search_terms(self.q):
            parts.append(f"Tìm: “{self.q}”")
        return parts


def read_filters(round_: Round, args: Mapping[str, str]) -> RankingView:
    """The filters and sort of `args` as understood, without applying them (no rows yet)."""
    view = RankingView(rows=[])
    field_ = args.get("linh_vuc") or ""
    if field_ in {f.value for f in Field}:
        view.field = field_
    kind = args.get("khoi") or ""
    if kind in {k.value for k in UnitKind}:
        view.kind = kind
    try:
        unit_id = int(args.get("don_vi") or 0)
    except ValueError:
        unit_id = 0
    view.scope = db.session.get(Unit, unit_id) if unit_id > 0 else None
    view.unit_text = (args.get("thuoc") or "").strip()[:100]
    if view.unit_text:  # the models of the units named and of every unit below them
        match = match_units(view.unit_text, shown=UNIT_HINTS)  # the registry list's own rule
        view.matched_units = [choice.label for choice in match.named]
        view.matched_count = match.named_count
        view.unit_ids = match.unit_ids
    grade = args.get("xep_loai") or ""  # from the dashboard's grade counts
    if grade in {g.value for g in Grade}:
        view.grade = grade
    status = args.get("tinh_trang") or ""
    view.status = status if status in {"chua-du", "chenh-lech"} else ""
    view.q = (args.get("q") or "").strip()
    view.sort = args.get("sap_xep") or "hang"
    view.descending = args.get("chieu") == "giam"
    return view


def filter_ranking(round_: Round, rows: list[RankingRow], args: Mapping[str, str]) -> RankingView:
    """Apply the query parameters `args` to the round's ranking rows (the whole list: the
    Excel export and a published round; the live page is one query, see `ranking_page`)."""
    view = read_filters(round_, args)
    if view.field:
        rows = [r for r in rows if r.field and r.field.value == view.field]
    if view.kind:
        rows = [r for r in rows if r.unit_kind.value == view.kind]
    if view.scope is not None:
        inside = set(db.session.scalars(select(Unit.id).where(Unit.path.startswith(view.scope.path))))
        rows = [r for r in rows if r.unit_id in inside]
    if view.unit_ids is not None:
        rows = [r for r in rows if r.unit_id in view.unit_ids]
    if view.grade:
        rows = [r for r in rows if r.grade and r.grade.value == view.grade]
    if view.status == "chua-du":
        rows = [r for r in rows if not r.complete]
    elif view.status == "chenh-lech":
        rows = [r for r in rows if r.is_disagreement]
    words = search_terms(view.q)
    if words:  # the registry's folded search text (name, unit, topics), trigram-indexed on PostgreSQL
        found = set(db.session.scalars(
            select(RoundEntry.initiative_id)
            .join(Initiative, RoundEntry.initiative_id == Initiative.id)
            .where(RoundEntry.round_id == round_.id, *(Initiative.search_text.contains(w) for w in words))
        ))
        rows = [r for r in rows if r.initiative_id in found]
    if view.sort != "hang" or view.descending:  # the ranking comes in rank order already
        rows = sorted(rows, key=SORTS.get(view.sort, SORTS["hang"]), reverse=view.descending)
    view.rows = rows
    return view
