"""`flask --app app registry check-tallies`: compare the counts of models the registry keeps
(`registry.tallies`) with a recount of the models, and repair them on request."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from ..extensions import db


def register_cli(app: Flask) -> None:
    group = AppGroup("registry", help="Sổ đăng ký mô hình.")

    @group.command("check-tallies")
    @click.option("--fix", is_flag=True, help="Đếm lại từ các mô hình và ghi đè số liệu sai lệch.")
    def check_tallies_command(fix: bool) -> None:
        """Kiểm tra số mô hình theo đơn vị, năm, trạng thái, lĩnh vực (dùng cho thống kê, tình hình
        đăng ký, tổng hợp cấp dưới) so với việc đếm lại các mô hình."""
        from . import tallies

        problems = tallies.mismatches()
        if not problems:
            click.echo("Số liệu tổng hợp mô hình: khớp.")
            return
        click.echo(f"Số liệu tổng hợp mô hình: {len(problems)} sai lệch")
        for problem in problems[:20]:
            click.echo(f"  {problem}")
        if not fix:
            raise click.ClickException("Có số liệu sai lệch; chạy lại với --fix để đếm lại từ các mô hình.")
        corrected = tallies.rebuild()
        db.session.commit()
        click.echo(f"Đã đếm lại và ghi {corrected} dòng.")

    app.cli.add_command(group)
