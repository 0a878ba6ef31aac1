"""`flask --app app send-reminders`: deadline and scoring reminders, for cron."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import click
from flask import Flask, current_app

from ..core.types import utcnow
from ..extensions import db


def register_cli(app: Flask) -> None:
    @app.cli.command("send-reminders")
    @click.option(
        "--today",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        help="Chạy như thể hôm nay là ngày này (YYYY-MM-DD), để thử.",
    )
    def send_reminders_command(today: datetime | None) -> None:
        """Nhắc hạn nộp mô hình (còn 7 ngày, 1 ngày), hạn chấm điểm (còn 3 ngày); gửi thư còn chờ.

        Chạy nhiều lần trong ngày cũng không gửi trùng: mỗi lời nhắc chỉ gửi một lần.
        Thư còn chờ trong 2 ngày qua (máy chủ thư lỗi, đợt thư lớn) được gửi nốt.
        """
        from .mail import mail_enabled, send_unsent
        from .reminders import send_reminders

        day: date | None = today.date() if today else None
        summary = send_reminders(today=day)
        db.session.commit()  # the after-commit hook emails what was created
        retried = send_unsent(since=utcnow() - timedelta(days=2))
        click.echo(summary.report())
        if not mail_enabled(current_app):
            click.echo("Chưa cấu hình MAIL_SERVER: chỉ tạo thông báo trong phần mềm, không gửi email.")
        elif retried:
            click.echo(f"Đã gửi {retried} thư còn chờ.")
