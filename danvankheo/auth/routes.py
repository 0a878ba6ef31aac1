from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.exceptions import RequestEntityTooLarge

from ..core.errors import saving
from ..core.web import ERROR_MESSAGES
from ..extensions import db, limiter
from . import services, throttle
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


TOO_LONG = f"Tên đăng nhập hoặc email dài quá {throttle.MAX_LOGIN_LENGTH} ký tự."


def _too_long_page(status: int = 200):
    form = LoginForm(formdata=None)
    form.login.errors = [TOO_LONG]
    return render_template("auth/login.html", form=form), status


def _throttled_page(seconds: int):
    title, _message = ERROR_MESSAGES[429]
    wait = f"{seconds} giây" if seconds < 60 else f"khoảng {-(-seconds // 60)} phút"
    response = render_template("errors/error.html", code=429, title=title,
                               message=f"Bạn đã đăng nhập sai quá nhiều lần. Vui lòng đợi {wait} rồi thử lại.")
    return response, 429, {"Retry-After": str(seconds)}


def _body_over_limit() -> bool:
    """The whole request is over MAX_CONTENT_LENGTH: the generic "too large" page answers."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    return limit is not None and (request.content_length or 0) > limit


@bp.errorhandler(RequestEntityTooLarge)
def _login_too_large(error):
    # A login form too big to parse (a megabyte "login"), maybe refused already by the CSRF
    # check that reads the form: the same validation message as any over-long login.
    if request.endpoint == "auth.login" and not _body_over_limit():
        return _too_long_page(413)
    from ..core.web import _render_error

    return _render_error(error)


@bp.route("/dang-nhap", methods=["GET", "POST"])
@limiter.exempt  # the login throttle (auth.throttle) counts failures itself
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    if request.method == "POST":
        # Before anything else: a login longer than any account never reaches the database
        # or the throttle (no counter is made from it).
        try:
            typed = request.form.get("login") or ""
        except RequestEntityTooLarge:
            if _body_over_limit():
                raise
            return _too_long_page(413)
        if len(typed) > throttle.MAX_LOGIN_LENGTH:
            return _too_long_page()
    form = LoginForm()
    if form.validate_on_submit():
        account = services.throttle_account(form.login.data)
        wait = throttle.retry_after(account)
        if wait is not None:
            return _throttled_page(wait)
        user = services.authenticate(form.login.data, form.password.data)
        if user is None:
            db.session.commit()  # keep the audit record of the failed attempt
            throttle.record_failure(account)  # only now: the answer is a real failure
            flash(LOGIN_FAILED, "danger")
            return render_template("auth/login.html", form=form)
        throttle.record_success(account)
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
        with saving(form, field="new_password") as saved:
            services.change_password(user, form.new_password.data)
        if saved:
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
