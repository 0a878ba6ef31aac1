"""The secretariat's everyday tools on the registry: the review list (xét duyệt), to accept or
return several submitted models at once, and reminders to units that registered nothing."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..core.errors import saving
from ..core.paging import AFTER, BEFORE, SortKey, keyset_page
from ..core.permissions import load_for, roles_required
from ..core.roles import Role
from ..core.timeutil import local_today
from ..organisers import access
from ..units.models import Unit
from . import bulk, permissions, unit_reminders
from .models import Initiative, Status
from .routes import bp

# First submitted, first reviewed; paged by key.
QUEUE_ORDER = (SortKey(Initiative.queued_at, attribute="queued_at"), SortKey(Initiative.id))


def _review_page(selected: set[int] | None = None, problems=None, reason: str = ""):
    year = request.args.get("nam", type=int)
    # Only the models of the organiser the secretariat acts for: models nominated up
    # to it were reviewed by their own organiser.
    query = select(Initiative).where(Initiative.status == Status.SUBMITTED, permissions.reviewable_clause(current_user))
    if year:
        query = query.where(Initiative.year == year)
    page = keyset_page(query.options(joinedload(Initiative.unit)), QUEUE_ORDER,
                       per_page=current_app.config["PAGE_SIZE"] * 4,
                       after=request.args.get(AFTER), before=request.args.get(BEFORE))
    return render_template(
        "registry/review.html",
        page=page,
        year=year,
        selected=selected or set(),
        problems=problems or [],
        reason=reason,
    )


@bp.get("/xet-duyet")
@roles_required(Role.SECRETARIAT, Role.ADMIN)
def review():
    return _review_page()


@bp.post("/xet-duyet")
@roles_required(Role.SECRETARIAT, Role.ADMIN)
def bulk_review():
    ids = [int(v) for v in request.form.getlist("mo_hinh") if v.isdigit()]
    target = bulk.BULK_TARGETS.get(request.form.get("thao_tac", ""))
    reason = (request.form.get("ly_do") or "").strip()[:5000]
    with saving() as saved:
        if target is None:
            raise bulk.BulkRefused("Vui lòng chọn “Tiếp nhận” hoặc “Trả lại để bổ sung”.")
        steps = bulk.bulk_review(ids, target, current_user, reason=reason)
    if not saved:
        # The page again, with the problems and the selection (like any form with errors).
        return _review_page(set(ids), getattr(saved.error, "problems", None), reason)
    done = "tiếp nhận" if target is Status.ACCEPTED else "trả lại để bổ sung"
    flash(f"Đã {done} {len(steps)} mô hình; đơn vị của từng mô hình đã được thông báo.", "success")
    return redirect(url_for("registry.review", **request.args), 303)


@bp.post("/tinh-hinh-dang-ky/nhac/<int:unit_id>")
@roles_required(Role.SECRETARIAT, Role.ADMIN)
def remind_unit(unit_id: int):
    # Another organiser's unit is not this secretariat's to remind: 404 alike, nothing said.
    unit = load_for(Unit, unit_id, lambda u: u.organiser_id == access.managed_organiser_id(current_user))
    year = request.args.get("nam", type=int) or local_today().year
    with saving() as saved:
        told = unit_reminders.remind_unit(year, unit, actor=current_user,
                                          organiser_id=access.managed_organiser_id(current_user))
    if saved:
        flash(f"Đã nhắc {unit.name}: {told} cán bộ nhận thông báo trong phần mềm và qua email.", "success")
    # Back to the page the unit was on, its filter kept.
    return redirect(url_for("registry.compliance", nam=year, tinh_trang=request.args.get("tinh_trang") or None,
                            **{key: request.args[key] for key in (AFTER, BEFORE) if request.args.get(key)}), 303)
