"""Scores adjusted for each evaluator's severity (điểm hiệu chỉnh theo mức chấm).

Why: when each model is scored by a few members only, a model that falls to a harsh
evaluator loses points that have nothing to do with its merit.

Method
------
1. For every evaluator with at least `MIN_MODELS` (3) submitted scorecards in the round whose
   totals are not all equal, each total becomes a z-score: (total − the evaluator's mean) /
   the evaluator's standard deviation (population), i.e. "how far above or below their own
   usual score".
2. The z-score is put back on the round's scale: the round's mean total + z × the round's
   standard deviation of totals, kept within 0 and the rubric's maximum.
3. The model's adjusted score is then aggregated exactly as the raw one (mean, median or
   trimmed mean, by the round's setting), rounded half-up to two decimals; the adjusted rank
   follows the same tie-break rule as the raw rank.

Limits (written in the guides too)
----------------------------------
* An evaluator with fewer than 3 scored models is **not adjusted** (their raw totals are
  used): with one or two totals, a mean and spread say nothing about their severity.
* An evaluator who gave every model the same total has no spread and is not adjusted.
* The method assumes each evaluator's models are, on the whole, of comparable quality (an
  even, random assignment). An evaluator who happens to get only the weakest models looks
  harsh and their models are lifted unfairly. That is why both ranks are shown, models whose
  grade would change are flagged for the council's discussion, and a person chooses, per
  round and before finalisation, which score ranks (`Round.ranking_basis`).

`adjusted_totals` and `adjusted_scores` are pure; `apply` fills a ranking's rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal

from sqlalchemy import select

from ..audit.services import record
from ..auth.models import User
from ..core.errors import DomainError
from ..extensions import db
from . import aggregation
from .models import Grade, RankingBasis, Round, RoundState
from .snapshots import RankingSnapshot

MIN_MODELS = 3
FLAG_GRADE_CHANGE = "grade_change"
GRADE_CHANGE_LABEL = "Xếp loại đổi khi hiệu chỉnh"


class AdjustmentError(DomainError):
    """A refused choice; the message is shown to the user."""


def _mean(values: Sequence[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def _stdev(values: Sequence[Decimal], centre: Decimal) -> Decimal:
    return (sum(((v - centre) ** 2 for v in values), Decimal(0)) / len(values)).sqrt()


def adjusted_totals(
    totals: Mapping[int, Mapping[int, Decimal]], *, max_total: Decimal | None = None, min_models: int = MIN_MODELS,
) -> dict[int, dict[int, Decimal]]:
    """{model: {evaluator: adjusted total}} from {model: {evaluator: raw total}} (see the method)."""
    by_evaluator: dict[int, list[Decimal]] = defaultdict(list)
    for model_totals in totals.values():
        for evaluator, total in model_totals.items():
            by_evaluator[evaluator].append(total)
    every = [t for values in by_evaluator.values() for t in values]
    if not every:
        return {}
    round_mean = _mean(every)
    round_spread = _stdev(every, round_mean)
    severity: dict[int, tuple[Decimal, Decimal]] = {}
    for evaluator, values in by_evaluator.items():
        if len(values) < min_models:
            continue
        centre = _mean(values)
        spread = _stdev(values, centre)
        if spread > 0:
            severity[evaluator] = (centre, spread)
    result: dict[int, dict[int, Decimal]] = {}
    for model, model_totals in totals.items():
        result[model] = {}
        for evaluator, total in model_totals.items():
            if evaluator not in severity:
                result[model][evaluator] = total
                continue
            centre, spread = severity[evaluator]
            value = round_mean + (total - centre) / spread * round_spread
            value = max(Decimal(0), value)
            if max_total is not None:
                value = min(max_total, value)
            result[model][evaluator] = value
    return result


def adjusted_scores(
    totals: Mapping[int, Mapping[int, Decimal]], method: str, *, max_total: Decimal | None = None,
    min_models: int = MIN_MODELS,
) -> dict[int, Decimal]:
    """{model: adjusted final score} aggregated by `method` like the raw score."""
    adjusted = adjusted_totals(totals, max_total=max_total, min_models=min_models)
    return {model: aggregation.final_score(list(values.values()), method)
            for model, values in adjusted.items() if values}


def fill_bases(row, adjusted_total: Decimal | None, thresholds: Mapping[str, Decimal]) -> None:
    """Keep a raw-ranked row's figures as its raw basis, give it its adjusted score and grade
    (the adjusted rank needs every row: the caller sets it), and flag a grade that would change."""
    row.raw_total, row.raw_rank, row.raw_grade = row.total, row.rank, row.grade
    row.adjusted_total = adjusted_total
    row.adjusted_grade = (Grade(aggregation.grade_for(adjusted_total, thresholds))
                          if row.complete and adjusted_total is not None else None)
    if row.complete and row.adjusted_grade is not row.raw_grade:
        row.flags.append(FLAG_GRADE_CHANGE)


def apply(round_: Round, rows: list, scores: Mapping[int, Decimal], basis: RankingBasis | None = None) -> list:
    """Fill the raw and adjusted figures of a computed ranking's rows from the adjusted
    `scores` ({model: score}, `round_statistics.adjusted_scores`), flag models whose grade
    would change, and when the round ranks by the adjusted score, make it the rows' score, grade
    and rank (and their order). Rows are `ranking.RankingRow`."""
    basis = basis or round_.ranking_basis
    thresholds = round_.grade_thresholds()
    tiebreaker = round_.tiebreaker
    for row in rows:
        fill_bases(row, scores.get(row.initiative_id), thresholds)
    complete = [row for row in rows if row.complete]

    def key(row) -> tuple:
        tiebreak = row.criterion_means.get(tiebreaker.code) if tiebreaker is not None else None
        return aggregation.ranking_key(row.adjusted_total or Decimal(0), tiebreak, row.unit_sort, row.name_sort,
                                       row.initiative_id)

    for rank, row in aggregation.assign_ranks(complete, key):
        row.adjusted_rank = rank
    if basis is not RankingBasis.ADJUSTED:
        return rows
    for row in rows:
        if row.complete:
            row.total, row.rank, row.grade = row.adjusted_total, row.adjusted_rank, row.adjusted_grade
    return sorted(complete, key=lambda row: row.rank) + [row for row in rows if not row.complete]


def bases_value(row) -> dict:
    """The JSON a snapshot row keeps of both bases."""
    def plain(total, rank, grade) -> list:
        return [str(total) if total is not None else None, rank, grade.value if grade else None]
    return {"raw": plain(row.raw_total, row.raw_rank, row.raw_grade),
            "adjusted": plain(row.adjusted_total, row.adjusted_rank, row.adjusted_grade)}


def restore_bases(row, bases: Mapping | None) -> None:
    """Set a snapshot row's raw and adjusted figures from its stored JSON."""
    if not bases:
        return
    for name in ("raw", "adjusted"):
        total, rank, grade = bases.get(name) or (None, None, None)
        setattr(row, f"{name}_total", aggregation.to_decimal(total) if total is not None else None)
        setattr(row, f"{name}_rank", rank)
        setattr(row, f"{name}_grade", Grade(grade) if grade else None)


def set_ranking_basis(round_: Round, basis: RankingBasis, *, by: User | None = None) -> bool:
    """The secretariat's choice of the score that ranks; refused once the result is published.
    Returns whether anything changed."""
    db.session.refresh(round_, with_for_update=True)
    if round_.state is RoundState.FINALISED:
        raise AdjustmentError("Kết quả đã công bố: không đổi được cách xếp hạng. "
                              "Quản trị hệ thống phải mở lại kết quả trước.")
    if round_.ranking_basis is basis:
        return False
    before = round_.ranking_basis
    round_.ranking_basis = basis
    record("round.ranking_basis", round_, actor=by,
           changes={"ranking_basis": [before.value, basis.value]})
    db.session.flush()
    return True


def basis_of(round_: Round) -> RankingBasis:
    """The score that ranks: as frozen in the latest snapshot once published, else the round's choice."""
    if round_.state is RoundState.FINALISED:
        settings = db.session.scalar(
            select(RankingSnapshot.settings).where(RankingSnapshot.round_id == round_.id)
            .order_by(RankingSnapshot.id.desc()).limit(1)
        )
        if settings is not None:
            return RankingBasis(settings.get("ranking_basis", RankingBasis.RAW.value))
    return round_.ranking_basis


def basis_line(round_: Round) -> str:
    """The line printed on the ranking export."""
    return f"Xếp hạng theo: {basis_of(round_).label.lower()}"


def grade_change_text(row) -> str:
    """"Tốt → Xuất sắc": the raw and the adjusted grade of a flagged row."""
    def label(grade: Grade | None) -> str:
        return grade.label if grade else "—"
    return f"{label(row.raw_grade)} → {label(row.adjusted_grade)}"
