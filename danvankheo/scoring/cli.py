"""`flask --app app scoring check-standings`: compare the standing the services keep with a
recomputation from the raw rows, and repair it on request. The operator reads Vietnamese."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from ..extensions import db


def register_cli(app: Flask) -> None:
    group = AppGroup("scoring", help="Đợt đánh giá và chấm điểm.")

    @group.command("check-standings")
    @click.option("--round", "round_id", type=int, help="Chỉ kiểm tra đợt đánh giá có mã này.")
    @click.option("--fix", is_flag=True, help="Tính lại từ phiếu chấm và ghi các số liệu sai lệch.")
    def check_standings_command(round_id: int | None, fix: bool) -> None:
        """Kiểm tra số liệu tổng hợp của từng mô hình và thành viên hội đồng (số phiếu, điểm,
        điểm trung bình từng tiêu chí) so với các phiếu chấm."""
        from . import round_statistics, standings
        from .models import Round

        query = select(Round).order_by(Round.id)
        if round_id is not None:
            query = query.where(Round.id == round_id)
        rounds = list(db.session.scalars(query))
        if not rounds:
            raise click.ClickException("Không có đợt đánh giá nào để kiểm tra.")
        wrong = 0
        for round_ in rounds:
            problems = standings.mismatches(round_)
            wrong += len(problems)
            status = "khớp" if not problems else f"{len(problems)} sai lệch"
            click.echo(f"Đợt {round_.id} ({round_.name}): {status}")
            for problem in problems[:20]:
                click.echo(f"  {problem}")
            # A round whose figures over all its totals were never kept is not wrong (its pages
            # compute them), but --fix stores them so that its ranking page reads them.
            if fix and (problems or not round_statistics.is_kept(round_)):
                corrected = standings.rebuild(round_)
                db.session.commit()
                if corrected:
                    click.echo(f"  Đã tính lại và ghi {corrected} dòng.")
        if wrong and not fix:
            raise click.ClickException("Có số liệu sai lệch; chạy lại với --fix để tính lại từ phiếu chấm.")

    app.cli.add_command(group)
