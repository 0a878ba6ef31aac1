"""`/healthz`: database and storage checks, JSON, 200 or 503, no login needed."""

from __future__ import annotations

import os

from sqlalchemy.exc import OperationalError

from danvankheo.extensions import db


def test_healthy(client, app):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["storage"]["ok"] is True
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Request-Id"]
    # The write probe leaves nothing behind in the evidence folder.
    assert os.listdir(app.config["UPLOAD_FOLDER"]) == []


def test_database_down_gives_503(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused to postgresql://secret@db"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "fail"
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError",
                                          "ms": body["checks"]["database"]["ms"]}
    assert body["checks"]["storage"]["ok"] is True
    assert b"secret" not in response.data


def test_storage_path_that_is_a_file_gives_503(client, app, tmp_path):
    # Works as root too: a regular file where the volume should be mounted.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    app.config["UPLOAD_FOLDER"] = str(blocker)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["checks"]["storage"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_proxy_count_trusts_one_forwarded_hop(tmp_path):
    from flask import request

    from danvankheo import create_app

    app = create_app({"APP_ENV": "testing", "PROXY_COUNT": 1,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}",
                      "UPLOAD_FOLDER": str(tmp_path / "evidence")})
    seen = {}

    @app.get("/_addr")
    def addr():
        seen["remote"] = request.remote_addr
        seen["scheme"] = request.scheme
        return "ok"

    app.test_client().get("/_addr", headers={"X-Forwarded-For": "203.0.113.9, 198.51.100.7",
                                             "X-Forwarded-Proto": "https"},
                          environ_base={"REMOTE_ADDR": "127.0.0.1"})
    # Only the last hop (written by our nginx) is trusted; the client cannot spoof the first.
    assert seen == {"remote": "198.51.100.7", "scheme": "https"}
