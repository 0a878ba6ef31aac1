"""The arithmetic of a ranking, as pure functions of plain numbers.

Nothing here touches the database, so every rule a council may be asked to defend is
tested in isolation (tests/scoring/test_aggregation.py, with Hypothesis properties).

Rules
-----
* A model's final score is, per the round's setting, the **mean**, the **median** or the
  **trimmed mean** of its evaluators' totals. The trimmed mean drops the single highest and
  the single lowest total when there are at least 5 totals; with fewer it is the mean.
* Results are rounded half-up to two decimals, once, at the end.
* **Disagreement**: the spread of the totals (highest − lowest) is strictly greater than the
  round's threshold (default 20).
* **Grade**: Xuất sắc from the excellent threshold (default 90), Tốt from the good threshold
  (75), Khá from the fair threshold (60), Không đạt below.
* **Ranking and ties**: complete models are ranked by final score, highest first. Equal
  scores are separated by the higher mean on the round's tie-breaker criterion, then by the
  unit's name in Vietnamese alphabetical order, then by the model's name. Every ranked model
  gets its own rank (1, 2, 3, ...). Incomplete models (fewer submitted scorecards than the
  round requires) are listed after the ranked ones, without rank or grade.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

TWO_PLACES = Decimal("0.01")
TRIM_FROM = 5  # the trimmed mean drops the extremes from this many totals on

T = TypeVar("T")


def to_decimal(value: Any) -> Decimal:
    """Decimal from a database or form value; floats go through str to stay exact for halves."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def quantize(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def mean(values: Sequence[Decimal]) -> Decimal:
    if not values:
        raise ValueError("mean of no values")
    return quantize(sum(values, Decimal(0)) / len(values))


def median(values: Sequence[Decimal]) -> Decimal:
    if not values:
        raise ValueError("median of no values")
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return quantize(ordered[middle])
    return quantize((ordered[middle - 1] + ordered[middle]) / 2)


def trimmed_mean(values: Sequence[Decimal]) -> Decimal:
    """Mean after dropping one highest and one lowest total, from 5 totals on."""
    if not values:
        raise ValueError("trimmed mean of no values")
    ordered = sorted(values)
    if len(ordered) >= TRIM_FROM:
        ordered = ordered[1:-1]
    return mean(ordered)


METHODS: dict[str, Callable[[Sequence[Decimal]], Decimal]] = {
    "mean": mean,
    "median": median,
    "trimmed_mean": trimmed_mean,
}


def final_score(totals: Sequence[Decimal], method: str) -> Decimal | None:
    """The model's final score by `method` ("mean", "median", "trimmed_mean"); None if no totals."""
    if not totals:
        return None
    return METHODS[method](list(totals))


def spread(totals: Sequence[Decimal]) -> Decimal | None:
    """Highest minus lowest total; None with no totals."""
    if not totals:
        return None
    return max(totals) - min(totals)


def is_disagreement(totals: Sequence[Decimal], threshold: Decimal) -> bool:
    """True when the evaluators disagree widely: spread strictly above the threshold."""
    return is_wide_spread(spread(totals), len(totals), threshold)


def is_wide_spread(spread_value: Decimal | None, count: int, threshold: Decimal) -> bool:
    """The disagreement rule on a spread already known: two totals or more, and the spread
    strictly above the threshold."""
    return spread_value is not None and count >= 2 and spread_value > threshold


def grade_for(score: Decimal | None, thresholds: dict[str, Decimal]) -> str | None:
    """"excellent", "good", "fair" or "fail" for a final score; None without a score."""
    if score is None:
        return None
    if score >= thresholds["excellent"]:
        return "excellent"
    if score >= thresholds["good"]:
        return "good"
    if score >= thresholds["fair"]:
        return "fair"
    return "fail"


def criterion_means(scores: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    """Mean per criterion code of (code, value) pairs."""
    sums: dict[str, Decimal] = {}
    counts: dict[str, int] = {}
    for code, value in scores:
        sums[code] = sums.get(code, Decimal(0)) + value
        counts[code] = counts.get(code, 0) + 1
    return {code: quantize(sums[code] / counts[code]) for code in sums}


def ranking_key(total: Decimal, tiebreak: Decimal | None, unit_sort: str, name_sort: str,
                ident: int) -> tuple:
    """Sort key of the documented tie-break rule (ascending sort puts rank 1 first)."""
    return (-total, -(tiebreak if tiebreak is not None else Decimal(0)), unit_sort, name_sort, ident)


def assign_ranks(items: Sequence[T], key: Callable[[T], tuple]) -> list[tuple[int, T]]:
    """Sort `items` by `key` and number them 1, 2, 3, ..."""
    return [(position, item) for position, item in enumerate(sorted(items, key=key), start=1)]
