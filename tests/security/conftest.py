"""Fixtures for the security suite: extra app instances (production config, rate limiting,
an unreachable database) built next to the session app without disturbing it."""

from __future__ import annotations

import os
import uuid

import pytest

from danvankheo import create_app
from danvankheo.extensions import db, limiter

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PRODUCTION_SECRET = "p" * 48


@pytest.fixture
def redis_url() -> str:
    """A reachable Redis, required like PostgreSQL and Chromium (ALLOW_SKIP_REDIS=1 to skip)."""
    import redis

    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as error:
        message = f"Redis is required at TEST_REDIS_URL={TEST_REDIS_URL}: {error}"
        if os.environ.get("ALLOW_SKIP_REDIS") == "1":
            pytest.skip(message)
        pytest.fail(message)
    return TEST_REDIS_URL


@pytest.fixture
def rate_limiting(monkeypatch):
    """Let a test build apps with throttling on; the shared `limiter` is restored afterwards.

    Flask-Limiter keeps its storage and switches on the extension object, which every app in
    this process shares, so a test that turns it on must put it back for the next test.
    """
    for name in ("enabled", "_storage", "_limiter", "_key_prefix", "_swallow_errors", "_storage_dead",
                 "_fallback_limiter", "_fallback_storage", "_in_memory_fallback_enabled"):
        monkeypatch.setattr(limiter, name, getattr(limiter, name, None), raising=False)
    limiter._key_prefix = None  # let each app's RATELIMIT_KEY_PREFIX decide
    limiter._swallow_errors = None
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def make_app(app, database_url, tmp_path, monkeypatch, rate_limiting):
    """Build another app instance on the test database with some settings changed.

    Throttling stays off unless the test asks for it (RATELIMIT_ENABLED=True).
    """
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    built = []

    def make(**overrides):
        settings = {
            "APP_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "UPLOAD_FOLDER": str(tmp_path / "evidence"),
        }
        settings.update(overrides)
        if settings["APP_ENV"] == "production":
            settings.setdefault("SECRET_KEY", PRODUCTION_SECRET)
            settings.setdefault("LOG_REQUESTS", False)
            settings.setdefault("SESSION_COOKIE_SECURE", True)
        settings.setdefault("RATELIMIT_ENABLED", False)
        app = create_app(settings)
        built.append(app)
        return app

    yield make
    for app in built:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


# The browser fixtures (Chromium, the live server, a `page` that fails on CSP violations and
# console errors) for tests/security/test_xss_browser.py.
from tests.browser.conftest import browser_app, chromium, live_server, page  # noqa: E402, F401
