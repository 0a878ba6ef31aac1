"""`flask --app app jobs worker|reap|purge`."""

from __future__ import annotations

import logging

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from ..extensions import db


def register_cli(app: Flask) -> None:
    group = AppGroup("jobs", help="Công việc chạy nền (Huey).")

    @group.command("worker")
    @click.option("--workers", type=int, default=None, help="Số luồng xử lý (mặc định JOB_WORKERS).")
    def worker_command(workers: int | None) -> None:
        """Chạy tiến trình xử lý công việc nền (dừng bằng Ctrl+C hoặc SIGTERM)."""
        from . import services
        from .queue import huey_url

        huey = current_app.extensions["huey"]
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
        # A worker killed while a job ran left it "running": fail it now rather than in a minute.
        reaped = services.reap_stale()
        db.session.commit()
        db.session.remove()
        if reaped:
            click.echo(f"Đã đánh dấu thất bại {len(reaped)} công việc bị dừng giữa chừng.")
        url = huey_url(current_app).split("@")[-1]  # no password in the log
        click.echo(f"Tiến trình xử lý công việc nền: hàng đợi {url}.")
        consumer = huey.create_consumer(workers=workers or current_app.config["JOB_WORKERS"],
                                        worker_type="thread", periodic=True, check_worker_health=True)
        consumer.run()

    @group.command("reap")
    def reap_command() -> None:
        """Đánh dấu thất bại các công việc "đang chạy" mà tiến trình xử lý đã ngừng."""
        from .services import reap_stale

        count = len(reap_stale())
        db.session.commit()
        click.echo(f"Đã đánh dấu thất bại {count} công việc.")

    @group.command("purge")
    def purge_command() -> None:
        """Xóa tệp kết quả đã quá số ngày lưu giữ (JOB_FILE_DAYS)."""
        from .services import purge_expired

        count = purge_expired()
        db.session.commit()
        click.echo(f"Đã xóa {count} tệp hết hạn.")

    app.cli.add_command(group)
