"""Đề nghị cấp trên: what an organiser sent up and what its lower levels sent to it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..core.errors import saving
from ..core.permissions import load_for, roles_required
from ..core.roles import Role
from ..extensions import db
from ..registry.models import Initiative
from . import access
from . import nominations as services
from .forms import NominateForm, ReturnNominationForm
from .models import Nomination, NominationState, Organiser

bp = Blueprint("nominations", __name__, url_prefix="/de-nghi-cap-tren")

MANAGERS = (Role.SECRETARIAT, Role.ADMIN)


def _return_form(nomination: Nomination) -> ReturnNominationForm:
    # One form per waiting proposal on the page: the prefix keeps their boxes apart.
    return ReturnNominationForm(prefix=f"de-nghi-{nomination.id}")


@bp.get("")
@roles_required(*MANAGERS)
def index():
    organiser_id = access.managed_organiser_id(current_user)
    organiser = db.session.get(Organiser, organiser_id) if organiser_id is not None else None
    if organiser is None:
        return render_template("organisers/nominations.html", organiser=None, sent=[], received=[],
                               return_forms={})
    received = services.received_by(organiser.id)
    return render_template(
        "organisers/nominations.html", organiser=organiser, sent=services.sent_by(organiser.id),
        received=received, NominationState=NominationState,
        return_forms={n.id: _return_form(n) for n in received if n.state is NominationState.PENDING},
    )


def _model_for_proposal() -> Initiative:
    """The model named by ?mo_hinh=: one the user's organiser holds (its own unit's, or one
    accepted from below). Anything else answers 404, like an id that does not exist."""
    managed = access.managed_organiser_id(current_user)

    def allowed(initiative: Initiative) -> bool:
        return managed is not None and (
            initiative.unit.organiser_id == managed or services.accepted_by(initiative.id, managed)
        )

    initiative_id = request.args.get("mo_hinh", type=int)
    if initiative_id is None:
        abort(404)
    return load_for(Initiative, initiative_id, allowed)


@bp.route("/moi", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def new():
    initiative = _model_for_proposal()
    form = NominateForm()
    refusal, parent = None, None
    try:
        _, parent = services.check_nominate(initiative, current_user)
    except services.NominationError as error:
        refusal = str(error)
    if refusal is None and form.validate_on_submit():
        with saving(form, field="note") as saved:
            services.nominate(initiative, form.note.data, by=current_user)
        if saved:
            flash(f"Đã gửi đề nghị mô hình “{initiative.name}” lên {parent.name}.", "success")
            return redirect(url_for("nominations.index"))
    elif refusal is not None and request.method == "POST":
        flash(refusal, "danger")
    return render_template("organisers/nominate.html", initiative=initiative, form=form, refusal=refusal,
                           parent=parent)


def _nomination(nomination_id: int) -> Nomination:
    return load_for(Nomination, nomination_id, lambda n: services.readable(current_user, n))


@bp.post("/<int:nomination_id>/nhan")
@roles_required(*MANAGERS)
def accept(nomination_id: int):
    nomination = _nomination(nomination_id)
    with saving() as saved:
        services.accept(nomination, by=current_user)
    if saved:
        flash(f"Đã nhận mô hình “{nomination.initiative.name}” vào xét. Các đợt đánh giá năm {nomination.year} "
              "của cơ quan có thể thêm mô hình này.", "success")
    return redirect(url_for("nominations.index"))


@bp.post("/<int:nomination_id>/tra-lai")
@roles_required(*MANAGERS)
def return_(nomination_id: int):
    nomination = _nomination(nomination_id)
    form = _return_form(nomination)
    if not form.validate_on_submit():
        errors = [e for field in form for e in field.errors]
        flash(errors[0] if errors else "Vui lòng ghi lý do trả lại để cấp dưới biết.", "danger")
        return redirect(url_for("nominations.index"))
    with saving() as saved:
        services.return_(nomination, form.reason.data, by=current_user)
    if saved:
        flash(f"Đã trả lại đề nghị mô hình “{nomination.initiative.name}”.", "success")
    return redirect(url_for("nominations.index"))
