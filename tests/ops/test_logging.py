"""Structured logs: one JSON line per request carrying the request id."""

from __future__ import annotations

import io
import json
import logging

import pytest

from danvankheo import create_app
from danvankheo.ops.logs import JsonFormatter, configure_logging


@pytest.fixture
def json_log(app):
    """Switch request logging on for one test and capture our handler's output."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("danvankheo")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    app.config["LOG_REQUESTS"] = True
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


def _lines(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_one_json_line_per_request_with_request_id(client, json_log):
    client.get("/healthz", headers={"X-Request-Id": "abc123def456"})
    client.get("/dang-nhap")
    entries = [e for e in _lines(json_log) if e["msg"] == "request"]
    assert len(entries) == 2
    first, second = entries
    assert first["request_id"] == "abc123def456"
    assert first["method"] == "GET" and first["path"] == "/healthz" and first["status"] == 200
    assert isinstance(first["duration_ms"], float)
    assert first["logger"] == "danvankheo.request" and first["level"] == "INFO"
    assert first["ts"].endswith("Z") and isinstance(first["pid"], int)
    assert second["path"] == "/dang-nhap" and len(second["request_id"]) == 16
    assert second["request_id"] != first["request_id"]


def test_response_echoes_generated_request_id(client, json_log):
    response = client.get("/healthz")
    entry = [e for e in _lines(json_log) if e["msg"] == "request"][-1]
    assert response.headers["X-Request-Id"] == entry["request_id"]


def test_other_records_inside_a_request_carry_its_id(app, json_log):
    with app.test_request_context("/x"):
        from flask import g

        g.request_id = "req-42"
        logging.getLogger("danvankheo.something").warning("Xin chào %s", "Đồng Nai")
    entry = _lines(json_log)[-1]
    assert entry["request_id"] == "req-42"
    assert entry["msg"] == "Xin chào Đồng Nai"  # UTF-8 kept, not \\u-escaped
    assert entry["level"] == "WARNING"


def test_exception_is_one_line():
    record = logging.LogRecord("danvankheo", logging.ERROR, __file__, 1, "boom", (), None)
    try:
        raise ValueError("bad")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert "ValueError: bad" in json.loads(line)["exc"]


def test_production_app_installs_one_json_handler(tmp_path, monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    overrides = {
        "SECRET_KEY": "x" * 40,
        "SESSION_COOKIE_SECURE": True,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}",
        "UPLOAD_FOLDER": str(tmp_path / "evidence"),
    }
    logger = logging.getLogger("danvankheo")
    saved = (list(logger.handlers), logger.propagate, logger.level)
    try:
        create_app(dict(overrides))
        create_app(dict(overrides))  # building a second app does not add a second handler
        ours = [h for h in logger.handlers if getattr(h, "_danvankheo_handler", False)]
        assert len(ours) == 1
        assert isinstance(ours[0].formatter, JsonFormatter)
    finally:
        logger.handlers[:] = saved[0]
        logger.propagate, logger.level = saved[1], saved[2]


def test_testing_app_keeps_propagation_for_caplog(app):
    configure_logging(app)
    assert logging.getLogger("danvankheo").propagate is True
