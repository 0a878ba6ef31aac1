"""The rubric (bộ tiêu chí) of a round: its criteria, their maximum scores and the tie-breaker.
Editable while the round is a draft, frozen once scoring starts. Also how a typed score is read."""

from __future__ import annotations

import re
from decimal import Decimal

from ..audit.services import diff, record
from ..auth.models import User
from ..core.formatting import parse_decimal
from ..extensions import db
from . import aggregation
from .errors import ScoringError, require_state
from .models import Criterion, Round, RoundState

FROZEN_RUBRIC = "Bộ tiêu chí đã cố định từ khi bắt đầu chấm; chỉ sửa được khi đợt đang chuẩn bị."
CODE_RE = re.compile(r"^[A-Za-z0-9_.-]{1,20}$")


def parse_points(raw: str | Decimal | int | float | None) -> Decimal | None:
    """A number typed by a person: "7,5", "7.5", "7"; None when blank. ValueError otherwise."""
    if raw is None:
        return None
    if isinstance(raw, Decimal | int | float):
        return aggregation.to_decimal(raw)
    return parse_decimal(raw)


def is_half_step(value: Decimal) -> bool:
    return (value * 2) == (value * 2).to_integral_value()


def _validate_criterion(round_: Round, code: str, name: str, max_score: Decimal,
                        exclude_id: int | None = None) -> None:
    if not CODE_RE.match(code):
        raise ScoringError("Mã tiêu chí gồm chữ không dấu, số, dấu chấm hoặc gạch, tối đa 20 ký tự.", field="code")
    if not name.strip():
        raise ScoringError("Vui lòng nhập tên tiêu chí.", field="name")
    if max_score is None or max_score <= 0 or max_score > 1000 or not is_half_step(max_score):
        raise ScoringError("Điểm tối đa phải lớn hơn 0, không quá 1000, theo bước 0,5.", field="max_score")
    for other in round_.criteria:
        if other.id != exclude_id and other.code.upper() == code.upper():
            raise ScoringError(f"Mã tiêu chí “{code}” đã có trong đợt này.", field="code")


def _clear_tiebreaker(round_: Round, keep: Criterion | None) -> None:
    changed = False
    for other in round_.criteria:
        if other is not keep and other.is_tiebreaker:
            other.is_tiebreaker = False
            changed = True
    if changed:
        db.session.flush()  # before the new one is set: one tie-breaker per round


def add_criterion(round_: Round, *, code: str, name: str, guidance: str, max_score: Decimal,
                  is_tiebreaker: bool = False, by: User | None = None) -> Criterion:
    require_state(round_, RoundState.DRAFT, message=FROZEN_RUBRIC)
    code = code.strip().upper()
    _validate_criterion(round_, code, name, max_score)
    if is_tiebreaker:
        _clear_tiebreaker(round_, None)
    position = max((c.position for c in round_.criteria), default=0) + 1
    criterion = Criterion(round=round_, code=code, name=name.strip(), guidance=(guidance or "").strip(),
                          max_score=max_score, position=position, is_tiebreaker=is_tiebreaker)
    db.session.add(criterion)
    db.session.flush()
    record("rubric.add", criterion, actor=by, label=f"{round_.name}: {criterion.code}",
           changes={"name": [None, criterion.name], "max_score": [None, criterion.max_score]})
    return criterion


def update_criterion(criterion: Criterion, *, code: str, name: str, guidance: str, max_score: Decimal,
                     is_tiebreaker: bool, by: User | None = None) -> None:
    round_ = criterion.round
    require_state(round_, RoundState.DRAFT, message=FROZEN_RUBRIC)
    code = code.strip().upper()
    _validate_criterion(round_, code, name, max_score, exclude_id=criterion.id)
    values = {"code": code, "name": name.strip(), "guidance": (guidance or "").strip(),
              "max_score": max_score, "is_tiebreaker": is_tiebreaker}
    changes = diff(criterion, values)
    if is_tiebreaker:
        _clear_tiebreaker(round_, criterion)
    for key, value in values.items():
        setattr(criterion, key, value)
    db.session.flush()
    if changes:
        record("rubric.update", criterion, actor=by, label=f"{round_.name}: {criterion.code}", changes=changes)


def delete_criterion(criterion: Criterion, *, by: User | None = None) -> None:
    round_ = criterion.round
    require_state(round_, RoundState.DRAFT, message=FROZEN_RUBRIC)
    if len(round_.criteria) <= 1:
        raise ScoringError("Bộ tiêu chí phải còn ít nhất một tiêu chí.")
    record("rubric.delete", criterion, actor=by, label=f"{round_.name}: {criterion.code}",
           changes={"name": [criterion.name, None], "max_score": [criterion.max_score, None]})
    round_.criteria.remove(criterion)
    db.session.flush()


def move_criterion(criterion: Criterion, offset: int, *, by: User | None = None) -> None:
    round_ = criterion.round
    require_state(round_, RoundState.DRAFT, message=FROZEN_RUBRIC)
    ordered = list(round_.criteria)
    index = ordered.index(criterion)
    target = index + offset
    if not 0 <= target < len(ordered):
        return
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, item in enumerate(ordered, start=1):
        item.position = position
    db.session.flush()
    db.session.expire(round_, ["criteria"])  # reload in the new order
    record("rubric.reorder", round_, actor=by, changes={"order": [None, [c.code for c in ordered]]})
