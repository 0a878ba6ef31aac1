"""Operations: the `/healthz` probe, structured (JSON) logging, and trust in the reverse proxy.

`init_app` is called from `create_app`, so every app built by it has both.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import pg  # noqa: F401  (pg_trgm before table creation on PostgreSQL)
    from .health import bp as health_bp
    from .logs import configure_logging

    configure_logging(app)
    app.register_blueprint(health_bp)
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
