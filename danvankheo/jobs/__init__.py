"""Background jobs (công việc) on Huey: long exports, imports, reports and mail."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from .cli import register_cli
    from .queue import make_huey
    from .tasks import register_tasks

    huey = make_huey(app)
    app.extensions["huey"] = huey
    register_tasks(app, huey)
    register_cli(app)

    from ..notifications.mail import register_bulk_sender
    from .runners import start_bulk_mail

    register_bulk_sender(start_bulk_mail)
