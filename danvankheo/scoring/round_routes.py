"""Đợt đánh giá: the secretariat sets up, watches, closes and finalises rounds.

Observers and admins read every page; the secretariat and admins act. Only an admin
reopens a finalised round.
"""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from ..auth.models import User
from ..core.errors import saving
from ..core.forms import unit_choices
from ..core.paging import keyset_page
from ..core.permissions import get_or_404, load_for, roles_required
from ..core.roles import Role
from ..core.timeutil import to_local
from ..extensions import db
from ..organisers import access
from ..registry.models import Field
from ..units.models import UnitKind
from ..units.services import all_units_in_tree_order
from . import adjustment, assignments, round_statistics, rounds
from .forms import ActionForm, CriterionForm, ReasonForm, RoundForm
from .models import (
    AggregationMethod,
    Criterion,
    Grade,
    RankingBasis,
    Round,
    RoundEntry,
    RoundEvent,
    RoundState,
)
from .progress import (
    MODEL_ORDER,
    PANEL_ORDER,
    evaluator_progress,
    evaluator_progress_select,
    model_progress_select,
    recusals,
)
from .ranking import FLAG_LABELS
from .ranking_filters import FILTER_KEYS
from .ranking_page import ranking_page
from .rubric import add_criterion, delete_criterion, move_criterion, update_criterion

bp = Blueprint("rounds", __name__, url_prefix="/dot-danh-gia")

READERS = (Role.SECRETARIAT, Role.OBSERVER, Role.ADMIN)
MANAGERS = (Role.SECRETARIAT, Role.ADMIN)


def _can_manage(round_: Round | None = None) -> bool:
    # Also runs for error pages of this blueprint, e.g. an anonymous POST refused by CSRF.
    if not (current_user.is_authenticated and current_user.has_role(*MANAGERS)):
        return False
    return round_ is None or access.may_manage(current_user, round_.organiser_id)


@bp.context_processor
def _round_helpers():
    # On a round's pages, "can manage" means managing that round (its organiser's secretariat):
    # a reader of a lower level's round sees no buttons it could not use.
    round_id = (request.view_args or {}).get("round_id") if request else None
    round_ = db.session.get(Round, round_id) if isinstance(round_id, int) else None
    return {"can_manage": _can_manage(round_), "RoundState": RoundState, "flag_labels": FLAG_LABELS}


def _round(round_id: int) -> Round:
    """A round of an organiser the user reads; 404 alike for another organiser's. Every change
    (any POST here) needs the round's own secretariat: an observer reading a lower level's
    round changes nothing in it."""
    round_ = load_for(Round, round_id, lambda r: access.may_read(current_user, r.organiser_id))
    if request.method != "GET" and not access.may_manage(current_user, round_.organiser_id):
        abort(403)
    return round_


def _back(round_: Round, endpoint: str = "rounds.detail", **values):
    return redirect(url_for(endpoint, round_id=round_.id, **values))


# --- List, create, settings ---------------------------------------------------------------


@bp.get("/")
@roles_required(*READERS)
def index():
    entries = (
        select(RoundEntry.round_id, func.count().label("n")).group_by(RoundEntry.round_id).subquery()
    )
    rows = db.session.execute(
        select(Round, func.coalesce(entries.c.n, 0))
        .outerjoin(entries, entries.c.round_id == Round.id)
        .where(Round.organiser_id.in_(access.readable_organiser_ids(current_user)))
        .order_by(Round.year.desc(), Round.id.desc())
    ).all()
    return render_template("scoring/rounds.html", rows=rows)


def _fill_round_form(form: RoundForm, organiser_id: int | None) -> None:
    """The scope's unit choices: the organiser's own units only (a round never mixes two
    organisers' units; the service refuses another's unit too)."""
    units = all_units_in_tree_order(active_only=True, organiser_ids=[organiser_id])
    form.scope_unit_id.choices = unit_choices(units, blank="— Mọi đơn vị —")


def _settings_from(form: RoundForm) -> rounds.RoundSettings:
    return rounds.RoundSettings(
        name=form.name.data or "",
        year=form.year.data,
        opens_at=form.opens_at_utc,
        closes_at=form.closes_at_utc,
        aggregation=AggregationMethod(form.aggregation.data),
        min_scorecards=form.min_scorecards.data,
        disagreement_threshold=Decimal(form.disagreement_threshold.data),
        is_blind=bool(form.is_blind.data),
        grade_excellent_min=Decimal(form.grade_excellent_min.data),
        grade_good_min=Decimal(form.grade_good_min.data),
        grade_fair_min=Decimal(form.grade_fair_min.data),
        scope_unit_id=form.scope_unit_id.data or None,
        scope_unit_kind=UnitKind(form.scope_unit_kind.data) if form.scope_unit_kind.data else None,
        scope_field=Field(form.scope_field.data) if form.scope_field.data else None,
    )


@bp.route("/moi", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def create():
    organiser_id = access.managed_organiser_id(current_user)
    form = RoundForm()
    _fill_round_form(form, organiser_id)
    if request.method == "GET":
        from ..core.timeutil import local_today

        form.year.data = local_today().year
        form.name.data = f"Đánh giá mô hình “Dân vận khéo” năm {form.year.data}"
    if form.validate_on_submit():
        with saving(form, field="name") as saved:
            round_ = rounds.create_round(
                _settings_from(form), by=current_user, include_eligible=bool(form.include_eligible.data),
                organiser_id=organiser_id,
            )
        if saved:
            flash(f"Đã tạo đợt đánh giá “{round_.name}” với {rounds.entry_count(round_)} mô hình.", "success")
            return _back(round_)
    return render_template("scoring/round_form.html", form=form, round=None)


@bp.route("/<int:round_id>/cai-dat", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def settings(round_id: int):
    round_ = _round(round_id)
    form = RoundForm(obj=None)
    _fill_round_form(form, round_.organiser_id)
    if request.method == "GET":
        form.name.data, form.year.data = round_.name, round_.year
        form.opens_at.data = to_local(round_.opens_at).replace(tzinfo=None) if round_.opens_at else None
        form.closes_at.data = to_local(round_.closes_at).replace(tzinfo=None) if round_.closes_at else None
        form.aggregation.data = round_.aggregation.value
        form.min_scorecards.data = round_.min_scorecards
        form.disagreement_threshold.data = round_.disagreement_threshold
        form.is_blind.data = round_.is_blind
        form.grade_excellent_min.data = round_.grade_excellent_min
        form.grade_good_min.data = round_.grade_good_min
        form.grade_fair_min.data = round_.grade_fair_min
        form.scope_unit_id.data = round_.scope_unit_id or 0
        form.scope_unit_kind.data = round_.scope_unit_kind.value if round_.scope_unit_kind else ""
        form.scope_field.data = round_.scope_field.value if round_.scope_field else ""
    if form.validate_on_submit():
        with saving(form, field="name") as saved:
            rounds.update_round(round_, _settings_from(form), by=current_user)
        if saved:
            flash("Đã lưu cài đặt đợt đánh giá.", "success")
            return _back(round_)
    return render_template("scoring/round_form.html", form=form, round=round_)


# --- Overview and state changes -------------------------------------------------------------


@bp.get("/<int:round_id>")
@roles_required(*READERS)
def detail(round_id: int):
    round_ = _round(round_id)
    progress = evaluator_progress(round_)
    events = db.session.execute(
        select(RoundEvent, User.full_name)
        .outerjoin(User, RoundEvent.actor_id == User.id)
        .where(RoundEvent.round_id == round_.id)
        .order_by(RoundEvent.id.desc())
    ).all()
    return render_template(
        "scoring/round_detail.html",
        round=round_,
        entry_count=rounds.entry_count(round_),
        eligible_count=rounds.count_eligible(round_) if round_.is_draft else 0,
        panel_size=len(progress),
        assigned=sum(p.assigned for p in progress),
        submitted=sum(p.submitted for p in progress),
        recusals=recusals(round_),
        events=events,
        reason_form=ReasonForm(),
        action_form=ActionForm(),
        field_labels=Field.labels(),
        kind_labels=UnitKind.labels(),
    )


# A round's moves from state to state: (URL segment, endpoint, service, message when done).
_TRANSITIONS = (
    ("bat-dau", "start", rounds.start_scoring, "Đã bắt đầu chấm. Các thành viên hội đồng đã được thông báo."),
    ("khoa-cham", "close", rounds.close_scoring, "Đã khóa chấm: phiếu chấm không sửa được nữa."),
    ("mo-lai-cham", "reopen_scoring", rounds.reopen_scoring, "Đã mở lại việc chấm."),
    ("cong-bo", "finalise", rounds.finalise,
     "Đã công bố kết quả. Kết quả được lưu cố định và các đơn vị đã được thông báo."),
)


def _transition_view(move, success: str):
    def view(round_id: int):
        round_ = _round(round_id)
        if ActionForm().validate_on_submit():
            with saving() as saved:
                move(round_, by=current_user)
            if saved:
                flash(success, "success")
        return _back(round_)

    return view


for _segment, _endpoint, _move, _success in _TRANSITIONS:
    bp.add_url_rule(f"/<int:round_id>/{_segment}", _endpoint,
                    roles_required(*MANAGERS)(_transition_view(_move, _success)), methods=["POST"])


@bp.post("/<int:round_id>/mo-lai-ket-qua")
@roles_required(Role.ADMIN)
def reopen(round_id: int):
    round_ = _round(round_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash("Vui lòng ghi rõ lý do mở lại kết quả đã công bố (ít nhất 5 ký tự).", "danger")
        return _back(round_)
    with saving() as saved:
        rounds.reopen_finalised(round_, form.reason.data, by=current_user)
    if saved:
        flash("Đã mở lại kết quả đã công bố; lý do đã được ghi lại.", "success")
    return _back(round_)


# --- Rubric ------------------------------------------------------------------------------------


@bp.route("/<int:round_id>/tieu-chi", methods=["GET", "POST"])
@roles_required(*READERS)
def rubric(round_id: int):
    round_ = _round(round_id)
    form = CriterionForm(prefix="moi")
    if request.method == "POST":
        if not _can_manage(round_):
            abort(403)
        if form.validate_on_submit():
            with saving(form, field="code") as saved:
                add_criterion(round_, **form.criterion_values(), by=current_user)
            if saved:
                flash("Đã thêm tiêu chí.", "success")
                return _back(round_, "rounds.rubric")
    edit_forms = {}
    for criterion in round_.criteria:
        f = CriterionForm(prefix=f"c{criterion.id}", formdata=None)
        f.code.data, f.name.data, f.guidance.data = criterion.code, criterion.name, criterion.guidance
        f.max_score.data, f.is_tiebreaker.data = criterion.max_score, criterion.is_tiebreaker
        edit_forms[criterion.id] = f
    return render_template("scoring/rubric.html", round=round_, form=form, edit_forms=edit_forms,
                           action_form=ActionForm())


def _criterion(round_id: int, criterion_id: int) -> Criterion:
    """A criterion of a round the user may change (see `_round`); 404 when it is another round's."""
    round_ = _round(round_id)
    criterion = get_or_404(Criterion, criterion_id)
    if criterion.round_id != round_.id:
        abort(404)
    return criterion


@bp.post("/<int:round_id>/tieu-chi/<int:criterion_id>")
@roles_required(*MANAGERS)
def rubric_update(round_id: int, criterion_id: int):
    criterion = _criterion(round_id, criterion_id)
    form = CriterionForm(prefix=f"c{criterion.id}")
    if form.validate_on_submit():
        with saving() as saved:
            update_criterion(criterion, **form.criterion_values(), by=current_user)
        if saved:
            flash("Đã lưu tiêu chí.", "success")
    else:
        errors = "; ".join(f"{form[name].label.text}: {' '.join(msgs)}" for name, msgs in form.errors.items())
        flash(f"Chưa lưu được tiêu chí: {errors}", "danger")
    return _back(criterion.round, "rounds.rubric")


def _rubric_step(criterion: Criterion, change, success: str | None = None):
    """A one-click change of the rubric (its button's form checked), then back to the rubric."""
    round_ = criterion.round  # before the change: a deleted criterion loads nothing after it
    if ActionForm().validate_on_submit():
        with saving() as saved:
            change()
        if saved and success:
            flash(success, "success")
    return _back(round_, "rounds.rubric")


@bp.post("/<int:round_id>/tieu-chi/<int:criterion_id>/xoa")
@roles_required(*MANAGERS)
def rubric_delete(round_id: int, criterion_id: int):
    criterion = _criterion(round_id, criterion_id)
    return _rubric_step(criterion, lambda: delete_criterion(criterion, by=current_user), "Đã xóa tiêu chí.")


@bp.post("/<int:round_id>/tieu-chi/<int:criterion_id>/di-chuyen")
@roles_required(*MANAGERS)
def rubric_move(round_id: int, criterion_id: int):
    criterion = _criterion(round_id, criterion_id)
    offset = -1 if request.form.get("huong") == "len" else 1
    return _rubric_step(criterion, lambda: move_criterion(criterion, offset, by=current_user))


# --- Panel and assignment ------------------------------------------------------------------


@bp.route("/<int:round_id>/hoi-dong", methods=["GET", "POST"])
@roles_required(*READERS)
def panel(round_id: int):
    round_ = _round(round_id)
    candidates = assignments.evaluator_candidates(round_.organiser_id)
    members = assignments.panel_ids(round_)
    if request.method == "POST":
        if not _can_manage(round_):
            abort(403)
        if ActionForm().validate_on_submit():
            wanted = {int(v) for v in request.form.getlist("user_id") if v.isdigit()}
            users = [u for u in candidates if u.id in wanted]
            users += [db.session.get(User, uid) for uid in wanted - {u.id for u in users}]
            with saving() as saved:
                assignments.set_panel(round_, [u for u in users if u], by=current_user)
            if saved:
                flash("Đã lưu hội đồng chấm.", "success")
                return _back(round_, "rounds.panel")
            members = wanted
    progress = {p.user_id: p for p in evaluator_progress(round_)}
    # Former members who are no longer evaluators still show, so they can be removed.
    shown = candidates + [db.session.get(User, uid) for uid in members - {u.id for u in candidates}]
    return render_template(
        "scoring/panel.html", round=round_, candidates=[u for u in shown if u], members=members,
        progress=progress, action_form=ActionForm(), entry_count=rounds.entry_count(round_),
    )


@bp.post("/<int:round_id>/phan-cong-tu-dong")
@roles_required(*MANAGERS)
def auto_assign(round_id: int):
    round_ = _round(round_id)
    k = request.form.get("k", type=int) or 0
    cap_text = (request.form.get("toi_da") or "").strip()
    if cap_text and not cap_text.isdigit():
        flash("Số mô hình tối đa mỗi thành viên phải là số nguyên từ 1 trở lên (để trống nếu không giới hạn).",
              "danger")
        return _back(round_, "rounds.panel")
    cap = int(cap_text) if cap_text else None
    if ActionForm().validate_on_submit():
        with saving() as saved:
            created = assignments.auto_assign(round_, k, by=current_user, max_per_evaluator=cap)
        if saved:
            limit = f", tối đa {cap} mô hình mỗi người" if cap else ""
            flash(f"Đã phân công tự động: thêm {created} lượt chấm ({k} thành viên mỗi mô hình{limit}).",
                  "success")
    return _back(round_, "rounds.panel")


# --- Progress and ranking --------------------------------------------------------------------


BEHIND_SHOWN = 10  # members most behind named at the top of the progress page
PER_PAGE = 50  # rows of the progress and entry lists


@bp.get("/<int:round_id>/tien-do")
@roles_required(*READERS)
def progress(round_id: int):
    round_ = _round(round_id)
    evaluators = evaluator_progress(round_)
    behind = sorted((p for p in evaluators if p.remaining > 0), key=lambda p: -p.remaining)
    only_behind = request.args.get("chua_du") == "1"
    page = keyset_page(model_progress_select(round_, behind_only=only_behind), MODEL_ORDER, per_page=PER_PAGE,
                       after=request.args.get("sau"), before=request.args.get("truoc"), scalars=False)
    # A national panel has hundreds of members: their table is paged too (tokens `hd_sau`, `hd_truoc`).
    panel_page = keyset_page(evaluator_progress_select(round_), PANEL_ORDER, per_page=PER_PAGE,
                             after=request.args.get("hd_sau"), before=request.args.get("hd_truoc"), scalars=False)
    return render_template(
        "scoring/progress.html", round=round_, panel_page=panel_page, behind=behind[:BEHIND_SHOWN],
        behind_count=len(behind), outstanding=sum(p.remaining for p in behind), page=page,
        only_behind=only_behind,
    )


@bp.get("/<int:round_id>/xep-hang")
@roles_required(*READERS)
def ranking(round_id: int):
    round_ = _round(round_id)
    view, page = ranking_page(round_, request.args)
    basis = adjustment.basis_of(round_)
    return render_template(
        "scoring/ranking.html", round=round_, page=page, criteria=list(round_.criteria),
        field=view.field, kind=view.kind, scope=view.scope, unit_text=view.unit_text,
        matched_units=view.matched_units, matched_count=view.matched_count,
        status=view.status, q=view.q, sort=view.sort, descending=view.descending,
        grade=view.grade, grades=list(Grade),
        export_args={key: request.args[key] for key in (*FILTER_KEYS, "sap_xep", "chieu") if request.args.get(key)}, field_labels=Field.labels(), kind_labels=UnitKind.labels(),
        action_form=ActionForm(), reason_form=ReasonForm(), agreement=round_statistics.round_agreement(round_),
        basis=basis, RankingBasis=RankingBasis, grade_change_text=adjustment.grade_change_text,
        min_models=adjustment.MIN_MODELS,
    )


@bp.post("/<int:round_id>/can-cu-xep-hang")
@roles_required(*MANAGERS)
def ranking_basis(round_id: int):
    round_ = _round(round_id)
    if ActionForm().validate_on_submit():
        try:
            basis = RankingBasis(request.form.get("basis", ""))
        except ValueError:
            flash("Vui lòng chọn xếp hạng theo điểm gốc hoặc điểm hiệu chỉnh.", "danger")
            return _back(round_, "rounds.ranking")
        with saving() as saved:
            changed = adjustment.set_ranking_basis(round_, basis, by=current_user)
        if saved and changed:
            flash(f"Từ nay đợt này xếp hạng theo: {basis.label.lower()}.", "success")
    return _back(round_, "rounds.ranking")


# Routes of this blueprint kept in their own modules: the models in a round and who scores
# them; the discussion phase, reopened scorecards and their versions.
from . import entry_routes, phase_routes  # noqa: E402,F401
