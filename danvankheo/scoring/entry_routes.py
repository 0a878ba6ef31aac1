"""The models in a round (mô hình trong đợt) and who scores each: adding them (all eligible at
once, or chosen ones with a reason when they already stand elsewhere), removing them, and
assigning panel members by hand. Routes of the rounds blueprint (see `round_routes`)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from ..auth.models import User
from ..core.errors import saving
from ..core.paging import keyset_page
from ..core.permissions import get_or_404, roles_required
from ..extensions import db
from ..registry.models import Initiative
from ..units.models import Unit
from . import assignments, round_routes, rounds, scorecards, second_round
from .conflicts import path_conflict
from .errors import NeedsReason
from .forms import ActionForm, AddEntriesForm, ReasonForm
from .joins import assignment_scorecard
from .models import Assignment, PanelMember, RoundEntry, RoundState, Scorecard
from .progress import MODEL_ORDER, model_progress_select
from .round_routes import MANAGERS, READERS, _back, _can_manage, _round, bp


@bp.get("/<int:round_id>/mo-hinh")
@roles_required(*READERS)
def entries(round_id: int):
    round_ = _round(round_id)
    q = (request.args.get("q") or "").strip()
    page = keyset_page(model_progress_select(round_, q=q), MODEL_ORDER, per_page=round_routes.PER_PAGE,
                       after=request.args.get("sau"), before=request.args.get("truoc"), scalars=False)
    eligible, elsewhere = [], {}
    may_add = round_.state in (RoundState.DRAFT, RoundState.SCORING) and _can_manage(round_)
    if may_add:
        eligible_query = (
            select(Initiative.id, Initiative.name, Unit.name)
            .join(Unit, Initiative.unit_id == Unit.id)
            .where(Initiative.id.in_(rounds.eligible_select(round_)))
            .order_by(Unit.sort_name, Initiative.sort_name)
            .limit(200)
        )
        eligible = db.session.execute(eligible_query).all()
        elsewhere = second_round.standings_elsewhere(round_, [row[0] for row in eligible])
    return render_template(
        "scoring/entries.html", round=round_, page=page, q=q, eligible=eligible, elsewhere=elsewhere,
        may_add=may_add,
        eligible_count=rounds.count_eligible(round_) if may_add else 0,
        held_back=rounds.count_held_back(round_) if round_.is_draft and may_add else 0,
        action_form=ActionForm(),
    )


@bp.post("/<int:round_id>/mo-hinh/them-tat-ca")
@roles_required(*MANAGERS)
def entries_add_all(round_id: int):
    round_ = _round(round_id)
    if ActionForm().validate_on_submit():
        with saving() as saved:
            added = rounds.add_all_eligible(round_, by=current_user)
        if saved:
            flash(f"Đã thêm {added} mô hình vào đợt.", "success")
    return _back(round_, "rounds.entries")


@bp.post("/<int:round_id>/mo-hinh/them")
@roles_required(*MANAGERS)
def entries_add(round_id: int):
    round_ = _round(round_id)
    ids = [int(v) for v in request.form.getlist("initiative_id") if v.isdigit()]
    form = AddEntriesForm()
    if not (form.validate_on_submit() and ids):
        return _back(round_, "rounds.entries")
    with saving(form) as saved:
        added = rounds.add_entries(round_, ids, by=current_user, reason=form.reason.data)
    if saved:
        late = " Hãy phân công người chấm cho mô hình mới." if round_.state is RoundState.SCORING else ""
        flash(f"Đã thêm {added} mô hình vào đợt.{late}", "success")
    elif isinstance(saved.error, NeedsReason):
        # Ask: where each model stands, and a reason for evaluating it again.
        names = dict(db.session.execute(select(Initiative.id, Initiative.name).where(Initiative.id.in_(ids))).all())
        return render_template("scoring/entries_confirm.html", round=round_, ids=ids, names=names,
                               standings=saved.error.standings, asked_again=bool(request.form.get("hoi_lai")),
                               action_form=ActionForm())
    return _back(round_, "rounds.entries")


@bp.post("/<int:round_id>/mo-hinh/bo")
@roles_required(*MANAGERS)
def entries_remove(round_id: int):
    round_ = _round(round_id)
    ids = [int(v) for v in request.form.getlist("initiative_id") if v.isdigit()]
    if ActionForm().validate_on_submit() and ids:
        with saving() as saved:
            rounds.remove_entries(round_, ids, by=current_user)
        if saved:
            flash("Đã bỏ mô hình khỏi đợt.", "success")
    return _back(round_, "rounds.entries")


@bp.get("/<int:round_id>/mo-hinh/<int:initiative_id>")
@roles_required(*READERS)
def model_detail(round_id: int, initiative_id: int):
    round_ = _round(round_id)
    initiative = get_or_404(Initiative, initiative_id)
    in_round = db.session.scalar(
        select(func.count()).where(RoundEntry.round_id == round_.id, RoundEntry.initiative_id == initiative.id)
    )
    if not in_round:
        abort(404)
    rows = db.session.execute(
        select(Assignment, User.full_name, Unit.name, Scorecard)
        .join(User, Assignment.evaluator_id == User.id)
        .outerjoin(Unit, User.unit_id == Unit.id)
        .outerjoin(Scorecard, assignment_scorecard())
        .where(Assignment.round_id == round_.id, Assignment.initiative_id == initiative.id)
        .order_by(User.sort_name)
    ).all()
    taken = {a.evaluator_id for a, *_ in rows}
    candidates = []
    if _can_manage(round_) and round_.state in (RoundState.DRAFT, RoundState.SCORING):
        panel = db.session.execute(
            select(User, Unit.path)
            .join(PanelMember, PanelMember.user_id == User.id)
            .outerjoin(Unit, User.unit_id == Unit.id)
            .where(PanelMember.round_id == round_.id)
            .order_by(User.sort_name)
        ).all()
        candidates = [
            user for user, path in panel
            if user.id not in taken and not path_conflict(path or "", initiative.unit.path)
        ]
    cards = scorecards.anonymous_scorecards(round_, initiative.id)
    return render_template(
        "scoring/model_detail.html", round=round_, initiative=initiative, assignments=rows,
        candidates=candidates, cards=cards, action_form=ActionForm(), reason_form=ReasonForm(),
    )


@bp.post("/<int:round_id>/mo-hinh/<int:initiative_id>/phan-cong")
@roles_required(*MANAGERS)
def assign(round_id: int, initiative_id: int):
    round_ = _round(round_id)
    initiative = get_or_404(Initiative, initiative_id)
    evaluator = db.session.get(User, request.form.get("evaluator_id", type=int) or 0)
    if evaluator is None:
        flash("Vui lòng chọn thành viên hội đồng.", "danger")
    elif ActionForm().validate_on_submit():
        with saving() as saved:
            assignments.assign(round_, initiative, evaluator, by=current_user)
        if saved:
            flash(f"Đã phân công {evaluator.full_name} chấm mô hình này.", "success")
    return redirect(url_for("rounds.model_detail", round_id=round_.id, initiative_id=initiative.id))


@bp.post("/<int:round_id>/phan-cong/<int:assignment_id>/bo")
@roles_required(*MANAGERS)
def unassign(round_id: int, assignment_id: int):
    round_ = _round(round_id)
    assignment = get_or_404(Assignment, assignment_id)
    if assignment.round_id != round_.id:
        abort(404)
    initiative_id = assignment.initiative_id
    if ActionForm().validate_on_submit():
        with saving() as saved:
            assignments.unassign(assignment, by=current_user)
        if saved:
            flash("Đã bỏ phân công.", "success")
    return redirect(url_for("rounds.model_detail", round_id=round_.id, initiative_id=initiative_id))


