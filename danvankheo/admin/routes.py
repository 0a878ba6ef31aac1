from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..auth import services as accounts
from ..auth.models import User
from ..auth.passwords import generate_password
from ..core.errors import DomainError, form_page, saving
from ..core.forms import unit_choices
from ..core.paging import AFTER, BEFORE, SortKey, keyset_page
from ..core.permissions import get_or_404, roles_required
from ..core.roles import Role
from ..core.text import search_terms
from ..core.timeutil import local_today
from ..organisers.services import all_organisers
from ..units import services as unit_service
from ..units.models import Unit
from .forms import UnitForm, UserForm

bp = Blueprint("admin", __name__, url_prefix="/quan-tri")


# --- Units -------------------------------------------------------------------------------


@bp.get("/don-vi")
@roles_required(Role.ADMIN)
def units():
    show_inactive = request.args.get("tat_ca") == "1"
    tree = unit_service.all_units_in_tree_order(active_only=not show_inactive)
    return render_template("admin/units.html", units=tree, show_inactive=show_inactive)


def _unit_form(unit: Unit | None = None) -> UnitForm:
    form = UnitForm(obj=None)
    candidates = list(unit_service.all_units_in_tree_order(active_only=True))
    if unit is not None:
        candidates = [u for u in candidates if not u.is_within(unit)]
    form.parent_id.choices = unit_choices(candidates, blank="— Không có (cấp cao nhất) —")
    return form


@bp.route("/don-vi/moi", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def unit_create():
    form = _unit_form()
    if request.method == "GET":
        form.parent_id.data = request.args.get("cap_tren", 0, type=int)
    return form_page(
        form, "admin/unit_form.html", field="code", unit=None,
        save=lambda: unit_service.create_unit(code=form.code.data, name=form.name.data, kind=form.kind_enum,
                                              parent=form.parent_unit),
        done=lambda unit: f"Đã thêm đơn vị “{unit.name}”.", then=url_for("admin.units"),
    )


@bp.route("/don-vi/<int:unit_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def unit_edit(unit_id: int):
    unit = get_or_404(Unit, unit_id)
    form = _unit_form(unit)
    if request.method == "GET":
        form.code.data, form.name.data = unit.code, unit.name
        form.kind.data, form.parent_id.data = unit.kind.value, unit.parent_id or 0
    return form_page(form, "admin/unit_form.html", field="parent_id", unit=unit,
                     save=partial(_update_unit, unit, form), done="Đã lưu thông tin đơn vị.",
                     then=url_for("admin.units"))


def _update_unit(unit: Unit, form: UnitForm) -> None:
    new_parent = form.parent_unit
    unit_service.update_unit(unit, name=form.name.data, code=form.code.data, kind=form.kind_enum)
    if new_parent != unit.parent:
        unit_service.move_unit(unit, new_parent)


@bp.post("/don-vi/<int:unit_id>/trang-thai")
@roles_required(Role.ADMIN)
def unit_set_active(unit_id: int):
    unit = get_or_404(Unit, unit_id)
    return _set_active(unit_service.set_unit_active, unit, verbs=("kích hoạt lại", "ngừng hoạt động"),
                       label=f"đơn vị “{unit.name}”", back=url_for("admin.units", tat_ca=1))


def _set_active(change: Callable[[Any, bool], None], record: Any, *, verbs: tuple[str, str], label: str, back: str):
    """A list's on / off button: `active=1` posted turns `record` on (the first verb), else off."""
    active = request.form.get("active") == "1"
    with saving() as saved:
        change(record, active)
    if saved:
        flash(f"Đã {verbs[0] if active else verbs[1]} {label}.", "success")
    return redirect(back)


# --- Users -------------------------------------------------------------------------------


# By name (a byte-ordered key), the id between namesakes. Paged by key.
USER_ORDER = (SortKey(User.sort_name), SortKey(User.id))


@bp.get("/nguoi-dung")
@roles_required(Role.ADMIN)
def users():
    query = select(User)
    q = (request.args.get("q") or "").strip()
    for word in search_terms(q):
        query = query.where(User.search_text.contains(word))
    role = request.args.get("vai_tro") or ""
    if role in {r.value for r in Role}:
        query = query.where(User.role_links.any(role=Role(role)))
    unit_id = request.args.get("don_vi", type=int)
    if unit_id:
        query = query.where(User.unit_id == unit_id)
    page = keyset_page(query, USER_ORDER, per_page=50, after=request.args.get(AFTER), before=request.args.get(BEFORE))
    return render_template("admin/users.html", page=page, q=q, role=role, roles=Role)


def _user_form(user: User | None = None) -> UserForm:
    form = UserForm()
    form.unit_id.choices = unit_choices(
        unit_service.all_units_in_tree_order(active_only=True), blank="— Không thuộc đơn vị —"
    )
    if user is not None and user.unit and not user.unit.is_active:
        form.unit_id.choices.append((user.unit.id, user.unit.name + " (ngừng hoạt động)"))
    form.organiser_id.choices = [(0, "— Cơ quan tổ chức của đơn vị tài khoản —")] + [
        (o.id, o.name) for o in all_organisers()
    ]
    return form


@bp.route("/nguoi-dung/moi", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_create():
    form = _user_form()
    if request.method == "GET":
        form.roles.data = [Role.STAFF.value]
    if form.validate_on_submit():
        password = form.password.data or generate_password()
        with saving(form, field="login") as saved:
            user = accounts.create_user(
                login=form.login.data,
                full_name=form.full_name.data,
                password=password,
                roles=form.role_set,
                unit=form.unit,
                email=form.email.data,
                position=form.position.data,
                phone=form.phone.data,
                must_change_password=True,
                organiser_id=form.organiser_id.data or None,
            )
        if saved:
            return _account_slip(user, password, reset=False)
    return render_template("admin/user_form.html", form=form, user=None)


def _account_slip(user: User, password: str, *, reset: bool):
    """The printable slip with the one-time password: the only time it is ever shown."""
    response = make_response(render_template(
        "admin/account_slip.html",
        user=user,
        password=password,
        reset=reset,
        issued=local_today(),
        issued_by=current_user,
    ))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/nguoi-dung/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_edit(user_id: int):
    user = get_or_404(User, user_id)
    form = _user_form(user)
    del form.password
    if request.method == "GET":
        form.login.data, form.full_name.data = user.login, user.full_name
        form.email.data, form.position.data, form.phone.data = user.email, user.position, user.phone
        form.unit_id.data = user.unit_id or 0
        scoped = [link for link in user.role_links if link.organiser_id is not None]
        form.organiser_id.data = scoped[0].organiser_id if scoped else 0
        form.roles.data = [link.role.value for link in user.role_links
                           if link.organiser_id in (None, form.organiser_id.data)]
        form.is_active.data = user.is_active
    return form_page(form, "admin/user_form.html", field="login", user=user,
                     save=partial(_update_user, user, form), done="Đã lưu tài khoản.",
                     then=url_for("admin.users"))


def _update_user(user: User, form: UserForm) -> None:
    if user.id == current_user.id and (Role.ADMIN not in form.role_set or not form.is_active.data):
        raise DomainError("Bạn không thể tự bỏ quyền quản trị hoặc tự khóa tài khoản của mình.", field="roles")
    accounts.update_user(
        user,
        login=form.login.data,
        full_name=form.full_name.data,
        email=form.email.data,
        position=form.position.data,
        phone=form.phone.data,
        unit=form.unit,
        roles=form.role_set,
        is_active=form.is_active.data,
        organiser_id=form.organiser_id.data or None,
    )


@bp.post("/nguoi-dung/<int:user_id>/trang-thai")
@roles_required(Role.ADMIN)
def user_set_active(user_id: int):
    user = get_or_404(User, user_id)
    return _set_active(partial(accounts.set_user_active, by=current_user), user, verbs=("mở khóa", "khóa"),
                       label=f"tài khoản “{user.login}”", back=url_for("admin.users"))


@bp.post("/nguoi-dung/<int:user_id>/dat-lai-mat-khau")
@roles_required(Role.ADMIN)
def user_reset_password(user_id: int):
    user = get_or_404(User, user_id)
    password = generate_password()
    with saving() as saved:
        accounts.change_password(user, password, by_admin=current_user)
    if saved:
        return _account_slip(user, password, reset=True)
    return redirect(url_for("admin.users"))

