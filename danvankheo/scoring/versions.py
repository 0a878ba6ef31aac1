"""Scorecard versions (phiên bản phiếu chấm): every save that changes a scorecard writes one,
with who, when, and the old and new values. The scoring form carries the version it was
based on; a save from an older form is refused instead of overwriting newer scores."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ..auth.models import User
from ..core.errors import StaleError
from ..extensions import db
from .models import Criterion, Scorecard, ScorecardVersion, VersionKind

STALE_MESSAGE = (
    "Phiếu chấm đã được lưu ở một cửa sổ hoặc thiết bị khác sau khi bạn mở trang này, nên "
    "thay đổi của bạn chưa được lưu. Vui lòng tải lại trang, xem điểm hiện tại rồi nhập lại."
)


class StaleScorecard(StaleError):
    """The form was based on an older version of the scorecard."""

    def __init__(self) -> None:
        super().__init__(STALE_MESSAGE)


def parse_version(raw: Any) -> int | None:
    """The version a form carries ("3"), or None when missing or not a number."""
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return value if value >= 0 else None


def check_current(card: Scorecard | None, expected: int | None) -> None:
    """Refuse a save based on another version than the scorecard's current one. A new
    scorecard is version 0."""
    if expected is None:
        return
    current = card.version if card is not None else 0
    if current != expected:
        raise StaleScorecard()


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return value


def add_version(card: Scorecard, kind: VersionKind, changes: dict[str, list], *, by: User | None) -> ScorecardVersion:
    """Record the change just made to `card` as its next version."""
    card.version = (card.version or 0) + 1
    version = ScorecardVersion(
        scorecard_id=card.id,
        number=card.version,
        kind=kind,
        actor_id=getattr(by, "id", None),
        actor_name=getattr(by, "full_name", "") or "",
        total=card.total,
        changes={key: [_plain(old), _plain(new)] for key, (old, new) in changes.items()},
    )
    db.session.add(version)
    return version


def history(card: Scorecard) -> list[ScorecardVersion]:
    """The versions of a scorecard, newest first."""
    return list(db.session.scalars(
        select(ScorecardVersion).where(ScorecardVersion.scorecard_id == card.id)
        .order_by(ScorecardVersion.number.desc())
    ))


def change_labels(criteria: list[Criterion]) -> dict[str, str]:
    """Names of the keys a version's changes use, for people."""
    labels = {c.code: f"{c.code}. {c.name}" for c in criteria}
    labels.update({"total": "Tổng điểm", "comment": "Nhận xét", "state": "Trạng thái"})
    return labels
