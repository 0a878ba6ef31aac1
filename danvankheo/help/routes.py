"""/huong-dan: the role guides, and the screenshots they show."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, send_from_directory, url_for
from flask_login import current_user, login_required

from .guides import GUIDES, SCREENSHOT_DIR, guide_for, help_link, render_guide

bp = Blueprint("help", __name__, url_prefix="/huong-dan")


@bp.get("/")
@login_required
def index():
    guide = guide_for(current_user.roles)
    if guide is None:
        abort(404)
    return redirect(url_for("help.guide", slug=guide.slug))


@bp.get("/<slug>")
@login_required
def guide(slug: str):
    if slug not in GUIDES:
        abort(404)
    body, toc = render_guide(slug)
    return render_template("help/guide.html", guide=GUIDES[slug], body=body, toc=toc, guides=GUIDES.values())


@bp.get("/anh/<name>")
@login_required
def screenshot(name: str):
    if not name.endswith(".png"):
        abort(404)
    return send_from_directory(SCREENSHOT_DIR, name, max_age=3600)


@bp.app_context_processor
def page_help():
    """`help_url`: the section of the reader's guide that explains the page being shown."""
    if not current_user.is_authenticated:
        return {"help_url": None}
    link = help_link(request.endpoint, current_user.roles)
    if link is None:
        return {"help_url": None}
    slug, anchor = link
    return {"help_url": url_for("help.guide", slug=slug) + (f"#{anchor}" if anchor else "")}
