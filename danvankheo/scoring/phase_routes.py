"""The secretariat's side of blind scoring: the discussion phase, reopening a locked
scorecard, and a scorecard's versions. Routes of the rounds blueprint (see `round_routes`)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from ..auth.models import User
from ..core.errors import saving
from ..core.permissions import get_or_404, roles_required
from ..core.roles import Role
from ..extensions import db
from ..registry.models import Initiative
from . import phases, versions
from .forms import ActionForm, ReasonForm
from .models import Scorecard
from .round_routes import MANAGERS, _back, _round, bp


@bp.post("/<int:round_id>/mo-thao-luan")
@roles_required(*MANAGERS)
def open_discussion(round_id: int):
    round_ = _round(round_id)
    if ActionForm().validate_on_submit():
        with saving() as saved:
            phases.open_discussion(round_, by=current_user)
        if saved:
            flash("Đã mở thảo luận: hội đồng xem được các phiếu đã nộp và có thể điều chỉnh phiếu của mình.", "success")
    return _back(round_)


@bp.post("/<int:round_id>/ket-thuc-thao-luan")
@roles_required(*MANAGERS)
def close_discussion(round_id: int):
    round_ = _round(round_id)
    if ActionForm().validate_on_submit():
        with saving() as saved:
            phases.close_discussion(round_, by=current_user)
        if saved:
            flash("Đã kết thúc thảo luận: các phiếu đã nộp được khóa lại.", "success")
    return _back(round_)


def _card(round_id: int, card_id: int) -> Scorecard:
    card = get_or_404(Scorecard, card_id)
    if card.round_id != round_id:
        abort(404)
    return card


@bp.post("/<int:round_id>/phieu/<int:card_id>/mo-lai")
@roles_required(*MANAGERS)
def reopen_scorecard(round_id: int, card_id: int):
    round_ = _round(round_id)
    card = _card(round_.id, card_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash("Vui lòng ghi rõ lý do mở lại phiếu chấm (ít nhất 5 ký tự).", "danger")
    else:
        with saving() as saved:
            phases.reopen_scorecard(card, form.reason.data, by=current_user)
        if saved:
            flash("Đã mở lại phiếu chấm; thành viên hội đồng đã được thông báo.", "success")
    return redirect(url_for("rounds.model_detail", round_id=round_.id, initiative_id=card.initiative_id))


@bp.get("/<int:round_id>/phieu/<int:card_id>/phien-ban")
@roles_required(Role.SECRETARIAT, Role.ADMIN)
def scorecard_versions(round_id: int, card_id: int):
    round_ = _round(round_id)
    card = _card(round_.id, card_id)
    initiative = db.session.get(Initiative, card.initiative_id)
    evaluator_name = db.session.scalar(select(User.full_name).where(User.id == card.evaluator_id))
    return render_template(
        "scoring/versions.html", round=round_, card=card, initiative=initiative, evaluator_name=evaluator_name,
        history=versions.history(card), labels=versions.change_labels(list(round_.criteria)),
    )
