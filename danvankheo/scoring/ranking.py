"""The ranking of a round: live from the scorecards, or frozen in the finalisation snapshot.

Public, stable entry points (used by the ranking page, the Excel export and the dashboard):

* `compute_ranking(round) -> list[RankingRow]`: computed now from the submitted scorecards.
* `ranking_for(round) -> list[RankingRow]`: the snapshot rows when the round is finalised,
  otherwise `compute_ranking(round)`.

Both return ranked rows first (rank 1, 2, ...), then incomplete rows (rank None) in unit
and name order. The arithmetic is in `aggregation` (pure functions). The live ranking reads
each model's standing (`standings`: counts, final scores and criterion means kept up to date
by the scoring services), one row per model, in one query whatever the round's size.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, case, cast, func, literal, select

from ..core.text import sort_key
from ..extensions import db
from ..registry.models import Field, Initiative
from ..units.models import Unit, UnitKind
from . import adjustment, aggregation, round_statistics
from .models import TOTAL, AggregationMethod, Grade, Round, RoundEntry, RoundState
from .snapshots import RankingSnapshot, RankingSnapshotRow

GRADES = {grade.value: grade for grade in Grade}
FLAG_DISAGREEMENT = "disagreement"
FLAG_DISCUSSION = "discussion_revised"
FLAG_LABELS = {FLAG_DISAGREEMENT: "Chênh lệch lớn", FLAG_DISCUSSION: "Điều chỉnh sau thảo luận",
               adjustment.FLAG_GRADE_CHANGE: adjustment.GRADE_CHANGE_LABEL}


@dataclass(slots=True)
class RankingRow:
    """One model's line in a round's ranking.

    `criterion_means` maps criterion code to the mean of the submitted scores (None when no
    scorecard is submitted). `total` is the final score by the round's aggregation method;
    it is shown for incomplete models too but they get no `rank` and no `grade`.
    """

    initiative_id: int
    name: str
    unit_id: int
    unit_name: str
    unit_kind: UnitKind
    field: Field | None
    criterion_means: dict[str, Decimal | None]
    total: Decimal | None
    spread: Decimal | None
    grade: Grade | None
    rank: int | None
    flags: list[str] = field(default_factory=list)
    complete: bool = False
    submitted_count: int = 0
    assigned_count: int = 0
    required_count: int = 0
    # Vietnamese collation keys (core.text.sort_key) for ordering; filled from the database.
    unit_sort: str = ""
    name_sort: str = ""
    # Both bases (see `adjustment`): `total`, `rank` and `grade` are the round's chosen one.
    raw_total: Decimal | None = None
    raw_rank: int | None = None
    raw_grade: Grade | None = None
    adjusted_total: Decimal | None = None
    adjusted_rank: int | None = None
    adjusted_grade: Grade | None = None

    def __post_init__(self) -> None:
        if not self.unit_sort:
            self.unit_sort = sort_key(self.unit_name)
        if not self.name_sort:
            self.name_sort = sort_key(self.name)

    @property
    def is_disagreement(self) -> bool:
        return FLAG_DISAGREEMENT in self.flags

    @property
    def is_revised_after_discussion(self) -> bool:
        return FLAG_DISCUSSION in self.flags

    @property
    def grade_label(self) -> str:
        return self.grade.label if self.grade else ""

    @property
    def field_label(self) -> str:
        return self.field.label if self.field else ""



SCORE_COLUMNS = {
    AggregationMethod.MEAN: RoundEntry.score_mean,
    AggregationMethod.MEDIAN: RoundEntry.score_median,
    AggregationMethod.TRIMMED_MEAN: RoundEntry.score_trimmed_mean,
}


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a ranking is built. A national round makes about
    a million small objects, none in a reference cycle; left running, the collector scans the
    growing heap again and again and doubles the time. Reference counting still frees them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def compute_ranking(round_: Round) -> list[RankingRow]:
    """The round's ranking now, from the standing of its models (one query, one row per
    model: see `standings`, which keeps it equal to a recomputation from the scorecards)."""
    with _collector_paused():
        return adjustment.apply(round_, _compute_ranking(round_), round_statistics.adjusted_scores(round_))


def ranking_order(round_: Round, score=None) -> tuple:
    """ORDER BY terms of the ranking: complete models by `aggregation.ranking_key` (final score,
    then the tie-breaker criterion's mean, then unit and model in Vietnamese order, then id),
    then the incomplete ones by unit, model and id. The sort keys are byte-ordered columns, so
    the database orders exactly as Python would (tests/scoring/test_ranking.py compares).
    `score` is the column of the final score (the raw one by the round's method if not given;
    a model with none counts as 0, as in `adjustment.apply`)."""
    complete = RoundEntry.submitted_count >= round_.min_scorecards
    score = SCORE_COLUMNS[round_.aggregation] if score is None else func.coalesce(score, 0)
    tiebreaker = round_.tiebreaker
    tiebreak = (
        func.coalesce(cast(RoundEntry.criterion_means[tiebreaker.code].as_string(), TOTAL), 0)
        if tiebreaker is not None else literal(0)
    )
    # Incomplete models get -1, below every score (scores are never negative). The first key
    # being a number, not "complete or not", lets PostgreSQL sort with abbreviated keys (a
    # third faster at national size).
    return (
        case((complete, score), else_=-1).desc(),
        case((complete, tiebreak)).desc(),
        Unit.sort_name,
        Initiative.sort_name,
        Initiative.id,
    )


def entry_columns(round_: Round) -> tuple:
    """The columns of a model's standing, in the order `row_builder` reads them."""
    return (
        Initiative.id.label("initiative_id"), Initiative.name.label("name"),
        Initiative.sort_name.label("name_sort"), Initiative.field.label("field"),
        Unit.id.label("unit_id"), Unit.name.label("unit_name"), Unit.sort_name.label("unit_sort"),
        Unit.kind.label("unit_kind"),
        RoundEntry.submitted_count.label("submitted_count"), RoundEntry.assigned_count.label("assigned_count"),
        SCORE_COLUMNS[round_.aggregation].label("total"), RoundEntry.spread.label("spread"),
        RoundEntry.criterion_means.label("criterion_means"),
        RoundEntry.discussion_revised_count.label("discussion_revised_count"),
    )


def entries_select(round_: Round, *columns) -> Select:
    """The round's standings joined to their models and units, selecting `columns`."""
    return (
        select(*columns)
        .select_from(RoundEntry)
        .join(Initiative, RoundEntry.initiative_id == Initiative.id)
        .join(Unit, Initiative.unit_id == Unit.id)
        .where(RoundEntry.round_id == round_.id)
    )


# The columns of `entry_columns` that a RankingRow takes as they are, under the same names.
COPIED = ("initiative_id", "name", "name_sort", "field", "unit_id", "unit_name", "unit_sort", "unit_kind",
          "submitted_count", "assigned_count", "total", "spread")


def row_builder(round_: Round) -> Callable[[Any, int | None], RankingRow]:
    """A function making the RankingRow of one standing read with `entry_columns`, ranked
    `rank` (kept only when the model has the scorecards the round requires)."""
    codes = [c.code for c in round_.criteria]
    thresholds = round_.grade_thresholds()
    threshold = round_.disagreement_threshold
    required = round_.min_scorecards

    def build(entry, rank: int | None) -> RankingRow:
        score, submitted, spread = entry.total, entry.submitted_count, entry.spread
        stored_means = entry.criterion_means
        complete = submitted >= required
        return RankingRow(
            **{name: getattr(entry, name) for name in COPIED},
            criterion_means={code: Decimal(stored_means[code]) if code in stored_means else None
                             for code in codes},
            grade=GRADES[aggregation.grade_for(score, thresholds)] if complete else None,
            rank=rank if complete else None,
            flags=([FLAG_DISAGREEMENT] if aggregation.is_wide_spread(spread, submitted, threshold) else [])
            + ([FLAG_DISCUSSION] if entry.discussion_revised_count else []),
            complete=complete,
            required_count=required,
        )

    return build


def _compute_ranking(round_: Round) -> list[RankingRow]:
    """Every row of the round in ranking order, numbered here (the reference the paged
    ranking, `ranking_page`, is tested against)."""
    required = round_.min_scorecards
    build = row_builder(round_)
    entries = db.session.execute(entries_select(round_, *entry_columns(round_)).order_by(*ranking_order(round_)))
    rows: list[RankingRow] = []
    rank = 0
    for entry in entries:
        if entry[8] >= required:  # submitted_count
            rank += 1
        rows.append(build(entry, rank))
    return rows


def latest_snapshot(round_: Round) -> RankingSnapshot | None:
    return db.session.scalar(
        select(RankingSnapshot)
        .where(RankingSnapshot.round_id == round_.id)
        .order_by(RankingSnapshot.id.desc())
        .limit(1)
    )


SNAPSHOT_COLUMNS = (
    RankingSnapshotRow.initiative_id, RankingSnapshotRow.name, RankingSnapshotRow.unit_id,
    RankingSnapshotRow.unit_name, RankingSnapshotRow.unit_kind, RankingSnapshotRow.field,
    RankingSnapshotRow.criterion_means, RankingSnapshotRow.total, RankingSnapshotRow.spread,
    RankingSnapshotRow.grade, RankingSnapshotRow.rank, RankingSnapshotRow.flags, RankingSnapshotRow.is_complete,
    RankingSnapshotRow.submitted_count, RankingSnapshotRow.assigned_count, RankingSnapshotRow.bases,
)


def snapshot_rows(snapshot: RankingSnapshot) -> list[RankingRow]:
    """The frozen rows in their published order (one query, plain columns: a national result
    has 70,000 rows). The sort keys come from the current names; they only order a page by
    name, never the ranks."""
    with _collector_paused():
        rows = db.session.execute(
            select(*SNAPSHOT_COLUMNS, Unit.sort_name, Initiative.sort_name)
            .join(Unit, RankingSnapshotRow.unit_id == Unit.id)
            .join(Initiative, RankingSnapshotRow.initiative_id == Initiative.id)
            .where(RankingSnapshotRow.snapshot_id == snapshot.id)
            .order_by(RankingSnapshotRow.position)
        )
        return [_row_from_snapshot(*row) for row in rows]


def _decimal_or_none(value) -> Decimal | None:
    return None if value is None else aggregation.to_decimal(str(value))


def _row_from_snapshot(initiative_id, name, unit_id, unit_name, unit_kind, field_, criterion_means, total,
                       spread, grade, rank, flags, is_complete, submitted_count, assigned_count, bases=None,
                       unit_sort: str = "", name_sort: str = "") -> RankingRow:
    row = RankingRow(
        initiative_id=initiative_id,
        name=name,
        unit_id=unit_id,
        unit_name=unit_name,
        unit_kind=unit_kind,
        field=field_,
        criterion_means={code: _decimal_or_none(v) for code, v in (criterion_means or {}).items()},
        total=_decimal_or_none(total),
        spread=_decimal_or_none(spread),
        grade=grade,
        rank=rank,
        flags=list(flags or []),
        complete=is_complete,
        submitted_count=submitted_count,
        assigned_count=assigned_count,
        unit_sort=unit_sort,
        name_sort=name_sort,
    )
    adjustment.restore_bases(row, bases)
    return row


def ranking_for(round_: Round) -> list[RankingRow]:
    """The published ranking of a finalised round, else the live computation."""
    if round_.state is RoundState.FINALISED:
        snapshot = latest_snapshot(round_)
        if snapshot is not None:
            rows = snapshot_rows(snapshot)
            required = int((snapshot.settings or {}).get("min_scorecards", round_.min_scorecards))
            for row in rows:
                row.required_count = required
            return rows
    return compute_ranking(round_)


def snapshot_row_values(row: RankingRow, position: int) -> dict:
    """The column values that freeze `row` into a RankingSnapshotRow."""
    return {
        "initiative_id": row.initiative_id,
        "position": position,
        "rank": row.rank,
        "name": row.name,
        "unit_id": row.unit_id,
        "unit_name": row.unit_name,
        "unit_kind": row.unit_kind,
        "field": row.field,
        "total": row.total,
        "spread": row.spread,
        "criterion_means": {k: (str(v) if v is not None else None) for k, v in row.criterion_means.items()},
        "grade": row.grade,
        "flags": list(row.flags),
        "is_complete": row.complete,
        "submitted_count": row.submitted_count,
        "assigned_count": row.assigned_count,
        "bases": adjustment.bases_value(row),
    }
