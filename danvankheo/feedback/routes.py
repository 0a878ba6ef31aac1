"""Ý kiến Nhân dân: the public survey page (no login) and the unit's and secretariat's pages."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..core.errors import saving
from ..core.permissions import get_or_404, roles_required
from ..core.roles import Role
from ..extensions import db
from ..registry import permissions
from ..registry.models import Initiative, Status
from . import limits, posters, services
from .forms import AnswerForm, CodesForm, ReasonForm
from .models import ResponseState, Survey, SurveyResponse

bp = Blueprint("feedback", __name__)

DEVICE_COOKIE = "dvk_thiet_bi"
DEVICE_COOKIE_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie
HONEYPOT = "trang_web"  # hidden from people; bots that fill every box fill it


# ---------------------------------------------------------------- public

def _public_survey(code: str) -> tuple[Survey, bool]:
    found = services.survey_for_public_code(code)
    if found is None:
        abort(404)
    return found


def _residence_choices(survey: Survey) -> list:
    return posters.residence_units(survey)


def _with_device_cookie(response, device: str):
    response.set_cookie(DEVICE_COOKIE, device, max_age=DEVICE_COOKIE_AGE, httponly=True, samesite="Lax",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


@bp.route("/y-kien/<code>", methods=["GET", "POST"])
def survey(code: str):
    survey, closed = _public_survey(code)
    initiative = survey.initiative
    form = AnswerForm()
    device = request.cookies.get(DEVICE_COOKIE) or ""
    if len(device) != 32 or not device.isalnum():
        device = secrets.token_hex(16)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST" and not closed:
        if request.form.get(HONEYPOT):
            # A bot filled the hidden box: thank it and keep nothing.
            return redirect(url_for("feedback.thanks", code=code))
        refused = limits.refused(address=request.remote_addr, device=device)
        if refused:
            errors["form"] = refused
            status = 429
        elif form.validate_on_submit():
            # The page lists its refusals by field itself (a form a resident fills once).
            with saving(quiet=True) as saved:
                services.submit(survey, form.answer(), device=device, address=request.remote_addr)
            if saved:
                return _with_device_cookie(redirect(url_for("feedback.thanks", code=code)), device)
            if isinstance(saved.error, services.SurveyClosed):
                closed = True
            else:
                errors[saved.error.field or "form"] = str(saved.error)
                status = 422
        else:
            errors["form"] = "Phiên làm việc đã hết hạn. Vui lòng gửi lại."
            status = 400
    if closed:
        return render_template("feedback/closed.html", initiative=initiative), 200
    body = render_template("feedback/survey.html", survey=survey, initiative=initiative, form=form, errors=errors,
                           communes=_residence_choices(survey), honeypot=HONEYPOT,
                           comment_max=services.COMMENT_MAX)
    return _with_device_cookie(current_app.make_response((body, status)), device)


@bp.get("/y-kien/<code>/cam-on")
def thanks(code: str):
    survey, _closed = _public_survey(code)
    return render_template("feedback/thanks.html", initiative=survey.initiative, code=code)


# ---------------------------------------------------------------- the unit and the secretariat

@bp.get("/y-kien-nhan-dan")
@roles_required(Role.SECRETARIAT, Role.ADMIN)
def overview():
    """The secretariat's list of its models' surveys: where comments wait and where many answers
    came from few addresses, first."""
    from ..core.types import utcnow
    from ..organisers.access import managed_organiser_id
    from .queries import overview as overview_lines

    organiser_id = managed_organiser_id(current_user)
    lines = overview_lines(organiser_id, now=utcnow()) if organiser_id is not None else []
    return render_template("feedback/overview.html", lines=lines,
                           burst_least=current_app.config["FEEDBACK_BURST_RESPONSES"])


def _manageable(initiative_id: int) -> tuple[Initiative, bool]:
    """The model, and whether the user is its secretariat (True) or its unit's staff (False).
    Anyone else, and a model not accepted, answers 404."""
    initiative = get_or_404(Initiative, initiative_id)
    is_reviewer = permissions.reviews_scope_of(current_user, initiative)
    if initiative.status is not Status.ACCEPTED or not (is_reviewer or permissions.is_own_unit(current_user, initiative)):
        abort(404)
    return initiative, is_reviewer


def _opened(initiative_id: int, size: str | None = None) -> tuple[Initiative, bool, Survey]:
    """`_manageable`'s model and reviewer flag, with its survey (opened on first use). A poster
    `size` that does not exist answers 404 before anything is opened."""
    initiative, is_reviewer = _manageable(initiative_id)
    if size is not None and size not in posters.SIZES:
        abort(404)
    with saving():
        survey = services.open_survey(initiative)
    return initiative, is_reviewer, survey


def public_url(survey: Survey) -> str:
    base = current_app.config.get("PUBLIC_BASE_URL") or request.host_url
    return base.rstrip("/") + url_for("feedback.survey", code=survey.public_code)


@bp.get("/mo-hinh/<int:initiative_id>/y-kien")
@login_required
def manage(initiative_id: int):
    initiative, is_reviewer, survey = _opened(initiative_id)
    responses, bursts, flagged = [], [], set()
    if is_reviewer:
        responses = list(db.session.scalars(
            select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)
            .order_by(SurveyResponse.created_at.desc()).limit(500)))
        bursts = services.find_bursts([r for r in responses if r.state is ResponseState.COUNTED])
        flagged = set().union(*(b.response_ids for b in bursts)) if bursts else set()
    sheets = posters.sheet_numbers(survey)
    return render_template(
        "feedback/manage.html", initiative=initiative, survey=survey, summary=services.summary(survey),
        link=public_url(survey), closed=services.is_closed(survey), is_reviewer=is_reviewer,
        responses=responses, bursts=bursts, flagged=flagged, sheets=sheets,
        codes_form=CodesForm(), reason_form=ReasonForm(), qr_svg=posters.qr_svg(public_url(survey), scale=4),
    )


@bp.get("/mo-hinh/<int:initiative_id>/y-kien/ap-phich/<size>")
@login_required
def poster(initiative_id: int, size: str):
    initiative, _, survey = _opened(initiative_id, size)
    link = public_url(survey)
    return render_template("feedback/poster.html", initiative=initiative, size=size, link=link,
                           qr_svg=posters.qr_svg(link, scale=10 if size == "a4" else 7))


@bp.get("/mo-hinh/<int:initiative_id>/y-kien/ap-phich/<size>.docx")
@login_required
def poster_docx(initiative_id: int, size: str):
    initiative, _, survey = _opened(initiative_id, size)
    data = posters.poster_docx(initiative, public_url(survey), size)
    return posters.send_docx(data, f"ap-phich-y-kien-{initiative.id}-{size}.docx")


@bp.post("/mo-hinh/<int:initiative_id>/y-kien/ma-phieu")
@login_required
def make_codes(initiative_id: int):
    initiative, _ = _manageable(initiative_id)
    form = CodesForm()
    survey = services.open_survey(initiative)
    if not form.validate_on_submit():
        flash("Số mã phiếu mỗi lần in từ 1 đến 500.", "danger")
        return redirect(url_for("feedback.manage", initiative_id=initiative.id))
    with saving() as saved:
        codes = services.generate_codes(survey, form.count.data, current_user)
    if saved:
        flash(f"Đã tạo {len(codes)} mã phiếu (tờ số {codes[0].sheet}). Tải tờ mã phiếu để in.", "success")
    return redirect(url_for("feedback.manage", initiative_id=initiative.id))


@bp.get("/mo-hinh/<int:initiative_id>/y-kien/ma-phieu/<int:sheet>.docx")
@login_required
def codes_docx(initiative_id: int, sheet: int):
    initiative, _ = _manageable(initiative_id)
    survey = services.open_survey(initiative)
    codes = services.sheet_codes(survey, sheet)
    if not codes:
        abort(404)
    data = posters.codes_docx(initiative, public_url(survey), codes, sheet)
    return posters.send_docx(data, f"ma-phieu-{initiative.id}-to-{sheet}.docx")


def _reviewer_response(initiative_id: int, response_id: int) -> tuple[Initiative, SurveyResponse]:
    initiative, is_reviewer = _manageable(initiative_id)
    if not is_reviewer:
        abort(403)
    response = db.session.get(SurveyResponse, response_id)
    if response is None or response.survey.initiative_id != initiative.id:
        abort(404)
    return initiative, response


@bp.post("/mo-hinh/<int:initiative_id>/y-kien/<int:response_id>/de-rieng")
@login_required
def set_aside(initiative_id: int, response_id: int):
    initiative, response = _reviewer_response(initiative_id, response_id)
    form = ReasonForm()
    with saving() as saved:
        if not form.validate_on_submit():
            raise services.FeedbackError("Vui lòng ghi lý do để riêng câu trả lời.")
        services.set_aside(response, form.reason.data, current_user)
    if saved:
        flash(f"Đã để riêng câu trả lời số {response.id}; câu trả lời không còn được tính.", "success")
    return redirect(url_for("feedback.manage", initiative_id=initiative.id) + "#cau-tra-loi")


@bp.post("/mo-hinh/<int:initiative_id>/y-kien/<int:response_id>/gop-y")
@login_required
def review_comment(initiative_id: int, response_id: int):
    initiative, response = _reviewer_response(initiative_id, response_id)
    form = ReasonForm()
    show = request.form.get("decision") == "show"
    with saving() as saved:
        if not form.validate_on_submit() and not show:
            raise services.FeedbackError("Vui lòng ghi lý do không hiển thị góp ý.")
        services.review_comment(response, show, form.reason.data or "", current_user)
    if saved:
        flash("Đã duyệt góp ý: hiển thị cho Hội đồng." if show else "Đã để riêng góp ý, không hiển thị.", "success")
    return redirect(url_for("feedback.manage", initiative_id=initiative.id) + "#cau-tra-loi")


# ---------------------------------------------------------------- used by other features' templates

@bp.app_template_filter("feedback_manageable")
def feedback_manageable(initiative: Initiative) -> bool:
    return bool(permissions.reviews_scope_of(current_user, initiative)
                or permissions.is_own_unit(current_user, initiative))


@bp.app_template_filter("people_voice")
def people_voice(initiative: Initiative):
    """What the council reads on the scoring page: the tallies and the reviewed comments."""
    survey = services.survey_of(initiative)
    if survey is None:
        return None
    return {"summary": services.summary(survey), "comments": services.shown_comments(survey)}


def _register_extras() -> None:
    """Demo data of this feature (imported with the blueprint)."""
    from ..demo import DEMO_EXTENSIONS
    from .demo import seed_feedback_demo

    if seed_feedback_demo not in DEMO_EXTENSIONS:
        DEMO_EXTENSIONS.append(seed_feedback_demo)


_register_extras()
