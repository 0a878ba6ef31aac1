"""The proposal's Word documents read back with python-docx, the page's links and what it
says is missing, who may download, and a deployment's own template wording."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from docx import Document
from docx.shared import Pt
from sqlalchemy import select

from danvankheo.awards import documents, meetings, proposals
from danvankheo.awards.models import AwardForm, Proposal
from danvankheo.core.roles import Role
from danvankheo.extensions import db

PROVINCIAL = "Bằng khen của Chủ tịch UBND tỉnh"


@pytest.fixture
def proposal(finalised) -> Proposal:
    form = db.session.scalar(select(AwardForm).where(AwardForm.name == PROVINCIAL))
    proposal = proposals.create_proposal(finalised.round, [finalised.models["justice"].id], form,
                                        actor=finalised.secretariat)
    proposals.add_line(proposal, finalised.models["justice"], None, form, actor=finalised.secretariat)
    finalised.round.finalised_at = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    db.session.commit()
    return proposal


def _complete(proposal: Proposal, finalised) -> None:
    proposals.update_proposal(proposal, proposals.ProposalDetails(
        title=proposal.title, submission_number="125/TTr-SNV", submission_date=date(2026, 11, 28),
        signer_name="Nguyễn Văn An", signer_title="Phó Giám đốc", signer_authority="KT. Giám đốc"),
        [], expected_version=None, actor=finalised.secretariat)
    meetings.record_meeting(proposal, meetings.MeetingData(
        meeting_date=date(2026, 11, 25), place="Phòng họp số 1, Sở Nội vụ", chair_name="Trần Văn Bình",
        chair_title="Phó Chủ tịch Hội đồng", secretary_name="Lê Thị Mai", members_total=9, members_present=8,
        votes={line.id: 8 - i * 4 for i, line in enumerate(proposal.lines)}), actor=finalised.secretariat)
    db.session.commit()


def _text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _get(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response


def _docx(client, proposal: Proposal, slug: str) -> bytes:
    response = _get(client, f"/khen-thuong/de-nghi/{proposal.id}/van-ban/{slug}.docx")
    assert response.mimetype.endswith("wordprocessingml.document")
    return response.data


def test_complete_documents_carry_the_proposal(client, login_as, proposal, finalised):
    _complete(proposal, finalised)
    login_as(finalised.secretariat)
    submission = _text(_docx(client, proposal, "to-trinh"))
    assert "Số: 125/TTr-SNV" in submission
    assert "Ninh Bình, ngày 28 tháng 11 năm 2026" in submission
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh." in submission
    assert "3 mô hình được Hội đồng chấm điểm" in submission and "Xuất sắc: 2; Tốt: 1" in submission
    assert "cho 1 tập thể và 1 cá nhân" in submission and "khen thưởng theo chuyên đề" in submission
    assert "Nghị định số 152/2025/NĐ-CP" in submission and "98/2023" not in submission
    assert "- Như trên;" in submission and "- Lưu: VT, Phòng Nội vụ." in submission
    assert "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC" in submission and "Nguyễn Văn An" in submission
    assert "…" not in submission

    minutes = _text(_docx(client, proposal, "bien-ban"))
    assert "Thời gian: ngày 25 tháng 11 năm 2026." in minutes
    assert "Địa điểm: Phòng họp số 1, Sở Nội vụ." in minutes
    assert "Chủ trì: Trần Văn Bình, Phó Chủ tịch Hội đồng." in minutes and "Thư ký: Lê Thị Mai." in minutes
    assert "8/9 thành viên" in minutes and "từ 5/9 phiếu đồng ý" in minutes
    assert "1 | Sở Tư pháp | Tư pháp gần dân, vì dân | Bằng khen của Chủ tịch UBND tỉnh | 8/9 | Đạt" in minutes
    assert "| 4/9 | Không đạt" in minutes
    assert "1 tập thể, cá nhân không đạt" in minutes

    decision = _text(_docx(client, proposal, "du-thao-quyet-dinh"))
    assert decision.startswith("DỰ THẢO")
    assert "Số: ……/QĐ-UBND" in decision and "Tờ trình số 125/TTr-SNV ngày 28/11/2026" in decision
    assert "1 | Sở Tư pháp | Tư pháp gần dân, vì dân" in decision
    assert "1 | Nguyễn Thị Hằng | Phó Giám đốc Sở, Sở Tư pháp | Tư pháp gần dân, vì dân" in decision


def test_reports_are_prefilled_from_the_dossier(client, login_as, proposal, finalised):
    _complete(proposal, finalised)
    login_as(finalised.secretariat)
    collective, individual = proposal.collective_lines[0], proposal.individual_lines[0]
    text = _text(_get(client, f"/khen-thuong/de-nghi/{proposal.id}/bao-cao-thanh-tich/{collective.id}.docx").data)
    assert "BÁO CÁO THÀNH TÍCH" in text and "ĐỀ NGHỊ TẶNG BẰNG KHEN CỦA CHỦ TỊCH UBND TỈNH" in text
    assert "Nghị định số 152/2025/NĐ-CP" in text
    assert "Tên tập thể đề nghị khen thưởng: Sở Tư pháp." in text
    assert "Trợ giúp pháp lý cho 1.250 lượt người dân." in text and "Người dân hài lòng" in text
    assert "94,5 điểm, xếp loại Xuất sắc" in text
    assert "Chưa có tệp minh chứng." in text
    text = _text(_get(client, f"/khen-thuong/de-nghi/{proposal.id}/bao-cao-thanh-tich/{individual.id}.docx").data)
    assert "Họ và tên: Nguyễn Thị Hằng." in text and "Phó Giám đốc Sở, Sở Tư pháp" in text
    assert "NGƯỜI BÁO CÁO THÀNH TÍCH" in text


def test_documents_are_a4_times_new_roman_and_at_least_11_pt(client, login_as, proposal, finalised):
    _complete(proposal, finalised)
    login_as(finalised.secretariat)
    for slug in documents.PROPOSAL_DOCUMENTS:
        document = Document(io.BytesIO(_docx(client, proposal, slug)))
        section = document.sections[0]
        assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
        assert document.styles["Normal"].font.name == "Times New Roman"
        runs = [run for p in document.paragraphs for run in p.runs if run.text.strip()]
        runs += [run for t in document.tables for row in t.rows for cell in row.cells for p in cell.paragraphs
                 for run in p.runs if run.text.strip()]
        assert runs and all(run.font.size is None or run.font.size >= Pt(11) for run in runs), slug
        assert all("{{" not in run.text and "{%" not in run.text for run in runs), slug


def test_missing_details_print_as_dots_and_the_page_says_what_to_fill(client, login_as, proposal, finalised, app):
    app.config["ISSUING_BODY_NAME"] = ""
    login_as(finalised.secretariat)
    page = _get(client, f"/khen-thuong/de-nghi/{proposal.id}").get_data(as_text=True)
    for wanted in ("số Tờ trình", "ngày Tờ trình", "họ và tên người ký", "biên bản họp Hội đồng",
                   "tên cơ quan ban hành (ISSUING_BODY_NAME)"):
        assert wanted in page
    submission = _text(_docx(client, proposal, "to-trinh"))
    assert "Số: ……/TTr-SNV" in submission
    assert "Ninh Bình, ngày …… tháng …… năm ……" in submission
    assert "……………, Sở Nội vụ" not in submission and "……………" in submission
    minutes = _text(_docx(client, proposal, "bien-ban"))
    assert "Thời gian: ngày …… tháng …… năm ……." in minutes and "……/……" in minutes


def test_a_deployment_edits_the_wording_without_code(client, login_as, proposal, finalised, app, tmp_path):
    template = Document(str(documents.DEFAULT_TEMPLATE_FOLDER / "to-trinh.docx"))
    paragraph = next(p for p in template.paragraphs if p.text.startswith("Căn cứ Luật Thi đua"))
    paragraph.runs[0].text = "Căn cứ Luật Thi đua, khen thưởng (sửa đổi) năm 2026;"
    template.save(str(tmp_path / "to-trinh.docx"))
    app.config["DOCUMENT_TEMPLATE_FOLDER"] = str(tmp_path)
    login_as(finalised.secretariat)
    submission = _text(_docx(client, proposal, "to-trinh"))
    assert "Căn cứ Luật Thi đua, khen thưởng (sửa đổi) năm 2026;" in submission
    assert "BIÊN BẢN" in _text(_docx(client, proposal, "bien-ban"))  # not overridden: the repository's


def test_without_libreoffice_the_page_explains_the_missing_pdf_links(client, login_as, proposal, finalised, app):
    app.config["SOFFICE_PATH"] = "/nonexistent/soffice"
    login_as(finalised.secretariat)
    page = _get(client, f"/khen-thuong/de-nghi/{proposal.id}").get_data(as_text=True)
    assert "Không có liên kết PDF: Máy chủ chưa cài LibreOffice" in page
    assert "/van-ban/to-trinh.pdf" not in page and "/van-ban/to-trinh.docx" in page
    response = client.get(f"/khen-thuong/de-nghi/{proposal.id}/van-ban/to-trinh.pdf")
    assert response.status_code == 303
    app.config["SOFFICE_PATH"] = None
    app.config["PDF_ENABLED"] = False
    page = _get(client, f"/khen-thuong/de-nghi/{proposal.id}").get_data(as_text=True)
    assert "PDF_ENABLED=0" in page


def test_with_libreoffice_the_page_links_pdfs(client, login_as, proposal, finalised):
    login_as(finalised.secretariat)
    page = _get(client, f"/khen-thuong/de-nghi/{proposal.id}").get_data(as_text=True)
    assert "/van-ban/to-trinh.pdf" in page and "/van-ban/danh-sach.pdf" in page and "/ho-so.zip" in page
    assert 'data-testid="pdf-unavailable"' not in page


@pytest.mark.parametrize("role", [Role.STAFF, Role.EVALUATOR])
def test_staff_and_evaluators_cannot_download_documents(client, login_as, proposal, role):
    login_as(role)
    line = proposal.lines[0]
    for url in (f"/khen-thuong/de-nghi/{proposal.id}/van-ban/to-trinh.docx",
                f"/khen-thuong/de-nghi/{proposal.id}/bao-cao-thanh-tich/{line.id}.docx",
                f"/khen-thuong/de-nghi/{proposal.id}/ho-so.zip"):
        assert client.get(url).status_code == 403


def test_observers_read_but_do_not_record(client, login_as, proposal):
    login_as(Role.OBSERVER)
    assert client.get(f"/khen-thuong/de-nghi/{proposal.id}/van-ban/bien-ban.docx").status_code == 200
    page = client.get(f"/khen-thuong/de-nghi/{proposal.id}").get_data(as_text=True)
    assert "data-testid=\"record-meeting\"" not in page and "/hop-hoi-dong" not in page


def test_unknown_documents_are_404(client, login_as, proposal, finalised):
    login_as(finalised.secretariat)
    other = proposals.create_proposal(finalised.round, [finalised.models["commune"].id],
                                     proposal.lines[0].award_form, actor=finalised.secretariat)
    db.session.commit()
    base = f"/khen-thuong/de-nghi/{proposal.id}"
    for url in (f"{base}/van-ban/khong-co.docx", f"{base}/van-ban/to-trinh.exe", f"{base}/van-ban/danh-sach.docx",
                f"{base}/bao-cao-thanh-tich/{other.lines[0].id}.docx", "/khen-thuong/de-nghi/9999/ho-so.zip"):
        assert client.get(url).status_code == 404, url


def test_pdfs_are_printed_by_libreoffice(client, login_as, proposal, finalised):
    from tests import render

    render.require("soffice")
    _complete(proposal, finalised)
    login_as(finalised.secretariat)
    for url in (f"/khen-thuong/de-nghi/{proposal.id}/van-ban/to-trinh.pdf",
                f"/khen-thuong/de-nghi/{proposal.id}/van-ban/danh-sach.pdf"):
        response = _get(client, url)
        assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
        assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    text = " ".join(page.text for page in render.pages(response.data))
    assert "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG" in text


def test_typed_text_is_printed_as_text(client, login_as, proposal, finalised):
    """Markup characters in a name reach the document as they were typed (docxtpl escapes)."""
    line = proposal.individual_lines[0]
    line.recipient_name = 'Tổ <w:p/> & "Ba cùng" {{ 7*7 }}'
    db.session.commit()
    login_as(finalised.secretariat)
    decision = _text(_docx(client, proposal, "du-thao-quyet-dinh"))
    assert 'Tổ <w:p/> & "Ba cùng" {{ 7*7 }}' in decision and "49" not in decision


def test_zip_names_never_leave_their_folder():
    from danvankheo.awards.dossier import _safe

    for hostile in ("../../etc/passwd", "a/b\\c", "..", "C:\\x", "con\x00trol"):
        cleaned = _safe(hostile)
        assert "/" not in cleaned and "\\" not in cleaned and cleaned not in ("", ".", "..")
        assert "\x00" not in cleaned
