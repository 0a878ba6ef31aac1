"""Every environment variable the app or its gunicorn config reads is listed in docs/DEPLOY.md."""

from __future__ import annotations

import re

from config import PROJECT_ROOT

READERS = ["config.py", "danvankheo/__init__.py", "deploy/gunicorn.conf.py"]
_ENV_READ = re.compile(
    r"""(?:os\.environ\.get|os\.environ\[|_bool|_int|os\.getenv)\(?\s*["']([A-Z][A-Z0-9_]+)["']"""
)


def _variables() -> set[str]:
    found: set[str] = set()
    for name in READERS:
        found |= set(_ENV_READ.findall((PROJECT_ROOT / name).read_text(encoding="utf-8")))
    return found


def test_reader_pattern_finds_the_known_ones():
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "UPLOAD_FOLDER", "WEB_CONCURRENCY"} <= _variables()


def test_every_variable_is_documented():
    doc = (PROJECT_ROOT / "docs" / "DEPLOY.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", doc, flags=re.M))
    missing = sorted(_variables() - listed)
    assert not missing, f"add these to the table in docs/DEPLOY.md: {missing}"


def test_gunicorn_config_loads_and_reads_the_environment(monkeypatch):
    import runpy

    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:9999")
    settings = runpy.run_path(str(PROJECT_ROOT / "deploy" / "gunicorn.conf.py"))
    assert settings["workers"] == 3
    assert settings["bind"] == "127.0.0.1:9999"
    assert settings["accesslog"] is None and settings["errorlog"] == "-"
    assert settings["control_socket_disable"] is True


def test_the_workers_keep_the_loaded_app_out_of_the_collector():
    import gc
    import runpy

    settings = runpy.run_path(str(PROJECT_ROOT / "deploy" / "gunicorn.conf.py"))
    assert settings["preload_app"] is True
    try:
        settings["when_ready"](None)
        assert gc.get_freeze_count() > 0
        gc.unfreeze()
        settings["post_worker_init"](None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
