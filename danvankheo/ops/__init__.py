"""Operations: the `/healthz` probe and structured (JSON) logging.

`init_app` is called from `core.web.init_app`, so every app built by `create_app` has both.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from .health import bp as health_bp
    from .logs import configure_logging

    configure_logging(app)
    app.register_blueprint(health_bp)
