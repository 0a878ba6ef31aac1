"""Scorecards (phiếu chấm): an evaluator saves a draft or submits, a submitted card changes only
when reopened or in the discussion phase, and other evaluators' cards are shown without names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..audit.services import record
from ..auth.models import User
from ..core.formatting import format_score
from ..core.types import utcnow
from ..extensions import db
from ..registry.models import Initiative
from . import standings, versions
from .conflicts import OWN_UNIT_MESSAGE, has_conflict
from .errors import ConflictOfInterest, ScoreValidationError, ScoringError
from .models import (
    Assignment,
    AssignmentStatus,
    Criterion,
    Round,
    RoundState,
    Score,
    Scorecard,
    ScorecardState,
    VersionKind,
)
from .rubric import is_half_step, parse_points


def delete_scorecards(condition) -> None:
    card_ids = select(Scorecard.id).where(condition)
    db.session.execute(delete(Score).where(Score.scorecard_id.in_(card_ids)))
    db.session.execute(delete(Scorecard).where(condition))


def _lock_assignment(round_id: int, initiative_id: int, evaluator_id: int) -> Assignment | None:
    return db.session.scalar(
        select(Assignment)
        .where(
            Assignment.round_id == round_id,
            Assignment.initiative_id == initiative_id,
            Assignment.evaluator_id == evaluator_id,
        )
        .with_for_update()
    )


def find_scorecard(round_id: int, initiative_id: int, evaluator_id: int) -> Scorecard | None:
    return db.session.scalar(
        select(Scorecard).where(
            Scorecard.round_id == round_id,
            Scorecard.initiative_id == initiative_id,
            Scorecard.evaluator_id == evaluator_id,
        )
    )


def check_can_score(round_: Round, initiative: Initiative, evaluator: User, *, now: datetime | None = None,
                    state: RoundState | None = None) -> None:
    """Raise unless the evaluator may save a scorecard for this model now."""
    if has_conflict(evaluator, initiative.unit):
        raise ConflictOfInterest(OWN_UNIT_MESSAGE)
    state = state or round_.state
    if state is not RoundState.SCORING:
        raise ScoringError("Đợt đánh giá không ở trạng thái đang chấm: phiếu chấm không sửa được nữa.")
    now = now or utcnow()
    if round_.opens_at is not None and now < round_.opens_at:
        raise ScoringError("Chưa đến thời gian chấm của đợt đánh giá này.")
    if round_.closes_at is not None and now > round_.closes_at:
        raise ScoringError("Đã hết thời gian chấm của đợt đánh giá này.")


MAX_COMMENT = 5000
MISSING_SCORE = "Vui lòng nhập điểm tiêu chí này trước khi nộp phiếu."
HALF_STEPS = "Điểm chấm theo bước 0,5 (ví dụ 7 hoặc 7,5)."


def save_scorecard(
    round_: Round,
    initiative: Initiative,
    evaluator: User,
    values: Mapping[int, str | Decimal | int | float | None],
    *,
    comment: str = "",
    submit: bool = False,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Scorecard:
    """Create or update the evaluator's scorecard for a model (an upsert on the unique keys).

    `values` maps criterion id to the typed score. A draft may leave scores blank; a
    submission needs every score. A submitted scorecard is locked (see `phases`): it changes
    only once reopened by the secretariat or during the discussion phase, and stays
    submitted. Every change is a version (see `versions`); `expected_version`, the version
    the form was based on, refuses a stale form.
    Safe under concurrent requests: the round row is share-locked (state changes take an
    exclusive lock) and the assignment row is locked, so saves of one scorecard queue up;
    the model's and the evaluator's standing are then recomputed under their own row locks
    (`standings.refresh`), so saves of different cards of one model queue up there.
    """
    state = db.session.scalar(select(Round.state).where(Round.id == round_.id).with_for_update(read=True))
    db.session.refresh(round_, ["discussion_opened_at"])
    _check_assigned(round_, initiative, evaluator)
    card = find_scorecard(round_.id, initiative.id, evaluator.id)
    was_submitted = card is not None and card.is_submitted
    kind = _version_kind(round_, initiative, evaluator, card, submit=submit, now=now, state=state)
    versions.check_current(card, expected_version)

    submit = submit or was_submitted
    parsed, comment = _parse_scorecard(round_, values, comment, submit=submit)
    if card is None:
        card = _create_card(round_, initiative, evaluator, expected_version)
    changes = _apply_scores(card, round_, parsed)
    total = sum((v for v in parsed.values() if v is not None), Decimal(0))
    if card.total != total:
        changes["total"] = [card.total, total]
    if card.comment != comment:
        changes["comment"] = [card.comment, comment]
    card.total = total
    card.comment = comment
    if submit:
        if not was_submitted:
            changes["state"] = ["draft", "submitted"]
            card.submitted_at = now or utcnow()
        card.state = ScorecardState.SUBMITTED
    if was_submitted and changes:
        _mark_revision(card, kind)
    card.updated_at = utcnow()
    if changes:
        db.session.flush()
        versions.add_version(card, kind, changes, by=evaluator)
    standings.refresh(round_, models=[initiative.id], evaluators=[evaluator.id])
    if submit and (changes or not was_submitted):
        record("scorecard.revise" if was_submitted else "scorecard.submit", card, actor=evaluator,
               label=initiative.name, changes=changes)
    return card


def _check_assigned(round_: Round, initiative: Initiative, evaluator: User) -> None:
    """Refuse a conflict of interest first, then anyone not (or no longer) assigned; the
    assignment row stays locked until the save commits."""
    if has_conflict(evaluator, initiative.unit):
        raise ConflictOfInterest(OWN_UNIT_MESSAGE)
    assignment = _lock_assignment(round_.id, initiative.id, evaluator.id)
    if assignment is None:
        raise ScoringError("Bạn không được phân công chấm mô hình này.")
    if assignment.status is AssignmentStatus.RECUSED:
        raise ScoringError("Bạn đã từ chối chấm mô hình này.")


def _version_kind(round_: Round, initiative: Initiative, evaluator: User, card: Scorecard | None, *,
                  submit: bool, now: datetime | None, state: RoundState) -> VersionKind:
    """What this save is (a draft, a submission, or the revision of a submitted card), once it
    is allowed: a submitted card changes only when reopened (within the scoring window) or
    during the discussion phase; any other card only within the scoring window."""
    from . import phases

    if card is not None and card.is_submitted:
        phases.check_revision_allowed(round_, card, state=state)
        if not card.is_reopened:
            return VersionKind.DISCUSSION
        check_can_score(round_, initiative, evaluator, now=now, state=state)
        return VersionKind.REOPENED
    check_can_score(round_, initiative, evaluator, now=now, state=state)
    return VersionKind.SUBMIT if submit else VersionKind.DRAFT


def criterion_error(criterion: Criterion, value: Decimal | None, *, submit: bool) -> str | None:
    """Why `value` cannot be this criterion's score, or None: blank only in a draft, between 0
    and the criterion's maximum, in half points."""
    if value is None:
        return MISSING_SCORE if submit else None
    if value < 0 or value > criterion.max_score:
        return f"Điểm phải từ 0 đến {_fmt(criterion.max_score)}."
    if not is_half_step(value):
        return HALF_STEPS
    return None


def _parse_scorecard(round_: Round, values: Mapping[int, str | Decimal | int | float | None], comment: str,
                     *, submit: bool) -> tuple[dict[int, Decimal | None], str]:
    """The typed scores (by criterion id) and comment, or ScoreValidationError naming every
    field that is wrong."""
    parsed: dict[int, Decimal | None] = {}
    errors: dict[int | str, str] = {}
    for criterion in round_.criteria:
        try:
            value = parse_points(values.get(criterion.id))
        except ValueError as error:
            errors[criterion.id] = str(error)
            continue
        message = criterion_error(criterion, value, submit=submit)
        if message:
            errors[criterion.id] = message
        parsed[criterion.id] = value
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        errors["comment"] = "Nhận xét không được dài quá 5.000 ký tự."
    if errors:
        raise ScoreValidationError(errors)
    return parsed, comment


def _create_card(round_: Round, initiative: Initiative, evaluator: User, expected_version: int | None
                 ) -> Scorecard:
    """A new empty draft, or the card a concurrent request created first."""
    try:
        with db.session.begin_nested():
            card = Scorecard(round_id=round_.id, initiative_id=initiative.id, evaluator_id=evaluator.id,
                             state=ScorecardState.DRAFT, total=Decimal(0), comment="", version=0)
            db.session.add(card)
    except IntegrityError:
        # Another request created it first (possible only without row locks, e.g. SQLite).
        card = find_scorecard(round_.id, initiative.id, evaluator.id)
        if card is None:
            raise
        versions.check_current(card, expected_version)
    return card


def _apply_scores(card: Scorecard, round_: Round, parsed: Mapping[int, Decimal | None]) -> dict[str, list]:
    """Write the scores onto the card (a blank score removes it); the changes by criterion code."""
    by_criterion = {s.criterion_id: s for s in card.scores}
    changes: dict[str, list] = {}
    for criterion in round_.criteria:
        value = parsed.get(criterion.id)
        existing = by_criterion.get(criterion.id)
        old = existing.value if existing is not None else None
        if value is None:
            if existing is not None:
                card.scores.remove(existing)
        elif existing is None:
            card.scores.append(Score(criterion_id=criterion.id, max_score=criterion.max_score, value=value))
        elif existing.value != value:
            existing.value = value
        if old != value:
            changes[criterion.code] = [old, value]
    return changes


def _mark_revision(card: Scorecard, kind: VersionKind) -> None:
    """A submitted card was changed: a reopening allows one revision (it closes here); a
    discussion revision is marked on the ranking."""
    if kind is VersionKind.REOPENED:
        card.reopened_at = None
        card.reopen_reason = None
    else:
        card.revised_in_discussion = True


def _fmt(value: Decimal) -> str:
    return format_score(value)


@dataclass
class AnonymousScorecard:
    label: str
    total: Decimal
    scores: dict[int, Decimal]
    comment: str


def anonymous_scorecards(round_: Round, initiative_id: int, *, exclude_evaluator_id: int | None = None
                         ) -> list[AnonymousScorecard]:
    """Submitted scorecards of a model without who wrote them, ordered by total (two queries)."""
    query = select(Scorecard).where(
        Scorecard.round_id == round_.id,
        Scorecard.initiative_id == initiative_id,
        Scorecard.state == ScorecardState.SUBMITTED,
    )
    if exclude_evaluator_id is not None:
        query = query.where(Scorecard.evaluator_id != exclude_evaluator_id)
    cards = sorted(db.session.scalars(query), key=lambda c: (-c.total, c.comment))
    if not cards:
        return []
    scores: dict[int, dict[int, Decimal]] = {}
    for card_id, criterion_id, value in db.session.execute(
        select(Score.scorecard_id, Score.criterion_id, Score.value).where(
            Score.scorecard_id.in_([c.id for c in cards])
        )
    ):
        scores.setdefault(card_id, {})[criterion_id] = value
    return [
        AnonymousScorecard(label=f"Phiếu {i}", total=card.total, scores=scores.get(card.id, {}),
                           comment=card.comment)
        for i, card in enumerate(cards, start=1)
    ]
