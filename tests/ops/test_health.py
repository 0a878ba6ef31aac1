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
