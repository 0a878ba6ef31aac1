"""In phôi: the download page and PDFs of an approved proposal's certificates, the layout
editor of each award form (with its live preview) and the organiser's printer calibration."""

from __future__ import annotations

import base64
import io
import shutil
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from ..audit.services import record
from ..awards.models import AwardForm, Proposal, ProposalLine, ProposalState
from ..awards.routes import READERS, load_proposal
from ..core.errors import saving
from ..core.formatting import format_number
from ..core.permissions import get_or_404, roles_required
from ..core.roles import Role
from ..exports.xlsx import content_disposition
from ..extensions import db
from ..organisers import access
from ..organisers.models import Organiser
from . import content, render, services
from .fonts import FontsMissing
from .forms import LayoutForm, SettingsForm
from .layouts import Layout, check_layout
from .models import CertificateField

bp = Blueprint("certificates", __name__, url_prefix="/khen-thuong")

EDITORS = (Role.SECRETARIAT, Role.ADMIN)


# --- Certificates of a proposal ------------------------------------------------------------------


def _certificates(proposal: Proposal, line: ProposalLine | None = None):
    """The planned certificates, or None after flashing why there are none (not approved,
    fonts missing)."""
    with saving() as ready:
        certificates = services.proposal_certificates(proposal, current_app.config, line=line)
    return certificates if ready else None


@bp.get("/de-nghi/<int:proposal_id>/in-phoi")
@roles_required(*READERS)
def download_page(proposal_id: int):
    proposal = load_proposal(proposal_id)
    certificates = _certificates(proposal)
    if certificates is None:
        return redirect(url_for("awards.detail", proposal_id=proposal.id), 303)
    overflow_by_line: dict[int, list] = {}
    for overflow_page in certificates.pages:
        if overflow_page.overflows:
            overflow_by_line[overflow_page.certificate.line_id] = overflow_page.overflows
    return render_template(
        "certificates/download.html", proposal=proposal, certificates=certificates,
        lines=content.ordered_lines(proposal), overflow_by_line=overflow_by_line,
        offsets=certificates.offsets, format_number=format_number,
        may_manage=access.may_manage(current_user, proposal.round.organiser_id),
    )


def _send_pdf(data: bytes, filename: str, proposal: Proposal, label: str):
    with saving():
        record("export.certificates", proposal, label=f"{label}: {proposal.title}",
               changes={"filename": [None, filename]})
    response = send_file(io.BytesIO(data), mimetype="application/pdf", max_age=0, conditional=False, etag=False)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _framed() -> bool:
    return request.args.get("khung") == "1"


def _file_name(proposal: Proposal, suffix: str = "") -> str:
    number = (proposal.decision_number or str(proposal.id)).replace("/", "-")
    return f"phoi-khen-thuong-QD-{number}{suffix}{'-co-khung' if _framed() else ''}.pdf"


@bp.get("/de-nghi/<int:proposal_id>/in-phoi.pdf")
@roles_required(*READERS)
def proposal_pdf(proposal_id: int):
    """Every certificate of the decision, one a page, in the order of the list; ?khung=1 on a
    drawn frame for proofreading."""
    proposal = load_proposal(proposal_id)
    certificates = _certificates(proposal)
    if certificates is None:
        return redirect(url_for("awards.detail", proposal_id=proposal.id), 303)
    if not certificates.pages:
        flash("Không có phôi nào để in: mọi khen thưởng của quyết định này đã bị hủy.", "warning")
        return redirect(url_for("certificates.download_page", proposal_id=proposal.id), 303)
    return _send_pdf(certificates.pdf(framed=_framed()), _file_name(proposal), proposal,
                     "Phôi khen thưởng (có khung)" if _framed() else "Phôi khen thưởng")


@bp.get("/de-nghi/<int:proposal_id>/in-phoi/dong-<int:line_id>.pdf")
@roles_required(*READERS)
def line_pdf(proposal_id: int, line_id: int):
    """One line's certificate alone, to reprint a spoilt blank."""
    proposal = load_proposal(proposal_id)
    line = next((each for each in proposal.lines if each.id == line_id), None)
    if line is None:
        abort(404)
    certificates = _certificates(proposal, line)
    if certificates is None:
        return redirect(url_for("awards.detail", proposal_id=proposal.id), 303)
    return _send_pdf(certificates.pdf(framed=_framed()), _file_name(proposal, f"-dong-{line.id}"), proposal,
                     f"Phôi khen thưởng của {line.recipient_name}")


# --- Layout editor ---------------------------------------------------------------------------------


def _sample_certificate(award_form: AwardForm, layout: Layout) -> content.Certificate:
    """The latest approved line of this form that the user reads, else a made-up one."""
    organisers = access.readable_organiser_ids(current_user)
    from ..scoring.models import Round

    line = db.session.scalar(
        select(ProposalLine).join(Proposal).join(Round, Round.id == Proposal.round_id)
        .where(ProposalLine.award_form_id == award_form.id, Proposal.state == ProposalState.APPROVED,
               Round.organiser_id.in_(organisers or {-1}))
        .order_by(Proposal.decision_date.desc(), ProposalLine.recipient_type, ProposalLine.position)
        .limit(1)
    )
    if line is not None:
        names = content.organiser_names(line.proposal, current_app.config)
        settings = services.settings_for(line.proposal.round.organiser)
        certificate = content.certificate_for(line, 1, layout, names, settings)
        return replace(certificate, label=f"Quyết định số {line.proposal.decision_number}, {line.recipient_name}")
    from .layouts import fill_wording

    return content.Certificate(None, "Mẫu", {
        CertificateField.AWARD_FORM: award_form.name,
        CertificateField.RECIPIENT: "Nguyễn Thị Minh Khai",
        CertificateField.RECIPIENT_DETAIL: "Chuyên viên, Phòng Văn hóa - Xã hội",
        CertificateField.ACHIEVEMENT: fill_wording(layout.wording, initiative="Dân vận khéo trong chuyển đổi số",
                                                   year=2025),
        CertificateField.DECISION: "Quyết định số 123/QĐ-UBND ngày 20/12/2025",
        CertificateField.PLACE_DATE: "Ninh Bình, ngày 20 tháng 12 năm 2025",
        CertificateField.SIGNER_TITLE: "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        CertificateField.SIGNER_NAME: "Trần Văn Mẫu",
    })


def pdf_to_png(pdf: bytes, resolution: int = 40) -> bytes | None:
    """The first page as PNG through poppler's pdftoppm; None when it is not installed."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        subprocess.run([pdftoppm, "-png", "-r", str(resolution), "-f", "1", "-l", "1", "-singlefile",
                        str(source), str(Path(tmp) / "out")], check=True, timeout=60, capture_output=True)
        return (Path(tmp) / "out.png").read_bytes()


def _preview(award_form: AwardForm, layout: Layout) -> dict:
    """The preview of `layout` on a framed page with its problems: {image, problems}."""
    try:
        certificate = _sample_certificate(award_form, layout)
        pages = render.plan([certificate], lambda _: layout)
        pdf = render.draw(pages, render.Offsets(), framed=True, title="Xem trước mẫu phôi", mark_overflow=True)
    except FontsMissing as error:
        return {"image": None, "problems": [str(error)], "sample": ""}
    png = pdf_to_png(pdf)
    image = f"data:image/png;base64,{base64.b64encode(png).decode()}" if png else None
    problems = [overflow.message for overflow in pages[0].overflows]
    if png is None:
        problems.append("Máy chủ thiếu chương trình pdftoppm (gói poppler-utils) nên không hiện được ảnh xem trước.")
    return {"image": image, "problems": problems, "sample": certificate.label}


def _apply_errors(form: LayoutForm, errors) -> None:
    for error in errors:
        target = form.input(error.field or "paper") or form.paper
        target.errors = [*target.errors, str(error)]


@bp.route("/hinh-thuc/<int:form_id>/mau-phoi", methods=["GET", "POST"])
@roles_required(*EDITORS)
def layout_edit(form_id: int):
    award_form = get_or_404(AwardForm, form_id)
    form = LayoutForm()
    current = services.layout_for(award_form)
    status = 200
    if request.method == "GET":
        form.fill(current)
    elif form.validate_on_submit():
        layout = form.layout()
        errors = check_layout(layout)
        if not errors:
            with saving() as saved:
                services.save_layout(award_form, layout, actor=current_user)
            if saved:
                flash(f"Đã lưu mẫu in phôi của “{award_form.name}”.", "success")
                return redirect(url_for("certificates.layout_edit", form_id=award_form.id), 303)
        _apply_errors(form, errors)
        status = 400
    else:
        status = 400
    # A refused layout is not drawn: the preview shows the saved one until the inputs are fixed.
    preview = _preview(award_form, current)
    return render_template("certificates/layout.html", form=form, award_form=award_form, layout=current,
                           preview=preview, stored=services.stored_layout(award_form) is not None), status


@bp.post("/hinh-thuc/<int:form_id>/mau-phoi/xem-truoc")
@roles_required(*EDITORS)
def layout_preview(form_id: int):
    """The live preview: the unsaved form rendered by the server, with every error and every
    text that does not fit. Nothing is saved."""
    award_form = get_or_404(AwardForm, form_id)
    form = LayoutForm()
    if not form.validate():
        errors = {}
        for name, messages in form.errors.items():
            if isinstance(messages, dict):
                for sub, sub_messages in messages.items():
                    errors[f"{name}-{sub}"] = sub_messages[0]
            else:
                errors[name] = messages[0]
        return jsonify(image=None, problems=[], errors=errors), 200
    layout = form.layout()
    errors = check_layout(layout)
    if errors:
        return jsonify(image=None, problems=[], errors={error.field: str(error) for error in errors}), 200
    return jsonify(errors={}, **_preview(award_form, layout))


# --- Printer calibration ----------------------------------------------------------------------------


def _acting_organiser() -> Organiser:
    organiser_id = access.managed_organiser_id(current_user)
    organiser = db.session.get(Organiser, organiser_id) if organiser_id else None
    if organiser is None:
        abort(404)
    return organiser


@bp.route("/in-phoi/can-chinh", methods=["GET", "POST"])
@roles_required(*EDITORS)
def calibration():
    organiser = _acting_organiser()
    settings = services.settings_for(organiser)
    form = SettingsForm(obj=settings)
    if request.method == "GET" and settings is None:
        form.offset_x_mm.data = form.offset_y_mm.data = 0
    status = 200
    if form.validate_on_submit():
        data = services.SettingsData(form.offset_x_mm.data, form.offset_y_mm.data, form.signer_authority.data or "",
                                     form.signer_title.data or "", form.signer_name.data or "")
        with saving(form, field="offset_x_mm") as saved:
            services.save_settings(organiser, data, actor=current_user)
        if not saved:
            status = 400
        else:
            flash("Đã lưu căn chỉnh máy in và người ký phôi.", "success")
            return redirect(url_for("certificates.calibration"), 303)
    elif request.method == "POST":
        status = 400
    return render_template("certificates/calibration.html", form=form, organiser=organiser, settings=settings), status


@bp.get("/in-phoi/can-chinh/trang-in-thu.pdf")
@roles_required(*EDITORS)
def calibration_page():
    organiser = _acting_organiser()
    with saving() as drawn:
        pdf = render.calibration_page(services.offsets_for(organiser), organiser_name=organiser.name)
    if not drawn:
        return redirect(url_for("certificates.calibration"), 303)
    response = send_file(io.BytesIO(pdf), mimetype="application/pdf", max_age=0)
    response.headers["Content-Disposition"] = content_disposition("trang-in-thu-can-chinh-may-in.pdf")
    return response


@bp.get("/in-phoi/mau-phoi")
@roles_required(*READERS)
def layouts():
    """The award forms with their layout (saved or default), to open the editor."""
    forms = list(db.session.scalars(select(AwardForm).order_by(AwardForm.position, AwardForm.id)))
    return render_template("certificates/layouts.html", forms=forms,
                           layouts={f.id: services.layout_for(f) for f in forms},
                           stored={f.id for f in forms if services.stored_layout(f) is not None},
                           may_edit=current_user.has_role(*EDITORS))


def _register_demo() -> None:
    from ..demo import DEMO_EXTENSIONS
    from .demo import seed_certificates_demo

    if seed_certificates_demo not in DEMO_EXTENSIONS:
        DEMO_EXTENSIONS.append(seed_certificates_demo)


_register_demo()
