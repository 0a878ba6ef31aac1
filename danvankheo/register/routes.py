"""Sổ theo dõi khen thưởng, khen thưởng ngoài ứng dụng, lịch sử khen thưởng and thống kê
khen thưởng. Everything is per organiser: the secretariat manages its organiser's register
and outside awards, observers read those of the organisers they follow."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..awards.models import AwardForm, AwardLevel, ProposalLine
from ..core.errors import saving
from ..core.paging import AFTER, BEFORE, SortKey, keyset_page
from ..core.permissions import load_for, roles_required
from ..core.roles import Role
from ..core.timeutil import local_today
from ..exports.documents import DocumentContext
from ..exports.routes import send_workbook
from ..extensions import db
from ..organisers import access
from ..organisers.models import Organiser
from ..registry.models import Initiative
from ..reports import charts
from ..units.models import Unit
from ..units.services import all_units_in_tree_order
from . import history, services
from .book import RegisterFilters, register_lines, register_page, register_years
from .forms import OutsideAwardForm
from .models import AwardedPerson, OutsideAward
from .stats import award_statistics
from .xlsx import register_sheets, statistics_sheets

bp = Blueprint("register", __name__, url_prefix="/so-khen-thuong")

READERS = (Role.SECRETARIAT, Role.OBSERVER, Role.ADMIN)
PER_PAGE = 50
# Newest decision first, the id between awards of one day. Paged by key.
OUTSIDE_ORDER = (SortKey(OutsideAward.decision_date, descending=True), SortKey(OutsideAward.id, descending=True))


@bp.app_context_processor
def register_helpers():
    """`candidate_histories(proposal)` for the proposal page (awards/detail.html)."""
    return {"candidate_histories": history.candidate_histories, "may_choose_person": _may_choose}


def _may_choose(proposal) -> bool:
    return access.may_manage(current_user, proposal.round.organiser_id)


def _readable() -> set[int]:
    return access.readable_organiser_ids(current_user)


def _readable_units() -> list[Unit]:
    return all_units_in_tree_order(organiser_ids=_readable())


def _context() -> DocumentContext:
    organiser_id = access.managed_organiser_id(current_user) or current_user.acting_organiser_id
    organiser = db.session.get(Organiser, organiser_id) if organiser_id else None
    return DocumentContext.from_organiser(organiser, current_app.config, local_today())


# --- The register ---------------------------------------------------------------------------------


@bp.get("")
@roles_required(*READERS)
def index():
    filters = RegisterFilters.from_args(request.args)
    readable = _readable()
    page = register_page(readable, filters, per_page=PER_PAGE, after=request.args.get(AFTER),
                         before=request.args.get(BEFORE))
    return render_template(
        "register/index.html", filters=filters, page=page,
        years=register_years(readable), forms=db.session.scalars(select(AwardForm).order_by(AwardForm.position,
                                                                                             AwardForm.name)).all(),
        levels=list(AwardLevel), units=_readable_units(), may_manage=access.managed_organiser_id(current_user),
    )


@bp.get("/excel")
@roles_required(*READERS)
def export():
    filters = RegisterFilters.from_args(request.args)
    lines = register_lines(_readable(), filters)
    forms = {f.id: f.name for f in db.session.scalars(select(AwardForm))}
    units = {u.id: u.name for u in _readable_units()}
    sheets = register_sheets(lines, _context(), notes=filters.describe(forms, units))
    return send_workbook(sheets, f"Sổ theo dõi khen thưởng {local_today():%d-%m-%Y}.xlsx",
                         label="Sổ theo dõi khen thưởng")


# --- Outside awards -------------------------------------------------------------------------------


@bp.get("/ngoai-ung-dung")
@roles_required(*READERS)
def outside_index():
    page = keyset_page(select(OutsideAward).where(OutsideAward.organiser_id.in_(_readable())), OUTSIDE_ORDER,
                       per_page=PER_PAGE, after=request.args.get(AFTER), before=request.args.get(BEFORE))
    return render_template("register/outside_index.html", page=page, may_manage=access.managed_organiser_id(current_user))


def _outside_form(organiser_id: int) -> OutsideAwardForm:
    form = OutsideAwardForm()
    units = all_units_in_tree_order(organiser_ids=[organiser_id])
    form.unit_id.choices = [(0, "— Chọn đơn vị —")] + [(u.id, "\u00a0\u00a0" * u.depth + u.name) for u in units]
    if request.method == "GET" and request.args.get("don_vi", type=int):
        form.unit_id.data = request.args.get("don_vi", type=int)
    # The columns of the choice only: a province has thousands of models over the years.
    models = db.session.execute(select(Initiative.id, Initiative.name, Unit.name, Initiative.year)
                                .join(Unit, Initiative.unit_id == Unit.id)
                                .where(Unit.organiser_id == organiser_id)
                                .order_by(Initiative.year.desc(), Initiative.id.desc())).all()
    form.initiative_id.choices = [(0, "— Không gắn với mô hình —")] + [
        (model_id, f"{name} ({unit_name}, {year})") for model_id, name, unit_name, year in models]
    return form


@bp.route("/ngoai-ung-dung/moi", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT, Role.ADMIN)
def outside_new():
    organiser_id = access.managed_organiser_id(current_user)
    if organiser_id is None:
        abort(403)
    form = _outside_form(organiser_id)
    matches: list[AwardedPerson] = []
    if form.validate_on_submit():
        scan = request.files.get("scan")
        with saving(form, field="decision_number") as saved:
            award = services.add_outside_award(
                organiser_id, form.data_for_service(), scan=scan.stream if scan and scan.filename else None,
                scan_filename=scan.filename if scan else None, actor=current_user)
        if isinstance(saved.error, services.PersonChoiceNeeded):
            matches = saved.error.matches
        if saved:
            flash(f"Đã ghi khen thưởng “{award.form_name}” của {award.issuing_body} cho {award.recipient_name}.",
                  "success")
            if award.person_id:
                return redirect(url_for(".person_history", person_id=award.person_id))
            return redirect(url_for(".unit_history", unit_id=award.unit_id))
    form.person_choice.choices = [("", "— Chọn người —")] + [(str(p.id), f"{p.label} (đã có)") for p in matches] + [
        (services.NEW_PERSON, "Người khác, chưa có trong danh sách")]
    return render_template("register/outside_new.html", form=form, matches=matches)


def _load_outside(award_id: int) -> OutsideAward:
    return load_for(OutsideAward, award_id, lambda a: access.may_read(current_user, a.organiser_id))


@bp.post("/ngoai-ung-dung/<int:award_id>/xoa")
@roles_required(Role.SECRETARIAT, Role.ADMIN)
def outside_delete(award_id: int):
    award = _load_outside(award_id)
    if not access.may_manage(current_user, award.organiser_id):
        abort(403)
    with saving() as saved:
        services.delete_outside_award(award, actor=current_user)
    if saved:
        flash("Đã xóa khen thưởng ngoài ứng dụng (nhật ký vẫn lưu nội dung đã xóa).", "success")
    return redirect(url_for(".outside_index"))


@bp.get("/ngoai-ung-dung/<int:award_id>/ban-chup")
@roles_required(*READERS)
def scan(award_id: int):
    from ..evidence.routes import send_stored_file

    award = _load_outside(award_id)
    if not award.scan_storage_key:
        abort(404)
    return send_stored_file(award.scan_storage_key, award.scan_content_type or "application/octet-stream",
                            name=award.scan_name or "quyet-dinh")


# --- Histories ------------------------------------------------------------------------------------


@bp.get("/lich-su")
@roles_required(*READERS)
def histories():
    readable = _readable()
    units = _readable_units()
    people = db.session.scalars(select(AwardedPerson).join(Unit, AwardedPerson.unit_id == Unit.id)
                                .where(Unit.organiser_id.in_(readable)).order_by(AwardedPerson.name_key)).all()
    return render_template("register/histories.html", units=units, people=people)


@bp.get("/lich-su/don-vi/<int:unit_id>")
@roles_required(*READERS)
def unit_history(unit_id: int):
    readable = _readable()
    unit = load_for(Unit, unit_id, lambda u: u.organiser_id in readable)
    people = db.session.scalars(select(AwardedPerson).where(AwardedPerson.unit_id == unit.id)
                                .order_by(AwardedPerson.name_key)).all()
    return render_template("register/history.html", unit=unit, person=None, people=people,
                           entries=history.unit_history(unit.id),
                           may_manage=access.may_manage(current_user, unit.organiser_id))


@bp.get("/lich-su/ca-nhan/<int:person_id>")
@roles_required(*READERS)
def person_history(person_id: int):
    readable = _readable()
    person = load_for(AwardedPerson, person_id, lambda p: p.unit.organiser_id in readable)
    return render_template("register/history.html", unit=person.unit, person=person, people=[],
                           entries=history.person_history(person),
                           may_manage=access.may_manage(current_user, person.unit.organiser_id))


@bp.post("/ung-vien/<int:line_id>/chon-nguoi")
@roles_required(Role.SECRETARIAT, Role.ADMIN)
def choose_person(line_id: int):
    line = load_for(ProposalLine, line_id, lambda li: access.may_read(current_user, li.proposal.round.organiser_id))
    if not access.may_manage(current_user, line.proposal.round.organiser_id):
        abort(403)
    person_id = request.form.get("person_id", type=int)
    with saving() as saved:
        services.choose_person(line, person_id, actor=current_user)
    if saved:
        flash(f"Đã xác định người được đề nghị “{line.recipient_name}”.", "success")
    return redirect(url_for("awards.detail", proposal_id=line.proposal_id, _anchor="lich-su-khen-thuong"))


# --- Statistics -----------------------------------------------------------------------------------


def _year_range() -> tuple[int | None, int | None]:
    first, last = request.args.get("tu_nam", type=int), request.args.get("den_nam", type=int)
    for year in (first, last):
        if year is not None and not 1945 <= year <= 2100:
            abort(404)
    return first, last


@bp.get("/thong-ke")
@roles_required(*READERS)
def statistics():
    first, last = _year_range()
    stats = award_statistics(_readable(), first_year=first, last_year=last)
    trend = charts.column_chart([charts.ChartItem(str(y), total) for y, _, _, total in stats.by_year()],
                                title="Số khen thưởng theo năm")
    by_level = charts.bar_chart([charts.ChartItem(label, total, None, charts.PALETTE[i % len(charts.PALETTE)])
                                 for i, (label, _, total) in enumerate(stats.by_level())],
                                title="Số khen thưởng theo cấp")
    return render_template("register/statistics.html", stats=stats, trend=trend, by_level=by_level,
                           first=first, last=last)


@bp.get("/thong-ke/excel")
@roles_required(*READERS)
def statistics_xlsx():
    first, last = _year_range()
    stats = award_statistics(_readable(), first_year=first, last_year=last)
    return send_workbook(statistics_sheets(stats, _context()), f"Thống kê khen thưởng {local_today():%d-%m-%Y}.xlsx",
                         label="Thống kê khen thưởng")


def _register_demo() -> None:
    from ..demo import DEMO_EXTENSIONS
    from .demo import seed_register_demo

    if seed_register_demo not in DEMO_EXTENSIONS:
        DEMO_EXTENSIONS.append(seed_register_demo)


_register_demo()
