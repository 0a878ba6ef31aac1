"""The secretariat's decision on a warning of a recycled model or reused evidence."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user

from ..auth.models import Role
from ..core.forms import Form
from ..core.permissions import get_or_404, roles_required
from ..extensions import db
from . import similarity
from .similarity import SimilarityDecision, SimilarityFlag

bp = Blueprint("similarity", __name__, url_prefix="/mo-hinh")

DECIDERS = (Role.SECRETARIAT, Role.ADMIN)


@bp.app_context_processor
def similarity_helpers():
    """`similarity_flags_for(initiative)` for the model's page: the secretariat's warnings only."""
    def flags_for(initiative):
        if not (current_user.is_authenticated and current_user.has_role(*DECIDERS)):
            return []
        return similarity.flags_of(initiative)
    return {"similarity_flags_for": flags_for, "similarity_decisions": list(SimilarityDecision),
            "similarity_form": Form}


@bp.post("/<int:initiative_id>/trung-lap/<int:flag_id>")
@roles_required(*DECIDERS)
def decide(initiative_id: int, flag_id: int):
    flag = get_or_404(SimilarityFlag, flag_id)
    back = redirect(url_for("registry.detail", initiative_id=initiative_id, _anchor="trung-lap"), 303)
    if flag.initiative_id != initiative_id or not Form().validate_on_submit():
        flash("Yêu cầu không hợp lệ, vui lòng thử lại.", "danger")
        return back
    try:
        decision = SimilarityDecision(request.form.get("decision", ""))
    except ValueError:
        flash("Vui lòng chọn: trùng lặp hay không trùng lặp.", "danger")
        return back
    try:
        similarity.decide(flag, decision, request.form.get("reason", ""), by=current_user)
    except similarity.SimilarityError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return back
    db.session.commit()
    flash("Đã ghi quyết định về cảnh báo trùng lặp.", "success")
    return back
