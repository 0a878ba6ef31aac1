"""Operations on rounds, rubric, panel, assignments and scorecards.

Services flush and never commit: the request (or the caller) commits once. Every refusal
raises a `ScoringError` whose message is Vietnamese and shown to the user as is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask import current_app, has_request_context, url_for
from sqlalchemy import and_, delete, func, insert, literal, or_, select
from sqlalchemy.exc import IntegrityError

from ..audit.services import diff, record
from ..auth.models import Role, User, UserRole
from ..core.formatting import format_score, parse_decimal
from ..core.text import search_terms, sort_key
from ..core.types import UTCDateTime, utcnow
from ..extensions import db
from ..notifications.services import notify
from ..organisers.services import default_organiser_id
from ..registry.models import Field, Initiative, Status
from ..units.models import Unit, UnitKind
from . import aggregation, load_caps, second_round, standings
from .models import (
    DEFAULT_GRADE_THRESHOLDS,
    DEFAULT_RUBRIC,
    DEFAULT_TIEBREAKER,
    AggregationMethod,
    Assignment,
    AssignmentStatus,
    Criterion,
    PanelMember,
    RankingSnapshot,
    RankingSnapshotRow,
    Round,
    RoundEntry,
    RoundEvent,
    RoundState,
    Score,
    Scorecard,
    ScorecardState,
)
from .ranking import compute_ranking, snapshot_row_values


class ScoringError(ValueError):
    """A refused operation; the message is shown to the user."""


class ConflictOfInterest(ScoringError):
    """The evaluator belongs to the model's unit or to a unit above it."""


class ScoreValidationError(ScoringError):
    """Scores that cannot be saved; `errors` maps criterion id (or "comment") to a message."""

    def __init__(self, errors: dict[int | str, str]):
        super().__init__("Phiếu chấm chưa lưu được: vui lòng sửa các ô được đánh dấu.")
        self.errors = errors


EDITABLE_ENTRIES = "Chỉ thêm hoặc bớt mô hình khi đợt đánh giá đang chuẩn bị."
EDITABLE_ENTRIES_OR_LATE = (
    "Chỉ thêm mô hình khi đợt đánh giá đang chuẩn bị hoặc đang chấm (mô hình được tiếp nhận sau khi đợt bắt đầu)."
)
FROZEN_RUBRIC = "Bộ tiêu chí đã cố định từ khi bắt đầu chấm; chỉ sửa được khi đợt đang chuẩn bị."
MAX_REASON = 2000


def _link(endpoint: str, **values) -> str:
    """A relative URL, also outside a request (services run from the CLI and tests too)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


# --- Conflict of interest ---------------------------------------------------------------


def has_conflict(evaluator: User, unit: Unit) -> bool:
    """True when `unit` is the evaluator's unit or lies below it in the tree."""
    return evaluator.unit is not None and unit.is_within(evaluator.unit)


def _path_conflict(evaluator_path: str, unit_path: str) -> bool:
    return bool(evaluator_path) and unit_path.startswith(evaluator_path)


def is_assigned_evaluator(user, initiative_id: int) -> bool:
    """True when `user` is to score this model in a round not yet finalised (assigned, not
    recused): they may then read its dossier and evidence, whatever the registry's own
    visibility rules. The access ends when the round's result is published. It holds in any
    organiser whose council the user sits on, whichever organiser the request acts for."""
    if not getattr(user, "is_authenticated", False):
        return False
    councils = user.organisers_with(Role.EVALUATOR)
    if not councils:
        return False
    return bool(
        db.session.scalar(
            select(func.count())
            .select_from(Assignment)
            .join(Round, Assignment.round_id == Round.id)
            .where(
                Assignment.evaluator_id == user.id,
                Assignment.initiative_id == initiative_id,
                Assignment.status == AssignmentStatus.ASSIGNED,
                Round.state != RoundState.FINALISED,
                Round.organiser_id.in_(councils),
            )
        )
    )


def conflict_message(evaluator: User, initiative: Initiative) -> str:
    return (
        f"Không thể phân công {evaluator.full_name} chấm mô hình “{initiative.name}”: mô hình thuộc "
        "đơn vị của thành viên hội đồng hoặc đơn vị cấp dưới (xung đột lợi ích)."
    )


OWN_UNIT_MESSAGE = (
    "Bạn không được chấm mô hình của đơn vị mình hoặc của đơn vị cấp dưới (xung đột lợi ích)."
)


# --- Rounds -----------------------------------------------------------------------------


def _event(round_: Round, from_state: RoundState | None, to_state: RoundState, *, actor=None,
           reason: str | None = None) -> None:
    db.session.add(
        RoundEvent(round_id=round_.id, from_state=from_state, to_state=to_state,
                   actor_id=getattr(actor, "id", None), reason=reason)
    )


def _require(round_: Round, *states: RoundState, message: str) -> None:
    if round_.state not in states:
        raise ScoringError(message)


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
            raise ScoringError("Vui lòng nhập tên đợt đánh giá.")
        if not 2000 <= self.year <= 2100:
            raise ScoringError("Năm phải trong khoảng 2000–2100.")
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ScoringError("Thời hạn kết thúc chấm phải sau thời điểm bắt đầu.")
        if self.min_scorecards < 1:
            raise ScoringError("Số phiếu tối thiểu cho mỗi mô hình phải từ 1 trở lên.")
        if self.disagreement_threshold < 0:
            raise ScoringError("Ngưỡng chênh lệch không được âm.")
        if not (self.grade_excellent_min >= self.grade_good_min >= self.grade_fair_min >= 0):
            raise ScoringError("Ngưỡng xếp loại phải giảm dần: Xuất sắc ≥ Tốt ≥ Khá ≥ 0.")


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
    _require(round_, RoundState.DRAFT, RoundState.SCORING, RoundState.CLOSED,
             message="Đợt đánh giá đã công bố kết quả: không sửa được cài đặt.")
    _check_scope_unit(settings.scope_unit_id, round_.organiser_id)
    values = vars(settings)
    if round_.state is not RoundState.DRAFT:
        for key in SCOPE_FIELDS:
            if getattr(round_, key) != values[key]:
                raise ScoringError("Năm và phạm vi mô hình chỉ sửa được khi đợt đang chuẩn bị.")
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
            "tổ chức khác (một đợt không được gộp đơn vị của hai cơ quan tổ chức)."
        )


def entry_allowed_clause(round_: Round):
    """The models a round of this organiser may take: those of its own units, and those its
    lower levels proposed up to it and it accepted."""
    from ..organisers.models import Nomination, NominationState
    from ..organisers.services import own_units_select

    nominated = select(Nomination.initiative_id).where(
        Nomination.to_organiser_id == round_.organiser_id, Nomination.state == NominationState.ACCEPTED
    )
    return Initiative.unit_id.in_(own_units_select(round_.organiser_id)) | Initiative.id.in_(nominated)


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
    _require(round_, RoundState.DRAFT, message=EDITABLE_ENTRIES)
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


class NeedsReason(ScoringError):
    """Some chosen models were ranked or proposed: show where they stand, and ask why they are
    evaluated again. `standings` lists every place of every chosen model found elsewhere."""

    def __init__(self, standings: dict[int, list[second_round.Standing]]) -> None:
        super().__init__(
            "Có mô hình đã được xếp hạng, đề nghị khen thưởng hoặc đang ở đợt khác. "
            "Vui lòng ghi lý do đánh giá lại."
        )
        self.standings = standings


def add_entries(round_: Round, initiative_ids: Iterable[int], *, by: User | None = None,
                reason: str | None = None) -> int:
    """Add chosen models. While the round is being scored, models accepted since can still join.

    A model that already stands elsewhere needs `reason` (else NeedsReason); each such
    addition is audited with the reason and where the model stood.
    """
    _require(round_, RoundState.DRAFT, RoundState.SCORING, message=EDITABLE_ENTRIES_OR_LATE)
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
    _require(round_, RoundState.DRAFT, message=EDITABLE_ENTRIES)
    ids = sorted(set(initiative_ids))
    if not ids:
        return 0
    evaluators = set(db.session.scalars(
        select(Assignment.evaluator_id).where(Assignment.round_id == round_.id, Assignment.initiative_id.in_(ids))
    ))
    # Explicit deletes: SQLite does not cascade without its foreign-key pragma.
    _delete_scorecards(and_(Scorecard.round_id == round_.id, Scorecard.initiative_id.in_(ids)))
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


def _delete_scorecards(condition) -> None:
    card_ids = select(Scorecard.id).where(condition)
    db.session.execute(delete(Score).where(Score.scorecard_id.in_(card_ids)))
    db.session.execute(delete(Scorecard).where(condition))


# --- State changes ----------------------------------------------------------------------


def _lock_round(round_: Round) -> None:
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
    _lock_round(round_)
    _require(round_, RoundState.DRAFT, message="Chỉ bắt đầu chấm được khi đợt đang chuẩn bị.")
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
    _notify_assigned(round_, dict(loads))


def close_scoring(round_: Round, *, by: User | None = None) -> None:
    """scoring → closed: no scorecard can be saved any more."""
    _lock_round(round_)
    _require(round_, RoundState.SCORING, message="Chỉ khóa chấm được khi đợt đang chấm.")
    _change_state(round_, RoundState.CLOSED, by=by, action="round.close")


def reopen_scoring(round_: Round, *, by: User | None = None, reason: str | None = None) -> None:
    """closed → scoring, before finalisation (for example to let a late evaluator submit)."""
    _lock_round(round_)
    _require(round_, RoundState.CLOSED, message="Chỉ mở lại việc chấm khi đợt đã khóa chấm và chưa công bố.")
    _change_state(round_, RoundState.SCORING, by=by, reason=(reason or "").strip() or None,
                  action="round.reopen_scoring")


def finalise(round_: Round, *, by: User | None = None) -> RankingSnapshot:
    """closed → finalised: store the ranking as a snapshot and tell the units."""
    _lock_round(round_)
    _require(round_, RoundState.CLOSED, message="Chỉ công bố kết quả khi đợt đã khóa chấm.")
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
    _notify_units_of_results(round_)
    return snapshot


def reopen_finalised(round_: Round, reason: str, *, by: User) -> None:
    """finalised → closed, by an admin only, with a recorded reason."""
    if by is None or not by.is_admin:
        raise ScoringError("Chỉ quản trị hệ thống được mở lại kết quả đã công bố.")
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ScoringError("Vui lòng ghi rõ lý do mở lại kết quả đã công bố.")
    _lock_round(round_)
    _require(round_, RoundState.FINALISED, message="Đợt đánh giá chưa công bố kết quả.")
    round_.finalised_at = None
    _change_state(round_, RoundState.CLOSED, by=by, reason=reason[:MAX_REASON], action="round.reopen")


# --- Rubric -----------------------------------------------------------------------------

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
        raise ScoringError("Mã tiêu chí gồm chữ không dấu, số, dấu chấm hoặc gạch, tối đa 20 ký tự.")
    if not name.strip():
        raise ScoringError("Vui lòng nhập tên tiêu chí.")
    if max_score is None or max_score <= 0 or max_score > 1000 or not is_half_step(max_score):
        raise ScoringError("Điểm tối đa phải lớn hơn 0, không quá 1000, theo bước 0,5.")
    for other in round_.criteria:
        if other.id != exclude_id and other.code.upper() == code.upper():
            raise ScoringError(f"Mã tiêu chí “{code}” đã có trong đợt này.")


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
    _require(round_, RoundState.DRAFT, message=FROZEN_RUBRIC)
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
    _require(round_, RoundState.DRAFT, message=FROZEN_RUBRIC)
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
    _require(round_, RoundState.DRAFT, message=FROZEN_RUBRIC)
    if len(round_.criteria) <= 1:
        raise ScoringError("Bộ tiêu chí phải còn ít nhất một tiêu chí.")
    record("rubric.delete", criterion, actor=by, label=f"{round_.name}: {criterion.code}",
           changes={"name": [criterion.name, None], "max_score": [criterion.max_score, None]})
    round_.criteria.remove(criterion)
    db.session.flush()


def move_criterion(criterion: Criterion, offset: int, *, by: User | None = None) -> None:
    round_ = criterion.round
    _require(round_, RoundState.DRAFT, message=FROZEN_RUBRIC)
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


# --- Panel and assignments ----------------------------------------------------------------


def evaluator_candidates(organiser_id: int | None = None) -> list[User]:
    """Active council members (the evaluator role) of the organiser, by name."""
    organiser_id = organiser_id or default_organiser_id()
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.EVALUATOR, UserRole.organiser_id == organiser_id,
                   User.is_active.is_(True))
            .order_by(User.sort_name)
        )
    )


def panel_ids(round_: Round) -> set[int]:
    return set(db.session.scalars(select(PanelMember.user_id).where(PanelMember.round_id == round_.id)))


def set_panel(round_: Round, users: Sequence[User], *, by: User | None = None) -> None:
    """Make the panel exactly `users`. Members leaving lose their assignments and drafts;
    a member who already submitted a scorecard cannot leave."""
    _require(round_, RoundState.DRAFT, RoundState.SCORING,
             message="Chỉ thay đổi hội đồng khi đợt đang chuẩn bị hoặc đang chấm.")
    for user in users:
        if not user.is_active or round_.organiser_id not in user.organisers_with(Role.EVALUATOR):
            raise ScoringError(f"{user.full_name} không phải thành viên hội đồng chấm đang hoạt động "
                               "của cơ quan tổ chức đợt này.")
    current = panel_ids(round_)
    wanted = {u.id for u in users}
    leaving = current - wanted
    if leaving:
        submitted = db.session.scalar(
            select(func.count()).where(
                Scorecard.round_id == round_.id,
                Scorecard.evaluator_id.in_(leaving),
                Scorecard.state == ScorecardState.SUBMITTED,
            )
        )
        if submitted:
            raise ScoringError("Không thể bỏ khỏi hội đồng thành viên đã nộp phiếu chấm.")
        touched = set(db.session.scalars(
            select(Assignment.initiative_id).where(Assignment.round_id == round_.id,
                                                   Assignment.evaluator_id.in_(leaving))
        ))
        _delete_scorecards(and_(Scorecard.round_id == round_.id, Scorecard.evaluator_id.in_(leaving)))
        db.session.execute(
            delete(Assignment).where(Assignment.round_id == round_.id, Assignment.evaluator_id.in_(leaving))
        )
        db.session.execute(
            delete(PanelMember).where(PanelMember.round_id == round_.id, PanelMember.user_id.in_(leaving))
        )
        standings.refresh(round_, models=touched)
    for user_id in sorted(wanted - current):
        db.session.add(PanelMember(round_id=round_.id, user_id=user_id))
    db.session.flush()
    if leaving or wanted - current:
        # Names, not ids: the audit trail is read by people (and outlives renamed accounts).
        names = dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(current | wanted))).all())

        def listed(ids: set[int]) -> list[str]:
            return sorted((names.get(i, f"#{i}") for i in ids), key=sort_key)

        record("panel.update", round_, actor=by, changes={"panel": [listed(current), listed(wanted)]})


def assign(round_: Round, initiative: Initiative, evaluator: User, *, by: User | None = None,
           notify_evaluator: bool = True) -> Assignment:
    """Assign one evaluator to one model, refusing conflicts of interest."""
    _require(round_, RoundState.DRAFT, RoundState.SCORING,
             message="Chỉ phân công khi đợt đang chuẩn bị hoặc đang chấm.")
    if has_conflict(evaluator, initiative.unit):
        raise ConflictOfInterest(conflict_message(evaluator, initiative))
    if evaluator.id not in panel_ids(round_):
        raise ScoringError(f"{evaluator.full_name} chưa có trong hội đồng chấm của đợt này.")
    in_round = db.session.scalar(
        select(func.count()).where(RoundEntry.round_id == round_.id, RoundEntry.initiative_id == initiative.id)
    )
    if not in_round:
        raise ScoringError("Mô hình không thuộc đợt đánh giá này.")
    existing = db.session.scalar(
        select(Assignment).where(
            Assignment.round_id == round_.id,
            Assignment.initiative_id == initiative.id,
            Assignment.evaluator_id == evaluator.id,
        )
    )
    if existing is not None:
        if existing.status is AssignmentStatus.RECUSED:
            raise ScoringError(f"{evaluator.full_name} đã từ chối chấm mô hình này; hãy chọn người khác.")
        raise ScoringError(f"{evaluator.full_name} đã được phân công chấm mô hình này.")
    assignment = Assignment(
        round_id=round_.id,
        initiative_id=initiative.id,
        evaluator_id=evaluator.id,
        evaluator_unit_path=evaluator.unit.path if evaluator.unit else "",
        initiative_unit_path=initiative.unit.path,
    )
    db.session.add(assignment)
    standings.refresh(round_, models=[initiative.id], evaluators=[evaluator.id])
    record("assignment.create", assignment, actor=by, label=f"{initiative.name} — {evaluator.full_name}",
           changes={"evaluator": [None, evaluator.full_name], "initiative": [None, initiative.name]})
    if notify_evaluator and round_.state is RoundState.SCORING:
        _notify_assigned(round_, {evaluator.id: 1})
    return assignment


def unassign(assignment: Assignment, *, by: User | None = None) -> None:
    round_ = db.session.get(Round, assignment.round_id)
    _require(round_, RoundState.DRAFT, RoundState.SCORING,
             message="Chỉ bỏ phân công khi đợt đang chuẩn bị hoặc đang chấm.")
    record("assignment.delete", assignment, actor=by,
           label=f"{assignment.initiative.name} — {assignment.evaluator.full_name}",
           changes={"evaluator": [assignment.evaluator.full_name, None]})
    _delete_scorecards(
        and_(
            Scorecard.round_id == assignment.round_id,
            Scorecard.initiative_id == assignment.initiative_id,
            Scorecard.evaluator_id == assignment.evaluator_id,
        )
    )
    db.session.delete(assignment)
    standings.refresh(round_, models=[assignment.initiative_id], evaluators=[assignment.evaluator_id])


def plan_assignments(
    models: Sequence[tuple[int, str]],
    evaluators: Sequence[tuple[int, str]],
    k: int,
    *,
    taken: set[tuple[int, int]] = frozenset(),
    active_counts: Mapping[int, int] | None = None,
    loads: Mapping[int, int] | None = None,
    cap: int | None = None,
) -> list[tuple[int, int]]:
    """Choose new (model, evaluator) pairs so that each model has k active evaluators.

    Pure: `models` are (id, unit path), `evaluators` (id, unit path or ""), `taken` the
    pairs that exist already (assigned or recused), `active_counts` the assigned evaluators
    per model, `loads` each evaluator's current number of models, `cap` the most models any
    evaluator may end with (None: no ceiling).

    Greedy least-loaded, most constrained model first, never a conflict of interest.
    Then a balancing pass moves new pairs from a more loaded evaluator to one with at
    least two models fewer while any can move. So no evaluator ends with more than one
    model above anyone else, unless conflicts of interest make it impossible: then the
    evaluator with fewer models could take none of the other's new models.
    """
    active_counts = dict(active_counts or {})
    load = {e: (loads or {}).get(e, 0) for e, _ in evaluators}
    paths = dict(evaluators)
    taken = set(taken)

    def eligible(model_id: int, model_path: str, evaluator_id: int) -> bool:
        return (model_id, evaluator_id) not in taken and not _path_conflict(paths[evaluator_id], model_path)

    candidates = {
        model_id: [e for e, _ in evaluators if eligible(model_id, path, e)] for model_id, path in models
    }
    model_paths = dict(models)
    order = sorted(models, key=lambda m: (len(candidates[m[0]]), m[0]))
    new_by_evaluator: dict[int, list[int]] = {e: [] for e, _ in evaluators}
    for model_id, _path in order:
        need = k - active_counts.get(model_id, 0)
        if need <= 0:
            continue
        chosen = sorted((e for e in candidates[model_id] if cap is None or load[e] < cap),
                        key=lambda e: (load[e], e))[:need]
        for evaluator_id in chosen:
            taken.add((model_id, evaluator_id))
            load[evaluator_id] += 1
            new_by_evaluator[evaluator_id].append(model_id)

    # Balancing: every move lowers the sum of squared loads, so this ends.
    moved = True
    while moved:
        moved = False
        ranked = sorted(load, key=lambda e: (load[e], e))
        for low in ranked:
            for high in reversed(ranked):
                if load[high] - load[low] < 2:
                    break
                for model_id in new_by_evaluator[high]:
                    if eligible(model_id, model_paths[model_id], low):
                        new_by_evaluator[high].remove(model_id)
                        new_by_evaluator[low].append(model_id)
                        taken.discard((model_id, high))
                        taken.add((model_id, low))
                        load[high] -= 1
                        load[low] += 1
                        moved = True
                        break
                if moved:
                    break
            if moved:
                break
    return sorted((m, e) for e, ms in new_by_evaluator.items() for m in ms)


def auto_assign(round_: Round, k: int, *, by: User | None = None, max_per_evaluator: int | None = None) -> int:
    """Top every model of the round up to k evaluators from the panel, balanced, none above
    `max_per_evaluator` models (see `load_caps`). Returns the number of new assignments."""
    _require(round_, RoundState.DRAFT, RoundState.SCORING,
             message="Chỉ phân công khi đợt đang chuẩn bị hoặc đang chấm.")
    if k < 1:
        raise ScoringError("Số thành viên chấm mỗi mô hình phải từ 1 trở lên.")
    if max_per_evaluator is not None and max_per_evaluator < 1:
        raise ScoringError("Số mô hình tối đa mỗi thành viên phải từ 1 trở lên.")
    panel = db.session.execute(
        select(User.id, func.coalesce(Unit.path, ""))
        .join(PanelMember, PanelMember.user_id == User.id)
        .outerjoin(Unit, User.unit_id == Unit.id)
        .where(PanelMember.round_id == round_.id, User.is_active.is_(True))
    ).all()
    if not panel:
        raise ScoringError("Hội đồng chấm của đợt chưa có thành viên.")
    if k > len(panel):
        raise ScoringError(f"Hội đồng chỉ có {len(panel)} thành viên: không thể phân công {k} người mỗi mô hình.")
    models = db.session.execute(
        select(Initiative.id, Unit.path)
        .join(RoundEntry, RoundEntry.initiative_id == Initiative.id)
        .join(Unit, Initiative.unit_id == Unit.id)
        .where(RoundEntry.round_id == round_.id)
    ).all()
    existing = db.session.execute(
        select(Assignment.initiative_id, Assignment.evaluator_id, Assignment.status).where(
            Assignment.round_id == round_.id
        )
    ).all()
    taken = {(m, e) for m, e, _s in existing}
    active: dict[int, int] = {}
    loads: dict[int, int] = {}
    for m, e, status in existing:
        if status is AssignmentStatus.ASSIGNED:
            active[m] = active.get(m, 0) + 1
            loads[e] = loads.get(e, 0) + 1
    if max_per_evaluator is not None:
        refusal = load_caps.shortfall_message(
            needed=sum(max(0, k - active.get(m, 0)) for m, _p in models),
            loads={e: loads.get(e, 0) for e, _p in panel}, cap=max_per_evaluator, k=k, models=len(models))
        if refusal:
            raise ScoringError(refusal)
    pairs = plan_assignments(
        [(m, p) for m, p in models], [(e, p) for e, p in panel], k,
        taken=taken, active_counts=active, loads=loads, cap=max_per_evaluator,
    )
    if max_per_evaluator is not None:
        planned: dict[int, int] = {}
        for m, _e in pairs:
            planned[m] = planned.get(m, 0) + 1
        short_models = sum(1 for m, _p in models if active.get(m, 0) + planned.get(m, 0) < k)
        if short_models:
            raise ScoringError(load_caps.short_message(short=short_models, cap=max_per_evaluator, k=k))
    if pairs:
        model_paths = dict(models)
        evaluator_paths = dict(panel)
        now = utcnow()
        db.session.execute(
            insert(Assignment),
            [
                {
                    "round_id": round_.id, "initiative_id": m, "evaluator_id": e,
                    "status": AssignmentStatus.ASSIGNED, "evaluator_unit_path": evaluator_paths[e],
                    "initiative_unit_path": model_paths[m], "created_at": now,
                }
                for m, e in pairs
            ],
        )
    standings.refresh(round_, models={m for m, _e in pairs}, evaluators={e for _m, e in pairs})
    new_counts: dict[int, int] = {}
    for m, _e in pairs:
        new_counts[m] = new_counts.get(m, 0) + 1
    short = sum(1 for m, _p in models if active.get(m, 0) + new_counts.get(m, 0) < k)
    record("assignment.auto", round_, actor=by,
           changes={"per_model": [None, k], "created": [None, len(pairs)], "short": [None, short],
                    **({"max_per_evaluator": [None, max_per_evaluator]} if max_per_evaluator else {})})
    if round_.state is RoundState.SCORING and pairs:
        per_evaluator: dict[int, int] = {}
        for _m, e in pairs:
            per_evaluator[e] = per_evaluator.get(e, 0) + 1
        _notify_assigned(round_, per_evaluator)
    return len(pairs)


def recuse(assignment: Assignment, reason: str, *, by: User) -> None:
    """The evaluator declines a model, with a reason; the secretariat is told and reassigns."""
    round_ = db.session.get(Round, assignment.round_id)
    _require(round_, RoundState.DRAFT, RoundState.SCORING,
             message="Chỉ từ chối chấm khi đợt đang chuẩn bị hoặc đang chấm.")
    if assignment.evaluator_id != by.id:
        raise ScoringError("Bạn không được phân công chấm mô hình này.")
    if assignment.status is AssignmentStatus.RECUSED:
        raise ScoringError("Bạn đã từ chối chấm mô hình này.")
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ScoringError("Vui lòng ghi rõ lý do từ chối chấm.")
    _delete_scorecards(
        and_(
            Scorecard.round_id == assignment.round_id,
            Scorecard.initiative_id == assignment.initiative_id,
            Scorecard.evaluator_id == assignment.evaluator_id,
        )
    )
    assignment.status = AssignmentStatus.RECUSED
    assignment.recusal_reason = reason[:MAX_REASON]
    assignment.recused_at = utcnow()
    standings.refresh(round_, models=[assignment.initiative_id], evaluators=[assignment.evaluator_id])
    record("assignment.recuse", assignment, actor=by, reason=assignment.recusal_reason,
           label=f"{assignment.initiative.name} — {by.full_name}",
           changes={"status": ["assigned", "recused"]})
    notify(
        _secretariat_users(round_.organiser_id),
        kind="scoring.recusal",
        title=f"Thành viên hội đồng từ chối chấm mô hình “{assignment.initiative.name}”",
        body=f"{by.full_name}: {assignment.recusal_reason}. Vui lòng phân công người khác.",
        link=_link("rounds.model_detail", round_id=round_.id, initiative_id=assignment.initiative_id),
    )


# --- Scorecards ------------------------------------------------------------------------


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
    from . import phases, versions
    from .models import VersionKind

    state = db.session.scalar(select(Round.state).where(Round.id == round_.id).with_for_update(read=True))
    db.session.refresh(round_, ["discussion_opened_at"])
    if has_conflict(evaluator, initiative.unit):
        raise ConflictOfInterest(OWN_UNIT_MESSAGE)
    assignment = _lock_assignment(round_.id, initiative.id, evaluator.id)
    if assignment is None:
        raise ScoringError("Bạn không được phân công chấm mô hình này.")
    if assignment.status is AssignmentStatus.RECUSED:
        raise ScoringError("Bạn đã từ chối chấm mô hình này.")
    card = find_scorecard(round_.id, initiative.id, evaluator.id)
    was_submitted = card is not None and card.is_submitted
    if was_submitted:
        phases.check_revision_allowed(round_, card, state=state)
        kind = VersionKind.REOPENED if card.is_reopened else VersionKind.DISCUSSION
        if card.is_reopened:
            check_can_score(round_, initiative, evaluator, now=now, state=state)
    else:
        check_can_score(round_, initiative, evaluator, now=now, state=state)
        kind = VersionKind.SUBMIT if submit else VersionKind.DRAFT
    versions.check_current(card, expected_version)

    submit = submit or was_submitted
    parsed: dict[int, Decimal | None] = {}
    errors: dict[int | str, str] = {}
    for criterion in round_.criteria:
        try:
            value = parse_points(values.get(criterion.id))
        except ValueError as error:
            errors[criterion.id] = str(error)
            continue
        if value is None:
            if submit:
                errors[criterion.id] = "Vui lòng nhập điểm tiêu chí này trước khi nộp phiếu."
        elif value < 0 or value > criterion.max_score:
            errors[criterion.id] = f"Điểm phải từ 0 đến {_fmt(criterion.max_score)}."
        elif not is_half_step(value):
            errors[criterion.id] = "Điểm chấm theo bước 0,5 (ví dụ 7 hoặc 7,5)."
        parsed[criterion.id] = value
    comment = (comment or "").strip()
    if len(comment) > 5000:
        errors["comment"] = "Nhận xét không được dài quá 5.000 ký tự."
    if errors:
        raise ScoreValidationError(errors)

    if card is None:
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
    by_criterion = {s.criterion_id: s for s in card.scores}
    codes = {c.id: c.code for c in round_.criteria}
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
        if (old is None) != (value is None) or (old is not None and old != value):
            changes[codes[criterion.id]] = [old, value]
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
        # One revision per reopening; a discussion revision is marked on the ranking.
        if kind is VersionKind.REOPENED:
            card.reopened_at = None
            card.reopen_reason = None
        else:
            card.revised_in_discussion = True
    card.updated_at = utcnow()
    if changes:
        db.session.flush()
        versions.add_version(card, kind, changes, by=evaluator)
    standings.refresh(round_, models=[initiative.id], evaluators=[evaluator.id])
    if submit and (changes or not was_submitted):
        record("scorecard.revise" if was_submitted else "scorecard.submit", card, actor=evaluator,
               label=initiative.name, changes=changes)
    return card


def _fmt(value: Decimal) -> str:
    return format_score(value)


def others_visible(round_: Round, own: Scorecard | None) -> bool:
    """Blind rounds: see `phases.others_visible` (after the window, or in the discussion phase)."""
    from .phases import others_visible as visible

    return visible(round_, own)


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


# --- Progress ---------------------------------------------------------------------------


@dataclass
class EvaluatorProgress:
    user_id: int
    full_name: str
    unit_name: str
    assigned: int
    submitted: int
    drafts: int
    recused: int

    @property
    def remaining(self) -> int:
        return self.assigned - self.submitted


def evaluator_progress(round_: Round) -> list[EvaluatorProgress]:
    """Per panel member: models assigned, scorecards submitted and in draft, recusals (one
    query over the members' maintained progress, see `standings`)."""
    rows = db.session.execute(
        select(User.id, User.full_name, func.coalesce(Unit.name, ""), PanelMember.assigned_count,
               PanelMember.submitted_count, PanelMember.draft_count, PanelMember.recused_count)
        .select_from(PanelMember)
        .join(User, PanelMember.user_id == User.id)
        .outerjoin(Unit, User.unit_id == Unit.id)
        .where(PanelMember.round_id == round_.id)
        .order_by(User.sort_name, User.id)
    ).all()
    return [EvaluatorProgress(*row) for row in rows]


def model_progress_select(round_: Round, *, behind_only: bool = False, q: str | None = None):
    """Per model: scorecards submitted of evaluators assigned, recusals (the models' maintained
    standing); a SELECT to paginate."""
    query = (
        select(Initiative.id, Initiative.name, Unit.name.label("unit_name"),
               RoundEntry.assigned_count.label("assigned"), RoundEntry.submitted_count.label("submitted"),
               RoundEntry.recused_count.label("recused"))
        .select_from(RoundEntry)
        .join(Initiative, RoundEntry.initiative_id == Initiative.id)
        .join(Unit, Initiative.unit_id == Unit.id)
        .where(RoundEntry.round_id == round_.id)
        .order_by(Unit.sort_name, Initiative.sort_name, Initiative.id)
    )
    if q:
        for word in search_terms(q):
            query = query.where(Initiative.search_text.contains(word))
    if behind_only:
        query = query.where(or_(RoundEntry.submitted_count < RoundEntry.assigned_count,
                                RoundEntry.assigned_count < round_.min_scorecards))
    return query


def recusals(round_: Round) -> list[tuple[Assignment, str, str, str, int]]:
    """Recused assignments with the model's name, unit and current number of active evaluators."""
    rows = db.session.execute(
        select(Assignment, User.full_name, Initiative.name, Unit.name, RoundEntry.assigned_count)
        .join(User, Assignment.evaluator_id == User.id)
        .join(Initiative, Assignment.initiative_id == Initiative.id)
        .join(Unit, Initiative.unit_id == Unit.id)
        .join(RoundEntry, and_(RoundEntry.round_id == Assignment.round_id,
                               RoundEntry.initiative_id == Assignment.initiative_id))
        .where(Assignment.round_id == round_.id, Assignment.status == AssignmentStatus.RECUSED)
        .order_by(Assignment.recused_at.desc())
    ).all()
    return [tuple(row) for row in rows]


# --- Notifications ----------------------------------------------------------------------


def _secretariat_users(organiser_id: int | None = None) -> list[User]:
    organiser_id = organiser_id or default_organiser_id()
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.SECRETARIAT, UserRole.organiser_id == organiser_id,
                   User.is_active.is_(True))
        )
    )


def _notify_assigned(round_: Round, counts: Mapping[int, int]) -> None:
    if not counts:
        return
    users = list(db.session.scalars(select(User).where(User.id.in_(list(counts)), User.is_active.is_(True))))
    link = _link("scoring.queue", dot=round_.id)
    for user in users:
        notify(
            [user],
            kind="scoring.assigned",
            title=f"Bạn được phân công chấm {counts[user.id]} mô hình — {round_.name}",
            body="Mở “Chấm điểm” để xem hồ sơ và chấm từng mô hình.",
            link=link,
        )


def _notify_units_of_results(round_: Round) -> None:
    """Tell the staff of every unit with a model in the round that results are published."""
    unit_ids = select(Initiative.unit_id).join(RoundEntry, RoundEntry.initiative_id == Initiative.id).where(
        RoundEntry.round_id == round_.id
    )
    staff = list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.STAFF, User.is_active.is_(True), User.unit_id.in_(unit_ids))
        )
    )
    notify(
        staff,
        kind="scoring.finalised",
        title=f"Đã công bố kết quả chấm điểm — {round_.name}",
        body="Xem điểm, xếp loại và nhận xét của hội đồng cho mô hình của đơn vị.",
        link=_link("scoring.results"),
        dedup_key=f"round-finalised-{round_.id}-{round_.finalised_at.isoformat() if round_.finalised_at else ''}",
    )
