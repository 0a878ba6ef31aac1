"""The figures of a round that need all of its submitted totals at once, kept beside the standings.

Two results depend on every submitted scorecard of a round together, not on one model's:

* each model's score **adjusted for its evaluators' severity** (`adjustment`): an evaluator's
  mean and spread, and the round's, move with every total they gave;
* the **panel's agreement** (`agreement`): Krippendorff's alpha, each evaluator's offset, and
  the spread per criterion (from each model's spreads, which the standings keep).

A province round of 2,000 models has 10,000 submitted totals. Reading and recomputing them on
every view of the ranking was about 75 ms of a page whose own query takes 20 ms. So they are
recomputed here, in the transaction that changes a submitted total (`standings.refresh` calls
`refresh` after the models' own figures), and stored: one `RoundStatistics` row per round
(alpha, offsets) and one `AdjustedScore` row per scored model, by each aggregation method, so
that changing the round's method needs nothing. The ranking page then reads its adjusted
scores and ranks in the same query as the rest (`ranking_page.ranked_entries`).

The round's row is locked (FOR UPDATE) after the models' rows, the order every writer of the
standings follows, so two changes in one round queue and the second recomputes with the
first's totals. A draft saved or an assignment added changes no submitted total and does not
come here.

A round without a row (its scorecards predate these figures, or were written by bulk inserts)
is computed on the fly as before until `rebuild` stores it: at finalisation and by
`flask scoring check-standings --fix`. `mismatches` compares what is stored with a
recomputation from the scorecards (the tests' and the command's check).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from ..auth.models import User
from ..core.types import utcnow
from ..extensions import db
from . import aggregation
from .adjustment import adjusted_totals
from .agreement import (
    Agreement,
    CriterionSpread,
    EvaluatorOffset,
    criterion_spreads_of,
    evaluator_offsets,
    krippendorff_alpha,
    submitted_totals,
)
from .models import AdjustedScore, AggregationMethod, Criterion, Round, RoundStatistics

METHODS = tuple(AggregationMethod)
COLUMNS = {method: f"score_{method.value}" for method in METHODS}


@dataclass(frozen=True)
class Figures:
    """What is kept for a round: {model: {method: adjusted score}}, alpha, the number of
    models scored twice or more, and {evaluator: (mean offset, models counted)}."""

    max_total: Decimal
    alpha: float | None
    paired_models: int
    offsets: dict[int, tuple[Decimal | None, int]] = field(default_factory=dict)
    # Criterion id -> (mean of each model's highest − lowest score, models counted).
    criterion_spreads: dict[int, tuple[Decimal | None, int]] = field(default_factory=dict)
    adjusted: dict[int, dict[AggregationMethod, Decimal]] = field(default_factory=dict)

    def adjusted_scores(self, method: AggregationMethod) -> dict[int, Decimal]:
        return {model: scores[method] for model, scores in self.adjusted.items()}


def compute(round_: Round, totals: Mapping[int, Mapping[int, Decimal]] | None = None) -> Figures:
    """The round's figures from its submitted totals (read when not given)."""
    if totals is None:
        totals = submitted_totals(round_)
    max_total = round_.max_total
    alpha, paired = krippendorff_alpha(totals)
    adjusted = adjusted_totals(totals, max_total=max_total)
    return Figures(
        max_total=max_total,
        alpha=alpha,
        paired_models=paired,
        offsets=evaluator_offsets(totals),
        criterion_spreads=criterion_spreads_of(round_),
        adjusted={
            model: {method: aggregation.final_score(list(values.values()), method.value) for method in METHODS}
            for model, values in adjusted.items() if values
        },
    )


def stored(round_: Round, *, adjusted: bool = True) -> Figures | None:
    """The figures kept for the round (without the models' adjusted scores unless `adjusted`),
    or None when it has none yet."""
    row = db.session.get(RoundStatistics, round_.id, populate_existing=True)
    if row is None:
        return None
    scores = {
        model: dict(zip(METHODS, values, strict=True))
        for model, *values in db.session.execute(
            select(AdjustedScore.initiative_id, *(getattr(AdjustedScore, COLUMNS[m]) for m in METHODS))
            .where(AdjustedScore.round_id == round_.id)
        )
    } if adjusted else {}
    return Figures(
        max_total=row.max_total,
        alpha=row.alpha,
        paired_models=row.paired_models,
        offsets=_from_json(row.offsets),
        criterion_spreads=_from_json(row.criterion_spreads),
        adjusted=scores,
    )


def is_kept(round_: Round) -> bool:
    """Whether the round's figures are stored (its ranking page can then read them in SQL)."""
    return db.session.scalar(select(RoundStatistics.round_id).where(RoundStatistics.round_id == round_.id)) \
        is not None


def current(round_: Round) -> Figures:
    """The round's figures: as kept, or computed now for a round that has none kept."""
    return stored(round_) or compute(round_)


def adjusted_scores(round_: Round) -> dict[int, Decimal]:
    """{model: adjusted score} by the round's aggregation method."""
    return current(round_).adjusted_scores(round_.aggregation)


def refresh(round_: Round) -> None:
    """Recompute the round's figures from its submitted totals and store them, under the lock
    of the round's row (taken after the models' rows by `standings.refresh`)."""
    _ensure_row(round_)
    row = db.session.get(RoundStatistics, round_.id, with_for_update=True, populate_existing=True)
    # Read after the lock: under READ COMMITTED this statement sees every change committed
    # by a writer that held the lock before us.
    figures = compute(round_, submitted_totals(round_, cached=False))
    row.computed_at = utcnow()
    row.max_total = figures.max_total
    row.alpha = figures.alpha
    row.paired_models = figures.paired_models
    row.offsets = _to_json(figures.offsets)
    row.criterion_spreads = _to_json(figures.criterion_spreads)
    db.session.execute(delete(AdjustedScore).where(AdjustedScore.round_id == round_.id))
    if figures.adjusted:
        db.session.execute(insert(AdjustedScore), [
            {"round_id": round_.id, "initiative_id": model, **{COLUMNS[m]: scores[m] for m in METHODS}}
            for model, scores in sorted(figures.adjusted.items())
        ])
    db.session.flush()


def _ensure_row(round_: Round) -> None:
    """Insert the round's row unless it exists. Two first writers of a round at once: the
    second waits for the first's insert and then does nothing, instead of failing on the key."""
    connection = db.session.connection()
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    db.session.execute(
        dialect.insert(RoundStatistics).values(round_id=round_.id, computed_at=utcnow(), max_total=0,
                                               paired_models=0, offsets={}, criterion_spreads={})
        .on_conflict_do_nothing(index_elements=[RoundStatistics.round_id])
    )


def rebuild(round_: Round) -> bool:
    """Store the round's figures when they differ from a recomputation, or are missing while
    the round has submitted totals; returns whether anything was written."""
    fresh, kept = compute(round_), stored(round_)
    if kept is None and not fresh.adjusted:
        return False
    if kept is not None and not _differences(kept, fresh):
        return False
    refresh(round_)
    return True


def mismatches(round_: Round) -> list[str]:
    """Every kept figure of the round that differs from a recomputation from its scorecards,
    described for a person; empty when all agree. A round with nothing kept has nothing to
    differ: its pages compute the figures (and `rebuild` stores them)."""
    kept = stored(round_)
    return [] if kept is None else _differences(kept, compute(round_))


def _differences(kept: Figures, fresh: Figures) -> list[str]:
    problems = [f"round figures: {name} {getattr(kept, name)!r} != {getattr(fresh, name)!r}"
                for name in ("max_total", "alpha", "paired_models", "offsets", "criterion_spreads")
                if getattr(kept, name) != getattr(fresh, name)]
    for model in sorted(set(kept.adjusted) | set(fresh.adjusted)):
        if kept.adjusted.get(model) != fresh.adjusted.get(model):
            problems.append(f"model {model}: adjusted {kept.adjusted.get(model)} != {fresh.adjusted.get(model)}")
    return problems


def _to_json(figures: Mapping[int, tuple[Decimal | None, int]]) -> dict[str, list]:
    """{id: (decimal or None, count)} as JSON: {"id": ["1.50" or null, count]}."""
    return {str(key): [str(value) if value is not None else None, count]
            for key, (value, count) in sorted(figures.items())}


def _from_json(stored_figures: Mapping[str, list] | None) -> dict[int, tuple[Decimal | None, int]]:
    return {int(key): (aggregation.to_decimal(value) if value is not None else None, count)
            for key, (value, count) in (stored_figures or {}).items()}


def round_agreement(round_: Round) -> Agreement:
    """The panel's agreement for the ranking page, as kept (or computed for a round with
    nothing kept)."""
    figures = stored(round_, adjusted=False) or compute(round_)
    names = dict(db.session.execute(
        select(User.id, User.full_name).where(User.id.in_(list(figures.offsets)))).all())
    spreads = figures.criterion_spreads
    criteria: list[Criterion] = list(round_.criteria)
    return Agreement(
        alpha=figures.alpha,
        paired_models=figures.paired_models,
        evaluators=len(figures.offsets),
        criteria=[CriterionSpread(c.code, c.name, c.max_score, *spreads.get(c.id, (None, 0))) for c in criteria],
        offsets=sorted(
            (EvaluatorOffset(e, names.get(e, ""), offset, count) for e, (offset, count) in figures.offsets.items()),
            key=lambda o: (o.mean_offset is None, o.mean_offset if o.mean_offset is not None else 0, o.name),
        ),
    )
