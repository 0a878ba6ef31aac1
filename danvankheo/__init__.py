"""Dân vận khéo registry: the application factory."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from config import CONFIGS, PROJECT_ROOT, Config

from .extensions import bootstrap, csrf, db, enforce_sqlite_foreign_keys, limiter, login_manager, migrate

TEMPLATE_DIR = PROJECT_ROOT / "templates"
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
STATIC_DIR = PROJECT_ROOT / "danvankheo" / "static"


def create_app(config: str | type[Config] | dict[str, Any] | None = None) -> Flask:
    """Build the app.

    `config` is a config name ("development", "testing", "production"), a config class,
    or a dict of overrides applied on top of the class chosen by `APP_ENV`.
    """
    import os

    app = Flask(
        __name__,
        template_folder=str(TEMPLATE_DIR),
        static_folder=str(STATIC_DIR),
        instance_path=os.environ.get("INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
    )
    overrides: dict[str, Any] = {}
    if isinstance(config, dict):
        overrides = config
        config = None
    if config is None:
        config = overrides.get("APP_ENV") or os.environ.get("APP_ENV", "development")
    config_cls = CONFIGS[config] if isinstance(config, str) else config
    app.config.from_object(config_cls)
    app.config.update(overrides)
    _fill_defaults(app)
    config_cls.validate(app.config)
    from .evidence.storage import check_backend

    check_backend(app.config)

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite" and app.config.get("SQLITE_FOREIGN_KEYS", True):
            enforce_sqlite_foreign_keys(db.engine)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)

    from . import models  # noqa: F401  (registers every table)
    from .core import web

    web.init_app(app)
    from . import ops

    ops.init_app(app)  # /healthz and JSON request logs
    from . import (
        admin,
        audit,
        auth,
        awards,
        evidence,
        jobs,
        notifications,
        organisers,
        registry,
        scoring,
        units,
    )

    audit.init_app(app)
    notifications.init_app(app)
    jobs.init_app(app)
    # Features register into core, the audit trail and notifications (docs/ARCHITECTURE.md).
    for feature in (units, auth, admin, organisers, registry, evidence, scoring, awards):
        feature.init_app(app)
    _register_blueprints(app)

    from .cli import register_cli

    register_cli(app)
    return app


def _fill_defaults(app: Flask) -> None:
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'danvankheo.sqlite'}"
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = str(instance / "evidence")
    if not app.config.get("SECRET_KEY") and app.config.get("ENV_NAME") == "development":
        # Development only: a random key kept in the instance folder, never a fixed default.
        key_file = instance / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        app.config["SECRET_KEY"] = key_file.read_text().strip()


def _register_blueprints(app: Flask) -> None:
    from .admin.routes import bp as admin_bp
    from .audit.routes import bp as audit_bp
    from .auth.routes import bp as auth_bp
    from .awards.routes import bp as awards_bp
    from .certificates.routes import bp as certificates_bp
    from .evidence.routes import bp as evidence_bp
    from .exports.routes import bp as exports_bp
    from .feedback.routes import bp as feedback_bp
    from .help.routes import bp as help_bp
    from .home.routes import bp as home_bp
    from .imports.routes import bp as imports_bp
    from .jobs.routes import bp as jobs_bp
    from .notifications.routes import bp as notifications_bp
    from .organisers.nomination_routes import bp as nominations_bp
    from .organisers.routes import bp as organisers_bp
    from .register.routes import bp as register_bp
    from .registry.routes import bp as registry_bp
    from .registry.similarity_routes import bp as similarity_bp
    from .reports.routes import bp as reports_bp
    from .scoring.round_routes import bp as rounds_bp
    from .scoring.routes import bp as scoring_bp
    from .showcase.routes import bp as showcase_bp
    from .supervision.routes import bp as supervision_bp

    for blueprint in (auth_bp, home_bp, admin_bp, audit_bp, notifications_bp, rounds_bp, scoring_bp):
        app.register_blueprint(blueprint)
    for blueprint in (registry_bp, evidence_bp, showcase_bp, similarity_bp):
        app.register_blueprint(blueprint)
    for blueprint in (awards_bp, certificates_bp, exports_bp, imports_bp, reports_bp, jobs_bp, help_bp,
                      organisers_bp, nominations_bp, register_bp, feedback_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(supervision_bp)
