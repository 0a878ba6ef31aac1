"""Configuration, error pages, offline assets and the command line."""

import re

import pytest
from sqlalchemy import func, select

from danvankheo import create_app
from danvankheo.auth.models import User
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.units.models import Unit


def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"APP_ENV": "production", "SECRET_KEY": None})
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"APP_ENV": "production", "SECRET_KEY": "changeme"})
    app = create_app({"APP_ENV": "production", "SECRET_KEY": "x" * 40, "SESSION_COOKIE_SECURE": True})
    assert app.config["DEBUG"] is False


def test_default_database_is_sqlite_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"APP_ENV": "development", "SQLALCHEMY_DATABASE_URI": None})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'danvankheo.sqlite'}"
    assert app.config["UPLOAD_FOLDER"] == str(tmp_path / "evidence")
    assert len(app.config["SECRET_KEY"]) == 64  # generated, not a fixed default


def test_upload_settings_are_configurable(monkeypatch, tmp_path):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    app = create_app({"APP_ENV": "testing", "UPLOAD_FOLDER": str(tmp_path / "u"), "MAX_CONTENT_LENGTH": 1234})
    assert app.config["UPLOAD_FOLDER"] == str(tmp_path / "u")
    assert app.config["MAX_CONTENT_LENGTH"] == 1234


def test_an_unknown_evidence_storage_is_refused_at_start(monkeypatch, tmp_path):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="EVIDENCE_STORAGE='s3' is not a storage backend; known: filesystem"):
        create_app({"APP_ENV": "testing", "EVIDENCE_STORAGE": "s3"})


def test_vietnamese_404(client):
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.get_data(as_text=True)


def test_vietnamese_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 10
    response = client.post("/dang-nhap", data={"login": "x" * 100, "password": "y"})
    assert response.status_code == 413
    assert "Tệp quá lớn" in response.get_data(as_text=True)


def test_vietnamese_500_without_traceback(database_url):
    fresh = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url,
                        "PROPAGATE_TEST_ERRORS": False})

    @fresh.get("/__boom")
    def boom():
        raise RuntimeError("secret internals")

    response = fresh.test_client().get("/__boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Lỗi hệ thống" in page
    assert "secret internals" not in page and "Traceback" not in page


EXTERNAL = re.compile(r"""(?:src|href|action)\s*=\s*["']\s*(?:https?:)?//""", re.I)
CSS_EXTERNAL = re.compile(r"url\(\s*['\"]?(?:https?:)?//", re.I)


def assert_offline(page: str) -> None:
    assert not EXTERNAL.search(page), EXTERNAL.search(page).group(0)
    assert not CSS_EXTERNAL.search(page)
    assert "@import" not in page


@pytest.mark.parametrize("role", list(Role))
def test_pages_load_nothing_from_other_hosts(client, login_as, role):
    """Every GET route without parameters, for every role, references only this host."""
    login_as(role)
    app = client.application
    checked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or rule.endpoint.endswith("static"):
            continue
        response = client.get(rule.rule, follow_redirects=True)
        if response.mimetype == "text/html":
            assert_offline(response.get_data(as_text=True))
            checked += 1
    assert checked >= 2


def test_static_assets_are_served_by_the_app(client):
    assert client.get("/bootstrap/static/css/bootstrap.min.css").status_code == 200
    assert client.get("/bootstrap/static/js/bootstrap.min.js").status_code == 200
    assert client.get("/static/js/app.js").status_code == 200
    css = client.get("/bootstrap/static/css/bootstrap.min.css").get_data(as_text=True)
    assert not CSS_EXTERNAL.search(css)


def test_security_headers(client):
    response = client.get("/dang-nhap")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_no_inline_scripts_in_pages(client, login_as):
    login_as(Role.ADMIN)
    for path in ["/dang-nhap", "/trang-chu", "/quan-tri/don-vi", "/quan-tri/nguoi-dung"]:
        page = client.get(path).get_data(as_text=True)
        for tag in re.findall(r"<script[^>]*>", page):
            assert "src=" in tag, f"inline script on {path}"
        assert " style=" not in page
        assert not re.search(r"\son[a-z]+\s*=", page), path


def test_seed_demo_is_idempotent_and_prints_accounts(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    counts = (db.session.scalar(select(func.count()).select_from(Unit)),
              db.session.scalar(select(func.count()).select_from(User)))
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    assert "không thay đổi gì" in second.output
    assert (db.session.scalar(select(func.count()).select_from(Unit)),
            db.session.scalar(select(func.count()).select_from(User))) == counts
    for role in Role:
        assert role.label in first.output
    assert db.session.scalar(select(Unit).where(Unit.name == "Sở Tư pháp")) is not None
    roles = set()
    for user in db.session.scalars(select(User)):
        roles |= user.roles
    assert roles == set(Role)


def test_create_admin_is_idempotent(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "--login", "quantri", "--password", "BaoMatSo2026xyz"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["create-admin", "--login", "quantri", "--password", "BaoMatSo2026xyz"])
    assert again.exit_code == 0
    assert "không thay đổi gì" in again.output
    users = list(db.session.scalars(select(User).where(User.login == "quantri")))
    assert len(users) == 1 and users[0].roles == {Role.ADMIN}


def test_create_admin_enforces_password_policy(app):
    result = app.test_cli_runner().invoke(args=["create-admin", "--login", "qt", "--password", "123"])
    assert result.exit_code != 0
    assert "ít nhất 10 ký tự" in result.output


@pytest.mark.parametrize(("role", "present", "absent"), [
    (Role.STAFF, ["/thu-vien"], ["/mo-hinh/han-nop", "/quan-tri/don-vi"]),
    (Role.SECRETARIAT, ["/thu-vien", "/mo-hinh/han-nop"], ["/quan-tri/don-vi"]),
    (Role.ADMIN, ["/thu-vien", "/mo-hinh/han-nop", "/quan-tri/don-vi"], []),
])
def test_menu_links_by_role(client, login_as, role, present, absent):
    login_as(role)
    page = client.get("/trang-chu").get_data(as_text=True)
    menu = page.split('data-testid="main-menu"', 1)[1].split('<ul class="navbar-nav">', 1)[0]
    for path in present:
        assert f'href="{path}"' in menu, path
    for path in absent:
        assert f'href="{path}"' not in menu, path
