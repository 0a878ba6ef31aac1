"""Every download, read back with openpyxl: the official layout, values and types, print
settings, formula neutralisation, Vietnamese text, access rules and the audit record."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from danvankheo.audit.models import AuditEvent
from danvankheo.awards import proposals
from danvankheo.awards.models import AwardForm
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.registry.models import Status
from danvankheo.units.models import UnitKind
from tests.awards.builders import INJECTION_NAME
from tests.factories import make_initiative, make_unit, make_user


def _workbook(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    data = response.get_data()
    response.close()  # the file is streamed from a temporary file
    return load_workbook(io.BytesIO(data))


def _filename(response) -> tuple[str, str]:
    header = response.headers["Content-Disposition"]
    ascii_name = re.search(r'filename="([^"]+)"', header).group(1)
    utf8_name = unquote(re.search(r"filename\*=UTF-8''(\S+)", header).group(1))
    assert ascii_name.isascii()
    return ascii_name, utf8_name


def _merged(ws) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


def _row_of(ws, text: str) -> int:
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell.row
    raise AssertionError(f"{text!r} not in the sheet")


def _assert_print_ready(ws, header_row: str, freeze: str, orientation: str = "landscape") -> None:
    assert ws.page_setup.orientation == orientation and int(ws.page_setup.paperSize) == 9
    # At 100 %: the columns are chosen to fit A4, nothing shrinks the text (test_print.py).
    assert not ws.sheet_properties.pageSetUpPr.fitToPage and int(ws.page_setup.scale) == 100
    assert ws.print_title_rows == header_row
    assert ws.freeze_panes == freeze


def _assert_official_header(ws, last_col: str) -> int:
    """Bodies, number, motto, place-date and title where Nghị định 30/2020 puts them.
    Returns the column where the right block starts."""
    assert ws["A1"].value == "UBND TỈNH NINH BÌNH"
    assert ws["A2"].value == "SỞ NỘI VỤ" and ws["A2"].font.b
    assert ws["A4"].value.startswith("Số:")
    right = next(c for c in ws[1] if c.value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert right.font.b and ws.cell(2, right.column).value == "Độc lập - Tự do - Hạnh phúc"
    assert ws.cell(4, right.column).font.i and ws.cell(4, right.column).value.startswith("Ninh Bình, ngày ")
    from openpyxl.utils import get_column_letter

    last_col = get_column_letter(ws.max_column)
    letter = get_column_letter(right.column - 1)
    title_row = 7 if ws["A6"].value == "DỰ THẢO" else 6
    assert {f"A1:{letter}1", f"A2:{letter}2", f"A4:{letter}4", f"{right.column_letter}1:{last_col}1",
            f"{right.column_letter}2:{last_col}2", f"A{title_row}:{last_col}{title_row}"} <= _merged(ws)
    assert all(c.font.name == "Times New Roman" for row in ws.iter_rows(max_row=8) for c in row if c.value)
    return right.column


# --- Danh sách đề nghị khen thưởng -----------------------------------------------------------


def _approved_style_proposal(finalised):
    provincial = db.session.scalar(select(AwardForm).where(AwardForm.name == "Bằng khen của Chủ tịch UBND tỉnh"))
    proposal = proposals.create_proposal(finalised.round, proposals.excellent_initiative_ids(finalised.round), provincial)
    justice = finalised.models["justice"]
    member_line = proposals.add_line(proposal, justice, f"member:{justice.members[1].id}", provincial)
    details = proposals.ProposalDetails(
        title="Đề nghị khen thưởng phong trào thi đua “Dân vận khéo” năm 2026", submission_number="125",
        submission_date=date(2026, 10, 5), signer_name="Nguyễn Văn An", signer_title="Phó Giám đốc",
        signer_authority="KT. Giám đốc")
    changes = [proposals.LineChange(l.id, l.recipient_key, l.award_form_id, l.achievement_summary,
                                 "+ Đề nghị ưu tiên" if l.id == member_line.id else "") for l in proposal.lines]
    proposals.update_proposal(proposal, details, changes, expected_version=proposal.version)
    db.session.commit()
    return proposal


def test_proposal_list_in_the_official_layout(client, login_as, finalised):
    proposal = _approved_style_proposal(finalised)
    login_as(finalised.secretariat)
    response = client.get(f"/xuat-excel/de-nghi/{proposal.id}")
    ascii_name, utf8_name = _filename(response)
    assert utf8_name == f"Danh sách đề nghị khen thưởng 2026 - {proposal.id}.xlsx"
    assert ascii_name == f"Danh-sach-de-nghi-khen-thuong-2026-{proposal.id}.xlsx"
    wb = _workbook(response)
    ws = wb["Danh sách đề nghị"]
    _assert_official_header(ws, "J")
    assert ws["A4"].value == "Số: 125/TTr-SNV"
    right = next(c for c in ws[1] if c.value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").column
    assert ws.cell(4, right).value == "Ninh Bình, ngày 05 tháng 10 năm 2026"
    assert ws["A6"].value == "DỰ THẢO"  # not approved yet
    assert ws["A7"].value == "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG"
    assert ws["A8"].value == "Phong trào thi đua “Dân vận khéo” năm 2026"
    assert ws["A9"].value == "(Kèm theo Tờ trình số 125/TTr-SNV ngày 05/10/2026 của Sở Nội vụ)"
    # DOMAIN.md's order.
    assert [c.value for c in ws[11]] == [
        "STT", "Tên tập thể / Họ và tên", "Chức vụ, đơn vị", "Tên mô hình", "Lĩnh vực", "Điểm", "Xếp loại",
        "Tóm tắt thành tích", "Hình thức khen thưởng đề nghị", "Ghi chú"]
    _assert_print_ready(ws, "$11:$11", "C12")

    assert ws["A12"].value == "I. TẬP THỂ" and "A12:J12" in _merged(ws)
    first = [c.value for c in ws[13]]
    assert first[:5] == [1, "Sở Tư pháp", None, "Tư pháp gần dân, vì dân", "Xây dựng hệ thống chính trị"]
    assert first[5] == 94.5 and ws["F13"].data_type == "n" and first[6] == "Xuất sắc"
    assert ws["F13"].number_format == "[$-42A]General"  # prints "94,5"
    assert first[8] == "Bằng khen của Chủ tịch UBND tỉnh"
    assert "Trợ giúp pháp lý cho 1.250 lượt người dân." in first[7]
    assert ws.row_dimensions[13].height > 2 * 15  # the summary wraps, the row grows with it
    injection = ws["D14"]
    assert injection.value == INJECTION_NAME and injection.data_type == "s" and injection.quotePrefix
    assert ws["B14"].value == "Sở Y tế" and ws["F14"].value == 91

    individuals = _row_of(ws, "II. CÁ NHÂN")
    person = [c.value for c in ws[individuals + 1]]
    assert person[:3] == [1, "Lê Văn Đạt", "Trưởng phòng Phổ biến pháp luật, Sở Tư pháp"]
    note = ws.cell(individuals + 1, 10)
    assert note.value == "+ Đề nghị ưu tiên" and note.data_type == "s" and note.quotePrefix
    total = _row_of(ws, "Tổng cộng: 2 tập thể và 1 cá nhân.")
    assert ws.cell(total + 1, 1).value == "Trong đó: Bằng khen của Chủ tịch UBND tỉnh: 3."
    signer_rows = [c.value for row in ws.iter_rows(min_row=total + 2) for c in row if c.value]
    assert signer_rows[:2] == ["Nơi nhận:", "KT. GIÁM ĐỐC"]
    assert "PHÓ GIÁM ĐỐC" in signer_rows and signer_rows[-1] == "Nguyễn Văn An"
    assert "- Như trên;" not in signer_rows  # the list has no Kính gửi
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export.xlsx"))
    assert event.object_type == "Proposal" and event.object_id == proposal.id
    assert event.changes["filename"][1] == utf8_name


def test_proposal_without_number_leaves_room_to_write_it(client, login_as, finalised):
    provincial = db.session.scalar(select(AwardForm).where(AwardForm.name == "Bằng khen của Chủ tịch UBND tỉnh"))
    proposal = proposals.create_proposal(finalised.round, [finalised.models["commune"].id], provincial)
    db.session.commit()
    login_as(Role.OBSERVER)
    ws = _workbook(client.get(f"/xuat-excel/de-nghi/{proposal.id}")).active
    assert ws["A4"].value == "Số: …………/TTr-SNV"  # dots, to write the number in by hand
    assert ws["A9"].value == "(Kèm theo Tờ trình số …………/TTr-SNV ngày …/…/2026 của Sở Nội vụ)"
    assert ws["A14"].value == "II. CÁ NHÂN" and ws["A15"].value == "Không có"


# --- Ranking -----------------------------------------------------------------------------------


def test_ranking_with_criterion_means_and_score_details(client, login_as, finalised):
    login_as(finalised.secretariat)
    response = client.get(f"/xuat-excel/dot-danh-gia/{finalised.round.id}/xep-hang")
    assert _filename(response)[1] == "Kết quả xếp hạng Đợt đánh giá mô hình năm 2026.xlsx"
    wb = _workbook(response)
    ws = wb["Xếp hạng"]
    _assert_official_header(ws, "M")
    assert ws["A6"].value == "KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG MÔ HÌNH “DÂN VẬN KHÉO”"  # finalised: no DỰ THẢO
    header_top, header_bottom = 9, 10
    assert [c.value for c in ws[header_top]][:5] == ["STT", "Tên mô hình", "Đơn vị", "Lĩnh vực",
                                                    "Điểm trung bình theo tiêu chí"]
    assert ws.cell(header_bottom, 5).value == "TC1. Tính mới, sáng tạo (20)"
    assert ws.cell(header_bottom, 9).value == "TC5. Tính bền vững, khả năng nhân rộng (20)"
    assert [ws.cell(header_top, c).value for c in range(10, 14)] == ["Tổng điểm", "Xếp loại", "Xếp hạng", "Ghi chú"]
    assert {"E9:I9", "A9:A10", "B9:B10", "J9:J10"} <= _merged(ws)
    _assert_print_ready(ws, "$9:$10", "C11")
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=11, max_row=13)]
    assert rows[0][:4] == [1, "Tư pháp gần dân, vì dân", "Sở Tư pháp", "Xây dựng hệ thống chính trị"]
    assert rows[0][4:9] == [19, 28.5, 19, 9, 19] and rows[0][9:12] == [94.5, "Xuất sắc", 1]
    assert all(ws.cell(11, c).data_type == "n" for c in range(4, 13) if ws.cell(11, c).value is not None
               and not isinstance(ws.cell(11, c).value, str))
    assert rows[1][1] == INJECTION_NAME and ws["B12"].data_type == "s" and ws["B12"].quotePrefix
    assert rows[2][10:12] == ["Tốt", 3]
    signed = [c.value for row in ws.iter_rows(min_row=14) for c in row if c.value]
    assert signed[0] == "Xếp hạng theo: điểm gốc"  # which score ranked (raw, not adjusted)
    assert signed[1:3] == ["Nơi nhận:", "…………"] and signed[-1] == "…………"  # no signer configured

    comments = wb["Nhận xét"]
    header = _row_of(comments, "Nhận xét")
    body = [[c.value for c in row] for row in comments.iter_rows(min_row=header + 1) if row[0].value is not None]
    assert [(row[1], row[3], row[5]) for row in body] == [
        ("Tư pháp gần dân, vì dân", "Thành viên 1", "Nhận xét justice"),
        (INJECTION_NAME, "Thành viên 1", "Nhận xét injection"),
        ("Dân vận ở thôn bản", "Thành viên 1", "Nhận xét commune")]
    assert body[0][4] == 94.5

    details = wb["Chi tiết phiếu chấm"]
    header = _row_of(details, "Thành viên hội đồng")
    body = [[c.value for c in row] for row in details.iter_rows(min_row=header + 1) if row[0].value is not None]
    assert len(body) == 3 * 5  # three models, five criteria, one evaluator
    assert {row[3] for row in body} == {"Thành viên 1"}  # nobody is named, not even to the secretariat
    assert body[0][4].startswith("TC1.") and body[0][5] == 20 and isinstance(body[0][6], int | float)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export.xlsx"))
    assert event.object_type == "Round" and event.changes["rows"][1] == 15


def test_ranking_hides_evaluator_names_from_others(client, login_as, finalised):
    login_as(Role.OBSERVER)
    details = _workbook(client.get(f"/xuat-excel/dot-danh-gia/{finalised.round.id}/xep-hang"))["Chi tiết phiếu chấm"]
    values = {c.value for row in details.iter_rows() for c in row}
    assert "Hoàng Văn Bình" not in values and "Thành viên 1" in values


def test_ranking_download_is_what_the_filtered_page_shows(client, login_as, finalised):
    login_as(finalised.secretariat)
    page = client.get(f"/dot-danh-gia/{finalised.round.id}/xep-hang?khoi=department&sap_xep=ten")
    link = re.search(r'href="([^"]+)" data-testid="ranking-export"', page.get_data(as_text=True)).group(1)
    assert "khoi=department" in link and "sap_xep=ten" in link
    response = client.get(link.replace("&amp;", "&"))
    assert _filename(response)[1] == "Kết quả xếp hạng Đợt đánh giá mô hình năm 2026 (đã lọc).xlsx"
    wb = _workbook(response)
    ranking = wb["Xếp hạng"]
    assert [ranking.cell(row, 1).value for row in (7, 8)] == [
        "Đợt đánh giá mô hình năm 2026", "(Khối: Sở, ban, ngành)"]
    names = [row[1] for row in ranking.iter_rows(values_only=True) if isinstance(row[0], int)]
    # The two departments' models in the page's order (by name); the commune's model is left out.
    assert names == ["Tư pháp gần dân, vì dân", INJECTION_NAME]
    details = wb["Chi tiết phiếu chấm"]
    header = _row_of(details, "Thành viên hội đồng")
    body = [[c.value for c in row] for row in details.iter_rows(min_row=header + 1) if row[0].value is not None]
    assert len(body) == 2 * 5
    assert [row[1] for row in body[::5]] == names  # the detail follows the ranking sheet's order


@pytest.mark.real_commits  # the job writes its progress through a connection of its own
def test_a_ranking_over_the_threshold_is_built_by_a_job_with_its_whole_detail(client, login_as, finalised, app):
    """No detail is refused any more: past JOB_EXPORT_THRESHOLD rows the export is a job
    (run inside the request here: the tests' worker is immediate) whose file has every row."""
    from danvankheo.jobs.models import Job, JobState

    app.config["JOB_EXPORT_THRESHOLD"] = 17  # 3 ranking rows + 15 score rows = 18
    login_as(finalised.secretariat)
    response = client.get(f"/xuat-excel/dot-danh-gia/{finalised.round.id}/xep-hang")
    assert response.status_code == 302 and response.headers["Location"].startswith("/cong-viec")
    job = db.session.scalar(select(Job))
    assert job.state is JobState.DONE and job.progress_done == job.progress_total == 18
    details = _workbook(client.get(f"/cong-viec/{job.id}/tai-ve"))["Chi tiết phiếu chấm"]
    header = _row_of(details, "Thành viên hội đồng")
    body = [row for row in details.iter_rows(min_row=header + 1, values_only=True) if row[0] is not None]
    assert len(body) == 15 and "Thành viên 1" in {row[3] for row in body}
    app.config["JOB_EXPORT_THRESHOLD"] = 18  # at the threshold: still an instant download
    assert _filename(client.get(f"/xuat-excel/dot-danh-gia/{finalised.round.id}/xep-hang"))


@pytest.mark.parametrize("role", [Role.STAFF, Role.EVALUATOR])
def test_ranking_export_is_not_for_units_or_evaluators(client, login_as, finalised, role):
    login_as(role)
    assert client.get(f"/xuat-excel/dot-danh-gia/{finalised.round.id}/xep-hang").status_code == 403


# --- Compliance --------------------------------------------------------------------------------


def test_compliance_report_of_a_year(client, login_as, app):
    justice = make_unit("Sở Tư pháp", code="STP")
    make_unit("UBND xã Đồng Thái", code="XDT", kind=UnitKind.COMMUNE)
    make_unit(INJECTION_NAME, code="XSS", kind=UnitKind.COMMUNE)  # a unit name typed like a formula
    initiative = make_initiative(justice, name="Tư pháp gần dân", status=Status.SUBMITTED)
    initiative.submitted_at = datetime(2026, 9, 1, 3, 0, tzinfo=UTC)
    db.session.commit()
    login_as(Role.OBSERVER)
    response = client.get("/xuat-excel/tinh-hinh-dang-ky?nam=2026")
    assert _filename(response) == ("Tinh-hinh-dang-ky-mo-hinh-nam-2026.xlsx",
                                   "Tình hình đăng ký mô hình năm 2026.xlsx")
    ws = _workbook(response).active
    _assert_official_header(ws, "L")
    assert ws["A4"].value.startswith("Số:") and ws["A4"].value.endswith("/BC-SNV")
    assert ws["A6"].value == "BÁO CÁO TÌNH HÌNH ĐĂNG KÝ MÔ HÌNH “DÂN VẬN KHÉO” NĂM 2026"
    header = _row_of(ws, "Đơn vị")
    assert ws.cell(header, 6).value == "Số mô hình" and ws.cell(header + 1, 6).value == "Đã nộp"
    _assert_print_ready(ws, f"${header}:${header + 1}", f"C{header + 2}")
    rows = {row[1]: row for row in ws.iter_rows(min_row=header + 2, values_only=True) if isinstance(row[0], int)}
    assert rows["Sở Tư pháp"][5:7] == (1, 1) and rows["Sở Tư pháp"][11] == "Đạt"
    assert rows["UBND xã Đồng Thái"][5] == 0 and rows["UBND xã Đồng Thái"][11] == "Chưa nộp"
    deadline = ws.cell(header + 2, 4)
    assert deadline.is_date and deadline.number_format == "dd/mm/yyyy" and deadline.value.year == 2026
    assert any(str(v).startswith("Tổng cộng: 3 đơn vị") for row in ws.iter_rows(values_only=True) for v in row if v)
    assert "Nơi nhận:" in [c.value for row in ws.iter_rows() for c in row]
    injected = next(c for row in ws.iter_rows() for c in row if c.value == INJECTION_NAME)
    assert injected.data_type == "s" and injected.quotePrefix
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export.xlsx"))
    assert event.object_type == "Export" and event.object_label == "Tình hình đăng ký mô hình năm 2026"


# --- Registry listing --------------------------------------------------------------------------


def test_registry_listing_with_the_filters_applied(client, login_as, app):
    justice = make_unit("Sở Tư pháp", code="STP")
    health = make_unit("Sở Y tế", code="SYT")
    make_initiative(justice, name="Tư pháp gần dân", status=Status.SUBMITTED, year=2026,
                    budget_state=50_000_000, beneficiaries=1200)
    make_initiative(health, name=INJECTION_NAME, status=Status.ACCEPTED, year=2026)
    make_initiative(justice, name="Mô hình năm trước", status=Status.ACCEPTED, year=2025)
    make_initiative(justice, name="Bản nháp không ai thấy", status=Status.DRAFT, year=2026)
    db.session.commit()
    login_as(Role.SECRETARIAT)
    response = client.get("/xuat-excel/mo-hinh?nam=2026&q=")
    ws = _workbook(response).active
    assert ws["A1"].value == "UBND TỈNH NINH BÌNH" and ws["A6"].value == "DANH SÁCH MÔ HÌNH “DÂN VẬN KHÉO”"
    assert ws["A7"].value == "(Điều kiện lọc: năm 2026)"
    header = _row_of(ws, "STT")
    _assert_print_ready(ws, f"${header}:${header}", f"C{header + 1}")
    rows = [row for row in ws.iter_rows(min_row=header + 1, values_only=True) if isinstance(row[0], int)]
    names = [row[1] for row in rows]
    assert sorted(names) == sorted(["Tư pháp gần dân", INJECTION_NAME])
    justice_row = rows[names.index("Tư pháp gần dân")]
    # The year is text: it prints "2026", never "2.026".
    assert justice_row[2:7] == ("Sở Tư pháp", "2026", "Xây dựng hệ thống chính trị", "Tập thể", "Đã nộp")
    assert justice_row[9:11] == (1200, 50_000_000)
    injected = ws.cell(header + 1 + names.index(INJECTION_NAME), 2)
    assert injected.data_type == "s" and injected.quotePrefix
    filtered = _workbook(client.get(f"/xuat-excel/mo-hinh?nam=2026&don_vi={health.id}")).active
    assert filtered["A7"].value == "(Điều kiện lọc: năm 2026; đơn vị Sở Y tế (kể cả đơn vị trực thuộc))"
    assert [r[1] for r in filtered.iter_rows(min_row=header + 1, values_only=True)
            if isinstance(r[0], int)] == [INJECTION_NAME]
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export.xlsx")))
    assert [e.changes["rows"][1] for e in events] == [2, 1]


def test_staff_export_only_what_they_may_see(client, login_as, app):
    justice = make_unit("Sở Tư pháp", code="STP")
    health = make_unit("Sở Y tế", code="SYT")
    make_initiative(justice, name="Bản nháp của đơn vị", status=Status.DRAFT)
    make_initiative(health, name="Mô hình đơn vị khác", status=Status.SUBMITTED)
    staff = make_user(Role.STAFF, unit=justice)
    db.session.commit()
    login_as(staff)
    ws = _workbook(client.get("/xuat-excel/mo-hinh")).active
    values = {c for row in ws.iter_rows(values_only=True) for c in row}
    assert "Bản nháp của đơn vị" in values and "Mô hình đơn vị khác" not in values


def test_exports_need_a_login(client, finalised):
    for path in (f"/xuat-excel/dot-danh-gia/{finalised.round.id}/xep-hang", "/xuat-excel/mo-hinh",
                 "/xuat-excel/tinh-hinh-dang-ky"):
        assert client.get(path).status_code == 302
