"""How far the panel of a round agrees (độ thống nhất của hội đồng chấm).

Three figures, computed from the submitted scorecards:

* **Krippendorff's alpha** on the totals, interval level, by its definition in closed form
  (`krippendorff_alpha`), checked in the tests against the maintained `krippendorff` package. 1 means every evaluator gave each model the same
  total; 0 means the totals agree no better than chance; below 0, worse than chance. Models
  scored by a single evaluator carry no information about agreement and are left out. With
  fewer than two models scored twice, or when every total is equal, there is no figure.
  Its plain reading follows Krippendorff's own guidance: from 0.80 reliable, from 0.667
  tentative, below that not to be relied on.
* **Spread per criterion**: over the models scored at least twice, the mean of (highest −
  lowest score) for the criterion, also as a share of its maximum, so criteria of different
  weights compare.
* **Offset per evaluator**: for each model the evaluator scored with at least one other, their
  total minus the mean of the others' totals; the mean of those differences. −12 means the
  evaluator scores 12 points below their colleagues on the same models (a harsh evaluator).

`compute(...)` is pure (plain numbers in, figures out), tested against the package on a known
example and against hand-computed offsets (tests/scoring/test_agreement.py);
`round_statistics` keeps alpha and the offsets of each round; `round_statistics.round_agreement(round)`
reads them for the ranking page.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from flask import has_request_context, request
from sqlalchemy import select

from ..extensions import db
from .aggregation import quantize, to_decimal
from .models import Round, RoundEntry, Scorecard, ScorecardState

RELIABLE_FROM = 0.8
TENTATIVE_FROM = 0.667


@dataclass(frozen=True)
class CriterionSpread:
    code: str
    name: str
    max_score: Decimal
    mean_spread: Decimal | None  # mean of (highest − lowest) over the models scored twice or more
    models: int  # models that count

    @property
    def share(self) -> Decimal | None:
        """The mean spread as a percentage of the criterion's maximum."""
        if self.mean_spread is None or not self.max_score:
            return None
        return quantize(self.mean_spread * 100 / self.max_score)


@dataclass(frozen=True)
class EvaluatorOffset:
    evaluator_id: int
    name: str
    mean_offset: Decimal | None  # None when the evaluator shares no model with another
    models: int  # models scored together with at least one other evaluator


@dataclass(frozen=True)
class Agreement:
    alpha: float | None
    paired_models: int  # models with at least two submitted totals
    evaluators: int
    criteria: list[CriterionSpread] = field(default_factory=list)
    offsets: list[EvaluatorOffset] = field(default_factory=list)

    @property
    def reading(self) -> str:
        return reading(self.alpha, self.paired_models)


def reading(alpha: float | None, paired_models: int) -> str:
    """One line in plain Vietnamese for a council member who is not a statistician."""
    if alpha is None:
        if paired_models < 2:
            return ("Chưa tính được: cần ít nhất 2 mô hình, mỗi mô hình có từ 2 phiếu chấm đã nộp.")
        return "Chưa tính được: mọi phiếu chấm có tổng điểm như nhau."
    if alpha >= RELIABLE_FROM:
        return ("Hội đồng chấm thống nhất cao: các thành viên xếp các mô hình gần như giống nhau, "
                "kết quả đáng tin cậy.")
    if alpha >= TENTATIVE_FROM:
        return ("Hội đồng chấm tương đối thống nhất: kết quả dùng được, nên thảo luận thêm các mô hình "
                "có chênh lệch lớn.")
    if alpha >= 0:
        return ("Hội đồng chấm chưa thống nhất: điểm của một mô hình phụ thuộc nhiều vào việc ai chấm; "
                "cần xem lại các mô hình chênh lệch lớn và cách hiểu tiêu chí trước khi công bố.")
    return ("Các thành viên chấm trái ngược nhau (kém hơn cả chấm ngẫu nhiên): cần họp thống nhất lại "
            "cách chấm trước khi công bố.")


def krippendorff_alpha(totals: Mapping[int, Mapping[int, Decimal]]) -> tuple[float | None, int]:
    """Alpha (interval) of {model: {evaluator: total}} and the number of models scored twice or more.

    With the interval metric δ(c, k) = (c − k)², the sums of squared differences over all pairs
    that define alpha reduce to the sum and the sum of squares of each model's totals:
    Σ_{i≠j} (vᵢ − vⱼ)² = 2(m·Σv² − (Σv)²). So

        α = 1 − (n − 1) · Σ_u (m_u·S2_u − S1_u²) / (m_u − 1)  /  (n·S2 − S1²)

    over the models u with m_u ≥ 2 totals, n = Σ m_u. This is Krippendorff's own definition
    (observed over expected disagreement), computed in one pass instead of through the
    package's coincidence matrix, whose size grows with the square of the number of distinct
    totals (1.4 s for a province round of 2,000 models). The test suite checks it against the
    `krippendorff` package on the published example and on random rounds."""
    paired = [[float(v) for v in model_totals.values()] for model_totals in totals.values() if len(model_totals) >= 2]
    if len(paired) < 2:
        return None, len(paired)
    observed = 0.0
    count = sum_all = squares_all = 0.0
    for values in paired:
        m = len(values)
        s1 = math.fsum(values)
        s2 = math.fsum(v * v for v in values)
        observed += (m * s2 - s1 * s1) / (m - 1)
        count, sum_all, squares_all = count + m, sum_all + s1, squares_all + s2
    expected = count * squares_all - sum_all * sum_all
    if expected <= 1e-9 * max(1.0, squares_all * count):  # every total equal: no figure
        return None, len(paired)
    return 1.0 - (count - 1) * observed / expected, len(paired)


def evaluator_offsets(totals: Mapping[int, Mapping[int, Decimal]]) -> dict[int, tuple[Decimal | None, int]]:
    """{evaluator: (mean of (own total − mean of the others' totals), models counted)}."""
    differences: dict[int, list[Decimal]] = defaultdict(list)
    evaluators: set[int] = set()
    for model_totals in totals.values():
        evaluators.update(model_totals)
        if len(model_totals) < 2:
            continue
        whole = sum(model_totals.values(), Decimal(0))
        others = len(model_totals) - 1
        for evaluator, total in model_totals.items():
            differences[evaluator].append(total - (whole - total) / others)
    return {
        evaluator: (quantize(sum(differences[evaluator], Decimal(0)) / len(differences[evaluator]))
                    if differences[evaluator] else None, len(differences[evaluator]))
        for evaluator in evaluators
    }


def criterion_spreads_of(round_: Round) -> dict[int, tuple[Decimal | None, int]]:
    """`criterion_spreads` from the spread of each model that the scoring services keep on its
    line of the round (`RoundEntry.criterion_spreads`): one row per model, never the round's
    scores (a province round has 50,000; grouping them also made PostgreSQL scan the whole
    country's)."""
    ids = {c.code: c.id for c in round_.criteria}
    sums: dict[int, tuple[Decimal, int]] = {}
    for spreads in db.session.scalars(
        select(RoundEntry.criterion_spreads).where(RoundEntry.round_id == round_.id,
                                                   RoundEntry.submitted_count >= 2)
    ):
        for code, spread in (spreads or {}).items():
            if code in ids:
                total, count = sums.get(ids[code], (Decimal(0), 0))
                sums[ids[code]] = (total + Decimal(spread), count + 1)
    return {criterion: (quantize(total / count), count) for criterion, (total, count) in sums.items()}


def criterion_spreads(scores: Iterable[tuple[int, int, Decimal]]) -> dict[int, tuple[Decimal | None, int]]:
    """{criterion: (mean of highest − lowest per model, models counted)} from (criterion, model, value)."""
    per_model: dict[int, dict[int, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    for criterion, model, value in scores:
        per_model[criterion][model].append(to_decimal(value))
    result: dict[int, tuple[Decimal | None, int]] = {}
    for criterion, models in per_model.items():
        spreads = [max(values) - min(values) for values in models.values() if len(values) >= 2]
        result[criterion] = (quantize(sum(spreads, Decimal(0)) / len(spreads)) if spreads else None,
                             len(spreads))
    return result


def submitted_totals(round_: Round, *, cached: bool = True) -> dict[int, dict[int, Decimal]]:
    """{model: {evaluator: total}} of the round's submitted scorecards (one query). A page that
    shows a live ranking may read them more than once: a GET request keeps them, unless
    `cached` is false (a writer that must see the latest)."""
    # Kept in the request's environ, not in `g`: an application context may outlive a request.
    cache = (request.environ.setdefault("danvankheo.submitted_totals", {})
             if cached and has_request_context() and request.method == "GET" else {})
    if round_.id in cache:
        return cache[round_.id]
    totals: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for evaluator, model, total in db.session.execute(
        select(Scorecard.evaluator_id, Scorecard.initiative_id, Scorecard.total)
        .where(Scorecard.round_id == round_.id, Scorecard.state == ScorecardState.SUBMITTED)
    ):
        totals[model][evaluator] = to_decimal(total)
    cache[round_.id] = dict(totals)
    return cache[round_.id]
