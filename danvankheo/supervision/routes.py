"""Giám sát: the supervisor's list of accepted models, its opinion form, the opinions' files,
its home panel, and the opinion panels that the model's page and the scoring page include."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..core.errors import saving
from ..core.paging import AFTER, BEFORE
from ..core.permissions import get_or_404, load_for, roles_required
from ..core.roles import Role
from ..core.timeutil import local_today
from ..evidence.filetypes import FILE_TYPES
from ..evidence.routes import send_stored_file
from ..extensions import db
from ..home.panels import register_panel
from ..organisers import access
from ..organisers.models import Organiser
from ..registry import permissions as registry_permissions
from ..registry.models import Field, Initiative
from ..registry.services import ListFilters, filtered_initiatives_query, page_of_initiatives
from . import permissions, services
from .forms import OpinionForm
from .models import TEXT_LIMIT, Stance, SupervisionOpinion, SupervisionOpinionVersion

bp = Blueprint("supervision", __name__, url_prefix="/giam-sat")

# The list's opinion filter: "chua" (no opinion of mine yet), "da" (I have given one).
OPINION_FILTERS = {"chua": "Chưa có ý kiến của tôi", "da": "Đã có ý kiến của tôi"}


@bp.app_context_processor
def supervision_helpers():
    """`supervision_panel(initiative)` for the model's page and the scoring page: the opinions
    and whether the user may write one, or None when the user may not read them."""

    def panel(initiative: Initiative) -> dict | None:
        if not current_user.is_authenticated or not permissions.may_read(current_user, initiative):
            return None
        opinions = services.opinions_of(initiative.id)
        return {"opinions": opinions, "may_record": permissions.may_record(current_user, initiative),
                "own": next((o for o in opinions if o.author_id == current_user.id), None)}

    return {"supervision_panel": panel}


def _organiser_name() -> str:
    organiser = db.session.get(Organiser, access.supervised_organiser_id(current_user) or 0)
    return organiser.unit.name if organiser is not None else ""


@bp.get("")
@roles_required(Role.SUPERVISOR)
def index():
    filters = ListFilters.from_args(request.args)
    # The registry's list and filters, narrowed to what the user supervises: a supervisor who is
    # also a unit's staff must not find the unit's drafts here.
    query = filtered_initiatives_query(current_user, filters).where(registry_permissions.supervised_clause(current_user))
    mine = select(SupervisionOpinion.initiative_id).where(SupervisionOpinion.author_id == current_user.id)
    opinion_filter = request.args.get("y_kien", "")
    if opinion_filter == "chua":
        query = query.where(Initiative.id.not_in(mine))
    elif opinion_filter == "da":
        query = query.where(Initiative.id.in_(mine))
    page = page_of_initiatives(query, per_page=current_app.config["PAGE_SIZE"],
                               after=request.args.get(AFTER), before=request.args.get(BEFORE))
    ids = [item.id for item in page.items]
    own = {o.initiative_id: o for o in db.session.scalars(
        select(SupervisionOpinion).where(SupervisionOpinion.author_id == current_user.id,
                                         SupervisionOpinion.initiative_id.in_(ids)))} if ids else {}
    years = sorted({local_today().year, local_today().year - 1, *(y for y in db.session.scalars(
        select(Initiative.year).where(registry_permissions.supervised_clause(current_user)).distinct()))},
        reverse=True)
    return render_template(
        "supervision/index.html", page=page, filters=filters, fields=Field, years=years,
        opinion_filter=opinion_filter, opinion_filters=OPINION_FILTERS, own=own,
        counts=services.opinion_counts(ids), organiser_name=_organiser_name(),
    )


def _supervised(initiative_id: int) -> Initiative:
    """The model, if the user supervises it; 404 alike for a missing model, a draft, another
    organiser's model: a 403 would tell which ids exist."""
    return load_for(Initiative, initiative_id, lambda i: permissions.may_record(current_user, i))


@bp.route("/mo-hinh/<int:initiative_id>", methods=["GET", "POST"])
@roles_required(Role.SUPERVISOR)
def opinion(initiative_id: int):
    initiative = _supervised(initiative_id)
    own = services.own_opinion(initiative, current_user)
    form = OpinionForm()
    if request.method == "GET" and own is not None:
        form.stance.data, form.text.data = own.stance.value, own.text
    if form.validate_on_submit():
        upload = form.file.data if form.file.data and form.file.data.filename else None
        with saving(form, field="text") as saved:
            services.record_opinion(
                initiative, current_user, stance=form.stance_value(), text=form.text.data,
                upload=upload.stream if upload else None, filename=upload.filename if upload else None,
                remove_file=bool(form.remove_file.data),
            )
        if saved:
            flash("Đã gửi ý kiến giám sát. Thường trực hội đồng và hội đồng chấm sẽ xem ý kiến này."
                  if own is None else "Đã lưu ý kiến giám sát đã sửa; phiên bản trước vẫn được giữ.", "success")
            return redirect(url_for("supervision.opinion", initiative_id=initiative.id), 303)
        if saved.stale:
            flash(services.SAVED_ELSEWHERE, "warning")
            return redirect(url_for("supervision.opinion", initiative_id=initiative.id), 303)
        own = services.own_opinion(initiative, current_user)
    status = 400 if request.method == "POST" else 200
    others = [o for o in services.opinions_of(initiative.id) if o.author_id != current_user.id]
    return render_template("supervision/opinion.html", initiative=initiative, form=form, own=own, others=others,
                           stances=Stance, text_limit=TEXT_LIMIT), status


@bp.get("/phien-ban/<int:version_id>/tep")
@login_required
def file(version_id: int):
    """The file of one version of an opinion, to whoever reads the opinions of its model."""
    version = get_or_404(SupervisionOpinionVersion, version_id)
    initiative = version.opinion.initiative
    if not version.has_file or not permissions.may_read(current_user, initiative):
        abort(404)
    # Images and PDFs open in the browser, as evidence does; everything else is downloaded.
    inline = any(t.inline for t in FILE_TYPES.values() if t.mimetype == version.file_type)
    return send_stored_file(version.file_storage_key, version.file_type, name=version.file_name,
                            attachment=request.args.get("tai") == "1" or not inline)


# --- Home panel ----------------------------------------------------------------------------


def _supervisor_panel(user) -> dict | None:
    organiser_id = access.supervised_organiser_id(user)
    if organiser_id is None:
        return None
    year = local_today().year
    accepted = select(Initiative.id).where(registry_permissions.supervised_clause(user), Initiative.year == year)
    mine = select(SupervisionOpinion.initiative_id).where(SupervisionOpinion.author_id == user.id)
    total = db.session.scalar(select(func.count()).select_from(accepted.subquery()))
    done = db.session.scalar(select(func.count()).select_from(accepted.where(Initiative.id.in_(mine)).subquery()))
    waiting = db.session.scalars(
        select(Initiative).where(registry_permissions.supervised_clause(user), Initiative.year == year,
                                 Initiative.id.not_in(mine))
        .options(joinedload(Initiative.unit)).order_by(Initiative.submitted_at.desc(), Initiative.id).limit(8)
    ).all()
    return {"year": year, "total": total, "done": done, "waiting": waiting, "organiser_name": _organiser_name()}


register_panel("supervision", {Role.SUPERVISOR}, "supervision/_panel_home.html", _supervisor_panel, order=15)


def _register_demo() -> None:
    from ..demo import DEMO_EXTENSIONS
    from .demo import seed_supervision_demo

    # Last: it needs the accepted models of the province and of the commune.
    if seed_supervision_demo not in DEMO_EXTENSIONS:
        DEMO_EXTENSIONS.append(seed_supervision_demo)


_register_demo()
