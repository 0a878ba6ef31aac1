"""`flask --app app backup`, `restore` and `storage-check`; the operator reads Vietnamese."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from ..core.timeutil import local_zone
from ..core.types import utcnow


def _size(count: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    return str(count)


def register_cli(app: Flask) -> None:
    @app.cli.command("backup")
    @click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
                  help="Tệp sao lưu (.zip). Mặc định: instance/backups/danvankheo-<thời điểm>.zip")
    def backup_command(output: Path | None) -> None:
        """Sao lưu toàn bộ cơ sở dữ liệu và minh chứng vào một tệp."""
        from .archive import write_backup

        if output is None:
            stamp = utcnow().astimezone(local_zone()).strftime("%Y%m%d-%H%M%S")
            output = Path(app.instance_path) / "backups" / f"danvankheo-{stamp}.zip"
        output.parent.mkdir(parents=True, exist_ok=True)
        if output.exists():
            raise click.ClickException(f"Tệp {output} đã tồn tại; hãy chọn tên khác.")
        summary = write_backup(output)
        rows = sum(summary.tables.values())
        click.echo(f"Đã sao lưu vào {output}")
        click.echo(f"  {len(summary.tables)} bảng, {rows} dòng; {summary.files} tệp minh chứng ({_size(summary.bytes)}).")
        if summary.missing:
            click.echo(f"  Cảnh báo: {len(summary.missing)} tệp được cơ sở dữ liệu nhắc tới nhưng không có trong kho "
                       "(xem flask --app app storage-check).", err=True)

    @app.cli.command("restore")
    @click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def restore_command(archive: Path) -> None:
        """Khôi phục một bản sao lưu vào hệ thống trống (đã chạy db upgrade, chưa có dữ liệu)."""
        from .archive import BackupError, restore_backup

        try:
            summary = restore_backup(archive)
        except BackupError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Đã khôi phục {archive}")
        click.echo(f"  {len(summary.tables)} bảng, {sum(summary.tables.values())} dòng; "
                   f"{summary.files} tệp minh chứng ({_size(summary.bytes)}).")
        if summary.replaced:
            click.echo("  Dữ liệu khởi tạo của các bảng " + ", ".join(summary.replaced)
                       + " đã được thay bằng dữ liệu trong bản sao lưu.")

    @app.cli.command("storage-check")
    @click.option("--delete-orphans", is_flag=True, help="Xóa tệp trong kho mà không dòng nào nhắc tới.")
    @click.option("--min-age", default=60, show_default=True,
                  help="Chỉ xóa tệp mồ côi cũ hơn số phút này (tránh xóa tệp đang được tải lên).")
    @click.option("--fix", is_flag=True,
                  help="Dọn tệp tạm (.part) của lượt tải lên bị ngắt: hoàn tất nếu đã có dòng dữ liệu, "
                       "nếu không thì xóa.")
    @click.option("--temp-min-age", default=10, show_default=True,
                  help="Chỉ dọn tệp tạm cũ hơn số phút này (tránh đụng lượt tải lên đang chạy).")
    def storage_check_command(delete_orphans: bool, min_age: int, fix: bool, temp_min_age: int) -> None:
        """Đối chiếu kho minh chứng với cơ sở dữ liệu: tệp thiếu, tệp mồ côi, tệp tạm."""
        from .storage_check import check_storage, sweep_temporaries

        if fix:
            swept = sweep_temporaries(min_age_seconds=temp_min_age * 60)
            from ..extensions import db

            db.session.rollback()
            click.echo(f"Tệp tạm của lượt tải lên bị ngắt: đã xóa {len(swept.removed)}, "
                       f"đã hoàn tất {len(swept.published)}, giữ lại (mới) {len(swept.kept_recent)}.")
            for key in swept.removed:
                click.echo(f"  ĐÃ XÓA TỆP TẠM  {key}")
            for key in swept.published:
                click.echo(f"  ĐÃ HOÀN TẤT  {key}")
        report = check_storage(delete_orphans=delete_orphans, min_age_seconds=min_age * 60)
        click.echo(f"Kho có {report.held} tệp; cơ sở dữ liệu nhắc tới {report.referenced} tệp.")
        click.echo(f"Tệp thiếu (có trong cơ sở dữ liệu, không có trong kho): {len(report.missing)}")
        for where, row_id, key in report.missing:
            click.echo(f"  THIẾU  {where} #{row_id}: {key}")
        click.echo(f"Tệp mồ côi (có trong kho, không dòng nào nhắc tới): {len(report.orphans)}")
        for key in report.orphans:
            state = "ĐÃ XÓA" if key in report.deleted else ("MỚI, GIỮ LẠI" if key in report.kept_recent else "MỒ CÔI")
            click.echo(f"  {state}  {key}")
        if not report.healthy:
            raise SystemExit(1)
