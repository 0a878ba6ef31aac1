from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, abort, current_app, flash, redirect, request, send_file, url_for
from flask_login import current_user, login_required

from ..core.errors import saving
from ..core.permissions import get_or_404, load_for, refuse
from ..core.text import ascii_filename
from ..registry import permissions as registry_permissions
from ..registry.models import Initiative
from . import permissions, services
from .filetypes import FILE_TYPES
from .models import Evidence
from .storage import get_storage

bp = Blueprint("evidence", __name__, url_prefix="/minh-chung")

READ_ONLY = "Mô hình đã nộp nên minh chứng chỉ xem được, không thay đổi được, trừ khi được trả lại để bổ sung."
# Files are shown by the browser's own viewers; they may never run script in our origin.
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"


@bp.app_context_processor
def evidence_helpers():
    return {
        "can_publish_evidence": permissions.can_publish,
        "evidence_accept": ",".join(
            ext for code in current_app.config["EVIDENCE_ALLOWED_TYPES"] for ext in FILE_TYPES[code].extensions
            if code in FILE_TYPES
        ),
        "evidence_max_mb": current_app.config["EVIDENCE_MAX_BYTES"] // (1024 * 1024),
    }


def _back(initiative_id: int):
    return redirect(url_for("registry.detail", initiative_id=initiative_id, _anchor="minh-chung"), 303)


def _editable_initiative(initiative_id: int) -> Initiative:
    initiative = load_for(
        Initiative, initiative_id, lambda i: registry_permissions.can_view(current_user, i)
    )
    if not permissions.can_change(current_user, initiative):
        refuse(403, READ_ONLY if registry_permissions.is_own_unit(current_user, initiative)
               else "Chỉ cán bộ của đơn vị sở hữu mô hình mới thay đổi được minh chứng.")
    return initiative


@bp.post("/mo-hinh/<int:initiative_id>")
@login_required
def upload(initiative_id: int):
    initiative = _editable_initiative(initiative_id)
    files = [f for f in request.files.getlist("files") if f and (f.filename or f.content_length)]
    if not files:
        flash("Chưa chọn tệp nào để tải lên.", "warning")
        return _back(initiative_id)
    is_public = request.form.get("is_public") == "1"
    # A file too large refuses the whole upload with 413; other refusals are listed.
    with saving() as done:
        saved, refused = services.attach_all(initiative, [(f.stream, f.filename) for f in files],
                                             actor=current_user, is_public=is_public)
    if done.stale:
        flash(services.ATTACHED_MEANWHILE, "danger")
    if not done:
        return _back(initiative_id)
    if saved:
        flash(f"Đã tải lên {len(saved)} tệp minh chứng: " + ", ".join(f"“{e.original_name}”" for e in saved) + ".",
              "success")
    for message in refused:
        flash("Không nhận tệp " + message, "danger")
    return _back(initiative_id)


def _downloadable(evidence_id: int) -> Evidence:
    evidence = get_or_404(Evidence, evidence_id)
    if not permissions.can_download(current_user, evidence):
        if not current_user.is_authenticated:
            abort(current_app.login_manager.unauthorized())
        abort(404)  # alike for "no such file" and "not yours"
    return evidence


def _send(key: str, mimetype: str, *, name: str, attachment: bool, sandbox: bool):
    storage = get_storage()
    if not storage.exists(key):
        refuse(404, "Tệp minh chứng không còn trên máy chủ. Vui lòng báo cho quản trị hệ thống.")
    response = send_file(
        storage.open(key), mimetype=mimetype, as_attachment=attachment, download_name=name, max_age=0
    )
    # Werkzeug's own ASCII fallback drops "đ" (NFKD has no decomposition for it): "Đoàn" would
    # arrive as "oan" in a browser that ignores filename*.
    response.headers["Content-Disposition"] = (
        f'{"attachment" if attachment else "inline"}; filename="{ascii_filename(name)}"; '
        f"filename*=UTF-8''{quote(name, safe='!#$&+^`|~')}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_CSP + ("; sandbox" if sandbox else "")
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def send_stored_file(key: str, mimetype: str, *, name: str, attachment: bool | None = None):
    """Send another feature's stored file (a supervision opinion's, the scan of a decision) with
    evidence's safeguards. Unless told, PDFs and images open in the browser, as evidence does."""
    if attachment is None:
        attachment = not any(t.inline for t in FILE_TYPES.values() if t.mimetype == mimetype)
    return _send(key, mimetype, name=name, attachment=attachment, sandbox=mimetype != FILE_TYPES["pdf"].mimetype)


@bp.get("/<int:evidence_id>")
def download(evidence_id: int):
    """Images and PDFs open in the browser; `?tai=1` or any other type downloads."""
    evidence = _downloadable(evidence_id)
    attachment = request.args.get("tai") == "1" or not evidence.opens_inline
    return _send(evidence.storage_key, evidence.content_type, name=evidence.original_name,
                 attachment=attachment, sandbox=evidence.content_type != FILE_TYPES["pdf"].mimetype)


@bp.get("/<int:evidence_id>/anh-nho")
def thumbnail(evidence_id: int):
    evidence = _downloadable(evidence_id)
    if not evidence.thumbnail_key:
        abort(404)
    stem = evidence.original_name.rsplit(".", 1)[0]
    return _send(evidence.thumbnail_key, "image/jpeg", name=f"{stem}-anh-nho.jpg", attachment=False, sandbox=True)


@bp.post("/<int:evidence_id>/xoa")
@login_required
def delete(evidence_id: int):
    evidence = get_or_404(Evidence, evidence_id)
    initiative = _editable_initiative(evidence.initiative_id)
    name = evidence.original_name
    with saving() as done:
        services.remove(evidence, actor=current_user)
    if done:
        flash(f"Đã xóa tệp “{name}”.", "success")
    return _back(initiative.id)


@bp.post("/<int:evidence_id>/cong-khai")
@login_required
def publish(evidence_id: int):
    evidence = get_or_404(Evidence, evidence_id)
    if not registry_permissions.can_view(current_user, evidence.initiative):
        abort(404)
    if not permissions.can_publish(current_user, evidence):
        refuse(403, "Bạn không có quyền thay đổi chế độ công khai của tệp này.")
    public = request.form.get("is_public") == "1"
    with saving() as done:
        services.set_public(evidence, public, actor=current_user)
    if done:
        flash(f"Tệp “{evidence.original_name}” {'được' if public else 'không còn được'} công khai trên thư viện "
              "mô hình.", "success")
    return _back(evidence.initiative_id)
