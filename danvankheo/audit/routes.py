"""The audit trail page (nhật ký) for the secretariat and admins. Read-only: GET only.

The admin reads the whole trail; a secretariat reads the events of the organiser it acts
for (audit/scope.py), so a commune never reads the province's or another commune's."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from ..core.formatting import parse_day
from ..core.paging import AFTER, BEFORE, keyset_page
from ..core.permissions import roles_required
from ..core.roles import Role
from .queries import EVENT_ORDER, AuditFilters, filtered_events, known_actions, known_object_types
from .scope import organiser_clause

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
    events = filtered_events(filters)
    if not current_user.is_admin:
        events = events.where(organiser_clause(current_user.acting_organiser_id))
    page = keyset_page(events, EVENT_ORDER, per_page=current_app.config["PAGE_SIZE"],
                       after=request.args.get(AFTER), before=request.args.get(BEFORE))
    actions = known_actions()
    return render_template(
        "audit/index.html",
        page=page,
        filters=filters,
        object_types=known_object_types(),
        actions=actions,
        action_prefixes=sorted({a.partition(".")[0] for a in actions}),
    )
