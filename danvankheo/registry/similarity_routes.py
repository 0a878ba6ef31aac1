"""The secretariat's decision on a warning of a recycled model or reused evidence.

Only the secretariat of the model's own organiser sees and decides its warnings. The
comparison itself looks across the whole deployment (a model recycled from another commune
is the point); the other model is named on the warning by its name, unit and year only, and
linked only when the reader may open it (`can_view`, or the public showcase once accepted).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user

from ..core.errors import saving
from ..core.forms import Form
from ..core.permissions import get_or_404, load_for, refuse, roles_required
from ..core.roles import Role
from . import permissions, similarity
from .models import Initiative
from .similarity import SimilarityDecision, SimilarityFlag

bp = Blueprint("similarity", __name__, url_prefix="/mo-hinh")

DECIDERS = (Role.SECRETARIAT, Role.ADMIN)


@bp.app_context_processor
def similarity_helpers():
    """`similarity_flags_for(initiative)` for the model's page: the secretariat's warnings only."""
    def flags_for(initiative):
        # The model's own organiser's secretariat decides; a parent reading a nominated model
        # does not re-decide its warnings.
        if not permissions.reviews_scope_of(current_user, initiative):
            return []
        return similarity.flags_of(initiative)
    return {"similarity_flags_for": flags_for, "similarity_decisions": list(SimilarityDecision),
            "similarity_form": Form}


@bp.post("/<int:initiative_id>/trung-lap/<int:flag_id>")
@roles_required(*DECIDERS)
def decide(initiative_id: int, flag_id: int):
    initiative = load_for(Initiative, initiative_id, lambda i: permissions.can_view(current_user, i))
    if not permissions.reviews_scope_of(current_user, initiative):
        refuse(403, "Chỉ thường trực của cơ quan tổ chức quản lý mô hình này mới quyết định cảnh báo trùng lặp.")
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
    with saving() as saved:
        similarity.decide(flag, decision, request.form.get("reason", ""), by=current_user)
    if saved:
        flash("Đã ghi quyết định về cảnh báo trùng lặp.", "success")
    return back
