"""Evaluation rounds (đợt đánh giá), their rubric (tiêu chí), panel (hội đồng), assignments,
scorecards (phiếu chấm). The ranking frozen at finalisation lives in `snapshots`.

Invariants the domain states are constraints here, so that no code path can break them:
one scorecard per evaluator and model, one score per scorecard and criterion, a score
between 0 and the criterion's maximum in steps of 0.5, an evaluator never assigned a model
of their own unit or a unit below it, a scorecard only for an existing assignment.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..core.checks import non_negative, positive, year_in_range
from ..core.labels import LabelledEnum
from ..core.types import UTCDateTime, enum_column, utcnow
from ..extensions import db
from ..registry.models import Field, Initiative
from ..units.models import Unit, UnitKind

# Scores and maxima: up to 9999.5, one decimal (always .0 or .5).
POINTS = Numeric(5, 1)
# Totals and aggregates: sums of scores, and means kept to two decimals.
TOTAL = Numeric(8, 2)


class RoundState(LabelledEnum):
    """draft → scoring → closed → finalised; closed may go back to scoring, and an admin
    may reopen a finalised round (back to closed) with a recorded reason."""

    DRAFT = "Đang chuẩn bị"
    SCORING = "Đang chấm"
    CLOSED = "Đã khóa chấm"
    FINALISED = "Đã công bố kết quả"


class AggregationMethod(LabelledEnum):
    """How the evaluators' totals of one model become its final score."""

    MEAN = "Trung bình cộng"
    MEDIAN = "Trung vị"
    TRIMMED_MEAN = "Trung bình sau khi bỏ điểm cao nhất và thấp nhất (từ 5 phiếu)"


class Grade(LabelledEnum):
    """Xếp loại."""

    EXCELLENT = "Xuất sắc"
    GOOD = "Tốt"
    FAIR = "Khá"
    FAIL = "Không đạt"


class RankingBasis(LabelledEnum):
    """Which score ranks a round: the raw aggregate, or the one adjusted for each evaluator's
    severity (see `adjustment`). Chosen by the secretariat before finalisation."""

    RAW = "Điểm gốc"
    ADJUSTED = "Điểm hiệu chỉnh theo mức chấm"


class AssignmentStatus(LabelledEnum):
    ASSIGNED = "Được phân công"
    RECUSED = "Từ chối chấm"  # the evaluator declined, with a reason (từ chối chấm)


class ScorecardState(LabelledEnum):
    DRAFT = "Bản nháp"
    SUBMITTED = "Đã nộp"


# Default rubric from DOMAIN.md: (code, name, maximum, guidance). Totals 100.
DEFAULT_RUBRIC: list[tuple[str, str, int, str]] = [
    (
        "TC1",
        "Tính mới, sáng tạo",
        20,
        "Cách làm mới, sáng tạo so với trước và so với nơi khác; không lặp lại mô hình cũ.",
    ),
    (
        "TC2",
        "Hiệu quả thiết thực, giải quyết vấn đề bức xúc",
        30,
        "Kết quả cụ thể, kiểm chứng được; giải quyết được vấn đề bức xúc của địa phương, đơn vị.",
    ),
    (
        "TC3",
        "Sự tham gia, đồng thuận, hài lòng của Nhân dân",
        20,
        "Số người tham gia, hưởng lợi; mức độ đồng thuận và hài lòng của Nhân dân.",
    ),
    (
        "TC4",
        "Huy động lực lượng, nguồn lực",
        10,
        "Huy động được lực lượng, kinh phí xã hội hóa, ngày công; sử dụng nguồn lực hợp lý.",
    ),
    (
        "TC5",
        "Tính bền vững, khả năng nhân rộng",
        20,
        "Khả năng duy trì lâu dài và nhân rộng ra địa bàn, đơn vị khác.",
    ),
]
DEFAULT_TIEBREAKER = "TC2"
DEFAULT_GRADE_THRESHOLDS = {"excellent": 90, "good": 75, "fair": 60}


class Round(db.Model):
    """Đợt đánh giá: one competition round for a year, with its settings."""

    __tablename__ = "rounds"
    __table_args__ = (
        year_in_range(),
        positive("min_scorecards"),
        non_negative("disagreement_threshold", name="threshold_non_negative"),
        CheckConstraint(
            "grade_excellent_min >= grade_good_min AND grade_good_min >= grade_fair_min "
            "AND grade_fair_min >= 0",
            name="grade_thresholds_ordered",
        ),
        CheckConstraint(
            "opens_at IS NULL OR closes_at IS NULL OR closes_at > opens_at", name="window_ordered"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The organiser that runs the round: its secretariat manages it, its council scores it.
    organiser_id: Mapped[int] = mapped_column(ForeignKey("organisers.id", ondelete="RESTRICT"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(String(255))
    state: Mapped[RoundState] = mapped_column(
        enum_column(RoundState, "round_state"), default=RoundState.DRAFT
    )
    # Scoring window; evaluators can save only inside it (and only while the state is scoring).
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    aggregation: Mapped[AggregationMethod] = mapped_column(
        enum_column(AggregationMethod, "aggregation_method"), default=AggregationMethod.MEAN
    )
    # A model with fewer submitted scorecards is shown as incomplete and is not ranked.
    min_scorecards: Mapped[int] = mapped_column(default=3)
    disagreement_threshold: Mapped[Decimal] = mapped_column(POINTS, default=Decimal(20))
    ranking_basis: Mapped[RankingBasis] = mapped_column(
        enum_column(RankingBasis, "ranking_basis"), default=RankingBasis.RAW, server_default="raw"
    )
    # Blind: an evaluator sees other evaluators' scores only after submitting their own.
    is_blind: Mapped[bool] = mapped_column(default=True)
    grade_excellent_min: Mapped[Decimal] = mapped_column(POINTS, default=Decimal(90))
    grade_good_min: Mapped[Decimal] = mapped_column(POINTS, default=Decimal(75))
    grade_fair_min: Mapped[Decimal] = mapped_column(POINTS, default=Decimal(60))
    # Optional narrowing of the eligible models: a unit subtree, a kind of unit, a field.
    scope_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    scope_unit_kind: Mapped[UnitKind | None] = mapped_column(enum_column(UnitKind, "round_scope_kind"))
    scope_field: Mapped[Field | None] = mapped_column(enum_column(Field, "round_scope_field"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    finalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Discussion phase (thảo luận): opened by the secretariat; evaluators then see the other
    # scorecards and may revise their own, each revision marked on the ranking.
    discussion_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    scope_unit: Mapped[Unit | None] = relationship()
    organiser = relationship("Organiser")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="Criterion.position"
    )

    def __repr__(self) -> str:
        return f"<Round {self.id} {self.year} {self.state.value}>"

    @property
    def is_draft(self) -> bool:
        return self.state is RoundState.DRAFT

    @property
    def is_finalised(self) -> bool:
        return self.state is RoundState.FINALISED

    @property
    def in_discussion(self) -> bool:
        return self.discussion_opened_at is not None and self.state in (RoundState.SCORING, RoundState.CLOSED)

    @property
    def max_total(self) -> Decimal:
        return sum((c.max_score for c in self.criteria), Decimal(0))

    @property
    def tiebreaker(self) -> Criterion | None:
        return next((c for c in self.criteria if c.is_tiebreaker), None)

    def window_open(self, now: datetime) -> bool:
        if self.state is not RoundState.SCORING:
            return False
        if self.opens_at is not None and now < self.opens_at:
            return False
        return not (self.closes_at is not None and now > self.closes_at)

    def grade_thresholds(self) -> dict[str, Decimal]:
        return {
            "excellent": self.grade_excellent_min,
            "good": self.grade_good_min,
            "fair": self.grade_fair_min,
        }


class RoundEntry(db.Model):
    """A model covered by a round. Added or removed only while the round is a draft.

    It also carries the model's standing in the round: its assignments, its submitted
    scorecards and what the ranking makes of them. The scoring services recompute these
    from the model's own rows whenever they change one (see `standings`), so the ranking
    and progress pages read one row per model instead of grouping every criterion score.
    """

    __tablename__ = "round_entries"
    __table_args__ = (
        UniqueConstraint("round_id", "initiative_id"),
        CheckConstraint(
            "assigned_count >= 0 AND recused_count >= 0 AND submitted_count >= 0",
            name="counts_non_negative",
        ),
        CheckConstraint(
            "discussion_revised_count >= 0 AND discussion_revised_count <= submitted_count",
            name="discussion_revised_within_submitted",
        ),
        # Scores exist exactly when a scorecard is submitted.
        CheckConstraint(
            "(submitted_count = 0 AND score_mean IS NULL AND score_median IS NULL "
            "AND score_trimmed_mean IS NULL AND spread IS NULL) OR "
            "(submitted_count > 0 AND score_mean IS NOT NULL AND score_median IS NOT NULL "
            "AND score_trimmed_mean IS NOT NULL AND spread >= 0)",
            name="scores_iff_submitted",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="RESTRICT"), index=True
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Standing, maintained by `standings.refresh_entries` (never edited by hand).
    assigned_count: Mapped[int] = mapped_column(default=0, server_default="0")  # active evaluators
    recused_count: Mapped[int] = mapped_column(default=0, server_default="0")
    submitted_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # The final score by each aggregation method (the round's setting picks one; it may
    # change until finalisation) and the spread of the submitted totals.
    score_mean: Mapped[Decimal | None] = mapped_column(TOTAL)
    score_median: Mapped[Decimal | None] = mapped_column(TOTAL)
    score_trimmed_mean: Mapped[Decimal | None] = mapped_column(TOTAL)
    spread: Mapped[Decimal | None] = mapped_column(POINTS)
    # Criterion code -> mean of its submitted scores, as a decimal string ("16.67").
    criterion_means: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")
    # Submitted scorecards revised during a discussion phase ("điều chỉnh sau thảo luận").
    discussion_revised_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Criterion code -> highest minus lowest submitted score ("4.50"), once scored twice: the
    # panel's spread per criterion reads these instead of the round's scores.
    criterion_spreads: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")

    initiative: Mapped[Initiative] = relationship()


class RoundStatistics(db.Model):
    """The figures of a round that need all of its submitted totals at once: the panel's
    agreement (Krippendorff's alpha, each evaluator's offset) and, in `AdjustedScore`, each
    model's score adjusted for its evaluators' severity. Kept by `round_statistics.refresh` in
    the transaction that changes a submitted total; a round without a row is computed on the fly."""

    __tablename__ = "round_statistics"
    __table_args__ = (non_negative("paired_models"),)

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The rubric's maximum the adjusted scores were capped at (the rubric is fixed after the draft).
    max_total: Mapped[Decimal] = mapped_column(TOTAL)
    alpha: Mapped[float | None]
    paired_models: Mapped[int] = mapped_column(default=0)
    # Evaluator id -> [mean offset as a decimal string, or null; models counted].
    offsets: Mapped[dict[str, list]] = mapped_column(JSON, default=dict)
    # Criterion id -> [mean of the models' highest − lowest score, or null; models counted].
    criterion_spreads: Mapped[dict[str, list]] = mapped_column(JSON, default=dict, server_default="{}")


class AdjustedScore(db.Model):
    """A scored model's score in a round adjusted for its evaluators' severity, by each
    aggregation method (the round's setting picks one), as `round_statistics` last kept it."""

    __tablename__ = "adjusted_scores"

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    score_mean: Mapped[Decimal] = mapped_column(TOTAL)
    score_median: Mapped[Decimal] = mapped_column(TOTAL)
    score_trimmed_mean: Mapped[Decimal] = mapped_column(TOTAL)


class Criterion(db.Model):
    """Tiêu chí chấm: one line of the rubric. Editable only while the round is a draft."""

    __tablename__ = "criteria"
    __table_args__ = (
        UniqueConstraint("round_id", "code"),
        # Target of the scores' (criterion, maximum) foreign key, see Score.
        UniqueConstraint("id", "max_score", name="uq_criteria_id_max_score"),
        CheckConstraint("max_score > 0", name="max_positive"),
        CheckConstraint("max_score * 2 = ROUND(max_score * 2)", name="max_half_steps"),
        # At most one tie-breaker criterion per round.
        Index(
            "ix_criteria_one_tiebreaker",
            "round_id",
            unique=True,
            postgresql_where=text("is_tiebreaker"),
            sqlite_where=text("is_tiebreaker"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(255))
    guidance: Mapped[str] = mapped_column(Text, default="")
    max_score: Mapped[Decimal] = mapped_column(POINTS)
    position: Mapped[int] = mapped_column(default=0)
    is_tiebreaker: Mapped[bool] = mapped_column(default=False)

    round: Mapped[Round] = relationship(back_populates="criteria")


class PanelMember(db.Model):
    """A member of the round's panel (hội đồng chấm)."""

    __tablename__ = "panel_members"
    __table_args__ = (
        UniqueConstraint("round_id", "user_id"),
        CheckConstraint(
            "assigned_count >= 0 AND recused_count >= 0 AND submitted_count >= 0 AND draft_count >= 0",
            name="counts_non_negative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    # The member's progress, maintained by `standings.refresh_panel` like RoundEntry's standing.
    assigned_count: Mapped[int] = mapped_column(default=0, server_default="0")  # active assignments
    recused_count: Mapped[int] = mapped_column(default=0, server_default="0")
    submitted_count: Mapped[int] = mapped_column(default=0, server_default="0")
    draft_count: Mapped[int] = mapped_column(default=0, server_default="0")

    user: Mapped[User] = relationship()


class Assignment(db.Model):
    """An evaluator is to score a model in a round (phân công chấm).

    The unit paths of both sides are copied at assignment time so that the database itself
    refuses a conflict of interest: the model's unit may not be the evaluator's unit or lie
    below it (path prefix). The scoring service checks again against the live tree.
    """

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("round_id", "initiative_id", "evaluator_id"),
        ForeignKeyConstraint(
            ["round_id", "initiative_id"],
            ["round_entries.round_id", "round_entries.initiative_id"],
            ondelete="CASCADE",
            name="fk_assignments_entry",
        ),
        ForeignKeyConstraint(
            ["round_id", "evaluator_id"],
            ["panel_members.round_id", "panel_members.user_id"],
            ondelete="CASCADE",
            name="fk_assignments_panel_member",
        ),
        CheckConstraint(
            "evaluator_unit_path = '' OR "
            "SUBSTR(initiative_unit_path, 1, LENGTH(evaluator_unit_path)) <> evaluator_unit_path",
            name="no_conflict_of_interest",
        ),
        CheckConstraint(
            "status <> 'recused' OR (recusal_reason IS NOT NULL AND recusal_reason <> '')",
            name="recusal_has_reason",
        ),
        Index("ix_assignments_evaluator_round", "evaluator_id", "round_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="RESTRICT"))
    evaluator_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    status: Mapped[AssignmentStatus] = mapped_column(
        enum_column(AssignmentStatus, "assignment_status"), default=AssignmentStatus.ASSIGNED
    )
    recusal_reason: Mapped[str | None] = mapped_column(Text)
    recused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    evaluator_unit_path: Mapped[str] = mapped_column(String(400), default="")
    initiative_unit_path: Mapped[str] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    evaluator: Mapped[User] = relationship(foreign_keys=[evaluator_id])
    initiative: Mapped[Initiative] = relationship(foreign_keys=[initiative_id])


class Scorecard(db.Model):
    """Phiếu chấm: one per evaluator and model in a round, and only for an assignment."""

    __tablename__ = "scorecards"
    __table_args__ = (
        UniqueConstraint("round_id", "initiative_id", "evaluator_id"),
        ForeignKeyConstraint(
            ["round_id", "initiative_id", "evaluator_id"],
            ["assignments.round_id", "assignments.initiative_id", "assignments.evaluator_id"],
            ondelete="CASCADE",
            name="fk_scorecards_assignment",
        ),
        non_negative("total"),
        CheckConstraint(
            "state <> 'submitted' OR submitted_at IS NOT NULL", name="submitted_has_time"
        ),
        non_negative("version"),
        CheckConstraint(
            "reopened_at IS NULL OR (reopen_reason IS NOT NULL AND reopen_reason <> '')",
            name="reopen_has_reason",
        ),
        Index("ix_scorecards_round_state", "round_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int]
    initiative_id: Mapped[int]
    evaluator_id: Mapped[int]
    state: Mapped[ScorecardState] = mapped_column(
        enum_column(ScorecardState, "scorecard_state"), default=ScorecardState.DRAFT
    )
    # Sum of the scores, kept by the service so the ranking aggregates one row per card.
    total: Mapped[Decimal] = mapped_column(POINTS, default=Decimal(0))
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # Number of saved versions (see ScorecardVersion); a form carries the one it was based on.
    version: Mapped[int] = mapped_column(default=0, server_default="0")
    # A submitted scorecard is locked; the secretariat reopens it for one revision, with a reason.
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reopen_reason: Mapped[str | None] = mapped_column(Text)
    revised_in_discussion: Mapped[bool] = mapped_column(default=False, server_default=text("false"))

    scores: Mapped[list[Score]] = relationship(
        back_populates="scorecard", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_submitted(self) -> bool:
        return self.state is ScorecardState.SUBMITTED

    @property
    def is_reopened(self) -> bool:
        return self.reopened_at is not None


class VersionKind(LabelledEnum):
    """Why a scorecard version was written."""

    DRAFT = "Lưu nháp"
    SUBMIT = "Nộp phiếu"
    REOPENED = "Sửa sau khi được mở lại"  # a revision after the secretariat reopened the card
    DISCUSSION = "Điều chỉnh sau thảo luận"  # a revision during the discussion phase


class ScorecardVersion(db.Model):
    """One saved state of a scorecard: who saved it, when, and the old and new values."""

    __tablename__ = "scorecard_versions"
    __table_args__ = (
        UniqueConstraint("scorecard_id", "number"),
        positive("number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecards.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    kind: Mapped[VersionKind] = mapped_column(enum_column(VersionKind, "scorecard_version_kind"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    total: Mapped[Decimal] = mapped_column(POINTS)
    # Criterion code (or "comment", "state") -> [old, new], as strings.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Score(db.Model):
    """Điểm một tiêu chí. `max_score` is the criterion's maximum, tied to it by a foreign key
    on (criterion_id, max_score), so the CHECK `value <= max_score` holds in the database."""

    __tablename__ = "scores"
    __table_args__ = (
        UniqueConstraint("scorecard_id", "criterion_id"),
        ForeignKeyConstraint(
            ["criterion_id", "max_score"],
            ["criteria.id", "criteria.max_score"],
            ondelete="CASCADE",
            onupdate="CASCADE",
            name="fk_scores_criterion_max",
        ),
        non_negative("value"),
        CheckConstraint("value <= max_score", name="value_within_max"),
        CheckConstraint("value * 2 = ROUND(value * 2)", name="value_half_steps"),
        Index("ix_scores_criterion_id", "criterion_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecards.id", ondelete="CASCADE"))
    criterion_id: Mapped[int]
    max_score: Mapped[Decimal] = mapped_column(POINTS)
    value: Mapped[Decimal] = mapped_column(POINTS)
    comment: Mapped[str | None] = mapped_column(Text)

    scorecard: Mapped[Scorecard] = relationship(back_populates="scores")


class RoundEvent(db.Model):
    """A change of a round's state, with the reason when one is required (reopening)."""

    __tablename__ = "round_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[RoundState | None] = mapped_column(enum_column(RoundState, "round_event_from"))
    to_state: Mapped[RoundState] = mapped_column(enum_column(RoundState, "round_event_to"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    actor: Mapped[User | None] = relationship()
