"""Security headers on every kind of response: pages, redirects, errors, static files."""

from __future__ import annotations

import re

import pytest

from danvankheo.core.roles import Role


def _directives(csp: str) -> dict[str, str]:
    return {part.split()[0]: part.strip() for part in csp.split(";") if part.strip()}


RESPONSES = {
    "page": ("GET", "/dang-nhap"),
    "redirect": ("GET", "/"),
    "not found": ("GET", "/khong-ton-tai"),
    "method not allowed": ("GET", "/dang-xuat"),
    "static file": ("GET", "/static/js/app.js"),
    "form post": ("POST", "/dang-nhap"),
}


@pytest.fixture(params=sorted(RESPONSES))
def response(request, client):
    method, path = RESPONSES[request.param]
    return client.open(path, method=method)


def test_csp_allows_no_inline_script_and_no_framing(response):
    directives = _directives(response.headers["Content-Security-Policy"])
    assert directives["script-src"] == "script-src 'self'"
    assert directives["default-src"] == "default-src 'self'"
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert directives["object-src"] == "object-src 'none'"
    assert directives["base-uri"] == "base-uri 'self'"
    assert directives["form-action"] == "form-action 'self'"
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "*" not in csp


def test_frames_and_sniffing_are_refused(response):
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_referrer_stays_on_the_site(response):
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_hsts_unless_configured(response):
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_when_enabled(app, client):
    app.config["HSTS_ENABLED"] = True
    for method, path in RESPONSES.values():
        hsts = client.open(path, method=method).headers["Strict-Transport-Security"]
        max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))
        assert max_age >= 180 * 24 * 3600
        assert "includeSubDomains" in hsts


def test_session_cookie_is_secure_when_configured(make_app, make_user):
    user = make_user(Role.STAFF)
    app = make_app(SESSION_COOKIE_SECURE=True)
    response = app.test_client().post(
        "/dang-nhap", data={"login": user.login, "password": "MatKhauThu123"}, base_url="https://localhost"
    )
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_logged_in_pages_carry_the_headers_too(client, login_as):
    login_as(Role.ADMIN)
    response = client.get("/trang-chu")
    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_production_refuses_to_start_without_a_secure_cookie(make_app, caplog):
    with pytest.raises(RuntimeError, match="SESSION_COOKIE_SECURE"):
        make_app(APP_ENV="production", SESSION_COOKIE_SECURE=False)
    # Unless the operator says the site is plain-HTTP only; the log says so.
    with caplog.at_level("WARNING", logger="danvankheo"):
        app = make_app(APP_ENV="production", SESSION_COOKIE_SECURE=False, PLAIN_HTTP_ONLY=True)
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert any("PLAIN_HTTP_ONLY" in r.getMessage() for r in caplog.records)
    app = make_app(APP_ENV="production", SESSION_COOKIE_SECURE=True)
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


LOGGED_IN_PAGES = ["/trang-chu", "/mo-hinh/", "/thong-bao/", "/khong-ton-tai", "/nhat-ky"]


@pytest.mark.parametrize("path", LOGGED_IN_PAGES)
def test_logged_in_responses_are_never_stored(client, login_as, path):
    login_as(Role.SECRETARIAT)
    response = client.get(path)
    assert response.headers["Cache-Control"] == "no-store", (path, response.status_code)


def test_anonymous_pages_and_static_files_may_be_cached(client, login_as):
    assert "no-store" not in client.get("/dang-nhap").headers.get("Cache-Control", "")
    login_as(Role.STAFF)
    assert "no-store" not in client.get("/static/js/app.js").headers.get("Cache-Control", "")
    assert client.get("/trang-chu").headers["Cache-Control"] == "no-store"
