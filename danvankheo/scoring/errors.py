"""The scoring feature's refusals. Each is a `DomainError` whose Vietnamese message the user
reads as is, naming the form field it belongs to where there is one; views show them with
`core.errors.saving`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.errors import DomainError
from .models import Round, RoundState

if TYPE_CHECKING:
    from .second_round import Standing


class ScoringError(DomainError):
    """A refused operation; the message is shown to the user."""


class ConflictOfInterest(ScoringError):
    """The evaluator belongs to the model's unit or to a unit above it."""


class ScoreValidationError(ScoringError):
    """Scores that cannot be saved; `errors` maps criterion id (or "comment") to a message."""

    def __init__(self, errors: dict[int | str, str]):
        super().__init__("Phiếu chấm chưa lưu được: vui lòng sửa các ô được đánh dấu.")
        self.errors = errors


class NeedsReason(ScoringError):
    """Some chosen models were ranked or proposed: show where they stand, and ask why they are
    evaluated again. `standings` lists every place of every chosen model found elsewhere."""

    def __init__(self, standings: dict[int, list[Standing]]) -> None:
        super().__init__(
            "Có mô hình đã được xếp hạng, đề nghị khen thưởng hoặc đang ở đợt khác. "
            "Vui lòng ghi lý do đánh giá lại.",
            field="reason",
        )
        self.standings = standings


def require_state(round_: Round, *states: RoundState, message: str) -> None:
    """Refuse with `message` unless the round is in one of `states`."""
    if round_.state not in states:
        raise ScoringError(message)
