"""The user's own notifications: list, open, mark read."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..core.errors import saving
from ..core.paging import AFTER, BEFORE, SortKey, keyset_page
from ..core.permissions import get_or_404
from . import services
from .models import Notification

bp = Blueprint("notifications", __name__, url_prefix="/thong-bao")

# Newest first; the id breaks ties between notifications of the same instant. Paged by key.
NEWEST_FIRST = (SortKey(Notification.created_at, descending=True), SortKey(Notification.id, descending=True))


def _own(notification_id: int) -> Notification:
    note = get_or_404(Notification, notification_id)
    if note.user_id != current_user.id:
        abort(404)  # someone else's: the same answer as a missing one
    return note


@bp.get("")
@login_required
def index():
    unread_only = request.args.get("chua_doc") == "1"
    query = select(Notification).where(Notification.user_id == current_user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    page = keyset_page(query, NEWEST_FIRST, per_page=current_app.config["PAGE_SIZE"],
                       after=request.args.get(AFTER), before=request.args.get(BEFORE))
    return render_template(
        "notifications/index.html",
        page=page,
        unread_only=unread_only,
        unread=services.unread_count(current_user),
    )


def _read(notification_id: int) -> Notification:
    """The user's own notification, marked read."""
    note = _own(notification_id)
    with saving():
        services.mark_read(current_user, [note.id])
    return note


@bp.post("/<int:notification_id>/mo")
@login_required
def open_(notification_id: int):
    """Mark read and go to what the notification is about."""
    note = _read(notification_id)
    return redirect(_internal(note.link) or url_for("notifications.index"))


@bp.post("/<int:notification_id>/da-doc")
@login_required
def mark_read(notification_id: int):
    _read(notification_id)
    return redirect(url_for("notifications.index", **_kept_args()))


@bp.post("/da-doc-tat-ca")
@login_required
def mark_all_read():
    with saving():
        count = services.mark_read(current_user)
    flash(f"Đã đánh dấu {count} thông báo là đã đọc." if count else "Không còn thông báo chưa đọc.", "success")
    return redirect(url_for("notifications.index"))


def _kept_args() -> dict:
    return {"chua_doc": "1"} if request.form.get("chua_doc") == "1" else {}


def _internal(link: str | None) -> str | None:
    if not link:
        return None
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not link.startswith("/") or link.startswith("//"):
        return None
    return link
