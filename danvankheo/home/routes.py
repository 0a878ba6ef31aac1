from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ..auth.models import User
from ..core.roles import Role
from ..extensions import db
from ..units.models import Unit
from .panels import panels_for, register_panel

bp = Blueprint("home", __name__)


@bp.get("/")
def root():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    return redirect(url_for("auth.login"))


@bp.get("/trang-chu")
@login_required
def index():
    return render_template("home/index.html", panels=panels_for(current_user))


def _admin_panel(user) -> dict:
    return {
        "unit_count": db.session.scalar(select(func.count()).where(Unit.is_active.is_(True))),
        "user_count": db.session.scalar(select(func.count()).where(User.is_active.is_(True))),
    }


def _profile_panel(user) -> dict:
    return {"user": user}


register_panel("profile", set(Role), "home/_profile.html", _profile_panel, order=1000)
register_panel("admin", {Role.ADMIN}, "home/_admin.html", _admin_panel, order=900)
