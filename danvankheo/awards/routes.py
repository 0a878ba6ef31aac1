"""Khen thưởng: the secretariat builds proposals from a finalised round, submits them,
records the decision, and keeps the catalogue of award forms. Observers and admins read."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.errors import saving
from ..core.permissions import get_or_404, load_for, roles_required
from ..core.roles import Role
from ..extensions import db
from ..home.panels import register_panel
from ..organisers import access
from ..organisers.models import Organiser
from ..registry.models import Initiative
from ..scoring.models import Round, RoundState
from ..scoring.ranking import ranking_for
from ..units.models import Unit
from ..units.services import all_units_in_tree_order
from . import catalogue, decisions, history, proposals
from .errors import STALE_MESSAGE
from .forms import (
    AddLineForm,
    AwardFormForm,
    DecisionForm,
    NewProposalForm,
    ProposalForm,
    ReturnForm,
    RevokeForm,
    StepForm,
    line_changes,
)
from .models import AwardForm, AwardLevel, Proposal, ProposalLine, ProposalState

bp = Blueprint("awards", __name__, url_prefix="/khen-thuong")

READERS = (Role.SECRETARIAT, Role.OBSERVER, Role.ADMIN)


@bp.app_context_processor
def award_helpers():
    """`awards_for_initiative` and `awards_for_unit` for other features' pages, which
    include "awards/_history.html" with `awards` set."""
    return {
        "awards_for_initiative": history.awards_for_initiative,
        "awards_for_unit": history.awards_for_unit,
    }


@bp.app_template_filter("points")
def points_filter(value) -> str:
    """87.50 -> "87,5": scores the Vietnamese way."""
    return proposals.format_points(value)


def _may_act(proposal: Proposal | None = None) -> bool:
    """The secretariat of the organiser the user acts for (of the proposal's round, if given)."""
    if not current_user.is_secretariat:
        return False
    return proposal is None or access.may_manage(current_user, proposal.round.organiser_id)


def load_proposal(proposal_id: int) -> Proposal:
    """A proposal of an organiser the user reads (its round's organiser); 404 alike for
    another organiser's. Any change (a POST) needs that organiser's own secretariat."""
    proposal = load_for(Proposal, proposal_id, lambda p: access.may_read(current_user, p.round.organiser_id))
    if request.method != "GET" and not access.may_manage(current_user, proposal.round.organiser_id):
        abort(403)
    return proposal



def acting_organiser() -> Organiser | None:
    organiser_id = access.managed_organiser_id(current_user)
    return db.session.get(Organiser, organiser_id) if organiser_id else None


def _form_choices(organiser: Organiser | None) -> list[tuple[int, str]]:
    """The active award forms of the organiser's level: what it may propose."""
    return [(f.id, f.display_name) for f in catalogue.award_forms_for(organiser, active_only=True)]


# --- Proposals --------------------------------------------------------------------------------


@bp.get("")
@roles_required(*READERS)
def index():
    readable = access.readable_organiser_ids(current_user)
    listed = list(
        db.session.scalars(
            select(Proposal).join(Round, Proposal.round_id == Round.id).where(Round.organiser_id.in_(readable))
            .options(selectinload(Proposal.round), selectinload(Proposal.lines).selectinload(ProposalLine.award_form))
            .order_by(Proposal.created_at.desc(), Proposal.id.desc())
        )
    )
    counts = {p.id: len(p.lines) for p in listed}
    forms_of = {p.id: list(dict.fromkeys(line.award_form.display_name for line in p.lines)) for p in listed}
    managed = access.managed_organiser_id(current_user) if _may_act() else None
    return render_template(
        "awards/index.html",
        proposals=listed,
        counts=counts,
        forms_of=forms_of,
        rounds=proposals.finalised_rounds(readable),
        may_act=_may_act(),
        managed_organiser_id=managed,
    )


@bp.route("/de-nghi/moi", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def new():
    organiser = acting_organiser()
    rounds = proposals.finalised_rounds([organiser.id] if organiser else [])
    round_id = request.values.get("dot", type=int)
    round_ = None
    if round_id:
        # Only a round of the organiser the secretariat runs: another's is not found.
        round_ = load_for(Round, round_id, lambda r: access.may_manage(current_user, r.organiser_id))
    if round_ is not None and round_.state is not RoundState.FINALISED:
        flash("Đợt đánh giá này chưa công bố kết quả: chưa lập được danh sách đề nghị.", "warning")
        round_ = None
    if round_ is None:
        return render_template("awards/new.html", rounds=rounds, round=None, form=None, rows=[])
    rows = ranking_for(round_)
    repeats: list = []
    form = NewProposalForm()
    form.award_form_id.choices = _form_choices(round_.organiser)
    form.initiative_ids.choices = [(row.initiative_id, row.name) for row in rows]
    if request.method == "GET":
        form.title.data = proposals.default_title(round_)
        form.initiative_ids.data = proposals.excellent_initiative_ids(round_)
    if form.validate_on_submit():
        with saving(form, field="initiative_ids") as saved:
            proposal = proposals.create_proposal(
                round_,
                form.initiative_ids.data or [],
                db.session.get(AwardForm, form.award_form_id.data),
                actor=current_user,
                title=form.title.data,
                repeat_reason=request.form.get("ly_do_khen_lai"),
            )
        if saved:
            flash("Đã lập danh sách đề nghị khen thưởng. Kiểm tra từng dòng rồi lưu.", "success")
            return redirect(url_for("awards.detail", proposal_id=proposal.id), 303)
        repeats = getattr(saved.error, "earlier", [])
    selected = set(form.initiative_ids.data or [])
    return render_template("awards/new.html", rounds=rounds, round=round_, form=form, rows=rows, selected=selected,
                           repeats=repeats, organiser=round_.organiser)


def _detail_page(proposal: Proposal, form: ProposalForm | None = None, *, stale: bool = False, status: int = 200):
    from .dossier_routes import dossier_panel

    editable = proposal.is_editable and _may_act(proposal)
    if form is None:
        form = ProposalForm(obj=proposal)
        form.version.data = str(proposal.version)
    add_form = None
    if editable:
        add_form = AddLineForm()
        add_form.version.data = str(proposal.version)
        add_form.initiative_id.choices = [(row.initiative_id, f"{row.name} — {row.unit_name}")
                                          for row in ranking_for(proposal.round)]
        add_form.award_form_id.choices = _form_choices(proposal.round.organiser)
    recipients = {}
    if editable:
        for line in proposal.lines:
            if line.initiative_id not in recipients:
                recipients[line.initiative_id] = proposals.recipients_for(line.initiative)
    decision_form = return_form = None
    if proposal.state is ProposalState.SUBMITTED and _may_act(proposal):
        decision_form, return_form = DecisionForm(prefix="qd"), ReturnForm(prefix="tl")
        decision_form.version.data = return_form.version.data = str(proposal.version)
    return (
        render_template(
            "awards/detail.html",
            proposal=proposal,
            form=form,
            add_form=add_form,
            decision_form=decision_form,
            return_form=return_form,
            editable=editable,
            may_act=_may_act(proposal),
            recipients=recipients,
            award_forms=catalogue.award_forms_for(proposal.round.organiser),
            missing=proposals.missing_for_submit(proposal) if proposal.is_editable else [],
            stale=stale,
            dossier=dossier_panel(proposal),
        ),
        status,
    )


@bp.get("/de-nghi/<int:proposal_id>")
@roles_required(*READERS)
def detail(proposal_id: int):
    return _detail_page(load_proposal(proposal_id))


@bp.post("/de-nghi/<int:proposal_id>")
@roles_required(Role.SECRETARIAT)
def save(proposal_id: int):
    """Save the page; with action=submit, save and submit in one step."""
    proposal = load_proposal(proposal_id)
    form = ProposalForm()
    if not form.validate_on_submit():
        flash("Chưa lưu được: vui lòng sửa các trường được đánh dấu.", "danger")
        return _detail_page(proposal, form, status=400)
    changes = line_changes(request.form, [line.id for line in proposal.lines])
    submitting = request.form.get("action") == "submit"
    with saving() as saved:
        proposals.update_proposal(proposal, form.details(), changes, expected_version=form.expected_version,
                                  actor=current_user)
        if submitting:
            proposals.submit_proposal(proposal, actor=current_user)
    if saved:
        flash("Đã lưu và trình danh sách đề nghị." if submitting else "Đã lưu danh sách đề nghị.", "success")
        return redirect(url_for("awards.detail", proposal_id=proposal.id), 303)
    if saved.stale:
        _stale()
        return _detail_page(load_proposal(proposal_id), stale=True, status=409)
    return _detail_page(load_proposal(proposal_id), status=400)


def _stale() -> None:
    """Someone else saved the proposal first: nothing of this request was kept."""
    flash(STALE_MESSAGE, "danger")


def _expected_version() -> int | None:
    raw = request.form.get("version") or request.form.get("qd-version") or request.form.get("tl-version") or ""
    return int(raw) if raw.isdigit() else None


def _act(proposal: Proposal, step: Callable[..., object], success: str, *, form: StepForm | None = None):
    """One step on the proposal page (its own small form, if any, filled in first), then back
    to the page: `success` when saved, the refusal or the stale warning otherwise. `step` is a
    service call on the proposal, made against the version the user saw and in their name."""
    if form is not None and not form.validate_on_submit():
        flash(form.incomplete, "danger")
    else:
        with saving() as saved:
            step(expected_version=_expected_version(), actor=current_user)
        if saved:
            flash(success, "success")
        elif saved.stale:
            _stale()
    return redirect(url_for("awards.detail", proposal_id=proposal.id), 303)


@bp.post("/de-nghi/<int:proposal_id>/them-dong")
@roles_required(Role.SECRETARIAT)
def add_line(proposal_id: int):
    proposal = load_proposal(proposal_id)
    initiative = db.session.get(Initiative, request.form.get("initiative_id", type=int) or 0)
    if initiative is None:
        flash("Vui lòng chọn mô hình.", "danger")
        return redirect(url_for("awards.detail", proposal_id=proposal.id), 303)
    award_form = db.session.get(AwardForm, request.form.get("award_form_id", type=int) or 0)
    add = partial(proposals.add_line, proposal, initiative, request.form.get("recipient") or None, award_form,
                  repeat_reason=request.form.get("ly_do_khen_lai"))
    return _act(proposal, add, "Đã thêm một dòng; chọn người hoặc tập thể được đề nghị ở cột tương ứng rồi lưu.")


@bp.post("/de-nghi/<int:proposal_id>/dong/<int:line_id>/xoa")
@roles_required(Role.SECRETARIAT)
def remove_line(proposal_id: int, line_id: int):
    proposal = load_proposal(proposal_id)
    line = get_or_404(ProposalLine, line_id)
    if line.proposal_id != proposal.id:
        abort(404)
    return _act(proposal, partial(proposals.remove_line, proposal, line), "Đã xóa dòng khỏi danh sách.")


@bp.post("/de-nghi/<int:proposal_id>/quyet-dinh")
@roles_required(Role.SECRETARIAT)
def approve(proposal_id: int):
    proposal = load_proposal(proposal_id)
    form = DecisionForm(prefix="qd")
    decide = partial(decisions.approve_proposal, proposal, form.decision_number.data, form.decision_date.data)
    return _act(proposal, decide, "Đã ghi nhận Quyết định khen thưởng; các đơn vị đã được thông báo.", form=form)


@bp.post("/de-nghi/<int:proposal_id>/tra-lai")
@roles_required(Role.SECRETARIAT)
def return_(proposal_id: int):
    proposal = load_proposal(proposal_id)
    form = ReturnForm(prefix="tl")
    give_back = partial(proposals.return_proposal, proposal, form.reason.data)
    return _act(proposal, give_back, "Đã ghi nhận danh sách bị trả lại; có thể sửa và trình lại.", form=form)


@bp.post("/de-nghi/<int:proposal_id>/xoa")
@roles_required(Role.SECRETARIAT)
def delete(proposal_id: int):
    proposal = load_proposal(proposal_id)
    with saving() as saved:
        proposals.delete_proposal(proposal, actor=current_user)
    if saved:
        flash("Đã xóa danh sách đề nghị.", "success")
        return redirect(url_for("awards.index"), 303)
    if saved.stale:
        _stale()
    return redirect(url_for("awards.detail", proposal_id=proposal.id), 303)


@bp.route("/da-khen/<int:line_id>/huy", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def revoke(line_id: int):
    line = get_or_404(ProposalLine, line_id)
    load_proposal(line.proposal_id)
    if line.proposal.state is not ProposalState.APPROVED or line.revocation is not None:
        flash("Chỉ hủy được khen thưởng đã có quyết định và chưa bị hủy.", "warning")
        return redirect(url_for("awards.detail", proposal_id=line.proposal_id), 303)
    form = RevokeForm()
    if form.validate_on_submit():
        with saving(form, field="reason") as saved:
            decisions.revoke_award(line, form.reason.data, decision_number=form.decision_number.data,
                                   decision_date=form.decision_date.data, actor=current_user)
        if saved:
            flash(f"Đã hủy khen thưởng của {line.recipient_name}; quyết định hủy được lưu trong lịch sử.", "success")
            return redirect(url_for("awards.detail", proposal_id=line.proposal_id), 303)
    return render_template("awards/revoke.html", line=line, form=form)


# --- History ------------------------------------------------------------------------------------


@bp.get("/don-vi")
@login_required
def unit_history():
    """The awards of one unit: staff see their own unit; readers may pick any unit."""
    reader = current_user.has_role(*READERS)
    readable = access.readable_organiser_ids(current_user) if reader else set()
    unit_id = request.args.get("don_vi", type=int) if reader else None
    if unit_id:
        # A unit of an organiser the user reads; another organiser's units are not found.
        unit = load_for(Unit, unit_id, lambda u: u.organiser_id in readable)
    else:
        unit = current_user.unit
    if unit is None and not reader:
        abort(403)
    return render_template(
        "awards/unit_history.html",
        unit=unit,
        awards=history.awards_for_unit(unit) if unit else [],
        units=all_units_in_tree_order(organiser_ids=readable) if reader else [],
    )


# --- Award forms (catalogue) ----------------------------------------------------------------------


@bp.get("/hinh-thuc")
@roles_required(*READERS)
def forms():
    return render_template("awards/forms.html", forms=catalogue.award_forms(), levels=AwardLevel.labels(),
                           may_edit=current_user.has_role(Role.SECRETARIAT, Role.ADMIN))


@bp.route("/hinh-thuc/moi", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT, Role.ADMIN)
def form_create():
    form = AwardFormForm()
    if form.validate_on_submit():
        with saving(form, field="name") as saved:
            catalogue.create_award_form(name=form.name.data, issuing_authority=form.issuing_authority.data,
                                        level=form.level_enum, position=form.position.data or 0,
                                        is_thematic=bool(form.is_thematic.data), actor=current_user)
        if saved:
            flash("Đã thêm hình thức khen thưởng.", "success")
            return redirect(url_for("awards.forms"), 303)
    return render_template("awards/form_edit.html", form=form, award_form=None)


@bp.route("/hinh-thuc/<int:form_id>", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT, Role.ADMIN)
def form_edit(form_id: int):
    award_form = get_or_404(AwardForm, form_id)
    form = AwardFormForm(obj=award_form)
    if request.method == "GET":
        form.level.data = award_form.level.value
    if form.validate_on_submit():
        with saving(form, field="name") as saved:
            catalogue.update_award_form(award_form, name=form.name.data, issuing_authority=form.issuing_authority.data,
                                        level=form.level_enum, position=form.position.data or 0,
                                        is_active=form.is_active.data, is_thematic=bool(form.is_thematic.data),
                                        actor=current_user)
        if saved:
            flash("Đã lưu hình thức khen thưởng.", "success")
            return redirect(url_for("awards.forms"), 303)
    return render_template("awards/form_edit.html", form=form, award_form=award_form)


def _unit_awards_panel(user) -> dict | None:
    """The staff home panel: their unit's latest awards, hidden when there are none."""
    if user.unit is None:
        return None
    awards = history.awards_for_unit(user.unit)
    return {"awards": awards[:5]} if awards else None


register_panel("awards-unit", {Role.STAFF}, "awards/_panel_unit.html", _unit_awards_panel, order=40)


def _register_demo() -> None:
    from ..demo import DEMO_EXTENSIONS
    from .demo import seed_awards_demo

    # After the registry's models and the scoring demo.
    if seed_awards_demo not in DEMO_EXTENSIONS:
        DEMO_EXTENSIONS.append(seed_awards_demo)


_register_demo()


# The meeting screen, the ballot, the documents and the dossier zip live on this blueprint too.
from . import ballot_routes, dossier_routes  # noqa: E402,F401
