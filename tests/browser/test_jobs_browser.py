"""A large export in Chromium: it becomes a job, /cong-viec shows its progress bar moving
(updated by polling, no reload), and the finished file downloads. A real worker process
runs the job, slowed down so the bar can be watched."""

from __future__ import annotations

import io
import time

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from danvankheo.extensions import db
from tests.awards.builders import build_finalised_round
from tests.browser.conftest import browser_login, screenshot
from tests.factories import PASSWORD
from tests.jobs.worker import start_worker, stop_worker, worker_queue

pytestmark = pytest.mark.browser


def test_a_large_export_runs_in_the_background_with_a_moving_progress_bar(page, app, tmp_path):
    built = build_finalised_round()
    db.session.commit()
    app.config["JOB_EXPORT_THRESHOLD"] = 5  # 18 rows: a job
    slow = {"JOB_CHUNK_ROWS": "1", "JOB_CHUNK_DELAY": "0.5"}
    with worker_queue(app, tmp_path, **slow) as (env, _folder):
        worker = start_worker(env, tmp_path / "worker.log")
        try:
            browser_login(page, built.secretariat.login, PASSWORD)
            page.goto(f"/dot-danh-gia/{built.round.id}/xep-hang")
            page.get_by_test_id("ranking-export").click()
            page.wait_for_url("**/cong-viec*")
            expect(page.get_by_text("Việc này lớn nên được xử lý nền")).to_be_visible()
            row = page.locator("tr[data-job]").first
            bar = row.locator("progress")
            expect(row.locator("[data-field=state_label]")).to_have_text("Đang chạy", timeout=20_000)
            seen = set()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and row.get_attribute("data-state") == "running":
                value = bar.evaluate("el => el.hasAttribute('value') ? el.value : null")
                if value is not None:
                    seen.add(value)
                if len(seen) == 3:
                    screenshot(page, "jobs-running")
                time.sleep(0.3)
            assert len([v for v in seen if 0 < v < 100]) >= 2, seen  # the bar moved without a reload
            expect(row.locator("[data-field=state_label]")).to_have_text("Hoàn thành", timeout=30_000)
            expect(row.locator("[data-field=rows]")).to_have_text("18 / 18 dòng")
            assert bar.evaluate("el => el.value") == 100
            screenshot(page, "jobs-done")
            with page.expect_download() as download_info:
                row.get_by_role("link", name="Tải tệp").click()
            download = download_info.value
            assert download.suggested_filename == "Kết quả xếp hạng Đợt đánh giá mô hình năm 2026.xlsx"
            workbook = load_workbook(io.BytesIO(download.path().read_bytes()))
            details = workbook["Chi tiết phiếu chấm"]
            assert sum(1 for r in details.iter_rows(values_only=True) if isinstance(r[0], int)) == 15
        finally:
            stop_worker(worker)
