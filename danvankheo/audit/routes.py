"""The audit trail page (nhật ký) for the secretariat and admins. Read-only: GET only."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template, request

from ..auth.models import Role
from ..core.permissions import roles_required
from ..extensions import db
from .queries import AuditFilters, filtered_events, known_actions, known_object_types

bp = Blueprint("audit", __name__, url_prefix="/nhat-ky")


def _date_arg(name: str) -> date | None:
    value = (request.args.get(name) or "").strip()
    for parse in (date.fromisoformat, _parse_vn_date):
        try:
            return parse(value)
        except ValueError:
            continue
    return None


def _parse_vn_date(value: str) -> date:
    day, month, year = value.split("/")
    return date(int(year), int(month), int(day))


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
