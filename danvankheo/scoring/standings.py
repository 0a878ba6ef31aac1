"""The standing of every model and panel member in a round, kept in step with the raw rows.

A national round has 70,000 models, 450,000 assignments and 1.7 million criterion scores.
Grouping those on every view of the ranking or the progress page costs seconds, so each
model's line in the round (`RoundEntry`) and each panel member (`PanelMember`) carry their
figures instead:

* a model: its active and recused assignments, its submitted scorecards, its final score by
  each aggregation method, the spread of its totals and the mean of each criterion;
* a panel member: assignments active and recused, scorecards submitted and in draft.

Whoever changes an assignment or a scorecard calls `refresh` for the models and members it
touched, in the same transaction. `refresh` locks their rows, then recomputes their figures
from their own raw rows (a model has a handful of scorecards) and writes them. Nothing is
added or subtracted, so nothing can drift; and under PostgreSQL's READ COMMITTED each
statement after the lock sees every change committed before it, so two evaluators saving
cards of one model at once queue on the model's row and the second recomputes with the
first's card. Rows are locked in a fixed order (the changed assignments and scorecards
first, then models by model id, then members by user id) so that concurrent changes cannot
deadlock.
The locks are FOR NO KEY UPDATE: new assignments, whose foreign keys take KEY SHARE locks on
the same rows, do not wait for them.

The same code recomputes a whole round from the raw rows: `rebuild` (run at finalisation
and by `flask scoring check-standings --fix`) and `mismatches` (the tests' and the command's
check that the stored figures equal a recomputation).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal

from sqlalchemy import and_, bindparam, func, select, update

from ..extensions import db
from . import aggregation, round_statistics
from .joins import assignment_scorecard
from .models import (
    Assignment,
    AssignmentStatus,
    PanelMember,
    Round,
    RoundEntry,
    Score,
    Scorecard,
    ScorecardState,
)

# Keys per statement: far below every driver's limit on bound parameters.
CHUNK = 1000
# From this many models or members on, one pass over the whole round is cheaper than chunks.
WHOLE_ROUND_FROM = 5000


@dataclass(frozen=True)
class EntryStanding:
    """A model's figures in a round, as `RoundEntry` stores them."""

    assigned_count: int = 0
    recused_count: int = 0
    submitted_count: int = 0
    score_mean: Decimal | None = None
    score_median: Decimal | None = None
    score_trimmed_mean: Decimal | None = None
    spread: Decimal | None = None
    criterion_means: dict[str, str] = field(default_factory=dict)
    discussion_revised_count: int = 0
    # Criterion code -> highest minus lowest submitted score, for models scored twice or more.
    criterion_spreads: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PanelStanding:
    """A panel member's progress in a round, as `PanelMember` stores it."""

    assigned_count: int = 0
    recused_count: int = 0
    submitted_count: int = 0
    draft_count: int = 0


ENTRY_FIELDS = [f.name for f in fields(EntryStanding)]
PANEL_FIELDS = [f.name for f in fields(PanelStanding)]


def entry_standing(
    totals: Sequence[Decimal],
    criterion_sums: Mapping[str, tuple[Decimal, int]],
    *,
    assigned: int = 0,
    recused: int = 0,
    discussion_revised: int = 0,
    criterion_ranges: Mapping[str, tuple[Decimal, Decimal]] | None = None,
) -> EntryStanding:
    """A model's figures from its submitted totals and, per criterion code, the sum and number
    of its submitted scores and their lowest and highest. Pure; the arithmetic is `aggregation`'s."""
    if not totals:
        return EntryStanding(assigned_count=assigned, recused_count=recused)
    return EntryStanding(
        assigned_count=assigned,
        recused_count=recused,
        submitted_count=len(totals),
        score_mean=aggregation.mean(totals),
        score_median=aggregation.median(totals),
        score_trimmed_mean=aggregation.trimmed_mean(totals),
        spread=aggregation.spread(totals),
        criterion_means={
            code: str(aggregation.quantize(aggregation.to_decimal(total) / count))
            for code, (total, count) in sorted(criterion_sums.items())
            if count
        },
        discussion_revised_count=discussion_revised,
        criterion_spreads={
            code: str(aggregation.quantize(aggregation.to_decimal(high) - aggregation.to_decimal(low)))
            for code, (low, high) in sorted((criterion_ranges or {}).items())
            if criterion_sums.get(code, (0, 0))[1] >= 2
        },
    )


def _chunks(keys: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(keys), CHUNK):
        yield keys[start : start + CHUNK]


def _scopes(keys: Collection[int] | None) -> list[Sequence[int] | None]:
    """None (the whole round) or the sorted keys in chunks."""
    if keys is None or len(keys) >= WHOLE_ROUND_FROM:
        return [None]
    return list(_chunks(sorted(set(keys))))


# --- Recomputing from the raw rows ------------------------------------------------------------


def recompute_entries(round_: Round, initiative_ids: Collection[int] | None = None) -> dict[int, EntryStanding]:
    """The figures of the round's models (all, or those given), from the raw rows."""
    codes = {c.id: c.code for c in round_.criteria}
    totals: dict[int, list[Decimal]] = {}
    sums: dict[int, dict[str, tuple[Decimal, int]]] = {}
    ranges: dict[int, dict[str, tuple[Decimal, Decimal]]] = {}
    assigned: dict[int, int] = {}
    recused: dict[int, int] = {}
    revised: dict[int, int] = {}
    keys: list[int] = []
    for scope in _scopes(initiative_ids):

        def within(query, column, scope=scope):
            return query if scope is None else query.where(column.in_(scope))

        if scope is None:
            keys.extend(db.session.scalars(select(RoundEntry.initiative_id).where(RoundEntry.round_id == round_.id)))
        else:
            keys.extend(scope)
        submitted = and_(Scorecard.round_id == round_.id, Scorecard.state == ScorecardState.SUBMITTED)
        for initiative_id, total, in_discussion in db.session.execute(
            within(select(Scorecard.initiative_id, Scorecard.total, Scorecard.revised_in_discussion)
                   .where(submitted), Scorecard.initiative_id)
        ):
            totals.setdefault(initiative_id, []).append(aggregation.to_decimal(total))
            if in_discussion:
                revised[initiative_id] = revised.get(initiative_id, 0) + 1
        for initiative_id, criterion_id, total, count, low, high in db.session.execute(
            within(
                select(Scorecard.initiative_id, Score.criterion_id, func.sum(Score.value), func.count(),
                       func.min(Score.value), func.max(Score.value))
                .join(Scorecard, Score.scorecard_id == Scorecard.id)
                .where(submitted)
                .group_by(Scorecard.initiative_id, Score.criterion_id),
                Scorecard.initiative_id,
            )
        ):
            if criterion_id in codes:
                sums.setdefault(initiative_id, {})[codes[criterion_id]] = (total, count)
                ranges.setdefault(initiative_id, {})[codes[criterion_id]] = (low, high)
        for initiative_id, status, count in db.session.execute(
            within(
                select(Assignment.initiative_id, Assignment.status, func.count())
                .where(Assignment.round_id == round_.id)
                .group_by(Assignment.initiative_id, Assignment.status),
                Assignment.initiative_id,
            )
        ):
            (assigned if status is AssignmentStatus.ASSIGNED else recused)[initiative_id] = count
    return {
        key: entry_standing(totals.get(key, []), sums.get(key, {}), assigned=assigned.get(key, 0),
                            recused=recused.get(key, 0), discussion_revised=revised.get(key, 0),
                            criterion_ranges=ranges.get(key))
        for key in keys
    }


def recompute_panel(round_: Round, evaluator_ids: Collection[int] | None = None) -> dict[int, PanelStanding]:
    """The progress of the round's panel members (all, or those given), from the raw rows."""
    result: dict[int, PanelStanding] = {}
    for scope in _scopes(evaluator_ids):
        query = (
            select(
                PanelMember.user_id,
                func.count(Assignment.id).filter(Assignment.status == AssignmentStatus.ASSIGNED),
                func.count(Assignment.id).filter(Assignment.status == AssignmentStatus.RECUSED),
                func.count(Scorecard.id).filter(Scorecard.state == ScorecardState.SUBMITTED),
                func.count(Scorecard.id).filter(Scorecard.state == ScorecardState.DRAFT),
            )
            .select_from(PanelMember)
            .outerjoin(
                Assignment,
                and_(Assignment.round_id == PanelMember.round_id, Assignment.evaluator_id == PanelMember.user_id),
            )
            .outerjoin(Scorecard, assignment_scorecard())
            .where(PanelMember.round_id == round_.id)
            .group_by(PanelMember.user_id)
        )
        if scope is not None:
            query = query.where(PanelMember.user_id.in_(scope))
        for user_id, *counts in db.session.execute(query):
            result[user_id] = PanelStanding(*counts)
    return result


# --- Stored figures ------------------------------------------------------------------------------


def _entry_from_row(row) -> EntryStanding:
    values = dict(zip(ENTRY_FIELDS, row, strict=True))
    values["criterion_means"] = dict(values["criterion_means"] or {})
    values["criterion_spreads"] = dict(values["criterion_spreads"] or {})
    return EntryStanding(**values)


def stored_entries(round_: Round) -> dict[int, EntryStanding]:
    columns = [getattr(RoundEntry, name) for name in ENTRY_FIELDS]
    return {
        initiative_id: _entry_from_row(rest)
        for initiative_id, *rest in db.session.execute(
            select(RoundEntry.initiative_id, *columns).where(RoundEntry.round_id == round_.id)
        )
    }


def stored_panel(round_: Round) -> dict[int, PanelStanding]:
    columns = [getattr(PanelMember, name) for name in PANEL_FIELDS]
    return {
        user_id: PanelStanding(*rest)
        for user_id, *rest in db.session.execute(
            select(PanelMember.user_id, *columns).where(PanelMember.round_id == round_.id)
        )
    }


def mismatches(round_: Round) -> list[str]:
    """Every stored figure of the round that differs from a recomputation from the raw rows,
    described for a person ("model 12: submitted_count 3 != 4"); empty when all agree."""
    problems: list[str] = []
    for label, stored, fresh in (
        ("model", stored_entries(round_), recompute_entries(round_)),
        ("panel member", stored_panel(round_), recompute_panel(round_)),
    ):
        for key in sorted(set(stored) | set(fresh)):
            have, want = stored.get(key), fresh.get(key)
            if have == want:
                continue
            if have is None or want is None:
                problems.append(f"{label} {key}: stored {have}, recomputed {want}")
                continue
            for name, value in asdict(have).items():
                if value != getattr(want, name):
                    problems.append(f"{label} {key}: {name} {value!r} != {getattr(want, name)!r}")
    return problems + round_statistics.mismatches(round_)


# --- Keeping them in step -------------------------------------------------------------------------


def _write(model, stored_rows, fresh: Mapping[int, object], names: list[str]) -> set[str]:
    """Update the rows whose stored figures differ from `fresh` (rows of (id, key, *figures));
    returns the names of the figures that changed in any of them."""
    table = model.__table__
    changes = []
    changed: set[str] = set()
    for row_id, key, *values in stored_rows:
        target = asdict(fresh[key])
        differing = {name for name, value in zip(names, values, strict=True) if not _same(value, target[name])}
        if not differing:
            continue
        changed |= differing
        changes.append({"b_id": row_id, **{f"b_{name}": target[name] for name in names}})
    if changes:
        db.session.execute(
            update(table).where(table.c.id == bindparam("b_id")).values({n: bindparam(f"b_{n}") for n in names}),
            changes,
        )
        # Objects of these rows already in the session would show the old figures.
        for obj in list(db.session.identity_map.values()):
            if isinstance(obj, model):
                db.session.expire(obj, names)
    return changed


def _same(stored, wanted) -> bool:
    if isinstance(wanted, dict):
        return dict(stored or {}) == wanted
    return stored == wanted


def _refresh(round_: Round, model, key_column, fields, recompute, keys: set[int] | None) -> set[str]:
    """Lock the round's rows of `model` whose `key_column` is in `keys` (all when None), in
    key order, recompute their figures with `recompute`, and write the changed ones. Returns
    the names of the figures that changed."""
    if keys is not None and not keys:
        return set()
    columns = [getattr(model, name) for name in fields]
    changed: set[str] = set()
    for scope in _scopes(keys):
        query = (
            select(model.id, key_column, *columns)
            .where(model.round_id == round_.id)
            .order_by(key_column)
            .with_for_update(key_share=True)
        )
        if scope is not None:
            query = query.where(key_column.in_(scope))
        stored = db.session.execute(query).all()
        if not stored:
            continue
        fresh = recompute(round_, None if scope is None else [key for _id, key, *_ in stored])
        changed |= _write(model, stored, fresh, fields)
    return changed


def refresh_entries(round_: Round, initiative_ids: Iterable[int] | None) -> set[str]:
    """Lock the round's models (all when None), recompute their figures, write the changed
    ones. Returns the names of the figures that changed."""
    keys = None if initiative_ids is None else set(initiative_ids)
    return _refresh(round_, RoundEntry, RoundEntry.initiative_id, ENTRY_FIELDS, recompute_entries, keys)


def refresh_panel(round_: Round, evaluator_ids: Iterable[int] | None) -> set[str]:
    """Lock the round's panel members (all when None), recompute their progress, write the
    changed ones. Returns the names of the figures that changed."""
    keys = None if evaluator_ids is None else set(evaluator_ids)
    return _refresh(round_, PanelMember, PanelMember.user_id, PANEL_FIELDS, recompute_panel, keys)


# What the round's own figures (`round_statistics`) are computed from changes one of these on
# its model: a scorecard submitted, withdrawn or removed changes the count, a submitted total
# edited (one scorecard per transaction) changes the model's mean, and a criterion's score
# edited changes its criterion spreads.
ROUND_FIGURE_INPUTS = frozenset({"submitted_count", "score_mean", "score_median", "score_trimmed_mean", "spread",
                                 "criterion_spreads"})


def refresh(round_: Round, *, models: Iterable[int] = (), evaluators: Iterable[int] = ()) -> None:
    """After a change to assignments or scorecards: bring the standing of the models and panel
    members it touched up to date (models first, then members, then the round's figures that
    need every submitted total: the lock order)."""
    db.session.flush()
    inputs_changed = bool(refresh_entries(round_, models) & ROUND_FIGURE_INPUTS)
    refresh_panel(round_, evaluators)
    if inputs_changed:
        round_statistics.refresh(round_)


def rebuild(round_: Round) -> int:
    """Recompute the whole round's figures from the raw rows and write those that differ, and
    the round's own figures (`round_statistics`) when missing or different. Returns the number
    of rows corrected (0 when everything was in step).

    Only rows found different are locked and refreshed (recomputed again under their lock):
    locking every row of a national round would write 70,000 row locks for nothing."""
    db.session.flush()
    stored, fresh = stored_entries(round_), recompute_entries(round_)
    entries = [key for key, figures in fresh.items() if stored.get(key) != figures]
    stored_members, fresh_members = stored_panel(round_), recompute_panel(round_)
    members = [key for key, figures in fresh_members.items() if stored_members.get(key) != figures]
    if entries:
        refresh_entries(round_, entries)
    if members:
        refresh_panel(round_, members)
    return len(entries) + len(members) + int(round_statistics.rebuild(round_))
