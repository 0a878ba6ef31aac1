"""Faults: a database outage answers a Vietnamese 503, an unexpected error a Vietnamese 500,
and the debugger can never be reached in the production configuration."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from config import PROJECT_ROOT
from danvankheo import create_app
from danvankheo.core.roles import Role
from tests.factories import PASSWORD

UNREACHABLE = {
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:1/absent?connect_timeout=2",
    "sqlite": "sqlite:////nonexistent-directory/for/tests/danvankheo.sqlite",
}
LEAKS = ("Traceback", "OperationalError", "psycopg", "sqlite3", "SELECT ", "File \"")


def _assert_vietnamese_error(response, code: int, title: str) -> None:
    assert response.status_code == code
    page = response.get_data(as_text=True)
    assert title in page
    for leak in LEAKS:
        assert leak not in page, f"{leak!r} leaked into the {code} page"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def _session_cookie(app, user) -> str:
    """A real session cookie from logging in to a healthy instance with the same secret."""
    client = app.test_client()
    response = client.post("/dang-nhap", data={"login": user.login, "password": PASSWORD})
    assert response.status_code == 302
    return client.get_cookie("session").value


@pytest.mark.parametrize("backend", sorted(UNREACHABLE))
@pytest.mark.parametrize("env", ["testing", "production"])
def test_database_outage_gives_the_vietnamese_503(make_app, make_user, backend, env):
    settings = {"APP_ENV": env, "WTF_CSRF_ENABLED": False}
    cookie = _session_cookie(make_app(**settings), make_user(Role.STAFF))
    app = make_app(APP_ENV=env, SQLALCHEMY_DATABASE_URI=UNREACHABLE[backend], LOG_REQUESTS=True,
                   PROPAGATE_TEST_ERRORS=False, WTF_CSRF_ENABLED=False)
    client = app.test_client()
    # The login form needs no database, so people still see a page they understand.
    assert client.get("/dang-nhap").status_code == 200
    _assert_vietnamese_error(
        client.post("/dang-nhap", data={"login": "ai.do", "password": "MatKhau12345"}),
        503, "Hệ thống tạm thời gián đoạn",
    )
    # A logged-in visitor: the very first step (loading the user) needs the database.
    client = app.test_client()
    client.set_cookie("session", cookie)
    _assert_vietnamese_error(client.get("/trang-chu"), 503, "Hệ thống tạm thời gián đoạn")


def test_unexpected_error_in_production_gives_the_vietnamese_500(make_app):
    app = make_app(APP_ENV="production")

    @app.get("/__boom")
    def boom():
        raise RuntimeError("secret internals: password=hunter2")

    response = app.test_client().get("/__boom")
    _assert_vietnamese_error(response, 500, "Lỗi hệ thống")
    assert "hunter2" not in response.get_data(as_text=True)


def test_production_never_runs_in_debug_mode(make_app, monkeypatch):
    app = make_app(APP_ENV="production")
    assert app.debug is False and app.config["PROPAGATE_EXCEPTIONS"] is False
    with pytest.raises(RuntimeError, match="DEBUG"):
        make_app(APP_ENV="production", DEBUG=True)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(RuntimeError, match="DEBUG"):
        make_app(APP_ENV="production")


def test_the_werkzeug_debugger_is_not_served(make_app):
    app = make_app(APP_ENV="production")

    @app.get("/__boom")
    def boom():
        raise RuntimeError("boom")

    client = app.test_client()
    for path in ("/?__debugger__=yes&cmd=resource&f=debugger.js", "/__boom?__debugger__=yes&cmd=printpin&s=x",
                 "/console"):
        page = client.get(path).get_data(as_text=True)
        assert "Werkzeug" not in page and "debugger" not in page.lower() and "console" not in page.lower()


def test_flask_run_with_debug_refuses_to_start_in_production(tmp_path):
    """`flask run --debug` would wrap the app in the interactive debugger whatever DEBUG says."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "APP_ENV": "production",
        "SECRET_KEY": "s" * 48,
        "INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
    }
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    result = subprocess.run([*flask, "--debug", "run", "--port", "0"], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr + result.stdout


def test_default_app_env_is_not_production_debug(monkeypatch, tmp_path):
    """The factory in production config cannot be switched to debug by the environment."""
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("FLASK_DEBUG", "true")
    with pytest.raises(RuntimeError, match="DEBUG"):
        create_app({"APP_ENV": "production", "SECRET_KEY": "k" * 40})
