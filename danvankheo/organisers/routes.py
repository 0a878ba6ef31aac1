"""The admin's organisers, and the organiser a user acts for."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..auth.routes import _safe_next as safe_next
from ..core.errors import form_page, saving
from ..core.forms import unit_choices
from ..core.permissions import get_or_404, refuse, roles_required
from ..core.roles import Role
from ..extensions import db
from ..units.models import Unit
from ..units.services import all_units_in_tree_order
from . import services
from .forms import OrganiserForm
from .models import Organiser

bp = Blueprint("organisers", __name__)


@bp.post("/co-quan-to-chuc/chon")
@login_required
def switch():
    """Act for another of the user's organisers (the header's selector)."""
    organiser_id = request.form.get("organiser_id", type=int)
    if not current_user.act_for(organiser_id):
        refuse(403, "Bạn không có vai trò nào tại cơ quan tổ chức này.")
    session["organiser_id"] = organiser_id
    organiser = db.session.get(Organiser, organiser_id)
    flash(f"Đang làm việc với: {organiser.name}.", "info")
    return redirect(safe_next(request.form.get("next")) or url_for("home.index"))


@bp.get("/quan-tri/co-quan-to-chuc")
@roles_required(Role.ADMIN)
def index():
    organisers = services.all_organisers()
    counts = dict(db.session.execute(
        select(Unit.organiser_id, db.func.count()).group_by(Unit.organiser_id)
    ).all())
    return render_template("organisers/index.html", organisers=organisers, counts=counts)


def _form(organiser: Organiser | None = None) -> OrganiserForm:
    form = OrganiserForm()
    taken = set(db.session.scalars(select(Organiser.unit_id)))
    units = [u for u in all_units_in_tree_order(active_only=True)
             if organiser is not None and u.id == organiser.unit_id or u.id not in taken]
    form.unit_id.choices = unit_choices(units, blank="— Chọn đơn vị —")
    return form


@bp.route("/quan-tri/co-quan-to-chuc/moi", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create():
    form = _form()
    if request.method == "GET":
        form.unit_id.data = request.args.get("don_vi", 0, type=int)
    return form_page(
        form, "organisers/form.html", field="unit_id", organiser=None,
        save=lambda: services.make_organiser(db.session.get(Unit, form.unit_id.data), level=form.level_enum,
                                             **form.settings()),
        done=lambda organiser: f"{organiser.name} đã là cơ quan tổ chức phong trào.",
        then=url_for("organisers.index"),
    )


@bp.route("/quan-tri/co-quan-to-chuc/<int:organiser_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(organiser_id: int):
    organiser = get_or_404(Organiser, organiser_id)
    form = _form(organiser)
    form.unit_id.render_kw = {"disabled": True}
    if request.method == "GET":
        form.process(obj=organiser)
        form.level.data = organiser.level.value
    form.unit_id.data = organiser.unit_id
    return form_page(
        form, "organisers/form.html", field="secretariat_name", organiser=organiser,
        save=lambda: services.update_organiser(organiser, level=form.level_enum, **form.settings()),
        done="Đã lưu cơ quan tổ chức.", then=url_for("organisers.index"),
    )


@bp.post("/quan-tri/co-quan-to-chuc/<int:organiser_id>/bo")
@roles_required(Role.ADMIN)
def remove(organiser_id: int):
    organiser = get_or_404(Organiser, organiser_id)
    name = organiser.name
    with saving() as saved:
        services.remove_organiser(organiser)
    if saved:
        flash(f"{name} không còn là cơ quan tổ chức; các đơn vị của nó thuộc cơ quan tổ chức cấp trên.", "success")
    return redirect(url_for("organisers.index"))


@bp.get("/tong-hop-cap-duoi")
@roles_required(Role.SECRETARIAT, Role.OBSERVER, Role.ADMIN)
def rollup():
    """Each lower-level organiser's year, for the secretariat and observers of the level above."""
    from ..core.timeutil import local_today
    from . import access
    from .rollup import build_rollup

    year = request.args.get("nam", type=int) or local_today().year
    if not 2000 <= year <= 2100:
        abort(404)
    organiser_id = current_user.acting_organiser_id
    organiser = db.session.get(Organiser, organiser_id) if organiser_id is not None else None
    if organiser is None:  # a deployment without units yet
        return render_template("organisers/rollup.html", rollup=None, year=year, years=[year])
    data = build_rollup(organiser, year)
    readable = access.readable_organiser_ids(current_user)
    return render_template(
        "organisers/rollup.html", rollup=data, year=year, readable=readable,
        may_manage=access.may_manage(current_user, organiser.id),
        years=sorted({local_today().year, local_today().year - 1, year}, reverse=True),
    )


def _register_demo() -> None:
    from ..demo import DEMO_EXTENSIONS
    from .demo import seed_commune_demo

    # After the province's registry, scoring and awards demo.
    if seed_commune_demo not in DEMO_EXTENSIONS:
        DEMO_EXTENSIONS.append(seed_commune_demo)


_register_demo()
