"""The panel (hội đồng chấm) of a round and who scores which model: assignment by hand or
balanced automatically, removal, and an evaluator's recusal (từ chối chấm)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import and_, delete, func, insert, select

from ..audit.services import record
from ..auth.models import User
from ..core.links import page_link
from ..core.roles import Role
from ..core.text import sort_key
from ..core.types import utcnow
from ..extensions import db
from ..notifications.services import notify
from ..registry.models import Initiative
from ..units.models import Unit
from . import load_caps, standings
from .conflicts import conflict_message, has_conflict, path_conflict
from .errors import ConflictOfInterest, ScoringError, require_state
from .models import (
    Assignment,
    AssignmentStatus,
    PanelMember,
    Round,
    RoundEntry,
    RoundState,
    Scorecard,
    ScorecardState,
)
from .notices import active_holders, notify_assigned, secretariat_users
from .rounds import MAX_REASON
from .scorecards import delete_scorecards


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


def evaluator_candidates(organiser_id: int | None = None) -> list[User]:
    """Active council members (the evaluator role) of the organiser, by name."""
    return list(db.session.scalars(active_holders(Role.EVALUATOR, organiser_id).order_by(User.sort_name)))


def panel_ids(round_: Round) -> set[int]:
    return set(db.session.scalars(select(PanelMember.user_id).where(PanelMember.round_id == round_.id)))


def set_panel(round_: Round, users: Sequence[User], *, by: User | None = None) -> None:
    """Make the panel exactly `users`. Members leaving lose their assignments and drafts;
    a member who already submitted a scorecard cannot leave."""
    require_state(round_, RoundState.DRAFT, RoundState.SCORING,
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
        delete_scorecards(and_(Scorecard.round_id == round_.id, Scorecard.evaluator_id.in_(leaving)))
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
    require_state(round_, RoundState.DRAFT, RoundState.SCORING,
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
        notify_assigned(round_, {evaluator.id: 1})
    return assignment


def unassign(assignment: Assignment, *, by: User | None = None) -> None:
    round_ = db.session.get(Round, assignment.round_id)
    require_state(round_, RoundState.DRAFT, RoundState.SCORING,
                  message="Chỉ bỏ phân công khi đợt đang chuẩn bị hoặc đang chấm.")
    record("assignment.delete", assignment, actor=by,
           label=f"{assignment.initiative.name} — {assignment.evaluator.full_name}",
           changes={"evaluator": [assignment.evaluator.full_name, None]})
    delete_scorecards(
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
        return (model_id, evaluator_id) not in taken and not path_conflict(paths[evaluator_id], model_path)

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
    require_state(round_, RoundState.DRAFT, RoundState.SCORING,
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
        notify_assigned(round_, per_evaluator)
    return len(pairs)


def recuse(assignment: Assignment, reason: str, *, by: User) -> None:
    """The evaluator declines a model, with a reason; the secretariat is told and reassigns."""
    round_ = db.session.get(Round, assignment.round_id)
    require_state(round_, RoundState.DRAFT, RoundState.SCORING,
                  message="Chỉ từ chối chấm khi đợt đang chuẩn bị hoặc đang chấm.")
    if assignment.evaluator_id != by.id:
        raise ScoringError("Bạn không được phân công chấm mô hình này.")
    if assignment.status is AssignmentStatus.RECUSED:
        raise ScoringError("Bạn đã từ chối chấm mô hình này.")
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ScoringError("Vui lòng ghi rõ lý do từ chối chấm.", field="reason")
    delete_scorecards(
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
        secretariat_users(round_.organiser_id),
        kind="scoring.recusal",
        title=f"Thành viên hội đồng từ chối chấm mô hình “{assignment.initiative.name}”",
        body=f"{by.full_name}: {assignment.recusal_reason}. Vui lòng phân công người khác.",
        link=page_link("rounds.model_detail", round_id=round_.id, initiative_id=assignment.initiative_id),
    )
