"""Accepting or returning several submitted models at once, with one reason.

All or nothing: every selected model is checked first, and if any of them cannot take the
move (it was withdrawn, accepted or returned meanwhile, or is not yours to review) the
refusal lists each such model and nothing is changed. Each model then goes through the
ordinary `workflow.transition`, so each is audited and its unit notified as if it had been
reviewed on its own page. Flushes; the view commits once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..core.errors import DomainError
from ..extensions import db
from . import permissions, workflow
from .models import Initiative, Status, Transition

BULK_TARGETS = {"tiep-nhan": Status.ACCEPTED, "tra-lai": Status.RETURNED}
MAX_SELECTED = 500


@dataclass(frozen=True)
class Problem:
    initiative_id: int
    name: str  # the model's name, or its number when it no longer exists
    message: str


class BulkRefused(DomainError):
    """Nothing was changed; `problems` names each model that stopped the move."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


def bulk_review(ids: Iterable[int], target: Status, user, *, reason: str | None) -> list[Transition]:
    """Move every selected submitted model to `target` (accepted or returned), or none."""
    if target not in BULK_TARGETS.values():
        raise BulkRefused("Chỉ tiếp nhận hoặc trả lại được nhiều mô hình cùng lúc.")
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise BulkRefused("Vui lòng chọn ít nhất một mô hình.")
    if len(ids) > MAX_SELECTED:
        raise BulkRefused(f"Mỗi lần chọn tối đa {MAX_SELECTED} mô hình.")
    reason = (reason or "").strip() or None
    action = workflow.ACTION_BY_TARGET[target]
    if action.needs_reason and not reason:
        raise BulkRefused(f"Vui lòng ghi rõ lý do khi chọn “{action.label}”; lý do được gửi tới từng đơn vị.")
    found = {
        i.id: i
        for i in db.session.scalars(
            select(Initiative).where(Initiative.id.in_(ids)).options(joinedload(Initiative.unit))
        )
    }
    problems = []
    for initiative_id in ids:
        initiative = found.get(initiative_id)
        # Another organiser's model is answered like a missing one: its name stays private.
        if initiative is None or not (permissions.reviews_scope_of(user, initiative)
                                      or permissions.can_view(user, initiative)):
            problems.append(Problem(initiative_id, f"Mô hình số {initiative_id}", "không còn tồn tại."))
        elif initiative.status is not Status.SUBMITTED:
            problems.append(Problem(initiative_id, initiative.name,
                                    f"đang ở trạng thái “{initiative.status.label}”, không còn chờ tiếp nhận."))
        elif not workflow.is_allowed(user, initiative, target):
            problems.append(Problem(initiative_id, initiative.name, "bạn không có quyền xét mô hình này."))
    if problems:
        raise BulkRefused(_refusal(action, len(ids), len(problems)), problems)
    steps = []
    for initiative_id in ids:
        initiative = found[initiative_id]
        try:
            steps.append(workflow.transition(initiative, target, user, reason=reason))
        except workflow.TransitionRefused as error:
            problems.append(Problem(initiative_id, initiative.name, str(error)))
    if problems:
        raise BulkRefused(_refusal(action, len(ids), len(problems)), problems)
    return steps


def _refusal(action: workflow.Action, selected: int, refused: int) -> str:
    return (
        f"Chưa {action.label.lower()} mô hình nào: {refused} trong {selected} mô hình đã chọn không thể "
        f"“{action.label}”. Bỏ chọn các mô hình dưới đây rồi thử lại."
    )
