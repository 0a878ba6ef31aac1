"""Request-level wiring: template helpers, error pages, headers.

Core knows no feature: the login loader is registered by `auth`, the acting organiser by
`organisers`, the unread count by `notifications`, each in its own `init_app`."""

from __future__ import annotations

import logging
import time
import uuid

from flask import Flask, g, render_template, request
from flask_login import current_user
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from ..extensions import db, login_manager
from . import formatting, timeutil
from .formatting import format_number
from .nav import nav_for

log = logging.getLogger("danvankheo.request")

ERROR_MESSAGES = {
    400: ("Yêu cầu không hợp lệ", "Yêu cầu gửi lên không hợp lệ. Vui lòng tải lại trang và thử lại."),
    403: ("Không có quyền truy cập", "Tài khoản của bạn không có quyền xem hoặc thực hiện thao tác này."),
    404: ("Không tìm thấy", "Trang hoặc hồ sơ bạn tìm không tồn tại hoặc đã bị xóa."),
    405: ("Thao tác không được phép", "Thao tác này không được phép trên địa chỉ này."),
    413: (
        "Tệp quá lớn",
        "Dữ liệu gửi lên vượt quá dung lượng cho phép. Vui lòng chọn tệp nhỏ hơn.",
    ),
    429: ("Quá nhiều yêu cầu", "Bạn đã thử quá nhiều lần. Vui lòng đợi một lát rồi thử lại."),
    500: ("Lỗi hệ thống", "Đã có lỗi xảy ra. Thao tác chưa được lưu. Vui lòng thử lại sau."),
    503: (
        "Hệ thống tạm thời gián đoạn",
        "Không kết nối được cơ sở dữ liệu. Vui lòng thử lại sau ít phút.",
    ),
}


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"

    app.jinja_env.filters["vn_date"] = timeutil.format_date
    app.jinja_env.filters["vn_datetime"] = timeutil.format_datetime
    app.jinja_env.filters["vnd"] = format_number
    app.jinja_env.filters["num"] = format_number
    formatting.register_filters(app)

    @app.context_processor
    def inject_globals():
        return {
            "nav_items": nav_for(current_user),
            "parent_body_name": app.config["PARENT_BODY_NAME"],
            "issuing_body_name": app.config["ISSUING_BODY_NAME"],
            "printed_on": timeutil.local_today(),
            "view_endpoints": app.view_functions,
            # Filled in by the features that own them (organisers, notifications), which
            # register their own context processors after this one.
            "acting_organiser": None,
            "organiser_choices": [],
            "secretariat_name": app.config["SECRETARIAT_NAME"],
            "unread_notifications": 0,
        }

    for code in ERROR_MESSAGES:
        app.register_error_handler(code, _render_error)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(Exception, _unexpected_error)

    def start_request():
        # Each request authenticates from its own cookie. In production every request has its
        # own `g`; under a test that holds an application context open, `g` outlives requests
        # and Flask-Login would otherwise keep serving the previous request's user.
        g.pop("_login_user", None)
        g.request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex[:16]
        g.request_started = time.perf_counter()

    # First of all before_request functions: the CSRF check (registered earlier) may end the
    # request, and its error page must already see this request's user and id.
    app.before_request_funcs.setdefault(None, []).insert(0, start_request)

    @app.after_request
    def finish_request(response):
        _security_headers(app, response)
        response.headers["X-Request-Id"] = g.get("request_id", "")
        if app.config.get("LOG_REQUESTS"):
            log.info(
                "request",
                extra={
                    "request_id": g.get("request_id"),
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000, 1),
                    "user_id": _user_id_for_log(),
                },
            )
        return response

    @app.teardown_request
    def rollback_on_error(exc):
        if exc is not None:
            db.session.rollback()


def _user_id_for_log() -> str | None:
    # Never let logging turn an answered request into a failure: during a database outage
    # loading the user here would raise again and replace the 503 page with a 500.
    try:
        return current_user.get_id() if current_user.is_authenticated else None
    except SQLAlchemyError:
        db.session.rollback()
        return None


def _security_headers(app: Flask, response) -> None:
    headers = response.headers
    headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'",
    )
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    if app.config.get("HSTS_ENABLED"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    # A logged-in page must not stay in a shared office computer's browser cache (or any
    # proxy's): whatever the view said, it is not stored. Static files are not personal.
    if _logged_in() and request.endpoint not in ("static", "bootstrap.static"):
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
        headers.pop("Expires", None)


def _logged_in() -> bool:
    try:
        return bool(current_user.is_authenticated)
    except SQLAlchemyError:
        db.session.rollback()
        return False


def _render_error(error: HTTPException):
    code = error.code or 500
    title, message = ERROR_MESSAGES.get(code, ERROR_MESSAGES[500])
    description = getattr(error, "description", None)
    # Our own aborts may carry a Vietnamese reason; Werkzeug's English defaults are replaced.
    if isinstance(description, str) and getattr(error, "vi", False):
        message = description
    return render_template("errors/error.html", code=code, title=title, message=message), code


def _database_unavailable(error: Exception):
    db.session.rollback()
    log.error("database unavailable: %s", error)
    title, message = ERROR_MESSAGES[503]
    try:
        body = render_template("errors/error.html", code=503, title=title, message=message)
    except Exception:  # the page itself may need the database (menu, counters)
        body = f"<!doctype html><meta charset=utf-8><title>{title}</title><h1>{title}</h1><p>{message}</p>"
    return body, 503


def _unexpected_error(error: Exception):
    if isinstance(error, HTTPException):
        return _render_error(error)
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return _database_unavailable(error)
    db.session.rollback()
    log.exception("unhandled error", exc_info=error)
    from flask import current_app

    if current_app.config.get("TESTING") and current_app.config.get("PROPAGATE_TEST_ERRORS", True):
        raise error
    title, message = ERROR_MESSAGES[500]
    return render_template("errors/error.html", code=500, title=title, message=message), 500
