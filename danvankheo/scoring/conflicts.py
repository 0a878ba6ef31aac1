"""Conflict of interest (xung đột lợi ích): an evaluator never scores a model of their own unit
or of a unit below it. Assignment and the scoring form both ask these rules."""

from __future__ import annotations

from ..auth.models import User
from ..registry.models import Initiative
from ..units.models import Unit


def has_conflict(evaluator: User, unit: Unit) -> bool:
    """True when `unit` is the evaluator's unit or lies below it in the tree."""
    return evaluator.unit is not None and unit.is_within(evaluator.unit)


def path_conflict(evaluator_path: str, unit_path: str) -> bool:
    return bool(evaluator_path) and unit_path.startswith(evaluator_path)


def conflict_message(evaluator: User, initiative: Initiative) -> str:
    return (
        f"Không thể phân công {evaluator.full_name} chấm mô hình “{initiative.name}”: mô hình thuộc "
        "đơn vị của thành viên hội đồng hoặc đơn vị cấp dưới (xung đột lợi ích)."
    )


OWN_UNIT_MESSAGE = (
    "Bạn không được chấm mô hình của đơn vị mình hoặc của đơn vị cấp dưới (xung đột lợi ích)."
)
