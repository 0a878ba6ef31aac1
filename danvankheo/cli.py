"""Command-line commands: `flask --app app <command>`."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import func, select

from .extensions import db


def register_cli(app: Flask) -> None:
    from .backup import init_app as init_backup
    from .registry.cli import register_cli as register_registry_cli
    from .scoring.cli import register_cli as register_scoring_cli

    init_backup(app)  # backup, restore, storage-check
    register_registry_cli(app)  # registry check-tallies
    register_scoring_cli(app)  # scoring check-standings

    @app.cli.command("check-summaries")
    @click.option("--fix", is_flag=True, help="Tính lại từ số liệu gốc và ghi đè các số liệu sai lệch.")
    def check_summaries_command(fix: bool) -> None:
        """Kiểm tra mọi số liệu tổng hợp mà phần mềm duy trì (số mô hình theo đơn vị; ngày đăng ký, ngày
        tiếp nhận, điểm, số phiếu của từng mô hình và thành viên hội đồng; số ý kiến Nhân dân) so với việc tính lại từ số liệu gốc."""
        from .feedback import recount as survey_counts
        from .registry import step_dates, tallies
        from .scoring import standings
        from .scoring.models import Round

        checks = [("Số mô hình theo đơn vị, năm, trạng thái", tallies.mismatches, tallies.rebuild),
                  ("Ngày đăng ký, ngày tiếp nhận của từng mô hình", step_dates.mismatches, step_dates.rebuild),
                  ("Số ý kiến Nhân dân", survey_counts.mismatches, survey_counts.rebuild)]
        for round_ in db.session.scalars(select(Round).order_by(Round.id)):
            checks.append((f"Đợt đánh giá {round_.id} ({round_.name})", lambda r=round_: standings.mismatches(r),
                           lambda r=round_: standings.rebuild(r)))
        wrong = 0
        for label, find, repair in checks:
            problems = find()
            wrong += len(problems)
            click.echo(f"{label}: {'khớp' if not problems else f'{len(problems)} sai lệch'}")
            for problem in problems[:20]:
                click.echo(f"  {problem}")
            if problems and fix:
                click.echo(f"  Đã tính lại và ghi {repair()} dòng.")
        db.session.commit()
        if wrong and not fix:
            raise click.ClickException("Có số liệu sai lệch; chạy lại với --fix để tính lại từ số liệu gốc.")

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Only seed a database that has no units yet.")
    def seed_demo_command(if_empty: bool) -> None:
        """Load a demo province with users for every role (idempotent)."""
        from .demo import DEMO_PASSWORD, seed_demo
        from .units.models import Unit

        if if_empty and db.session.scalar(select(func.count()).select_from(Unit)):
            created = False
        else:
            created = seed_demo()
            db.session.commit()
        if created:
            click.echo("Đã nạp dữ liệu mẫu.")
        else:
            click.echo("Dữ liệu mẫu đã có sẵn; không thay đổi gì.")
        from .demo import DEMO_ACCOUNTS

        click.echo(f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
        for login, _name, _unit, roles in DEMO_ACCOUNTS:
            click.echo(f"  {login:<18} {', '.join(r.label for r in roles)}")

    @app.cli.command("create-admin")
    @click.option("--login", required=True, help="Tên đăng nhập")
    @click.option("--name", "full_name", default="Quản trị hệ thống", help="Họ và tên")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    def create_admin_command(login: str, full_name: str, password: str) -> None:
        """Create an admin account, or give an existing account the admin role."""
        from .auth.models import User
        from .auth.passwords import password_problems
        from .auth.services import create_user
        from .core.roles import Role

        existing = db.session.scalar(select(User).where(User.login == login.strip().lower()))
        if existing is not None:
            if Role.ADMIN in existing.roles:
                click.echo(f"Tài khoản “{existing.login}” đã là quản trị; không thay đổi gì.")
                return
            existing.set_roles(existing.roles | {Role.ADMIN})
            db.session.commit()
            click.echo(f"Đã cấp quyền quản trị cho “{existing.login}”.")
            return
        problems = password_problems(password, login, full_name)
        if problems:
            raise click.ClickException(" ".join(problems))
        create_user(login=login, full_name=full_name, password=password, roles={Role.ADMIN})
        db.session.commit()
        click.echo(f"Đã tạo tài khoản quản trị “{login.strip().lower()}”.")
