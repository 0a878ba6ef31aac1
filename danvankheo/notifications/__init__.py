"""In-app notifications (thông báo), and email when SMTP is configured."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The `send-reminders` command; mail after commit is wired when `.mail` is imported."""
    from . import mail  # noqa: F401  (registers the after-commit sender)
    from .cli import register_cli

    register_cli(app)

    @app.context_processor
    def unread_notifications() -> dict:
        from flask_login import current_user

        from .services import unread_count

        return {"unread_notifications": unread_count(current_user) if current_user.is_authenticated else 0}
