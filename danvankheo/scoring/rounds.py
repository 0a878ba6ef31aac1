"""Rounds (đợt đánh giá): their settings, the models they take, and their states
(draft → scoring → closed → finalised, and back by reopening).

Services flush and never commit: the request (or the caller) commits once. Every refusal
raises a `ScoringError` (see `errors`) whose message is Vietnamese and shown as is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import and_, delete, func, insert, literal, select
from sqlalchemy.orm import aliased

from ..audit.services import diff, record
from ..auth.models import User
from ..core.checks import FIRST_YEAR, LAST_YEAR
from ..core.types import UTCDateTime, utcnow
from ..extensions import db
from ..organisers.services import default_organiser_id
from ..registry.models import Field, Initiative, Status
from ..units.models import Unit, UnitKind
from . import second_round, standings
from .errors import NeedsReason, ScoringError, require_state
from .models import (
    DEFAULT_GRADE_THRESHOLDS,
    DEFAULT_RUBRIC,
    DEFAULT_TIEBREAKER,
    AggregationMethod,
    Assignment,
    AssignmentStatus,
    Criterion,
    Round,
    RoundEntry,
    RoundEvent,
    RoundState,
    Scorecard,
)
from .notices import notify_assigned, notify_units_of_results
from .ranking import compute_ranking, snapshot_row_values
from .scorecards import delete_scorecards
from .snapshots import RankingSnapshot, RankingSnapshotRow

EDITABLE_ENTRIES = "Chỉ thêm hoặc bớt mô hình khi đợt đánh giá đang chuẩn bị."
EDITABLE_ENTRIES_OR_LATE = (
    "Chỉ thêm mô hình khi đợt đánh giá đang chuẩn bị hoặc đang chấm (mô hình được tiếp nhận sau khi đợt bắt đầu)."
)
MAX_REASON = 2000


def _event(round_: Round, from_state: RoundState | None, to_state: RoundState, *, actor=None,
           reason: str | None = None) -> None:
    db.session.add(
        RoundEvent(round_id=round_.id, from_state=from_state, to_state=to_state,
                   actor_id=getattr(actor, "id", None), reason=reason)
    )


@dataclass
class RoundSettings:
    """The editable settings of a round (everything but the rubric and the models)."""

    name: str
    year: int
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    aggregation: AggregationMethod = AggregationMethod.MEAN
    min_scorecards: int = 3
    disagreement_threshold: Decimal = Decimal(20)
    is_blind: bool = True
    grade_excellent_min: Decimal = Decimal(DEFAULT_GRADE_THRESHOLDS["excellent"])
    grade_good_min: Decimal = Decimal(DEFAULT_GRADE_THRESHOLDS["good"])
    grade_fair_min: Decimal = Decimal(DEFAULT_GRADE_THRESHOLDS["fair"])
    scope_unit_id: int | None = None
    scope_unit_kind: UnitKind | None = None
    scope_field: Field | None = None

    def validate(self) -> None:
        if not self.name.strip():
            raise ScoringError("Vui lòng nhập tên đợt đánh giá.", field="name")
        if not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise ScoringError(f"Năm phải trong khoảng {FIRST_YEAR}–{LAST_YEAR}.", field="year")
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ScoringError("Thời hạn kết thúc chấm phải sau thời điểm bắt đầu.", field="closes_at")
        if self.min_scorecards < 1:
            raise ScoringError("Số phiếu tối thiểu cho mỗi mô hình phải từ 1 trở lên.", field="min_scorecards")
        if self.disagreement_threshold < 0:
            raise ScoringError("Ngưỡng chênh lệch không được âm.", field="disagreement_threshold")
        if not (self.grade_excellent_min >= self.grade_good_min >= self.grade_fair_min >= 0):
            raise ScoringError("Ngưỡng xếp loại phải giảm dần: Xuất sắc ≥ Tốt ≥ Khá ≥ 0.", field="grade_excellent_min")


SCOPE_FIELDS = ("scope_unit_id", "scope_unit_kind", "scope_field", "year")


def create_round(settings: RoundSettings, *, by: User | None = None, include_eligible: bool = True,
                 organiser_id: int | None = None) -> Round:
    """A draft round of an organiser (default: the one `by` acts for) with the default rubric
    and, unless told otherwise, every eligible model."""
    settings.validate()
    organiser_id = organiser_id or getattr(by, "acting_organiser_id", None) or default_organiser_id()
    if organiser_id is None:
        raise ScoringError("Chưa có cơ quan tổ chức nào: hãy tạo đơn vị cấp cao nhất trước khi tạo đợt đánh giá.")
    _check_scope_unit(settings.scope_unit_id, organiser_id)
    round_ = Round(state=RoundState.DRAFT, created_by_id=getattr(by, "id", None), organiser_id=organiser_id)
    for key, value in vars(settings).items():
        setattr(round_, key, value.strip() if isinstance(value, str) else value)
    db.session.add(round_)
    db.session.flush()
    for position, (code, name, maximum, guidance) in enumerate(DEFAULT_RUBRIC, start=1):
        db.session.add(
            Criterion(round_id=round_.id, code=code, name=name, guidance=guidance,
                      max_score=Decimal(maximum), position=position,
                      is_tiebreaker=code == DEFAULT_TIEBREAKER)
        )
    _event(round_, None, RoundState.DRAFT, actor=by)
    db.session.flush()
    db.session.expire(round_, ["criteria"])
    record("round.create", round_, actor=by, changes={"year": [None, round_.year], "name": [None, round_.name]})
    if include_eligible:
        add_all_eligible(round_, by=by)
    return round_


def update_round(round_: Round, settings: RoundSettings, *, by: User | None = None) -> None:
    """Change settings. Scope and year only in draft; nothing once finalised."""
    settings.validate()
    require_state(round_, RoundState.DRAFT, RoundState.SCORING, RoundState.CLOSED,
                  message="Đợt đánh giá đã công bố kết quả: không sửa được cài đặt.")
    _check_scope_unit(settings.scope_unit_id, round_.organiser_id)
    values = vars(settings)
    if round_.state is not RoundState.DRAFT:
        for key in SCOPE_FIELDS:
            if getattr(round_, key) != values[key]:
                raise ScoringError("Năm và phạm vi mô hình chỉ sửa được khi đợt đang chuẩn bị.", field="year")
    changes = diff(round_, {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()})
    for key, value in values.items():
        setattr(round_, key, value.strip() if isinstance(value, str) else value)
    if changes:
        record("round.update", round_, actor=by, changes=changes)
    db.session.flush()


def _check_scope_unit(scope_unit_id: int | None, organiser_id: int) -> None:
    """A round takes the units of one organiser: its scope cannot reach into another's."""
    if scope_unit_id is None:
        return
    unit = db.session.get(Unit, scope_unit_id)
    if unit is None or unit.organiser_id != organiser_id:
        raise ScoringError(
            "Phạm vi đơn vị của đợt phải thuộc cơ quan tổ chức của đợt: đơn vị đã chọn thuộc cơ quan "
            "tổ chức khác (một đợt không được gộp đơn vị của hai cơ quan tổ chức).",
            field="scope_unit_id",
        )


def entry_allowed_clause(round_: Round):
    """The models a round of this organiser may take: those of its own units, and those its
    lower levels proposed up to it and it accepted."""
    from ..organisers.models import Nomination, NominationState
    from ..organisers.services import own_units_select

    nominated = select(Nomination.initiative_id).where(
        Nomination.to_organiser_id == round_.organiser_id, Nomination.state == NominationState.ACCEPTED
    )
    # One IN over a UNION, not two INs joined by OR: PostgreSQL cannot read an index for
    # `unit_id IN (...) OR id IN (...)`, and at the national size it walked every model of
    # every province to find a province's (issue 14). Here it reads the organiser's own
    # units' models by `ix_initiatives_unit_year`.
    own = aliased(Initiative)
    allowed = select(own.id).where(own.unit_id.in_(own_units_select(round_.organiser_id))).union(nominated)
    return Initiative.id.in_(allowed)


def eligible_select(round_: Round):
    """Ids of accepted models of the round's year, within its scope, not yet in the round."""
    query = select(Initiative.id).where(
        Initiative.year == round_.year,
        Initiative.status == Status.ACCEPTED,
        entry_allowed_clause(round_),
        ~select(RoundEntry.id)
        .where(RoundEntry.round_id == round_.id, RoundEntry.initiative_id == Initiative.id)
        .exists(),
    )
    if round_.scope_field is not None:
        query = query.where(Initiative.field == round_.scope_field)
    if round_.scope_unit_id is not None or round_.scope_unit_kind is not None:
        unit_filter = select(Unit.id)
        if round_.scope_unit_id is not None:
            scope = db.session.get(Unit, round_.scope_unit_id)
            unit_filter = unit_filter.where(Unit.path.startswith(scope.path))
        if round_.scope_unit_kind is not None:
            unit_filter = unit_filter.where(Unit.kind == round_.scope_unit_kind)
        query = query.where(Initiative.unit_id.in_(unit_filter))
    return query


def count_eligible(round_: Round) -> int:
    return db.session.scalar(select(func.count()).select_from(eligible_select(round_).subquery())) or 0


def add_all_eligible(round_: Round, *, by: User | None = None) -> int:
    """Add every eligible model not yet in the round, in one statement. Returns how many.

    Models ranked in a published round or proposed for an award are held back: each needs a
    reason (`add_entries`).
    """
    require_state(round_, RoundState.DRAFT, message=EDITABLE_ENTRIES)
    before = entry_count(round_)
    ids = eligible_select(round_).where(~second_round.elsewhere_clause(round_)).subquery()
    db.session.execute(
        insert(RoundEntry).from_select(
            ["round_id", "initiative_id", "added_at"],
            select(literal(round_.id), ids.c.id, literal(utcnow(), UTCDateTime())),
        )
    )
    added = entry_count(round_) - before
    if added:
        record("round.entries_add", round_, actor=by, changes={"entries": [before, before + added]})
    return added


def count_held_back(round_: Round) -> int:
    """Eligible models that "Thêm tất cả" leaves out: ranked in a published round, or proposed."""
    query = eligible_select(round_).where(second_round.elsewhere_clause(round_))
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def add_entries(round_: Round, initiative_ids: Iterable[int], *, by: User | None = None,
                reason: str | None = None) -> int:
    """Add chosen models. While the round is being scored, models accepted since can still join.

    A model that already stands elsewhere needs `reason` (else NeedsReason); each such
    addition is audited with the reason and where the model stood.
    """
    require_state(round_, RoundState.DRAFT, RoundState.SCORING, message=EDITABLE_ENTRIES_OR_LATE)
    wanted = set(initiative_ids)
    eligible = set(db.session.scalars(eligible_select(round_).where(Initiative.id.in_(wanted))))
    if wanted - eligible:
        raise ScoringError(
            "Chỉ thêm được mô hình đã tiếp nhận của năm đánh giá, thuộc đơn vị của cơ quan tổ chức đợt "
            "(hoặc do cấp dưới đề nghị và đã được nhận), trong phạm vi của đợt và chưa có trong đợt."
        )
    reason = (reason or "").strip()[:MAX_REASON] or None
    standings_found = second_round.standings_elsewhere(round_, eligible)
    elsewhere = second_round.needing_reason(standings_found)
    if elsewhere and not reason:
        raise NeedsReason(standings_found)
    for initiative_id in sorted(eligible):
        db.session.add(RoundEntry(round_id=round_.id, initiative_id=initiative_id))
    db.session.flush()
    late = round_.state is RoundState.SCORING
    names = dict(db.session.execute(select(Initiative.id, Initiative.name).where(Initiative.id.in_(eligible))).all())
    plain = sorted(eligible - set(elsewhere))
    if plain:
        record("round.entries_add_late" if late else "round.entries_add", round_, actor=by,
               changes={"initiative_ids": [None, plain]})
    for initiative_id in sorted(elsewhere):
        record("round.entries_add_reviewed", round_, actor=by, reason=reason,
               changes={"initiative": [None, names[initiative_id]],
                        "standing": [None, second_round.describe(elsewhere[initiative_id])]}
               | ({"late": [None, True]} if late else {}))
    return len(eligible)


def remove_entries(round_: Round, initiative_ids: Iterable[int], *, by: User | None = None) -> int:
    require_state(round_, RoundState.DRAFT, message=EDITABLE_ENTRIES)
    ids = sorted(set(initiative_ids))
    if not ids:
        return 0
    evaluators = set(db.session.scalars(
        select(Assignment.evaluator_id).where(Assignment.round_id == round_.id, Assignment.initiative_id.in_(ids))
    ))
    # Explicit deletes: SQLite does not cascade without its foreign-key pragma.
    delete_scorecards(and_(Scorecard.round_id == round_.id, Scorecard.initiative_id.in_(ids)))
    db.session.execute(
        delete(Assignment).where(Assignment.round_id == round_.id, Assignment.initiative_id.in_(ids))
    )
    removed = db.session.execute(
        delete(RoundEntry).where(RoundEntry.round_id == round_.id, RoundEntry.initiative_id.in_(ids))
    ).rowcount
    db.session.expire_all()
    standings.refresh(round_, evaluators=evaluators)
    record("round.entries_remove", round_, actor=by, changes={"initiative_ids": [ids, None]})
    return removed


def entry_count(round_: Round) -> int:
    return db.session.scalar(select(func.count()).where(RoundEntry.round_id == round_.id)) or 0


def lock_round(round_: Round) -> None:
    """Serialise state changes with scorecard saves (which take a shared lock)."""
    db.session.execute(select(Round.id).where(Round.id == round_.id).with_for_update())
    db.session.refresh(round_)


def _change_state(round_: Round, to_state: RoundState, *, by: User | None, reason: str | None = None,
                  action: str) -> None:
    from_state = round_.state
    round_.state = to_state
    _event(round_, from_state, to_state, actor=by, reason=reason)
    record(action, round_, actor=by, reason=reason, changes={"state": [from_state.value, to_state.value]})
    db.session.flush()


def start_scoring(round_: Round, *, by: User | None = None) -> None:
    """draft → scoring: the rubric and the models are frozen; evaluators are told."""
    lock_round(round_)
    require_state(round_, RoundState.DRAFT, message="Chỉ bắt đầu chấm được khi đợt đang chuẩn bị.")
    if not round_.criteria:
        raise ScoringError("Đợt đánh giá chưa có tiêu chí chấm.")
    if not entry_count(round_):
        raise ScoringError("Đợt đánh giá chưa có mô hình nào.")
    _change_state(round_, RoundState.SCORING, by=by, action="round.start")
    loads = db.session.execute(
        select(Assignment.evaluator_id, func.count())
        .where(Assignment.round_id == round_.id, Assignment.status == AssignmentStatus.ASSIGNED)
        .group_by(Assignment.evaluator_id)
    ).all()
    notify_assigned(round_, dict(loads))


def close_scoring(round_: Round, *, by: User | None = None) -> None:
    """scoring → closed: no scorecard can be saved any more."""
    lock_round(round_)
    require_state(round_, RoundState.SCORING, message="Chỉ khóa chấm được khi đợt đang chấm.")
    _change_state(round_, RoundState.CLOSED, by=by, action="round.close")


def reopen_scoring(round_: Round, *, by: User | None = None, reason: str | None = None) -> None:
    """closed → scoring, before finalisation (for example to let a late evaluator submit)."""
    lock_round(round_)
    require_state(round_, RoundState.CLOSED, message="Chỉ mở lại việc chấm khi đợt đã khóa chấm và chưa công bố.")
    _change_state(round_, RoundState.SCORING, by=by, reason=(reason or "").strip() or None,
                  action="round.reopen_scoring")


def finalise(round_: Round, *, by: User | None = None) -> RankingSnapshot:
    """closed → finalised: store the ranking as a snapshot and tell the units."""
    lock_round(round_)
    require_state(round_, RoundState.CLOSED, message="Chỉ công bố kết quả khi đợt đã khóa chấm.")
    # The published result is frozen from a recomputation over the raw scorecards, not only
    # from the maintained standing; a difference would be a bug, so it is logged.
    corrected = standings.rebuild(round_)
    if corrected:
        current_app.logger.warning("round %s: %s standing rows differed from the scorecards; corrected",
                                   round_.id, corrected)
    rows = compute_ranking(round_)
    snapshot = RankingSnapshot(
        round_id=round_.id,
        created_by_id=getattr(by, "id", None),
        settings={
            "aggregation": round_.aggregation.value,
            "ranking_basis": round_.ranking_basis.value,
            "min_scorecards": round_.min_scorecards,
            "disagreement_threshold": str(round_.disagreement_threshold),
            "grades": {k: str(v) for k, v in round_.grade_thresholds().items()},
            "criteria": [
                {"code": c.code, "name": c.name, "max": str(c.max_score), "tiebreaker": c.is_tiebreaker}
                for c in round_.criteria
            ],
        },
    )
    db.session.add(snapshot)
    db.session.flush()
    if rows:
        db.session.execute(
            insert(RankingSnapshotRow),
            [{"snapshot_id": snapshot.id, **snapshot_row_values(row, position)}
             for position, row in enumerate(rows, start=1)],
        )
    round_.finalised_at = utcnow()
    round_.discussion_opened_at = None  # the discussion ends with the published result
    _change_state(round_, RoundState.FINALISED, by=by, action="round.finalise")
    notify_units_of_results(round_)
    return snapshot


def reopen_finalised(round_: Round, reason: str, *, by: User) -> None:
    """finalised → closed, by an admin only, with a recorded reason."""
    if by is None or not by.is_admin:
        raise ScoringError("Chỉ quản trị hệ thống được mở lại kết quả đã công bố.")
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ScoringError("Vui lòng ghi rõ lý do mở lại kết quả đã công bố.", field="reason")
    lock_round(round_)
    require_state(round_, RoundState.FINALISED, message="Đợt đánh giá chưa công bố kết quả.")
    round_.finalised_at = None
    _change_state(round_, RoundState.CLOSED, by=by, reason=reason[:MAX_REASON], action="round.reopen")
