"""Blind scoring (chấm độc lập), locked scorecards and the discussion phase (thảo luận).

In a blind round an evaluator sees the other evaluators' scores only once the scoring window
has closed, or once the secretariat opens a discussion phase (and then only after submitting
their own). A submitted scorecard is locked: changing it needs the secretariat to reopen it,
with a reason, for one revision. During the discussion phase a submitted scorecard may be
revised; every revision is a version and the ranking marks the model "điều chỉnh sau thảo
luận". So seeing the others' scores never comes with a free hand to revise unseen.
"""

from __future__ import annotations

from datetime import datetime

from ..audit.services import record
from ..auth.models import User
from ..core.links import page_link
from ..core.types import utcnow
from ..extensions import db
from ..notifications.services import notify
from .errors import ScoringError, require_state
from .models import Assignment, AssignmentStatus, PanelMember, Round, RoundState, Scorecard
from .rounds import MAX_REASON, lock_round

LOCKED_MESSAGE = (
    "Phiếu chấm đã nộp và đã khóa. Muốn sửa, vui lòng đề nghị thường trực hội đồng mở lại "
    "phiếu (có ghi lý do), hoặc chờ giai đoạn thảo luận."
)


def window_closed(round_: Round, now: datetime | None = None) -> bool:
    """The scoring window is over: the round is closed or finalised, or its deadline passed."""
    if round_.state in (RoundState.CLOSED, RoundState.FINALISED):
        return True
    now = now or utcnow()
    return round_.state is RoundState.SCORING and round_.closes_at is not None and now > round_.closes_at


def others_visible(round_: Round, own: Scorecard | None, now: datetime | None = None) -> bool:
    """May the evaluator holding `own` see the other evaluators' scores now?"""
    if not round_.is_blind:
        return True
    if window_closed(round_, now):
        return True
    return round_.in_discussion and own is not None and own.is_submitted


def revision_kind(round_: Round, card: Scorecard | None) -> str | None:
    """How a submitted scorecard may be changed now: "reopened", "discussion", or None when it
    is locked (or not submitted: then the ordinary window rules apply)."""
    if card is None or not card.is_submitted:
        return None
    if card.is_reopened:
        return "reopened"
    if round_.in_discussion:
        return "discussion"
    return None


def check_revision_allowed(round_: Round, card: Scorecard | None, *, state: RoundState) -> None:
    """Raise when `card` is submitted and locked."""
    if card is None or not card.is_submitted:
        return
    if card.is_reopened and state is RoundState.SCORING:
        return
    if round_.discussion_opened_at is not None and state in (RoundState.SCORING, RoundState.CLOSED):
        return
    raise ScoringError(LOCKED_MESSAGE)


def can_edit(round_: Round, card: Scorecard | None, assignment: Assignment, now: datetime | None = None) -> bool:
    """For the form: may the evaluator change this scorecard now?"""
    if assignment.status is not AssignmentStatus.ASSIGNED:
        return False
    if card is not None and card.is_submitted:
        if card.is_reopened:
            return round_.window_open(now or utcnow())
        return round_.in_discussion
    return round_.window_open(now or utcnow())


# --- The secretariat's actions -----------------------------------------------------------------


def _panel(round_: Round) -> list[User]:
    return list(db.session.scalars(
        db.select(User).join(PanelMember, PanelMember.user_id == User.id)
        .where(PanelMember.round_id == round_.id, User.is_active.is_(True))
    ))


def open_discussion(round_: Round, *, by: User | None = None) -> None:
    """Open the discussion phase: the panel sees the submitted scorecards and may revise theirs."""
    lock_round(round_)
    require_state(round_, RoundState.SCORING, RoundState.CLOSED,
                  message="Chỉ mở thảo luận khi đợt đang chấm hoặc đã khóa chấm, chưa công bố kết quả.")
    if round_.discussion_opened_at is not None:
        raise ScoringError("Đợt đánh giá đang trong giai đoạn thảo luận.")
    round_.discussion_opened_at = utcnow()
    record("round.discussion_open", round_, actor=by, changes={"discussion": [False, True]})
    notify(
        _panel(round_),
        kind="scoring.discussion",
        title=f"Mở thảo luận — {round_.name}",
        body=("Bạn xem được phiếu chấm (ẩn danh) của các thành viên khác và có thể điều chỉnh phiếu "
              "đã nộp; mỗi lần điều chỉnh được lưu thành một phiên bản và ghi trên bảng xếp hạng."),
        link=page_link("scoring.queue", dot=round_.id),
    )
    db.session.flush()


def close_discussion(round_: Round, *, by: User | None = None) -> None:
    """End the discussion phase: submitted scorecards are locked again."""
    lock_round(round_)
    if round_.discussion_opened_at is None:
        raise ScoringError("Đợt đánh giá không trong giai đoạn thảo luận.")
    round_.discussion_opened_at = None
    record("round.discussion_close", round_, actor=by, changes={"discussion": [True, False]})
    db.session.flush()


def reopen_scorecard(card: Scorecard, reason: str, *, by: User) -> None:
    """Unlock a submitted scorecard for one revision by its evaluator, with a reason; the
    evaluator is told. The scores keep counting until they are changed."""
    round_ = db.session.get(Round, card.round_id)
    lock_round(round_)
    require_state(round_, RoundState.SCORING,
                  message="Chỉ mở lại phiếu chấm khi đợt đang chấm (nếu đã khóa chấm, hãy mở lại việc chấm trước).")
    if not card.is_submitted:
        raise ScoringError("Phiếu chấm chưa nộp: thành viên hội đồng vẫn đang sửa được.")
    if card.is_reopened:
        raise ScoringError("Phiếu chấm này đã được mở lại và đang chờ thành viên hội đồng sửa.")
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ScoringError("Vui lòng ghi rõ lý do mở lại phiếu chấm (ít nhất 5 ký tự).", field="reason")
    card.reopened_at = utcnow()
    card.reopen_reason = reason[:MAX_REASON]
    evaluator = db.session.get(User, card.evaluator_id)
    from ..registry.models import Initiative

    initiative = db.session.get(Initiative, card.initiative_id)
    record("scorecard.reopen", card, actor=by, reason=card.reopen_reason,
           label=f"{initiative.name} — {evaluator.full_name}", changes={"locked": [True, False]})
    notify(
        [evaluator],
        kind="scoring.scorecard_reopened",
        title=f"Phiếu chấm mô hình “{initiative.name}” được mở lại để sửa",
        body=f"Lý do: {card.reopen_reason}. Sau khi bạn lưu thay đổi, phiếu được khóa lại.",
        link=page_link("scoring.score", round_id=round_.id, initiative_id=initiative.id),
    )
    db.session.flush()
