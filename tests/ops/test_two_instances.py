"""Two gunicorn instances, one PostgreSQL database, one Redis: they behave as one site.

Runs in the PostgreSQL pass (`make test` runs it); each instance is started exactly as
production starts it (deploy/gunicorn.conf.py, APP_ENV=production, CSRF on), on loopback.
"""

from __future__ import annotations

import json
import secrets
import time
import uuid

import pytest

from bench.server import Browser, GunicornServer
from danvankheo.core.roles import Role
from tests import factories

pytestmark = pytest.mark.postgres_only


@pytest.fixture(scope="module")
def two_instances(_app, database_url, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("two-instances")
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL pass only")
    import redis

    redis_url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as error:
        pytest.fail(f"Redis is required at {redis_url}: {error}")
    env = {
        "SECRET_KEY": secrets.token_hex(32),  # the same on both, as in production
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "RATELIMIT_KEY_PREFIX": f"dvk-test-{uuid.uuid4().hex[:8]}",
        "UPLOAD_FOLDER": str(tmp_path / "shared-evidence"),
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "PLAIN_HTTP_ONLY": "1",  # loopback HTTP: the cookie cannot be Secure here
    }
    a = GunicornServer(env, workers=1, log_path=tmp_path / "a.log")
    b = GunicornServer(env, workers=1, log_path=tmp_path / "b.log")
    try:
        a.start()
        b.start()
        yield a, b
    finally:
        a.stop()
        b.stop()


def test_write_on_one_read_on_the_other_and_shared_session(two_instances, app, make_user):
    a, b = two_instances
    admin = make_user(Role.ADMIN)
    browser = Browser(a.url)
    assert browser.login(admin.login, factories.PASSWORD) == 302
    # The session cookie made by A is valid on B (shared SECRET_KEY, nothing kept in a process).
    status, _, _ = browser.request("/trang-chu", base_url=b.url)
    assert status == 200
    # A unit created through A ...
    token = browser.csrf("/quan-tri/don-vi/moi")
    status, _, _ = browser.request("/quan-tri/don-vi/moi", {
        "csrf_token": token, "code": "HAI-TIEN-TRINH", "name": "Sở Thử nghiệm Hai Tiến Trình",
        "kind": "department", "parent_id": "0",
    })
    assert status == 302
    # ... is listed by B at once.
    status, html, _ = browser.request("/quan-tri/don-vi", base_url=b.url)
    assert status == 200 and "Sở Thử nghiệm Hai Tiến Trình" in html


def test_login_throttle_is_shared_through_redis(two_instances, app, make_user):
    a, b = two_instances
    user = make_user(Role.STAFF)
    statuses = []
    # 5 failed attempts per account per 5 minutes in all: 3 on A, 2 on B, then B refuses.
    for base in (a.url, a.url, a.url, b.url, b.url, b.url):
        browser = Browser(base)
        statuses.append(browser.login(user.login, "sai-mat-khau"))
    assert statuses[:5] == [200] * 5, statuses
    assert statuses[5] == 429, statuses


def test_health_and_one_json_log_line_per_request(two_instances, app):
    a, b = two_instances
    tmp_path = a.log_path.parent
    browser = Browser(a.url)
    status, body, headers = browser.request("/healthz", headers={"X-Request-Id": "req-a-1"})
    assert status == 200 and json.loads(body)["status"] == "ok"
    assert headers["X-Request-Id"] == "req-a-1"
    status, _, _ = browser.request("/healthz", headers={"X-Request-Id": "req-b-1"}, base_url=b.url)
    assert status == 200
    for name, request_id in (("a.log", "req-a-1"), ("b.log", "req-b-1")):
        deadline = time.monotonic() + 5
        while True:
            lines = [json.loads(line) for line in (tmp_path / name).read_text().splitlines()
                     if line.startswith("{")]
            mine = [entry for entry in lines if entry.get("request_id") == request_id]
            if mine or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert len(mine) == 1, lines
        # gunicorn's own lines are JSON too: every line of the output parses.
        raw = [line for line in (tmp_path / name).read_text().splitlines() if line.strip()]
        assert all(line.startswith("{") for line in raw), raw
        assert mine[0]["msg"] == "request" and mine[0]["path"] == "/healthz" and mine[0]["status"] == 200
