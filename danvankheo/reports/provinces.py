"""A periodic report over several provinces (the national observer's) sums by province.

A national reader wants one line per province, not one per unit (3,500 of them): the page, its
workbook and the national job print the province lines, and each line links to the same report
restricted to that province (`?tinh=<organiser id>`), whose unit lines add up to it.

An organiser's province is the nearest organiser at or above it at province level (a commune
belongs to its province; a province, or a national organiser at the highest level there is, to
itself); an organiser with none above it belongs to the top of its tree. A report spans several
provinces when its organisers belong to more than one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from ..extensions import db
from ..organisers.models import Organiser, OrganiserLevel
from ..scoring.models import Grade


def province_of(organiser_ids: Iterable[int] | None = None) -> dict[int, int]:
    """{organiser id: its province's organiser id} for `organiser_ids` (None: every organiser)."""
    rows = db.session.execute(select(Organiser.id, Organiser.parent_id, Organiser.level)).all()
    parent = {row.id: row.parent_id for row in rows}
    level = {row.id: row.level for row in rows}

    def find(organiser_id: int) -> int:
        current, top, seen = organiser_id, organiser_id, set()
        while current is not None and current in parent and current not in seen:
            if level[current] is OrganiserLevel.PROVINCE:
                return current
            seen.add(current)
            top, current = current, parent[current]
        return top

    wanted = parent if organiser_ids is None else [o for o in organiser_ids if o in parent]
    return {organiser_id: find(organiser_id) for organiser_id in wanted}


def spans_provinces(provinces: dict[int, int]) -> bool:
    return len(set(provinces.values())) > 1


def organisers_of_province(provinces: dict[int, int], province_id: int) -> list[int]:
    """The organisers of the report that belong to `province_id`, in the report's order."""
    return [organiser_id for organiser_id, province in provinces.items() if province == province_id]


@dataclass
class ProvinceLine:
    """Tổng hợp theo tỉnh: a province's figures, the sum of its unit lines."""

    organiser: Organiser | None  # None: units of no organiser
    registered: int = 0
    submitted: int = 0
    accepted: int = 0
    scope_units: int = 0  # units that must register
    units_without_models: int = 0  # of those, units that registered nothing

    @property
    def name(self) -> str:
        return self.organiser.name if self.organiser is not None else "Đơn vị chưa thuộc cơ quan tổ chức nào"

    @property
    def is_empty(self) -> bool:
        return not (self.registered or self.submitted or self.accepted or self.scope_units)


@dataclass
class ProvinceRounds:
    """A province's finalised rounds of the period, and how many models each grade took."""

    organiser: Organiser | None
    rounds: int = 0
    grades: dict[Grade | None, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.organiser.name if self.organiser is not None else "Đơn vị chưa thuộc cơ quan tổ chức nào"


def _organisers(ids: Iterable[int]) -> dict[int, Organiser]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {o.id: o for o in db.session.scalars(select(Organiser).where(Organiser.id.in_(wanted)))}


def province_lines(unit_lines, provinces: dict[int, int]) -> list[ProvinceLine]:
    """The unit lines (reports.periodic.UnitLine) summed by province, sorted like them."""
    sums: dict[int | None, ProvinceLine] = {}
    for line in unit_lines:
        key = provinces.get(line.unit.organiser_id)
        target = sums.setdefault(key, ProvinceLine(None))
        target.registered += line.counts.registered
        target.submitted += line.counts.submitted
        target.accepted += line.counts.accepted
        if line.in_scope:
            target.scope_units += 1
            target.units_without_models += line.counts.registered == 0
    organisers = _organisers(k for k in sums if k is not None)
    for key, line in sums.items():
        line.organiser = organisers.get(key)
    lines = [line for line in sums.values() if not line.is_empty]
    lines.sort(key=lambda line: (-line.registered, -line.submitted,
                                 line.organiser.unit.sort_name if line.organiser else "\uffff"))
    return lines


def province_rounds(round_results, provinces: dict[int, int], lines: list[ProvinceLine]) -> list[ProvinceRounds]:
    """The finalised rounds (reports.periodic.RoundResult) counted by province, in the order of
    the province lines (a province without a line but with a round comes last)."""
    by_province: dict[int | None, ProvinceRounds] = {
        (line.organiser.id if line.organiser else None): ProvinceRounds(line.organiser) for line in lines
    }
    extra: list[int] = []
    for result in round_results:
        key = provinces.get(result.round.organiser_id)
        if key not in by_province:
            by_province[key] = ProvinceRounds(None)
            extra.append(key)
        target = by_province[key]
        target.rounds += 1
        for grade, n in result.grade_counts.items():
            target.grades[grade] = target.grades.get(grade, 0) + n
    organisers = _organisers(k for k in extra if k is not None)
    for key in extra:
        by_province[key].organiser = organisers.get(key)
    return list(by_province.values())


class ProvinceNotReadable(LookupError):
    """`?tinh=` names a province outside the reader's report: the page answers 404."""


@dataclass(frozen=True)
class ProvinceChoice:
    """The report's organisers after `?tinh=`: all of the reader's, or one province's."""

    organiser_ids: list[int]
    province: Organiser | None = None
    error: str = ""


def choose_province(raw: str | None, organiser_ids: list[int]) -> ProvinceChoice:
    """The report restricted to the province `raw` (an organiser id) among `organiser_ids`."""
    raw = (raw or "").strip()
    if not raw:
        return ProvinceChoice(organiser_ids)
    if not raw.isdigit() or len(raw) > 9:
        return ProvinceChoice(organiser_ids, error=f"Mã tỉnh, thành phố “{raw[:20]}” không hợp lệ. "
                                                   "Vui lòng chọn tỉnh, thành phố từ báo cáo chung.")
    province = db.session.get(Organiser, int(raw))
    if province is None:
        return ProvinceChoice(organiser_ids, error=f"Không có tỉnh, thành phố nào mang mã {int(raw)}. "
                                                   "Vui lòng chọn tỉnh, thành phố từ báo cáo chung.")
    provinces = province_of(organiser_ids)
    if province.id not in provinces:
        raise ProvinceNotReadable(province.id)
    if provinces[province.id] != province.id:
        return ProvinceChoice(organiser_ids, error=f"“{province.name}” không phải là một tỉnh, thành phố của "
                                                   "báo cáo. Vui lòng chọn tỉnh, thành phố từ báo cáo chung.")
    return ProvinceChoice(organisers_of_province(provinces, province.id), province)
