from __future__ import annotations

from datetime import time

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ..core.errors import saving
from ..core.forms import unit_choices
from ..core.paging import AFTER, BEFORE
from ..core.permissions import get_or_404, load_for, refuse, roles_required
from ..core.roles import Role
from ..core.timeutil import local_end_of_day, local_today, local_zone
from ..core.types import utcnow
from ..extensions import db
from ..home.panels import register_panel
from ..organisers import access
from ..organisers.names import secretariat_name_of_unit
from ..units.models import Unit, UnitKind
from ..units.services import all_units_in_tree_order
from . import deadlines, permissions, unit_reminders, workflow
from .compliance_summary import compliance_page, compliance_totals_of
from .forms import DeadlineForm, ExtensionForm, InitiativeForm, ReasonForm
from .models import DeadlineExtension, Field, Initiative, InitiativeKind, Status, Transition
from .services import (
    STALE_MESSAGE,
    ListFilters,
    create_initiative,
    filtered_initiatives_query,
    match_units,
    missing_for_submit,
    page_of_initiatives,
    suggest_units,
    unit_label,
    update_initiative,
)

bp = Blueprint("registry", __name__, url_prefix="/mo-hinh")


@bp.app_context_processor
def registry_helpers():
    """Permission rules for templates: the same functions the views use."""
    return {
        "can_view_initiative": permissions.can_view,
        "can_edit_initiative": permissions.can_edit,
        "can_review_initiative": permissions.can_review,
    }


def _load(initiative_id: int) -> Initiative:
    return load_for(Initiative, initiative_id, lambda i: permissions.can_view(current_user, i))


def _year_choices(extra: int | None = None) -> list[tuple[int, str]]:
    this_year = local_today().year
    years = {this_year - 1, this_year, this_year + 1}
    if extra:
        years.add(extra)
    return [(y, str(y)) for y in sorted(years, reverse=True)]


def _known_years(extra: int | None) -> list[int]:
    """Years offered by the list filter: from the first year with models to the last, and the
    years around now. (Two index lookups: DISTINCT read all 92,700 models, 15 ms, at national size.)"""
    first, last = db.session.execute(select(func.min(Initiative.year), func.max(Initiative.year))).one()
    years = set(range(first, last + 1)) if first is not None else set()
    years.update(y for y, _ in _year_choices(extra))
    return sorted(years, reverse=True)


def _prepare_form(form: InitiativeForm, unit: Unit, initiative: Initiative | None) -> None:
    form.year.choices = _year_choices(initiative.year if initiative else None)
    earlier = select(Initiative).where(Initiative.unit_id == unit.id).order_by(
        Initiative.year.desc(), Initiative.sort_name
    )
    if initiative is not None:
        earlier = earlier.where(Initiative.id != initiative.id, Initiative.year < initiative.year)
    form.continues_id.choices = [(0, "— Không (mô hình mới) —")] + [
        (i.id, f"{i.year} · {i.name}") for i in db.session.scalars(earlier)
    ]


# --- List, register, edit, view ------------------------------------------------------------


@bp.get("")
@login_required
def index():
    if not (permissions.may_register(current_user) or permissions.may_read_all_submitted(current_user)):
        abort(403)
    filters = ListFilters.from_args(request.args)
    # Staff see their own unit's models only: they get no unit filter.
    reader = permissions.may_read_all_submitted(current_user)
    # A reader's unit filter offers the units of the organisers it reads, no others.
    allowed = permissions.readable_unit_ids(current_user) if reader else None
    units = match_units(filters.unit_text, allowed=allowed) if filters.unit_text else None
    page = page_of_initiatives(filtered_initiatives_query(current_user, filters, units=units)
                                .options(selectinload(Initiative.tags)),
                               per_page=current_app.config["PAGE_SIZE"],
                               after=request.args.get(AFTER), before=request.args.get(BEFORE))
    chosen = db.session.get(Unit, filters.unit_id) if reader and filters.unit_id in allowed else None
    return render_template(
        "registry/index.html",
        page=page,
        filters=filters,
        unit_filter=reader,
        unit_match=units if reader else None,
        chosen_unit_label=unit_label(chosen) if chosen else None,
        unit_kinds=UnitKind.labels(),
        years=_known_years(filters.year),
        fields=Field,
        statuses=Status,
        kinds=InitiativeKind,
        may_register=permissions.may_register(current_user),
        may_review=permissions.may_review(current_user),
    )


@bp.get("/don-vi")
@login_required
def unit_lookup():
    """Suggestions for the list's unit filter, as the user types (static/js/registry-filters.js)."""
    if not permissions.may_read_all_submitted(current_user):
        abort(403)
    choices = suggest_units(request.args.get("q", "")[:200], allowed=permissions.readable_unit_ids(current_user))
    return jsonify({"units": [{"id": c.id, "label": c.label} for c in choices]})


@bp.route("/dang-ky", methods=["GET", "POST"])
@login_required
def create():
    if not permissions.may_register(current_user):
        refuse(403, "Chỉ cán bộ của một đơn vị mới đăng ký được mô hình cho đơn vị đó.")
    unit = current_user.unit
    form = InitiativeForm()
    _prepare_form(form, unit, None)
    if request.method == "GET":
        form.year.data = local_today().year
    if form.validate_on_submit():
        with saving() as saved:
            initiative = create_initiative(unit, form.dossier(), actor=current_user)
        if saved:
            flash("Đã lưu bản nháp. Hãy đính kèm minh chứng rồi bấm “Nộp mô hình” khi hồ sơ đã đủ.", "success")
            return redirect(url_for("registry.detail", initiative_id=initiative.id))
    return render_template("registry/form.html", form=form, initiative=None, unit=unit,
                           notice=deadlines.deadline_notice(form.year.data or local_today().year, unit.id))


@bp.route("/<int:initiative_id>/sua", methods=["GET", "POST"])
@login_required
def edit(initiative_id: int):
    initiative = _load(initiative_id)
    if not permissions.is_own_unit(current_user, initiative):
        refuse(403, "Chỉ cán bộ của đơn vị sở hữu mô hình mới sửa được hồ sơ.")
    if not initiative.is_editable:
        flash("Mô hình đã nộp nên hồ sơ chỉ xem được, không sửa được, trừ khi được trả lại để bổ sung.", "warning")
        return redirect(url_for("registry.detail", initiative_id=initiative.id), 303)
    form = InitiativeForm()
    _prepare_form(form, initiative.unit, initiative)
    if request.method == "GET":
        form.fill_from(initiative)
    if form.validate_on_submit():
        expected = int(form.version.data) if (form.version.data or "").isdigit() else None
        with saving() as saved:
            update_initiative(initiative, form.dossier(), actor=current_user, expected_version=expected)
        if saved:
            flash("Đã lưu hồ sơ mô hình.", "success")
            return redirect(url_for("registry.detail", initiative_id=initiative.id))
        if saved.stale:
            return _stale(form, initiative)
    return render_template("registry/form.html", form=form, initiative=initiative, unit=initiative.unit,
                           notice=deadlines.deadline_notice(initiative.year, initiative.unit_id))


def _stale(form: InitiativeForm, initiative: Initiative):
    flash(STALE_MESSAGE, "danger")
    initiative = db.session.get(Initiative, initiative.id)
    return render_template("registry/form.html", form=form, initiative=initiative, unit=initiative.unit,
                           stale=True), 409


@bp.get("/<int:initiative_id>")
@login_required
def detail(initiative_id: int):
    initiative = db.session.scalar(
        select(Initiative)
        .where(Initiative.id == initiative_id)
        .options(
            joinedload(Initiative.unit),
            joinedload(Initiative.created_by),
            joinedload(Initiative.continues).joinedload(Initiative.unit),
            joinedload(Initiative.replicates).joinedload(Initiative.unit),
            selectinload(Initiative.members),
            selectinload(Initiative.tags),
            selectinload(Initiative.evidence),
            selectinload(Initiative.transitions).joinedload(Transition.actor),
        )
    )
    # Not yours is answered like missing: a 403 would confirm that the id exists.
    if initiative is None or not permissions.can_view(current_user, initiative):
        abort(404)
    related = select(Initiative).where(permissions.visible_clause(current_user)).options(
        joinedload(Initiative.unit)
    ).order_by(Initiative.year, Initiative.sort_name)
    continued_by = list(db.session.scalars(related.where(Initiative.continues_id == initiative.id)))
    replicated_by = list(db.session.scalars(related.where(Initiative.replicates_id == initiative.id)))
    editable = permissions.can_edit(current_user, initiative)
    return render_template(
        "registry/detail.html",
        initiative=initiative,
        continued_by=continued_by,
        replicated_by=replicated_by,
        actions=workflow.available_actions(current_user, initiative),
        missing=missing_for_submit(initiative) if editable else [],
        can_edit=editable,
        deadline=deadlines.deadline_for(initiative.year, initiative.unit_id) if editable else None,
        notice=deadlines.deadline_notice(initiative.year, initiative.unit_id) if editable else None,
        # The model goes to its own organiser's secretariat (the confirmation names it).
        secretariat_name=secretariat_name_of_unit(initiative.unit),
    )


@bp.post("/<int:initiative_id>/<any(nop, rut, 'tra-lai', 'tiep-nhan', 'khong-tiep-nhan'):action>")
@login_required
def transition(initiative_id: int, action: str):
    initiative = _load(initiative_id)
    step = workflow.ACTIONS[action]
    form = ReasonForm()
    version = request.form.get("version", "")
    # A refusal is flashed, or answered 403 when the move is not the user's to make.
    with saving() as saved:
        workflow.transition(
            initiative,
            step.target,
            current_user,
            reason=form.reason.data,
            expected_version=int(version) if version.isdigit() else None,
        )
    if saved:
        flash(step.done, "success")
    elif saved.stale:
        flash(STALE_MESSAGE, "danger")
    return redirect(url_for("registry.detail", initiative_id=initiative_id), 303)


# --- Deadlines and compliance -------------------------------------------------------------


def _year_arg() -> int:
    year = request.args.get("nam", type=int) or local_today().year
    if not 2000 <= year <= 2100:
        abort(404)
    return year


@bp.get("/tinh-hinh-dang-ky")
@roles_required(Role.SECRETARIAT, Role.OBSERVER, Role.ADMIN)
def compliance():
    year = _year_arg()
    # The units of the organiser the request acts for; a parent's roll-up is a report's job. A
    # deployment without units yet has no organiser: an empty page.
    organiser_id = current_user.acting_organiser_id
    status_filter = request.args.get("tinh_trang", "")
    status = next((s for s in deadlines.ComplianceStatus if s.value == status_filter), None)
    # Paged by key; the status filter is decided in SQL from the kept counts, the totals count
    # every unit. The Excel export (exports.compliance) keeps the whole list.
    found = compliance_page(year, organiser_id, status, per_page=current_app.config["PAGE_SIZE"] * 4,
                            after=request.args.get(AFTER), before=request.args.get(BEFORE),
                            unknown_status=bool(status_filter) and status is None)
    may_manage = permissions.may_manage_deadlines(current_user)
    missing = [r.unit.id for r in found.rows.items if r.status is deadlines.ComplianceStatus.MISSING]
    reminded = unit_reminders.last_reminders(missing) if may_manage else {}
    return render_template(
        "registry/compliance.html",
        year=year,
        page=found.rows,
        totals=found.totals,
        general_deadline=deadlines.general_deadline(year, organiser_id),
        scope=deadlines.scope_kinds(year, organiser_id),
        years=[y for y, _ in _year_choices(year)],
        may_manage=may_manage,
        reminded=reminded,
        today_start=unit_reminders.start_of_local_day(utcnow()),
        status_filter=status_filter,
    )


def _managed_organiser_id() -> int | None:
    """The organiser whose deadlines the secretariat (or admin) sets in this request. None in a
    deployment without units yet: the page shows the defaults and saving says why it cannot."""
    return access.managed_organiser_id(current_user)


def _extension_form(organiser_id: int) -> ExtensionForm:
    form = ExtensionForm(prefix="gh")
    own = all_units_in_tree_order(active_only=True, organiser_ids=[organiser_id])
    form.unit_id.choices = unit_choices(own, blank="— Chọn đơn vị —")
    # Another organiser's unit is refused by deadlines.grant_extension, with its reason.
    form.unit_id.validate_choice = False
    return form


@bp.route("/han-nop", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT, Role.ADMIN)
def deadline_settings():
    year = _year_arg()
    organiser_id = _managed_organiser_id()
    form = DeadlineForm(prefix="hn")
    current = deadlines.general_deadline(year, organiser_id).astimezone(local_zone())
    if request.method == "GET":
        form.deadline_date.data = current.date()
        form.deadline_time.data = time(current.hour, current.minute)
        form.kinds.data = [k.value for k in deadlines.scope_kinds(year, organiser_id)]
    if form.validate_on_submit():
        with saving() as saved:
            deadlines.set_year_settings(
                year,
                deadline_at=deadlines.deadline_from_local(form.deadline_date.data, form.deadline_time.data),
                kinds=[UnitKind(v) for v in form.kinds.data],
                actor=current_user,
                organiser_id=organiser_id,
            )
        if saved:
            flash(f"Đã lưu hạn nộp và phạm vi đăng ký năm {year}.", "success")
            return redirect(url_for("registry.deadline_settings", nam=year), 303)
    return _deadline_page(year, organiser_id, form, _extension_form(organiser_id))


def _deadline_page(year: int, organiser_id: int, form: DeadlineForm, extension_form: ExtensionForm,
                   status: int = 200):
    extensions = db.session.scalars(
        select(DeadlineExtension)
        .where(DeadlineExtension.year == year,
               DeadlineExtension.unit_id.in_(select(Unit.id).where(Unit.organiser_id == organiser_id)))
        .options(joinedload(DeadlineExtension.unit), joinedload(DeadlineExtension.granted_by))
        .order_by(DeadlineExtension.until)
    ).all()
    return render_template(
        "registry/deadlines.html",
        year=year,
        form=form,
        extension_form=extension_form,
        extensions=extensions,
        general_deadline=deadlines.general_deadline(year, organiser_id),
        is_default=deadlines.year_settings(year, organiser_id) is None,
        years=[y for y, _ in _year_choices(year)],
    ), status


@bp.post("/han-nop/gia-han")
@roles_required(Role.SECRETARIAT, Role.ADMIN)
def grant_extension():
    year = _year_arg()
    organiser_id = _managed_organiser_id()
    form = _extension_form(organiser_id)
    if form.validate_on_submit():
        unit = get_or_404(Unit, form.unit_id.data)
        # An out-of-scope unit is refused on the unit box, a date too early on the date box.
        with saving(form, field="until_date") as saved:
            deadlines.grant_extension(
                year, unit, until=local_end_of_day(form.until_date.data), reason=form.reason.data,
                actor=current_user, organiser_id=organiser_id,
            )
        if saved:
            flash(f"Đã gia hạn cho {unit.name}.", "success")
            return redirect(url_for("registry.deadline_settings", nam=year), 303)
    return _deadline_page(year, organiser_id, DeadlineForm(prefix="hn", formdata=None), form, 400)


@bp.post("/han-nop/gia-han/<int:extension_id>/xoa")
@roles_required(Role.SECRETARIAT, Role.ADMIN)
def revoke_extension(extension_id: int):
    organiser_id = _managed_organiser_id()
    # Another organiser's extension is answered like a missing one.
    extension = load_for(DeadlineExtension, extension_id, lambda e: e.unit.organiser_id == organiser_id)
    year, name = extension.year, extension.unit.name
    with saving() as saved:
        deadlines.revoke_extension(extension, actor=current_user, organiser_id=organiser_id)
    if saved:
        flash(f"Đã hủy gia hạn của {name}.", "success")
    return redirect(url_for("registry.deadline_settings", nam=year), 303)


# --- Home panels ---------------------------------------------------------------------------


def _staff_panel(user) -> dict | None:
    if not user.unit_id:
        return None
    year = local_today().year
    notice = deadlines.deadline_notice(year, user.unit_id)
    drafts = db.session.scalar(
        select(func.count()).where(
            Initiative.unit_id == user.unit_id,
            Initiative.year == year,
            Initiative.status.in_((Status.DRAFT, Status.WITHDRAWN)),
        )
    )
    models = db.session.scalars(
        select(Initiative)
        .where(Initiative.unit_id == user.unit_id)
        .order_by(Initiative.year.desc(), Initiative.updated_at.desc())
        .limit(10)
    ).all()
    return {
        "year": year,
        "submitted": deadlines.unit_has_submitted(year, user.unit_id),
        "drafts": drafts,
        "notice": notice,
        "models": models,
    }


def _review_panel(user) -> dict:
    from ..organisers import access

    year = local_today().year
    # The organisers the user reads: its secretariat's own scope, an observer's subtree.
    waiting_query = select(Initiative).where(Initiative.status == Status.SUBMITTED,
                                             access.readable_units_clause(user, Initiative.unit_id))
    waiting = db.session.scalars(
        waiting_query.options(joinedload(Initiative.unit)).order_by(Initiative.submitted_at).limit(10)
    ).all()
    waiting_count = db.session.scalar(select(func.count()).select_from(waiting_query.subquery()))
    # Counted in SQL from the kept counts: a national observer reads 3,500 units.
    totals = compliance_totals_of(year, access.readable_organisers_in_order(user))
    return {"year": year, "waiting": waiting, "waiting_count": waiting_count, "totals": totals,
            "may_review": permissions.may_review(user)}


register_panel("registry-staff", {Role.STAFF}, "registry/_panel_staff.html", _staff_panel, order=10)
register_panel(
    "registry-review", {Role.SECRETARIAT, Role.OBSERVER, Role.ADMIN}, "registry/_panel_review.html",
    _review_panel, order=20,
)


def _register_demo() -> None:
    from ..demo import DEMO_EXTENSIONS
    from .demo import seed_registry_demo

    # First: the other features' demo data builds on these models.
    if seed_registry_demo not in DEMO_EXTENSIONS:
        DEMO_EXTENSIONS.insert(0, seed_registry_demo)


_register_demo()


from . import review_routes  # noqa: E402, F401  (the review list's routes, on this blueprint)
