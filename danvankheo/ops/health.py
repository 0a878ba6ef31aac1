"""`GET /healthz`: is this process able to serve? For load balancers and systemd/k8s probes.

Checks the database (`SELECT 1`) and that the evidence folder (`UPLOAD_FOLDER`, the shared
volume in production) accepts a write. Answers JSON with 200 when both pass and 503 when one
fails; the body names the failed check but never the error text (it may hold a DSN).
"""

from __future__ import annotations

import logging
import os
import tempfile
import time

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from ..extensions import db, limiter

bp = Blueprint("ops", __name__)
log = logging.getLogger("danvankheo.health")


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        check()
    except Exception as error:  # any failure means "not healthy"; the log keeps the detail
        log.warning("health check failed: %s: %s", check.__name__, error)
        return {"ok": False, "error": type(error).__name__,
                "ms": round((time.perf_counter() - started) * 1000, 1)}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _database() -> None:
    try:
        db.session.execute(text("SELECT 1")).scalar_one()
    finally:
        db.session.rollback()


def _storage() -> None:
    folder = current_app.config["UPLOAD_FOLDER"]
    os.makedirs(folder, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".healthz-", delete=True) as probe:
        probe.write(b"ok")
        probe.flush()


@bp.get("/healthz")
@limiter.exempt
def healthz():
    from ..auth import throttle

    checks = {"database": _timed(_database), "storage": _timed(_storage)}
    healthy = all(c["ok"] for c in checks.values())
    # Redis down is not an outage: the login throttle counts in this process meanwhile, and
    # says so here ("degraded") without taking the instance out of the load balancer.
    checks["login_throttle"] = throttle.health()
    status = ("ok" if checks["login_throttle"]["ok"] else "degraded") if healthy else "fail"
    response = jsonify({"status": status, "checks": checks})
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
