"""The audit trail page (nhật ký) for the secretariat and admins. Read-only: GET only."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template, request

from ..auth.models import Role
from ..core.formatting import parse_day
from ..core.permissions import roles_required
from ..extensions import db
from .queries import AuditFilters, filtered_events, known_actions, known_object_types

bp = Blueprint("audit", __name__, url_prefix="/nhat-ky")


def _date_arg(name: str) -> date | None:
    """dd/mm/yyyy as typed (or ISO from an old link); a wrong day filters nothing."""
    try:
        return parse_day(request.args.get(name))
    except ValueError:
        return None


@bp.get("")
@roles_required(Role.SECRETARIAT, Role.ADMIN)
def index():
    filters = AuditFilters(
        actor_id=request.args.get("nguoi_dung", type=int),
        actor=(request.args.get("nguoi") or "").strip(),
        object_type=(request.args.get("doi_tuong") or "").strip(),
        object_id=request.args.get("ma", type=int),
        action=(request.args.get("thao_tac") or "").strip(),
        date_from=_date_arg("tu_ngay"),
        date_to=_date_arg("den_ngay"),
    )
    page = db.paginate(
        filtered_events(filters), per_page=current_app.config["PAGE_SIZE"], error_out=False, count=True
    )
    actions = known_actions()
    return render_template(
        "audit/index.html",
        page=page,
        filters=filters,
        object_types=known_object_types(),
        actions=actions,
        action_prefixes=sorted({a.partition(".")[0] for a in actions}),
    )
