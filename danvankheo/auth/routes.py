from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db, limiter
from . import services
from .forms import ChangePasswordForm, LoginForm

bp = Blueprint("auth", __name__)

# What a user who must change their password (a new account, or one an admin reset) may
# still reach: the form itself, logging out, and the files those pages need.
_BEFORE_PASSWORD_CHANGE = {"auth.change_password", "auth.logout", "static", "bootstrap.static", "ops.healthz"}


@bp.before_app_request
def require_password_change():
    if request.endpoint in _BEFORE_PASSWORD_CHANGE or not current_user.is_authenticated:
        return None
    if current_user.must_change_password:
        flash("Vui lòng đổi mật khẩu trước khi tiếp tục.", "warning")
        return redirect(url_for("auth.change_password"), 303)
    return None

LOGIN_FAILED = "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa."


def _login_key() -> str:
    return "login-account:" + (request.form.get("login") or "").strip().lower()


def _failed(response) -> bool:
    return request.method == "POST" and response.status_code != 302


@bp.route("/dang-nhap", methods=["GET", "POST"])
@limiter.limit("20 per 5 minutes", methods=["POST"], deduct_when=_failed)
@limiter.limit("5 per 5 minutes", key_func=_login_key, methods=["POST"], deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.login.data, form.password.data)
        if user is None:
            db.session.commit()  # keep the audit record of the failed attempt
            flash(LOGIN_FAILED, "danger")
            return render_template("auth/login.html", form=form)
        next_url = request.args.get("next", "")
        # A fresh session at login: nothing from before the login survives (no fixation).
        session.clear()
        login_user(user)
        db.session.commit()
        if user.must_change_password:
            flash("Vui lòng đổi mật khẩu trước khi tiếp tục.", "warning")
            return redirect(url_for("auth.change_password"))
        return redirect(_safe_next(next_url) or url_for("home.index"))
    return render_template("auth/login.html", form=form)


@bp.post("/dang-xuat")
@login_required
def logout():
    logout_user()
    session.clear()
    flash("Bạn đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/doi-mat-khau", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm(current_user)
    if form.validate_on_submit():
        user = current_user._get_current_object()
        services.change_password(user, form.new_password.data)
        db.session.commit()
        login_user(user)  # the login token changed with the password
        flash("Đã đổi mật khẩu.", "success")
        return redirect(url_for("home.index"))
    return render_template("auth/change_password.html", form=form)


def _safe_next(target: str) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
