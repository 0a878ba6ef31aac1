"""The proposal's dossier: the council meeting screen, the Word and PDF documents and the
whole dossier as a zip. Registered on the awards blueprint (see routes.py)."""

from __future__ import annotations

import io
import tempfile

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from ..audit.services import record
from ..core.errors import saving
from ..core.permissions import get_or_404, roles_required
from ..core.roles import Role
from ..core.timeutil import local_today
from ..evidence.storage import get_storage
from ..exports import documents as list_documents
from ..exports import queries as list_queries
from ..exports.pdf import PdfUnavailable, convert_to_pdf, unavailable_reason
from ..exports.xlsx import content_disposition, workbook_bytes
from . import documents, dossier, meetings
from .forms import meeting_form_for, show_refusals
from .models import Proposal, ProposalLine, default_pass_votes
from .routes import READERS, _may_act, bp, load_proposal

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _settings(proposal: Proposal) -> documents.Settings:
    """The names of the organiser whose round the proposal comes from."""
    return documents.Settings.for_proposal(proposal, current_app.config)


def dossier_panel(proposal: Proposal) -> dict:
    """What the proposal page shows about its documents."""
    return {
        "kinds": list(documents.PROPOSAL_DOCUMENTS.values()),
        "missing": documents.missing_for_documents(proposal, _settings(proposal)),
        "pdf_unavailable": unavailable_reason(current_app.config),
        "may_record_meeting": _may_act(proposal) and proposal.state.value != "approved",
    }


# --- Council meeting ---------------------------------------------------------------------------


@bp.route("/de-nghi/<int:proposal_id>/hop-hoi-dong", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def meeting(proposal_id: int):
    proposal = load_proposal(proposal_id)
    if not _may_act(proposal):
        abort(403)
    lines = [*proposal.collective_lines, *proposal.individual_lines]
    existing = proposal.meeting
    form = meeting_form_for(lines, obj=existing) if request.method == "GET" else meeting_form_for(lines)
    if request.method == "GET" and existing is not None:
        for line_id, field in form.vote_fields():
            vote = next((v for v in existing.votes if v.line_id == line_id), None)
            field.data = vote.votes_for if vote else None
    ballot = proposal.ballot
    if ballot is not None:  # the ballot's figures, whatever was typed or sent
        form.members_total.data, form.pass_votes.data = ballot.members_total, ballot.pass_votes
    status = 200
    if form.validate_on_submit():
        data = form.meeting_data()
        errors = meetings.check_meeting(proposal, data)
        show_refusals(form, errors)
        if not errors:
            with saving() as saved:
                meetings.record_meeting(proposal, data, actor=current_user)
            if saved:
                flash("Đã lưu biên bản họp Hội đồng và kết quả bỏ phiếu.", "success")
                return redirect(url_for("awards.detail", proposal_id=proposal.id), 303)
        status = 400
    elif request.method == "POST":
        status = 400
    total = form.members_total.data
    return render_template(
        "awards/meeting.html", proposal=proposal, form=form, lines=lines,
        closed_on=meetings.round_closed_on(proposal),
        default_pass=default_pass_votes(total) if isinstance(total, int) and total > 0 else None,
        editable=proposal.state.value != "approved", ballot=ballot,
    ), status


# --- Documents ---------------------------------------------------------------------------------


def _send(data: bytes, filename: str, mimetype: str, *, proposal: Proposal, label: str):
    with saving():
        record("export.document", proposal, label=f"{label}: {proposal.title}",
               changes={"filename": [None, filename]})
    response = send_file(io.BytesIO(data), mimetype=mimetype, max_age=0, conditional=False, etag=False)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _pdf_or_back(proposal: Proposal, name: str, data: bytes, label: str):
    try:
        pdf = convert_to_pdf({name: data}, current_app.config)[name]
    except PdfUnavailable as error:
        flash(f"Chưa tạo được bản PDF: {error}", "warning")
        return redirect(url_for("awards.detail", proposal_id=proposal.id), 303)
    return _send(pdf, name.rsplit(".", 1)[0] + ".pdf", "application/pdf", proposal=proposal, label=label)


@bp.get("/de-nghi/<int:proposal_id>/van-ban/<slug>.<extension>")
@roles_required(*READERS)
def document(proposal_id: int, slug: str, extension: str):
    proposal = load_proposal(proposal_id)
    if extension not in ("docx", "pdf"):
        abort(404)
    if slug == "danh-sach":  # the Excel list (exports.proposal) as PDF
        if extension != "pdf":
            abort(404)
        ctx = list_documents.DocumentContext.from_organiser(proposal.round.organiser, current_app.config,
                                                            local_today())
        data = workbook_bytes(list_documents.proposal_sheets(ctx, list_queries.proposal_list(proposal)))
        name = f"Danh sách đề nghị khen thưởng {proposal.round.year} - {proposal.id}.xlsx"
        return _pdf_or_back(proposal, name, data, "Danh sách đề nghị khen thưởng (PDF)")
    kind = documents.PROPOSAL_DOCUMENTS.get(slug)
    if kind is None:
        abort(404)
    data = documents.proposal_document(proposal, slug, _settings(proposal))
    name = documents.document_filename(proposal, slug, "docx")
    if extension == "pdf":
        return _pdf_or_back(proposal, name, data, f"{kind.label} (PDF)")
    return _send(data, name, DOCX_MIMETYPE, proposal=proposal, label=kind.label)


@bp.get("/de-nghi/<int:proposal_id>/bao-cao-thanh-tich/<int:line_id>.<extension>")
@roles_required(*READERS)
def report(proposal_id: int, line_id: int, extension: str):
    proposal = load_proposal(proposal_id)
    line = get_or_404(ProposalLine, line_id)
    if line.proposal_id != proposal.id or extension not in ("docx", "pdf"):
        abort(404)
    data = documents.report_document(line, _settings(proposal))
    name = documents.report_filename(line, "docx")
    label = f"Báo cáo thành tích của {line.recipient_name}"
    if extension == "pdf":
        return _pdf_or_back(proposal, name, data, label + " (PDF)")
    return _send(data, name, DOCX_MIMETYPE, proposal=proposal, label=label)


@bp.get("/de-nghi/<int:proposal_id>/ho-so.zip")
@roles_required(*READERS)
def dossier_zip(proposal_id: int):
    """Tải toàn bộ hồ sơ: streamed into a temporary file, never held in memory whole; a large
    dossier (many lines or heavy evidence) is built by a background job instead."""
    proposal = load_proposal(proposal_id)
    if dossier.is_large(proposal, current_app.config):
        from ..jobs.runners import start_dossier

        return start_dossier(current_user, proposal, dossier.dossier_filename(proposal).removesuffix(".zip"))
    target = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response once sent
    try:
        entries = dossier.write_dossier(proposal, target, config=current_app.config, today=local_today(),
                                        storage=get_storage())
    except BaseException:
        target.close()
        raise
    target.seek(0)
    filename = dossier.dossier_filename(proposal)
    with saving():
        record("export.dossier", proposal, label=f"Hồ sơ đề nghị khen thưởng: {proposal.title}",
               changes={"filename": [None, filename], "files": [None, len(entries)]})
    response = send_file(target, mimetype="application/zip", max_age=0, conditional=False, etag=False)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response
