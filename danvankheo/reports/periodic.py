"""The periodic report (báo cáo sơ kết 6 tháng, tổng kết năm) for a date range.

Each thing counts by its own date, never by when its record was written or imported
(local dates, both ends included):

- registered (đăng ký): the models of the period's years, on the day they were registered
  (the registry's first step), a day taken within the model's own year: a 2025 model
  entered in March 2026 belongs to 2025's report, a 2027 model registered in December
  2026 to 2027's;
- submitted (đã nộp): models submitted in the period and still submitted now (not
  withdrawn): the registry's "submitted" (đã nộp, trả lại, tiếp nhận, không tiếp nhận);
- accepted (tiếp nhận): models accepted in the period and still accepted;
- round results: the rounds of the period's years, finalised by its end (a round
  finalised after its year still reports in its year's tổng kết);
- awards: proposals by the date of their Tờ trình, approvals by the date of the Quyết định.

For a whole year, the numbers are those of the registry's list and compliance view for
the year, and the grades are the rankings'.

A report covers the organisers its reader reads (`organiser_ids`): the secretariat's own
scope, or an observer's whole subtree; None covers the whole deployment. Over several
provinces (the national observer's) it sums its units by province (reports.provinces).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select, true

from ..core.formatting import format_period
from ..core.timeutil import local_zone
from ..extensions import db
from ..registry.deadlines import DEFAULT_SCOPE_KINDS, default_scope_kinds
from ..registry.models import SUBMITTED_STATUSES, Field, Initiative, Status, SubmissionDeadline
from ..scoring.models import Grade, Round, RoundState
from ..scoring.ranking import RankingRow, ranking_for
from ..units.models import Unit
from .provinces import (
    ProvinceLine,
    ProvinceRounds,
    province_lines,
    province_of,
    province_rounds,
    spans_provinces,
)


@dataclass(frozen=True)
class Period:
    start: date | None
    end: date | None
    error: str = ""

    @property
    def is_valid(self) -> bool:
        return self.start is not None and self.end is not None and not self.error

    @property
    def label(self) -> str:
        if not self.is_valid:
            return ""
        return f"từ ngày {format_period(self.start, self.end).replace(' – ', ' đến ngày ')}"

    @property
    def title(self) -> str:
        """"Sơ kết 6 tháng đầu năm 2026", "Tổng kết năm 2026" or the plain range."""
        if not self.is_valid:
            return ""
        s, e = self.start, self.end
        if s.year == e.year and (s.month, s.day) == (1, 1):
            if (e.month, e.day) == (6, 30):
                return f"Sơ kết 6 tháng đầu năm {s.year}"
            if (e.month, e.day) == (12, 31):
                return f"Tổng kết năm {s.year}"
        return f"Báo cáo {self.label}"

    def bounds(self) -> tuple[datetime, datetime]:
        """[first moment, moment after the last day) in local time, as aware datetimes."""
        return _moment(self.start), _moment(self.end + timedelta(days=1))

    @property
    def years(self) -> range:
        return range(self.start.year, self.end.year + 1)

    def within_year(self, year: int, moment) -> Any:
        """SQL: `moment`, taken within `year` (an earlier one counts as 1 January, a later
        one as 31 December), falls in the period. For the part of the period in `year`."""
        first = max(self.start, date(year, 1, 1))
        last = min(self.end, date(year, 12, 31))
        conditions = []
        if first > date(year, 1, 1):
            conditions.append(moment >= _moment(first))
        if last < date(year, 12, 31):
            conditions.append(moment < _moment(last + timedelta(days=1)))
        return and_(true(), *conditions)


def _moment(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=local_zone())


@dataclass(frozen=True)
class Preset:
    label: str
    start: date
    end: date


def presets(today: date) -> list[Preset]:
    """The buttons: first six months and whole year, this year and last year."""
    result = []
    for year in (today.year, today.year - 1):
        result.append(Preset(f"6 tháng đầu năm {year}", date(year, 1, 1), date(year, 6, 30)))
        result.append(Preset(f"Cả năm {year}", date(year, 1, 1), date(year, 12, 31)))
    return result


def _parse_date(value: str | None) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    try:
        day, month, year = (int(part) for part in value.split("/"))
        return date(year, month, day)
    except ValueError:
        return None


def default_period(today: date) -> Period:
    """The report due now: the first half of the year until June (sơ kết 6 tháng), then
    the whole year (tổng kết năm), so that November and December see this year's figures."""
    if today.month <= 6:
        return Period(date(today.year, 1, 1), date(today.year, 6, 30))
    return Period(date(today.year, 1, 1), date(today.year, 12, 31))


def parse_period(args: Mapping[str, str], *, today: date) -> Period:
    """The period from `tu_ngay` and `den_ngay`; by default the report due now."""
    raw_start, raw_end = args.get("tu_ngay"), args.get("den_ngay")
    if not raw_start and not raw_end:
        return default_period(today)
    start, end = _parse_date(raw_start), _parse_date(raw_end)
    if start is None or end is None:
        return Period(start, end, "Vui lòng nhập ngày dạng dd/mm/yyyy cho cả hai đầu kỳ báo cáo.")
    if end < start:
        return Period(start, end, "Ngày kết thúc phải sau ngày bắt đầu.")
    if (end - start).days > 366 * 5:
        return Period(start, end, "Kỳ báo cáo dài tối đa 5 năm.")
    return Period(start, end)


@dataclass
class Counts:
    registered: int = 0
    submitted: int = 0
    accepted: int = 0

    def add(self, other: Counts) -> None:
        self.registered += other.registered
        self.submitted += other.submitted
        self.accepted += other.accepted


@dataclass
class UnitLine:
    unit: Unit
    counts: Counts
    in_scope: bool


@dataclass
class RoundResult:
    round: Round
    rows: list[RankingRow]

    @property
    def ranked(self) -> list[RankingRow]:
        return [r for r in self.rows if r.rank is not None]

    @property
    def grade_counts(self) -> dict[Grade | None, int]:
        counts: dict[Grade | None, int] = {}
        for row in self.rows:
            counts[row.grade] = counts.get(row.grade, 0) + 1
        return counts


@dataclass
class AwardFigures:
    """Proposals (hồ sơ đề nghị) and their lines: proposed in the period, approved in it."""

    proposals_submitted: int = 0
    lines_proposed: int = 0
    proposals_approved: int = 0
    lines_approved: int = 0
    by_form: list[tuple[str, int, int]] = field(default_factory=list)  # (award form, proposed, approved)
    available: bool = True


@dataclass
class PeriodicReport:
    period: Period
    totals: Counts
    by_field: dict[Field | None, Counts]
    units: list[UnitLine]
    rounds: list[RoundResult]
    awards: AwardFigures
    # Over several provinces (reports.provinces): the unit lines summed by province, the
    # rounds counted by province; None in a report over one province.
    provinces: list[ProvinceLine] | None = None
    province_rounds: list[ProvinceRounds] | None = None

    @property
    def by_province(self) -> bool:
        return self.provinces is not None

    @property
    def grade_totals(self) -> dict[Grade | None, int]:
        """Models per grade over every finalised round of the report."""
        totals: dict[Grade | None, int] = {}
        for result in self.rounds:
            for grade, n in result.grade_counts.items():
                totals[grade] = totals.get(grade, 0) + n
        return totals

    @property
    def units_without_models(self) -> list[UnitLine]:
        return [line for line in self.units if line.in_scope and line.counts.registered == 0]

    @property
    def units_with_models(self) -> list[UnitLine]:
        return [line for line in self.units if line.counts.registered or line.counts.submitted
                or line.counts.accepted]

    @property
    def scope_units(self) -> int:
        return sum(line.in_scope for line in self.units)


def _units_of(organiser_ids):
    """SQL: the ids of the organisers' units."""
    return select(Unit.id).where(Unit.organiser_id.in_(list(organiser_ids)))


def period_counts(period: Period, organiser_ids=None) -> dict[tuple[int, Field | None], Counts]:
    """Registered, submitted and accepted in the period, per (unit, field): one query."""
    start, end = period.bounds()

    def within(column):
        return and_(column >= start, column < end)

    # Each model's registration and last acceptance, kept on it from its steps (registry.step_dates).
    registered = or_(*(and_(Initiative.year == year, period.within_year(year, Initiative.registered_at))
                       for year in period.years))
    submitted = and_(within(Initiative.submitted_at), Initiative.status.in_(SUBMITTED_STATUSES))
    was_accepted = and_(within(Initiative.accepted_at), Initiative.status == Status.ACCEPTED)
    query = (
        select(
            Initiative.unit_id,
            Initiative.field,
            func.sum(case((registered, 1), else_=0)),
            func.sum(case((submitted, 1), else_=0)),
            func.sum(case((was_accepted, 1), else_=0)),
        )
        .where(or_(registered, submitted, was_accepted))
        .group_by(Initiative.unit_id, Initiative.field)
    )
    if organiser_ids is not None:
        query = query.where(Initiative.unit_id.in_(_units_of(organiser_ids)))
    rows = db.session.execute(query)
    return {(unit_id, f): Counts(int(r or 0), int(s or 0), int(a or 0)) for unit_id, f, r, s, a in rows}


def scope_kinds_of(period: Period, organiser_ids=None) -> dict[int | None, set]:
    """The kinds of unit each organiser asks to register in any year of the period (two
    queries): {organiser id: kinds}; a year without settings counts the default of the
    organiser's level. The key None gives a province's default, for units of no organiser."""
    from ..organisers.models import Organiser

    levels_query = select(Organiser.id, Organiser.level, Organiser.is_default)
    query = select(SubmissionDeadline).where(SubmissionDeadline.year.in_(list(period.years)))
    if organiser_ids is not None:
        levels_query = levels_query.where(Organiser.id.in_(list(organiser_ids)))
        query = query.where(SubmissionDeadline.organiser_id.in_(list(organiser_ids)))
    levels = {row.id: (row.level, row.is_default) for row in db.session.execute(levels_query)}
    settings: dict[int, dict[int, SubmissionDeadline]] = {}
    for row in db.session.scalars(query):
        settings.setdefault(row.organiser_id, {})[row.year] = row
    kinds: dict[int | None, set] = {}
    for organiser_id, level in levels.items():
        found = set()
        for year in period.years:
            row = settings.get(organiser_id, {}).get(year)
            if row is None:
                found.update(default_scope_kinds(*level))
            else:
                found.update(row.scope_kinds)
        kinds[organiser_id] = found
    kinds[None] = set(DEFAULT_SCOPE_KINDS)
    return kinds


def build_periodic_report(period: Period, organiser_ids=None) -> PeriodicReport:
    """The report over the units of `organiser_ids` (None: every unit of the deployment)."""
    counts = period_counts(period, organiser_ids)
    totals = Counts()
    by_field: dict[Field | None, Counts] = {f: Counts() for f in Field}
    by_unit: dict[int, Counts] = {}
    for (unit_id, field_), c in counts.items():
        totals.add(c)
        by_field.setdefault(field_, Counts()).add(c)
        by_unit.setdefault(unit_id, Counts()).add(c)

    kinds = scope_kinds_of(period, organiser_ids)
    query = select(Unit)
    if organiser_ids is not None:
        query = query.where(Unit.organiser_id.in_(list(organiser_ids)))

    def in_scope(unit: Unit) -> bool:
        return bool(unit.is_active and unit.kind in kinds.get(unit.organiser_id, kinds[None]))

    # The units asked to register, and those with a figure: chosen here, not by listing the
    # ids of the latter in the query (thousands of them in a national report).
    lines = [UnitLine(u, by_unit.get(u.id, Counts()), in_scope(u)) for u in db.session.scalars(query)
             if u.id in by_unit or in_scope(u)]
    lines.sort(key=lambda line: (-line.counts.registered, -line.counts.submitted, line.unit.sort_name))
    report = PeriodicReport(
        period=period,
        totals=totals,
        by_field=by_field,
        units=lines,
        rounds=round_results(period, organiser_ids),
        awards=award_figures(period, organiser_ids),
    )
    provinces = province_of(organiser_ids)
    if spans_provinces(provinces):
        report.provinces = province_lines(lines, provinces)
        report.province_rounds = province_rounds(report.rounds, provinces, report.provinces)
    return report


def round_results(period: Period, organiser_ids=None) -> list[RoundResult]:
    """The finalised rounds of the period's years, each by its finalisation taken within its
    own year: a 2025 round finalised in January 2026 reports in 2025."""
    query = (
        select(Round)
        .where(Round.state == RoundState.FINALISED,
               or_(*(and_(Round.year == year, period.within_year(year, Round.finalised_at))
                     for year in period.years)))
        .order_by(Round.year, Round.finalised_at, Round.id)
    )
    if organiser_ids is not None:
        query = query.where(Round.organiser_id.in_(list(organiser_ids)))
    rounds = db.session.scalars(query).all()
    return [RoundResult(r, ranking_for(r)) for r in rounds]


def award_figures(period: Period, organiser_ids=None) -> AwardFigures:
    """Lines proposed (Tờ trình dated in the period) and approved (Quyết định dated in it).

    A proposal without a Tờ trình date counts by when it was submitted. A revoked award no
    longer counts as approved.
    """
    from ..awards.models import AwardForm, AwardRevocation, Proposal, ProposalLine, ProposalState

    start, end = period.bounds()
    proposed = and_(
        Proposal.submitted_at.is_not(None),
        or_(
            and_(Proposal.submission_date >= period.start, Proposal.submission_date <= period.end),
            and_(Proposal.submission_date.is_(None), Proposal.submitted_at >= start, Proposal.submitted_at < end),
        ),
    )
    approved = and_(
        Proposal.state == ProposalState.APPROVED,
        Proposal.decision_date >= period.start,
        Proposal.decision_date <= period.end,
        AwardRevocation.id.is_(None),
    )
    query = (
        select(
            AwardForm.name,
            AwardForm.position,
            Proposal.id,
            func.sum(case((proposed, 1), else_=0)),
            func.sum(case((approved, 1), else_=0)),
        )
        .select_from(ProposalLine)
        .join(Proposal, Proposal.id == ProposalLine.proposal_id)
        .join(AwardForm, AwardForm.id == ProposalLine.award_form_id)
        .outerjoin(AwardRevocation, AwardRevocation.line_id == ProposalLine.id)
        .where(or_(proposed, approved))
        .group_by(AwardForm.name, AwardForm.position, Proposal.id)
    )
    if organiser_ids is not None:
        # A proposal belongs to the organiser of the round it was built from.
        query = query.where(Proposal.round_id.in_(select(Round.id).where(Round.organiser_id.in_(list(organiser_ids)))))
    rows = db.session.execute(query).all()
    figures = AwardFigures()
    forms: dict[tuple[int, str], list[int]] = {}
    for name, position, _proposal, n_proposed, n_approved in rows:
        n_proposed, n_approved = int(n_proposed or 0), int(n_approved or 0)
        figures.lines_proposed += n_proposed
        figures.lines_approved += n_approved
        counts = forms.setdefault((position, name), [0, 0])
        counts[0] += n_proposed
        counts[1] += n_approved
    submitted_ids = {p for _, _, p, n, _ in rows if n}
    approved_ids = {p for _, _, p, _, n in rows if n}
    figures.proposals_submitted = len(submitted_ids)
    figures.proposals_approved = len(approved_ids)
    figures.by_form = [(name, c[0], c[1]) for (_, name), c in sorted(forms.items())]
    return figures
