"""The periodic report: its figures, the cross-check with the registry and the rankings,
the printable page and the workbook."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.registry.deadlines import compliance_rows
from danvankheo.registry.models import Field
from danvankheo.registry.services import filtered_initiatives_query
from danvankheo.reports.periodic import Counts, Period, build_periodic_report, parse_period
from danvankheo.scoring.models import Grade
from danvankheo.scoring.ranking import ranking_for

from .data import Province

FIRST_HALF = Period(date(2026, 1, 1), date(2026, 6, 30))
WHOLE_YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))


def test_first_six_months(app, province: Province):
    report = build_periodic_report(FIRST_HALF)
    assert report.totals == Counts(registered=6, submitted=5, accepted=2)
    assert report.by_field == {
        Field.ECONOMY: Counts(2, 2, 1),
        Field.CULTURE_SOCIETY: Counts(1, 1, 0),
        Field.DEFENCE_SECURITY: Counts(2, 1, 0),
        Field.POLITICAL_SYSTEM: Counts(1, 1, 1),
    }
    units = {line.unit.name: line.counts for line in report.units_with_models}
    assert units == {
        "Sở Tư pháp": Counts(2, 2, 1),
        "Sở Y tế": Counts(2, 1, 0),
        "UBND phường Hoa Lư": Counts(1, 1, 1),
        "Bệnh viện Đa khoa tỉnh": Counts(1, 1, 0),
    }
    assert sorted(line.unit.name for line in report.units_without_models) == ["Sở Nội vụ", "UBND xã Gia Viễn"]
    assert report.rounds == []  # the round was finalised in November


def test_whole_year_matches_the_registry_and_the_rankings(app, province: Province):
    """Every model of 2026 was registered in 2026: the report must say what the registry says."""
    report = build_periodic_report(WHOLE_YEAR)
    secretariat = province.secretariat

    def listed(**args) -> int:
        query = filtered_initiatives_query(secretariat, {"nam": "2026", **args})
        return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))

    assert report.totals.submitted == listed()
    assert report.totals.accepted == listed(trang_thai="accepted")
    for field_, counts in report.by_field.items():
        assert counts.submitted == listed(linh_vuc=field_.value), field_
        assert counts.accepted == listed(linh_vuc=field_.value, trang_thai="accepted"), field_

    compliance = {row.unit.id: row for row in compliance_rows(2026)}
    lines = {line.unit.id: line for line in report.units}
    for unit_id, row in compliance.items():
        counts = lines[unit_id].counts
        assert counts.registered == row.drafts + row.submitted, row.unit.name
        assert counts.submitted == row.submitted, row.unit.name
        assert counts.accepted == row.accepted, row.unit.name
    assert {line.unit.id for line in report.units_without_models} == {
        unit_id for unit_id, row in compliance.items() if row.drafts + row.submitted == 0
    }

    [result] = report.rounds
    ranking = ranking_for(province.round)
    assert [(r.initiative_id, r.rank, r.grade) for r in result.rows] == [
        (r.initiative_id, r.rank, r.grade) for r in ranking
    ]
    assert result.grade_counts == {Grade.EXCELLENT: 1, Grade.GOOD: 1, None: 1}


def test_page_shows_the_sections_and_presets(client, login_as, province: Province):
    login_as(Role.SECRETARIAT)
    response = client.get("/bao-cao?tu_ngay=2026-01-01&den_ngay=2026-12-31")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Tổng kết năm 2026" in page
    for testid, value in [("total-registered", "7"), ("total-submitted", "6"), ("total-accepted", "3"),
                          ("total-units-none", "1")]:
        assert f'data-testid="{testid}">{value}<' in page, testid
    for section in ("section-fields", "section-units", "section-units-none", "section-rounds", "section-awards"):
        assert f'data-testid="{section}"' in page
    assert "Đợt đánh giá năm 2026" in page and 'data-grade="excellent">1<' in page
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page
    assert "reports.css" in page  # the print stylesheet (A4)
    assert 'href="/bao-cao?tu_ngay=2026-01-01&amp;den_ngay=2026-06-30"' in page  # preset buttons
    assert "6 tháng đầu năm" in page and "Cả năm" in page


def test_print_stylesheet_is_a4(client, login_as):
    login_as(Role.OBSERVER)
    css = client.get("/static/bao-cao/reports.css").get_data(as_text=True)
    assert "@media print" in css and "size: A4" in css


@pytest.mark.parametrize(
    ("today", "end", "title"),
    [
        (date(2026, 3, 10), date(2026, 6, 30), "Sơ kết 6 tháng đầu năm 2026"),
        (date(2026, 6, 30), date(2026, 6, 30), "Sơ kết 6 tháng đầu năm 2026"),
        (date(2026, 7, 1), date(2026, 12, 31), "Tổng kết năm 2026"),
        # Issue 17: in December the report opened on a half-year long past.
        (date(2026, 12, 6), date(2026, 12, 31), "Tổng kết năm 2026"),
    ],
)
def test_default_period_is_the_report_due_now(app, today, end, title):
    period = parse_period({}, today=today)
    assert (period.start, period.end, period.title) == (date(2026, 1, 1), end, title)
    assert period.label == f"từ ngày 01/01/2026 đến ngày {end:%d/%m/%Y}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"tu_ngay": "2026-07-01", "den_ngay": "2026-01-01"}, "Ngày kết thúc phải sau ngày bắt đầu."),
        ({"tu_ngay": "hôm qua", "den_ngay": "2026-01-01"}, "Vui lòng nhập ngày"),
    ],
)
def test_invalid_periods_are_explained(client, login_as, args, message):
    login_as(Role.SECRETARIAT)
    response = client.get("/bao-cao", query_string=args)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert client.get("/bao-cao/excel", query_string=args).status_code == 400


@pytest.mark.parametrize("role", [Role.STAFF, Role.EVALUATOR])
def test_report_is_not_for_staff_or_evaluators(client, login_as, role):
    login_as(role)
    assert client.get("/bao-cao").status_code == 403
    assert client.get("/bao-cao/excel").status_code == 403


def test_workbook_has_the_official_header_and_the_figures(client, login_as, province: Province):
    login_as(Role.SECRETARIAT)
    response = client.get("/bao-cao/excel?tu_ngay=01/01/2026&den_ngay=31/12/2026")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response.headers["Content-Disposition"]
    assert 'filename="' in disposition and "filename*=UTF-8''B%C3%A1o%20c%C3%A1o" in disposition

    wb = load_workbook(io.BytesIO(response.data))
    assert wb.sheetnames[:5] == ["Tổng hợp", "Theo lĩnh vực", "Theo đơn vị", "Chưa đăng ký", "Kết quả chấm"]
    summary = wb["Tổng hợp"]
    cells = [[c.value for c in row] for row in summary.iter_rows()]
    flat = [v for row in cells for v in row if v is not None]
    assert "UBND TỈNH NINH BÌNH" in flat and "SỞ NỘI VỤ" in flat
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat and "Độc lập - Tự do - Hạnh phúc" in flat
    assert "BÁO CÁO" in flat
    assert any(isinstance(v, str) and v.startswith("Tổng kết năm 2026") for v in flat)
    assert "A1:A1" not in {str(r) for r in summary.merged_cells.ranges}
    assert any(str(r).startswith("A1:") for r in summary.merged_cells.ranges)  # the header block is merged
    # The figure is the row's last value (the Chỉ tiêu cell may be merged over two columns).
    figures = {row[1]: row[-1] for row in cells if len(row) > 2 and isinstance(row[0], int)
               and isinstance(row[-1], int)}
    assert figures["Số mô hình đăng ký"] == 7
    assert figures["Số mô hình đã nộp"] == 6
    assert figures["Số mô hình được tiếp nhận"] == 3
    assert figures["Số đơn vị chưa đăng ký mô hình nào"] == 1
    assert figures["Số mô hình xếp loại Xuất sắc"] == 1
    assert int(summary.page_setup.paperSize) == int(summary.PAPERSIZE_A4)

    units = {row[1].value: row[3].value for row in wb["Theo đơn vị"].iter_rows(min_row=3) if row[1].value}
    assert units["Sở Tư pháp"] == 2 and units["Bệnh viện Đa khoa tỉnh"] == 1
    missing = [row[1].value for row in wb["Chưa đăng ký"].iter_rows(min_row=4) if row[1].value]
    assert missing == ["UBND xã Gia Viễn"]
    results = {row[1]: row for row in ([c.value for c in r] for r in wb["Kết quả chấm"].iter_rows())}
    assert results["Mô hình m1"][0] == 1 and results["Mô hình m1"][5] == "Xuất sắc"
    assert results["Mô hình m7"][0] == "Chưa đủ phiếu"


def test_export_is_audited(client, login_as, province: Province):
    from danvankheo.audit.models import AuditEvent

    user = login_as(Role.OBSERVER)
    client.get("/bao-cao/excel?tu_ngay=2026-01-01&den_ngay=2026-06-30")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export.xlsx"))
    assert event is not None and event.actor_id == user.id
    assert event.object_label.startswith("Sơ kết 6 tháng đầu năm 2026")
    assert event.changes["filename"][1].endswith("01-01-2026 đến 30-06-2026.xlsx")
