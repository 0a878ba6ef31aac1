"""Login protection: throttling per account and per address (shared through Redis across
processes), a fresh session at login, the password policy everywhere, security headers."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import select

from config import PROJECT_ROOT
from danvankheo.auth import services as accounts
from danvankheo.auth import throttle
from danvankheo.auth.models import User
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from tests.factories import PASSWORD

TOO_MANY = "Quá nhiều yêu cầu"


def _fail_login(client, login: str, *, address: str = "10.0.0.1"):
    return client.post(
        "/dang-nhap",
        data={"login": login, "password": "SaiMatKhau999"},
        environ_base={"REMOTE_ADDR": address},
    )


# --- Throttling -------------------------------------------------------------------------


@pytest.fixture
def throttled(make_app):
    """An app with the login throttle on, counting in this process (cleared before and after)."""
    throttle.MEMORY.clear()
    yield make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    throttle.MEMORY.clear()


def test_five_failures_lock_the_account_for_that_address_only(throttled, make_user):
    user = make_user(Role.ADMIN, login="quan.tri", email="quantri@snv.vn")
    client = throttled.test_client()
    for _ in range(5):
        assert _fail_login(client, "quan.tri", address="10.0.1.1").status_code == 200
    blocked = _fail_login(client, " QUAN.TRI ", address="10.0.1.1")  # case and spaces do not matter
    assert blocked.status_code == 429
    page = blocked.get_data(as_text=True)
    assert TOO_MANY in page and "Vui lòng đợi" in page and 'lang="vi"' in page
    # The e-mail alias is the same account: no second allowance.
    assert _fail_login(client, "QuanTri@snv.vn", address="10.0.1.1").status_code == 429
    # The real admin, from their own machine, still logs in.
    response = throttled.test_client().post("/dang-nhap", data={"login": user.login, "password": PASSWORD},
                                            environ_base={"REMOTE_ADDR": "10.0.9.9"})
    assert response.status_code == 302


def test_an_account_hammered_from_many_addresses_backs_off_but_not_for_its_owner(throttled, make_user):
    user = make_user(Role.ADMIN)
    owner = throttled.test_client()
    assert owner.post("/dang-nhap", data={"login": user.login, "password": PASSWORD},
                      environ_base={"REMOTE_ADDR": "10.0.8.1"}).status_code == 302
    attacker = throttled.test_client()
    for i in range(throttle.ACCOUNT_SOFT_LIMIT):
        assert _fail_login(attacker, user.login, address=f"10.0.7.{i}").status_code == 200
    # The account now backs off everywhere: a fresh address must wait.
    assert _fail_login(attacker, user.login, address="10.0.7.200").status_code == 429
    # Except where the owner has logged in before.
    response = throttled.test_client().post("/dang-nhap", data={"login": user.login, "password": PASSWORD},
                                            environ_base={"REMOTE_ADDR": "10.0.8.1"})
    assert response.status_code == 302


def test_twenty_failures_lock_the_address_for_every_account(throttled):
    client = throttled.test_client()
    for attempt in range(20):
        assert _fail_login(client, f"doan.mo{attempt}", address="10.0.2.1").status_code == 200
    assert _fail_login(client, "tai.khoan.moi", address="10.0.2.1").status_code == 429
    assert _fail_login(client, "tai.khoan.moi", address="10.0.2.2").status_code == 200


def test_throttled_attempts_create_nothing(throttled):
    client = throttled.test_client()
    for _ in range(5):
        _fail_login(client, "bi.khoa", address="10.0.4.1")
    before = sorted(throttle.MEMORY.live_keys())
    for _ in range(30):
        assert _fail_login(client, "bi.khoa", address="10.0.4.1").status_code == 429
    assert sorted(throttle.MEMORY.live_keys()) == before
    assert _fail_login(client, "ten.moi", address="10.0.4.1").status_code == 200  # other accounts: own count


@pytest.mark.parametrize("size", [255, 1024 * 1024])
def test_an_overlong_login_is_refused_at_once_and_creates_no_key(throttled, size):
    import time

    client = throttled.test_client()
    client.get("/dang-nhap")  # the first request of a new app compiles templates: not what is measured
    started = time.perf_counter()
    response = client.post("/dang-nhap", data={"login": "a" * size, "password": "SaiMatKhau999"})
    elapsed = time.perf_counter() - started
    assert elapsed < 0.5, elapsed
    assert "dài quá 254 ký tự" in response.get_data(as_text=True)
    assert throttle.MEMORY.live_keys() == []


def test_an_overlong_login_creates_no_redis_key(make_app, redis_url, rate_limiting):
    import redis

    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=redis_url, RATELIMIT_KEY_PREFIX=rate_limiting)
    response = app.test_client().post("/dang-nhap", data={"login": "b" * (1024 * 1024), "password": "x1234567890"})
    assert "dài quá 254 ký tự" in response.get_data(as_text=True)
    assert list(redis.Redis.from_url(redis_url).scan_iter(f"{rate_limiting}*")) == []


def test_server_errors_are_not_counted_as_failures(throttled, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from danvankheo.auth import services as auth_services

    def outage(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("database down"))

    monkeypatch.setattr(auth_services, "authenticate", outage)
    client = throttled.test_client()
    for _ in range(8):
        assert _fail_login(client, "ai.do", address="10.0.5.1").status_code == 503
    assert not [k for k in throttle.MEMORY.live_keys() if ":pair:" in k]


def test_successful_logins_are_not_counted(throttled, make_user):
    user = make_user(Role.STAFF)
    app = throttled
    for _ in range(8):
        client = app.test_client()
        response = client.post("/dang-nhap", data={"login": user.login, "password": PASSWORD})
        assert response.status_code == 302


def test_the_login_page_itself_is_never_throttled(throttled):
    app = throttled
    client = app.test_client()
    for _ in range(6):
        _fail_login(client, "bi.khoa")
    assert client.get("/dang-nhap").status_code == 200


def test_redis_url_selects_redis_storage(make_app, redis_url):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=None, REDIS_URL=redis_url)
    assert app.config["RATELIMIT_STORAGE_URI"] == redis_url
    assert make_app(RATELIMIT_STORAGE_URI=None, REDIS_URL=None).config["RATELIMIT_STORAGE_URI"] == "memory://"


_OTHER_PROCESS = textwrap.dedent(
    """
    import sys
    from danvankheo import create_app

    url, database_url, prefix, login = sys.argv[1:5]
    app = create_app({
        "APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": None, "REDIS_URL": url or None, "RATELIMIT_KEY_PREFIX": prefix,
    })
    client = app.test_client()
    codes = [
        client.post("/dang-nhap", data={"login": login, "password": "SaiMatKhau999"},
                    environ_base={"REMOTE_ADDR": "10.0.3.1"}).status_code
        for i in range(5)
    ]
    print(",".join(map(str, codes)))
    """
)


def _failures_in_another_process(redis: str, database_url: str, prefix: str, login: str, tmp_path) -> str:
    result = subprocess.run(
        [sys.executable, "-c", _OTHER_PROCESS, redis, database_url, prefix, login],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "INSTANCE_PATH": str(tmp_path / "other"), "LOG_REQUESTS": "0"},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_the_limit_is_shared_by_two_processes_through_redis(make_app, redis_url, rate_limiting,
                                                            database_url, tmp_path):
    """Five failures in another process (another gunicorn worker) lock the account here too."""
    login = f"dung.chung.{rate_limiting}"
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=None, REDIS_URL=redis_url,
                   RATELIMIT_KEY_PREFIX=rate_limiting)
    assert _failures_in_another_process(redis_url, database_url, rate_limiting, login, tmp_path) == "200,200,200,200,200"
    response = _fail_login(app.test_client(), login, address="10.0.3.1")
    assert response.status_code == 429
    assert TOO_MANY in response.get_data(as_text=True)
    import redis

    connection = redis.Redis.from_url(redis_url)
    keys = list(connection.scan_iter(f"{rate_limiting}:login:*"))
    assert keys, "the counters live in Redis"
    connection.delete(*keys)


def test_without_redis_each_process_counts_alone(make_app, rate_limiting, database_url, tmp_path):
    """The control for the test above: memory storage does not share counters."""
    login = f"rieng.le.{rate_limiting}"
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                   RATELIMIT_KEY_PREFIX=rate_limiting)
    throttle.MEMORY.clear()
    assert _failures_in_another_process("", database_url, rate_limiting, login, tmp_path) == "200,200,200,200,200"
    assert _fail_login(app.test_client(), login, address="10.0.3.1").status_code == 200
    throttle.MEMORY.clear()


def test_a_redis_outage_falls_back_to_counting_in_the_process(make_app, make_user, caplog, monkeypatch):
    """Neither locked out nor open: the throttle counts in this process, logs it, /healthz shows it."""
    throttle.MEMORY.clear()
    monkeypatch.setattr(throttle, "STATE", throttle.ThrottleState())
    user = make_user(Role.STAFF)
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    client = app.test_client()
    with caplog.at_level("ERROR", logger="danvankheo.auth.throttle"):
        assert client.post("/dang-nhap", data={"login": user.login, "password": PASSWORD}).status_code == 302
        client = app.test_client()
        for _ in range(5):
            assert _fail_login(client, "ai.do", address="10.0.6.1").status_code == 200
        assert _fail_login(client, "ai.do", address="10.0.6.1").status_code == 429
    assert any("Redis unreachable" in r.getMessage() for r in caplog.records)
    health = app.test_client().get("/healthz")
    assert health.status_code == 200
    body = health.get_json()
    assert body["status"] == "degraded"
    assert body["checks"]["login_throttle"]["ok"] is False
    assert body["checks"]["login_throttle"]["store"] == "memory (fallback)"
    throttle.MEMORY.clear()


# --- Session renewal --------------------------------------------------------------------


def test_login_starts_a_new_session(client, make_user):
    """Nothing planted in the session before login survives it, and the cookie changes."""
    user = make_user(Role.STAFF)
    client.get("/dang-nhap")
    with client.session_transaction() as session:
        session["planted_by_attacker"] = "x"
        session["_id"] = "attacker-chosen-id"
    before = client.get_cookie("session").value
    response = client.post("/dang-nhap", data={"login": user.login, "password": PASSWORD})
    assert response.status_code == 302
    after = client.get_cookie("session").value
    assert after != before
    with client.session_transaction() as session:
        assert "planted_by_attacker" not in session
        assert session.get("_id") != "attacker-chosen-id"
        assert session["_user_id"] == user.get_id()


def test_logout_clears_the_session(client, login_as):
    login_as(Role.STAFF)
    with client.session_transaction() as session:
        session["left_over"] = "x"
    client.post("/dang-xuat")
    with client.session_transaction() as session:
        assert "_user_id" not in session and "left_over" not in session


def test_password_change_ends_other_sessions(app, make_user):
    user = make_user(Role.STAFF)
    first, second = app.test_client(), app.test_client()
    for client in (first, second):
        assert client.post("/dang-nhap", data={"login": user.login, "password": PASSWORD}).status_code == 302
    new = "DoiMatKhauMoi2026"
    first.post("/doi-mat-khau", data={"current_password": PASSWORD, "new_password": new, "confirm": new})
    assert first.get("/trang-chu").status_code == 200
    assert second.get("/trang-chu").status_code == 302


# --- Password policy --------------------------------------------------------------------

WEAK = [
    ("ngan1", "ít nhất 10 ký tự"),
    ("chicochuthoiday", "cả chữ và số"),
    ("Password123", "quá phổ biến"),
]


@pytest.mark.parametrize(("password", "message"), WEAK)
def test_policy_on_change_password(client, login_as, password, message):
    login_as(Role.STAFF)
    page = client.post(
        "/doi-mat-khau", data={"current_password": PASSWORD, "new_password": password, "confirm": password}
    ).get_data(as_text=True)
    assert message in page


@pytest.mark.parametrize(("password", "message"), WEAK)
def test_policy_on_admin_create_user(client, login_as, password, message):
    login_as(Role.ADMIN)
    response = client.post(
        "/quan-tri/nguoi-dung/moi",
        data={"login": "moi.tao", "full_name": "Người Mới", "roles": ["observer"], "unit_id": 0,
              "password": password, "is_active": "y"},
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.login == "moi.tao")) is None


@pytest.mark.parametrize(("password", "message"), WEAK)
def test_policy_on_command_line(app, password, message):
    result = app.test_cli_runner().invoke(args=["create-admin", "--login", "quantri2", "--password", password])
    assert result.exit_code != 0
    assert message in result.output


def test_policy_refuses_passwords_containing_login_or_name(app):
    with pytest.raises(accounts.UserError, match="tên đăng nhập"):
        accounts.create_user(login="hoalu", full_name="Đinh Công Tráng", password="Hoalu2026abcd",
                             roles={Role.OBSERVER})
    with pytest.raises(accounts.UserError, match="họ tên"):
        accounts.create_user(login="dct", full_name="Đinh Công Tráng", password="TrangDinh2026",
                             roles={Role.OBSERVER})


def test_services_enforce_the_policy_for_every_caller(app, make_user):
    """The backstop under every form: the services refuse a weak password themselves."""
    with pytest.raises(accounts.UserError, match="ít nhất 10 ký tự"):
        accounts.create_user(login="yeu", full_name="Mật Khẩu Yếu", password="abc1", roles={Role.OBSERVER})
    user = make_user(Role.STAFF)
    old_hash = user.password_hash
    with pytest.raises(accounts.UserError, match="cả chữ và số"):
        accounts.change_password(user, "khongcosonao")
    assert user.password_hash == old_hash


def test_admin_reset_generates_a_password_that_meets_the_policy(client, login_as, make_user):
    from danvankheo.auth.passwords import password_problems

    login_as(Role.ADMIN)
    user = make_user(Role.STAFF)
    page = client.post(f"/quan-tri/nguoi-dung/{user.id}/dat-lai-mat-khau", follow_redirects=True)
    text = page.get_data(as_text=True)
    import re

    password = re.search(r'data-testid="slip-password">([^<]+)<', text).group(1)
    assert password_problems(password, user.login, user.full_name) == []
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(password)
