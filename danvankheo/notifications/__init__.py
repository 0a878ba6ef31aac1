"""In-app notifications (thông báo), and email when SMTP is configured."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The `send-reminders` command; mail after commit is wired when `.mail` is imported."""
    from . import mail  # noqa: F401  (registers the after-commit sender)
    from .cli import register_cli

    register_cli(app)
