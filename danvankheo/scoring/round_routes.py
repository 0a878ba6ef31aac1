"""Đợt đánh giá: the secretariat sets up, watches, closes and finalises rounds.

Observers and admins read every page; the secretariat and admins act. Only an admin
reopens a finalised round.
"""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from ..auth.models import Role, User
from ..core.forms import unit_choices
from ..core.permissions import get_or_404, load_for, roles_required
from ..core.timeutil import to_local
from ..extensions import db
from ..organisers import access
from ..registry.models import FIELD_LABELS, Field, Initiative
from ..units.models import UNIT_KIND_LABELS, Unit, UnitKind
from ..units.services import all_units_in_tree_order
from . import adjustment, second_round, services
from .agreement import round_agreement
from .forms import ActionForm, CriterionForm, ReasonForm, RoundForm
from .models import (
    AggregationMethod,
    Assignment,
    Criterion,
    Grade,
    RankingBasis,
    Round,
    RoundEntry,
    RoundEvent,
    RoundState,
    Scorecard,
)
from .paging import paginate_list, paginate_rows
from .ranking import FLAG_LABELS, ranking_for
from .ranking_filters import FILTER_KEYS, filter_ranking

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


def _run(action, success: str | None) -> bool:
    """Run a service call; commit and flash on success, roll back and flash the reason on refusal."""
    try:
        action()
    except services.ScoringError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return False
    db.session.commit()
    if success:
        flash(success, "success")
    return True


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
    units = [u for u in all_units_in_tree_order(active_only=True) if u.organiser_id == organiser_id]
    form.scope_unit_id.choices = unit_choices(units, blank="— Mọi đơn vị —")


def _settings_from(form: RoundForm) -> services.RoundSettings:
    return services.RoundSettings(
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
        try:
            round_ = services.create_round(
                _settings_from(form), by=current_user, include_eligible=bool(form.include_eligible.data),
                organiser_id=organiser_id,
            )
        except services.ScoringError as error:
            db.session.rollback()
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Đã tạo đợt đánh giá “{round_.name}” với {services.entry_count(round_)} mô hình.", "success")
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
        try:
            services.update_round(round_, _settings_from(form), by=current_user)
        except services.ScoringError as error:
            db.session.rollback()
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash("Đã lưu cài đặt đợt đánh giá.", "success")
            return _back(round_)
    return render_template("scoring/round_form.html", form=form, round=round_)


# --- Overview and state changes -------------------------------------------------------------


@bp.get("/<int:round_id>")
@roles_required(*READERS)
def detail(round_id: int):
    round_ = _round(round_id)
    progress = services.evaluator_progress(round_)
    events = db.session.execute(
        select(RoundEvent, User.full_name)
        .outerjoin(User, RoundEvent.actor_id == User.id)
        .where(RoundEvent.round_id == round_.id)
        .order_by(RoundEvent.id.desc())
    ).all()
    return render_template(
        "scoring/round_detail.html",
        round=round_,
        entry_count=services.entry_count(round_),
        eligible_count=services.count_eligible(round_) if round_.is_draft else 0,
        panel_size=len(progress),
        assigned=sum(p.assigned for p in progress),
        submitted=sum(p.submitted for p in progress),
        recusals=services.recusals(round_),
        events=events,
        reason_form=ReasonForm(),
        action_form=ActionForm(),
        field_labels=FIELD_LABELS,
        kind_labels=UNIT_KIND_LABELS,
    )


def _state_action(round_id: int, action, success: str):
    round_ = _round(round_id)
    form = ActionForm()
    if form.validate_on_submit():
        _run(lambda: action(round_), success)
    return _back(round_)


@bp.post("/<int:round_id>/bat-dau")
@roles_required(*MANAGERS)
def start(round_id: int):
    return _state_action(
        round_id, lambda r: services.start_scoring(r, by=current_user),
        "Đã bắt đầu chấm. Các thành viên hội đồng đã được thông báo.",
    )


@bp.post("/<int:round_id>/khoa-cham")
@roles_required(*MANAGERS)
def close(round_id: int):
    return _state_action(
        round_id, lambda r: services.close_scoring(r, by=current_user),
        "Đã khóa chấm: phiếu chấm không sửa được nữa.",
    )


@bp.post("/<int:round_id>/mo-lai-cham")
@roles_required(*MANAGERS)
def reopen_scoring(round_id: int):
    return _state_action(
        round_id, lambda r: services.reopen_scoring(r, by=current_user), "Đã mở lại việc chấm."
    )


@bp.post("/<int:round_id>/cong-bo")
@roles_required(*MANAGERS)
def finalise(round_id: int):
    return _state_action(
        round_id, lambda r: services.finalise(r, by=current_user),
        "Đã công bố kết quả. Kết quả được lưu cố định và các đơn vị đã được thông báo.",
    )


@bp.post("/<int:round_id>/mo-lai-ket-qua")
@roles_required(Role.ADMIN)
def reopen(round_id: int):
    round_ = _round(round_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash("Vui lòng ghi rõ lý do mở lại kết quả đã công bố (ít nhất 5 ký tự).", "danger")
        return _back(round_)
    _run(lambda: services.reopen_finalised(round_, form.reason.data, by=current_user),
         "Đã mở lại kết quả đã công bố; lý do đã được ghi lại.")
    return _back(round_)


# --- Models in the round ---------------------------------------------------------------------


@bp.get("/<int:round_id>/mo-hinh")
@roles_required(*READERS)
def entries(round_id: int):
    round_ = _round(round_id)
    q = (request.args.get("q") or "").strip()
    page = paginate_rows(services.model_progress_select(round_, q=q), per_page=50)
    eligible, elsewhere = [], {}
    may_add = round_.state in (RoundState.DRAFT, RoundState.SCORING) and _can_manage(round_)
    if may_add:
        eligible_query = (
            select(Initiative.id, Initiative.name, Unit.name)
            .join(Unit, Initiative.unit_id == Unit.id)
            .where(Initiative.id.in_(services.eligible_select(round_)))
            .order_by(Unit.sort_name, Initiative.sort_name)
            .limit(200)
        )
        eligible = db.session.execute(eligible_query).all()
        elsewhere = second_round.standings_elsewhere(round_, [row[0] for row in eligible])
    return render_template(
        "scoring/entries.html", round=round_, page=page, q=q, eligible=eligible, elsewhere=elsewhere,
        may_add=may_add,
        eligible_count=services.count_eligible(round_) if may_add else 0,
        held_back=services.count_held_back(round_) if round_.is_draft and may_add else 0,
        action_form=ActionForm(),
    )


@bp.post("/<int:round_id>/mo-hinh/them-tat-ca")
@roles_required(*MANAGERS)
def entries_add_all(round_id: int):
    round_ = _round(round_id)
    if ActionForm().validate_on_submit():
        added = []
        _run(lambda: added.append(services.add_all_eligible(round_, by=current_user)), None)
        if added:
            flash(f"Đã thêm {added[0]} mô hình vào đợt.", "success")
    return _back(round_, "rounds.entries")


@bp.post("/<int:round_id>/mo-hinh/them")
@roles_required(*MANAGERS)
def entries_add(round_id: int):
    round_ = _round(round_id)
    ids = [int(v) for v in request.form.getlist("initiative_id") if v.isdigit()]
    reason = (request.form.get("ly_do") or "").strip()
    if not (ActionForm().validate_on_submit() and ids):
        return _back(round_, "rounds.entries")
    try:
        added = services.add_entries(round_, ids, by=current_user, reason=reason)
    except services.NeedsReason as question:
        db.session.rollback()
        # Ask: where each model stands, and a reason for evaluating it again.
        names = dict(db.session.execute(select(Initiative.id, Initiative.name).where(Initiative.id.in_(ids))).all())
        return render_template("scoring/entries_confirm.html", round=round_, ids=ids, names=names,
                               standings=question.standings, asked_again=bool(request.form.get("hoi_lai")),
                               action_form=ActionForm())
    except services.ScoringError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return _back(round_, "rounds.entries")
    db.session.commit()
    late = " Hãy phân công người chấm cho mô hình mới." if round_.state is RoundState.SCORING else ""
    flash(f"Đã thêm {added} mô hình vào đợt.{late}", "success")
    return _back(round_, "rounds.entries")


@bp.post("/<int:round_id>/mo-hinh/bo")
@roles_required(*MANAGERS)
def entries_remove(round_id: int):
    round_ = _round(round_id)
    ids = [int(v) for v in request.form.getlist("initiative_id") if v.isdigit()]
    if ActionForm().validate_on_submit() and ids:
        _run(lambda: services.remove_entries(round_, ids, by=current_user), "Đã bỏ mô hình khỏi đợt.")
    return _back(round_, "rounds.entries")


@bp.get("/<int:round_id>/mo-hinh/<int:initiative_id>")
@roles_required(*READERS)
def model_detail(round_id: int, initiative_id: int):
    round_ = _round(round_id)
    initiative = get_or_404(Initiative, initiative_id)
    in_round = db.session.scalar(
        select(func.count()).where(RoundEntry.round_id == round_.id, RoundEntry.initiative_id == initiative.id)
    )
    if not in_round:
        abort(404)
    assignments = db.session.execute(
        select(Assignment, User.full_name, Unit.name, Scorecard)
        .join(User, Assignment.evaluator_id == User.id)
        .outerjoin(Unit, User.unit_id == Unit.id)
        .outerjoin(
            Scorecard,
            (Scorecard.round_id == Assignment.round_id)
            & (Scorecard.initiative_id == Assignment.initiative_id)
            & (Scorecard.evaluator_id == Assignment.evaluator_id),
        )
        .where(Assignment.round_id == round_.id, Assignment.initiative_id == initiative.id)
        .order_by(User.sort_name)
    ).all()
    taken = {a.evaluator_id for a, *_ in assignments}
    candidates = []
    if _can_manage(round_) and round_.state in (RoundState.DRAFT, RoundState.SCORING):
        panel = db.session.execute(
            select(User, Unit.path)
            .join(services.PanelMember, services.PanelMember.user_id == User.id)
            .outerjoin(Unit, User.unit_id == Unit.id)
            .where(services.PanelMember.round_id == round_.id)
            .order_by(User.sort_name)
        ).all()
        candidates = [
            user for user, path in panel
            if user.id not in taken and not services._path_conflict(path or "", initiative.unit.path)
        ]
    cards = services.anonymous_scorecards(round_, initiative.id)
    return render_template(
        "scoring/model_detail.html", round=round_, initiative=initiative, assignments=assignments,
        candidates=candidates, cards=cards, action_form=ActionForm(), reason_form=ReasonForm(),
    )


@bp.post("/<int:round_id>/mo-hinh/<int:initiative_id>/phan-cong")
@roles_required(*MANAGERS)
def assign(round_id: int, initiative_id: int):
    round_ = _round(round_id)
    initiative = get_or_404(Initiative, initiative_id)
    evaluator = db.session.get(User, request.form.get("evaluator_id", type=int) or 0)
    if evaluator is None:
        flash("Vui lòng chọn thành viên hội đồng.", "danger")
    elif ActionForm().validate_on_submit():
        _run(lambda: services.assign(round_, initiative, evaluator, by=current_user),
             f"Đã phân công {evaluator.full_name} chấm mô hình này.")
    return redirect(url_for("rounds.model_detail", round_id=round_.id, initiative_id=initiative.id))


@bp.post("/<int:round_id>/phan-cong/<int:assignment_id>/bo")
@roles_required(*MANAGERS)
def unassign(round_id: int, assignment_id: int):
    round_ = _round(round_id)
    assignment = get_or_404(Assignment, assignment_id)
    if assignment.round_id != round_.id:
        abort(404)
    initiative_id = assignment.initiative_id
    if ActionForm().validate_on_submit():
        _run(lambda: services.unassign(assignment, by=current_user), "Đã bỏ phân công.")
    return redirect(url_for("rounds.model_detail", round_id=round_.id, initiative_id=initiative_id))


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
            try:
                services.add_criterion(
                    round_, code=form.code.data, name=form.name.data, guidance=form.guidance.data,
                    max_score=Decimal(form.max_score.data), is_tiebreaker=bool(form.is_tiebreaker.data),
                    by=current_user,
                )
            except services.ScoringError as error:
                db.session.rollback()
                form.code.errors.append(str(error))
            else:
                db.session.commit()
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


def _criterion(round_: Round, criterion_id: int) -> Criterion:
    criterion = get_or_404(Criterion, criterion_id)
    if criterion.round_id != round_.id:
        abort(404)
    return criterion


@bp.post("/<int:round_id>/tieu-chi/<int:criterion_id>")
@roles_required(*MANAGERS)
def rubric_update(round_id: int, criterion_id: int):
    round_ = _round(round_id)
    criterion = _criterion(round_, criterion_id)
    form = CriterionForm(prefix=f"c{criterion.id}")
    if form.validate_on_submit():
        _run(
            lambda: services.update_criterion(
                criterion, code=form.code.data, name=form.name.data, guidance=form.guidance.data,
                max_score=Decimal(form.max_score.data), is_tiebreaker=bool(form.is_tiebreaker.data),
                by=current_user,
            ),
            "Đã lưu tiêu chí.",
        )
    else:
        errors = "; ".join(f"{form[name].label.text}: {' '.join(msgs)}" for name, msgs in form.errors.items())
        flash(f"Chưa lưu được tiêu chí: {errors}", "danger")
    return _back(round_, "rounds.rubric")


@bp.post("/<int:round_id>/tieu-chi/<int:criterion_id>/xoa")
@roles_required(*MANAGERS)
def rubric_delete(round_id: int, criterion_id: int):
    round_ = _round(round_id)
    criterion = _criterion(round_, criterion_id)
    if ActionForm().validate_on_submit():
        _run(lambda: services.delete_criterion(criterion, by=current_user), "Đã xóa tiêu chí.")
    return _back(round_, "rounds.rubric")


@bp.post("/<int:round_id>/tieu-chi/<int:criterion_id>/di-chuyen")
@roles_required(*MANAGERS)
def rubric_move(round_id: int, criterion_id: int):
    round_ = _round(round_id)
    criterion = _criterion(round_, criterion_id)
    offset = -1 if request.form.get("huong") == "len" else 1
    if ActionForm().validate_on_submit():
        _run(lambda: services.move_criterion(criterion, offset, by=current_user), None)
    return _back(round_, "rounds.rubric")


# --- Panel and assignment ------------------------------------------------------------------


@bp.route("/<int:round_id>/hoi-dong", methods=["GET", "POST"])
@roles_required(*READERS)
def panel(round_id: int):
    round_ = _round(round_id)
    candidates = services.evaluator_candidates(round_.organiser_id)
    members = services.panel_ids(round_)
    if request.method == "POST":
        if not _can_manage(round_):
            abort(403)
        if ActionForm().validate_on_submit():
            wanted = {int(v) for v in request.form.getlist("user_id") if v.isdigit()}
            users = [u for u in candidates if u.id in wanted]
            users += [db.session.get(User, uid) for uid in wanted - {u.id for u in users}]
            if _run(lambda: services.set_panel(round_, [u for u in users if u], by=current_user),
                    "Đã lưu hội đồng chấm."):
                return _back(round_, "rounds.panel")
            members = wanted
    progress = {p.user_id: p for p in services.evaluator_progress(round_)}
    # Former members who are no longer evaluators still show, so they can be removed.
    shown = candidates + [db.session.get(User, uid) for uid in members - {u.id for u in candidates}]
    return render_template(
        "scoring/panel.html", round=round_, candidates=[u for u in shown if u], members=members,
        progress=progress, action_form=ActionForm(), entry_count=services.entry_count(round_),
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
        created = []
        if _run(lambda: created.append(services.auto_assign(round_, k, by=current_user, max_per_evaluator=cap)),
                None):
            limit = f", tối đa {cap} mô hình mỗi người" if cap else ""
            flash(f"Đã phân công tự động: thêm {created[0]} lượt chấm ({k} thành viên mỗi mô hình{limit}).",
                  "success")
    return _back(round_, "rounds.panel")


# --- Progress and ranking --------------------------------------------------------------------


BEHIND_SHOWN = 10  # members most behind named at the top of the progress page


@bp.get("/<int:round_id>/tien-do")
@roles_required(*READERS)
def progress(round_id: int):
    round_ = _round(round_id)
    evaluators = services.evaluator_progress(round_)
    behind = sorted((p for p in evaluators if p.remaining > 0), key=lambda p: -p.remaining)
    only_behind = request.args.get("chua_du") == "1"
    page = paginate_rows(services.model_progress_select(round_, behind_only=only_behind), per_page=50)
    # A national panel has hundreds of members: their table is paged too (argument `hd`).
    panel_page = paginate_list(evaluators, per_page=50, page=request.args.get("hd", type=int))
    return render_template(
        "scoring/progress.html", round=round_, panel_page=panel_page, behind=behind[:BEHIND_SHOWN],
        behind_count=len(behind), outstanding=sum(p.remaining for p in behind), page=page,
        only_behind=only_behind,
    )


@bp.get("/<int:round_id>/xep-hang")
@roles_required(*READERS)
def ranking(round_id: int):
    round_ = _round(round_id)
    view = filter_ranking(round_, ranking_for(round_), request.args)
    page = paginate_list(view.rows, per_page=100)
    basis = adjustment.basis_of(round_)
    return render_template(
        "scoring/ranking.html", round=round_, page=page, criteria=list(round_.criteria),
        field=view.field, kind=view.kind, scope=view.scope, unit_text=view.unit_text,
        matched_units=view.matched_units, matched_count=view.matched_count,
        status=view.status, q=view.q, sort=view.sort, descending=view.descending,
        grade=view.grade, grades=list(Grade),
        export_args={key: request.args[key] for key in (*FILTER_KEYS, "sap_xep", "chieu") if request.args.get(key)}, field_labels=FIELD_LABELS, kind_labels=UNIT_KIND_LABELS,
        action_form=ActionForm(), reason_form=ReasonForm(), agreement=round_agreement(round_),
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
        try:
            changed = adjustment.set_ranking_basis(round_, basis, by=current_user)
        except adjustment.AdjustmentError as error:
            db.session.rollback()
            flash(str(error), "danger")
            return _back(round_, "rounds.ranking")
        db.session.commit()
        if changed:
            flash(f"Từ nay đợt này xếp hạng theo: {basis.label.lower()}.", "success")
    return _back(round_, "rounds.ranking")


from . import phase_routes  # noqa: E402,F401  (discussion, reopening and versions: routes of this blueprint)
