"""The ranking of a round: live from the scorecards, or frozen in the finalisation snapshot.

Public, stable entry points (used by the ranking page, the Excel export and the dashboard):

* `compute_ranking(round) -> list[RankingRow]`: computed now from the submitted scorecards.
* `ranking_for(round) -> list[RankingRow]`: the snapshot rows when the round is finalised,
  otherwise `compute_ranking(round)`.

Both return ranked rows first (rank 1, 2, ...), then incomplete rows (rank None) in unit
and name order. The arithmetic is in `aggregation` (pure functions); this module only
fetches the numbers with a fixed number of grouped queries, whatever the round's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select

from ..core.text import sort_key
from ..extensions import db
from ..registry.models import Field, Initiative
from ..units.models import Unit, UnitKind
from . import aggregation
from .models import (
    Assignment,
    AssignmentStatus,
    Grade,
    RankingSnapshot,
    RankingSnapshotRow,
    Round,
    RoundEntry,
    RoundState,
    Score,
    Scorecard,
    ScorecardState,
)

FLAG_DISAGREEMENT = "disagreement"
FLAG_LABELS = {FLAG_DISAGREEMENT: "Chênh lệch lớn"}


@dataclass
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
    unit_path: str = ""
    # Vietnamese collation keys (core.text.sort_key) for ordering; filled from the database.
    unit_sort: str = ""
    name_sort: str = ""

    def __post_init__(self) -> None:
        if not self.unit_sort:
            self.unit_sort = sort_key(self.unit_name)
        if not self.name_sort:
            self.name_sort = sort_key(self.name)

    @property
    def is_disagreement(self) -> bool:
        return FLAG_DISAGREEMENT in self.flags

    @property
    def grade_label(self) -> str:
        return self.grade.label if self.grade else ""

    @property
    def field_label(self) -> str:
        return self.field.label if self.field else ""



def _means_by_initiative(round_: Round) -> dict[int, dict[str, Decimal]]:
    codes = {c.id: c.code for c in round_.criteria}
    rows = db.session.execute(
        select(Scorecard.initiative_id, Score.criterion_id, func.avg(Score.value))
        .join(Scorecard, Score.scorecard_id == Scorecard.id)
        .where(Scorecard.round_id == round_.id, Scorecard.state == ScorecardState.SUBMITTED)
        .group_by(Scorecard.initiative_id, Score.criterion_id)
    )
    means: dict[int, dict[str, Decimal]] = {}
    for initiative_id, criterion_id, avg in rows:
        if criterion_id in codes and avg is not None:
            means.setdefault(initiative_id, {})[codes[criterion_id]] = aggregation.quantize(
                aggregation.to_decimal(avg)
            )
    return means


def compute_ranking(round_: Round) -> list[RankingRow]:
    """The round's ranking computed from the submitted scorecards (five queries)."""
    criteria = list(round_.criteria)
    tiebreak_code = next((c.code for c in criteria if c.is_tiebreaker), None)
    entries = db.session.execute(
        select(
            Initiative.id, Initiative.name, Initiative.sort_name, Initiative.field,
            Unit.id, Unit.name, Unit.sort_name, Unit.kind, Unit.path,
        )
        .select_from(RoundEntry)
        .join(Initiative, RoundEntry.initiative_id == Initiative.id)
        .join(Unit, Initiative.unit_id == Unit.id)
        .where(RoundEntry.round_id == round_.id)
    ).all()
    totals: dict[int, list[Decimal]] = {}
    for initiative_id, total in db.session.execute(
        select(Scorecard.initiative_id, Scorecard.total).where(
            Scorecard.round_id == round_.id, Scorecard.state == ScorecardState.SUBMITTED
        )
    ):
        totals.setdefault(initiative_id, []).append(aggregation.to_decimal(total))
    assigned = dict(
        db.session.execute(
            select(Assignment.initiative_id, func.count())
            .where(Assignment.round_id == round_.id, Assignment.status == AssignmentStatus.ASSIGNED)
            .group_by(Assignment.initiative_id)
        ).all()
    )
    means = _means_by_initiative(round_)
    thresholds = round_.grade_thresholds()
    method = round_.aggregation.value

    complete_rows: list[tuple[RankingRow, tuple]] = []
    incomplete_rows: list[tuple[RankingRow, tuple]] = []
    for (initiative_id, name, name_sort, field_, unit_id, unit_name, unit_sort, unit_kind,
         unit_path) in entries:
        model_totals = totals.get(initiative_id, [])
        model_means = means.get(initiative_id, {})
        score = aggregation.final_score(model_totals, method)
        complete = len(model_totals) >= round_.min_scorecards
        row = RankingRow(
            initiative_id=initiative_id,
            name=name,
            unit_id=unit_id,
            unit_name=unit_name,
            unit_kind=unit_kind,
            field=field_,
            criterion_means={c.code: model_means.get(c.code) for c in criteria},
            total=score,
            spread=aggregation.spread(model_totals),
            grade=Grade(aggregation.grade_for(score, thresholds)) if complete and score is not None else None,
            rank=None,
            flags=[FLAG_DISAGREEMENT]
            if aggregation.is_disagreement(model_totals, round_.disagreement_threshold)
            else [],
            complete=complete,
            submitted_count=len(model_totals),
            assigned_count=assigned.get(initiative_id, 0),
            required_count=round_.min_scorecards,
            unit_path=unit_path,
            unit_sort=unit_sort,
            name_sort=name_sort,
        )
        tiebreak = model_means.get(tiebreak_code) if tiebreak_code else None
        sort_tuple = (unit_sort, name_sort, initiative_id)
        if complete and score is not None:
            complete_rows.append((row, aggregation.ranking_key(score, tiebreak, *sort_tuple)))
        else:
            incomplete_rows.append((row, sort_tuple))
    ranked = aggregation.assign_ranks(complete_rows, key=lambda pair: pair[1])
    result = []
    for rank, (row, _key) in ranked:
        row.rank = rank
        result.append(row)
    result.extend(row for row, _key in sorted(incomplete_rows, key=lambda pair: pair[1]))
    return result


def latest_snapshot(round_: Round) -> RankingSnapshot | None:
    return db.session.scalar(
        select(RankingSnapshot)
        .where(RankingSnapshot.round_id == round_.id)
        .order_by(RankingSnapshot.id.desc())
        .limit(1)
    )


def snapshot_rows(snapshot: RankingSnapshot) -> list[RankingRow]:
    """The frozen rows in their published order (one query). The sort keys come from the
    current names; they only order a page by name, never the ranks."""
    rows = db.session.execute(
        select(RankingSnapshotRow, Unit.sort_name, Initiative.sort_name)
        .join(Unit, RankingSnapshotRow.unit_id == Unit.id)
        .join(Initiative, RankingSnapshotRow.initiative_id == Initiative.id)
        .where(RankingSnapshotRow.snapshot_id == snapshot.id)
        .order_by(RankingSnapshotRow.position)
    )
    return [_row_from_snapshot(r, unit_sort, name_sort) for r, unit_sort, name_sort in rows]


def _decimal_or_none(value) -> Decimal | None:
    return None if value is None else aggregation.to_decimal(str(value))


def _row_from_snapshot(r: RankingSnapshotRow, unit_sort: str = "", name_sort: str = "") -> RankingRow:
    return RankingRow(
        initiative_id=r.initiative_id,
        name=r.name,
        unit_id=r.unit_id,
        unit_name=r.unit_name,
        unit_kind=UnitKind(r.unit_kind),
        field=Field(r.field) if r.field else None,
        criterion_means={code: _decimal_or_none(v) for code, v in (r.criterion_means or {}).items()},
        total=_decimal_or_none(r.total),
        spread=_decimal_or_none(r.spread),
        grade=Grade(r.grade) if r.grade else None,
        rank=r.rank,
        flags=list(r.flags or []),
        complete=r.is_complete,
        submitted_count=r.submitted_count,
        assigned_count=r.assigned_count,
        unit_sort=unit_sort,
        name_sort=name_sort,
    )


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
        "unit_kind": row.unit_kind.value,
        "field": row.field.value if row.field else None,
        "total": row.total,
        "spread": row.spread,
        "criterion_means": {k: (str(v) if v is not None else None) for k, v in row.criterion_means.items()},
        "grade": row.grade.value if row.grade else None,
        "flags": list(row.flags),
        "is_complete": row.complete,
        "submitted_count": row.submitted_count,
        "assigned_count": row.assigned_count,
    }
