"""The published result (kết quả): the ranking of a round frozen as a snapshot at
finalisation, one row per model. The rows copy names and numbers so that later edits to
models, units or scores cannot change a published result."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.types import UTCDateTime, enum_column, utcnow
from ..extensions import db
from ..registry.models import Field
from ..units.models import UnitKind
from .models import TOTAL, Grade


class RankingSnapshot(db.Model):
    """The ranking frozen at finalisation. A reopened and re-finalised round gets a new one;
    the latest is the round's result. Its rows copy names and numbers so that later edits
    to models, units or scores cannot change a published result."""

    __tablename__ = "ranking_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Settings in force when frozen: aggregation, thresholds, criteria (code, name, max).
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    rows: Mapped[list[RankingSnapshotRow]] = relationship(
        back_populates="snapshot", cascade="all, delete-orphan", order_by="RankingSnapshotRow.position"
    )


class RankingSnapshotRow(db.Model):
    __tablename__ = "ranking_snapshot_rows"
    __table_args__ = (UniqueConstraint("snapshot_id", "initiative_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("ranking_snapshots.id", ondelete="CASCADE"))
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="RESTRICT"), index=True
    )
    position: Mapped[int]
    rank: Mapped[int | None]
    name: Mapped[str] = mapped_column(String(500))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    unit_name: Mapped[str] = mapped_column(String(255))
    unit_kind: Mapped[UnitKind] = mapped_column(enum_column(UnitKind, "snapshot_unit_kind"))
    field: Mapped[Field | None] = mapped_column(enum_column(Field, "snapshot_field"))
    total: Mapped[Decimal | None] = mapped_column(TOTAL)
    spread: Mapped[Decimal | None] = mapped_column(TOTAL)
    criterion_means: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    grade: Mapped[Grade | None] = mapped_column(enum_column(Grade, "snapshot_grade"))
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_complete: Mapped[bool]
    submitted_count: Mapped[int]
    assigned_count: Mapped[int]
    # Both bases, whichever ranked: {"raw": [total, rank, grade], "adjusted": [...]} (see
    # `adjustment`); NULL in snapshots taken before the adjustment existed.
    bases: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    snapshot: Mapped[RankingSnapshot] = relationship(back_populates="rows")
