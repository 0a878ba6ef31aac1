"""The layout editor and the calibration: what they save, what they refuse (with a Vietnamese
message, changing nothing), the overflow report, the refusal of an undecided proposal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from danvankheo.audit.models import AuditEvent
from danvankheo.awards import decisions, proposals
from danvankheo.awards.models import AwardForm
from danvankheo.certificates import fonts, services
from danvankheo.certificates.layouts import default_layout
from danvankheo.certificates.models import (
    CertificateField,
    CertificateLayout,
    CertificateSettings,
    FontFace,
)
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from tests.awards.builders import build_finalised_round
from tests.certificates.checks import page_problems
from tests.render import pages


@pytest.fixture
def world(app):
    built = build_finalised_round()
    form = db.session.scalar(select(AwardForm).where(AwardForm.name == "Bằng khen của Chủ tịch UBND tỉnh"))
    proposal = proposals.create_proposal(built.round, [built.models["justice"].id], form, actor=built.secretariat)
    db.session.commit()
    built.proposal, built.form = proposal, form
    return built


def _approve(world) -> None:
    proposal = world.proposal
    details = proposals.ProposalDetails(title="Đề nghị", submission_number="5/TTr-SNV", submission_date=date(2026, 11, 1),
                                     signer_name="Nguyễn Văn An", signer_title="Giám đốc", signer_authority="")
    proposals.update_proposal(proposal, details, [], expected_version=None, actor=world.secretariat)
    proposals.submit_proposal(proposal, actor=world.secretariat)
    decisions.approve_proposal(proposal, "77/QĐ-UBND", date(2026, 12, 1), actor=world.secretariat)
    db.session.commit()


def _layout_data(layout, **changes) -> dict:
    data = {"paper": layout.paper.value, "orientation": layout.orientation.value,
            "achievement_wording": layout.wording}
    for box in layout.boxes:
        key = box.field.value
        data.update({f"{key}-x_mm": str(box.x), f"{key}-y_mm": str(box.y), f"{key}-w_mm": str(box.w),
                     f"{key}-h_mm": str(box.h), f"{key}-font": box.font.value, f"{key}-size_pt": str(box.size),
                     f"{key}-min_size_pt": str(box.min_size), f"{key}-align": box.align.value})
        if box.printed:
            data[f"{key}-is_printed"] = "y"
    data.update(changes)
    return data


def test_a_proposal_without_a_decision_gets_no_certificate(world, client, login_as):
    login_as(world.secretariat)
    for url in (f"/khen-thuong/de-nghi/{world.proposal.id}/in-phoi.pdf",
                f"/khen-thuong/de-nghi/{world.proposal.id}/in-phoi.pdf?khung=1",
                f"/khen-thuong/de-nghi/{world.proposal.id}/in-phoi",
                f"/khen-thuong/de-nghi/{world.proposal.id}/in-phoi/dong-{world.proposal.lines[0].id}.pdf"):
        response = client.get(url, follow_redirects=True)
        assert response.mimetype == "text/html", url
        assert "Chưa in được phôi: hồ sơ đề nghị này chưa có quyết định khen thưởng" in response.get_data(as_text=True)
    assert "in-phoi.pdf" not in client.get(f"/khen-thuong/de-nghi/{world.proposal.id}").get_data(as_text=True)


def test_the_layout_editor_saves_a_layout_and_audits_it(world, client, login_as):
    login_as(world.secretariat)
    page = client.get(f"/khen-thuong/hinh-thuc/{world.form.id}/mau-phoi")
    assert page.status_code == 200 and "A3" in page.get_data(as_text=True)
    layout = default_layout(world.form.name)
    data = _layout_data(layout, **{"recipient-size_pt": "28,5", "recipient-y_mm": "100"})
    response = client.post(f"/khen-thuong/hinh-thuc/{world.form.id}/mau-phoi", data=data)
    assert response.status_code == 303
    saved = services.layout_for(world.form)
    recipient = saved.box(CertificateField.RECIPIENT)
    assert recipient.size == Decimal("28.5") and recipient.y == Decimal(100) and not saved.is_default
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate_layout.update"))
    assert event is not None and "Tên tập thể / Họ và tên" in event.changes
    assert "28,5 pt" in event.changes["Tên tập thể / Họ và tên"][1]


@pytest.mark.parametrize(("changes", "message", "field"), [
    ({"achievement-w_mm": "400"}, "Ô “Thành tích” nằm ngoài khổ giấy A3 khổ ngang (420 × 297 mm)", "achievement-w_mm"),
    ({"decision-y_mm": "290"}, "Ô “Số, ngày Quyết định” nằm ngoài khổ giấy", "decision-h_mm"),
    ({"paper": "a4", "orientation": "portrait"}, "nằm ngoài khổ giấy A4 khổ dọc (210 × 297 mm)", None),
    ({"recipient-x_mm": "-5"}, "lề trái (x) không được âm", "recipient-x_mm"),
    ({"recipient-min_size_pt": "8"}, "cỡ chữ nhỏ nhất phải từ 11 đến 72 pt", "recipient-min_size_pt"),
    ({"recipient-min_size_pt": "40"}, "cỡ chữ nhỏ nhất không được lớn hơn cỡ chữ", "recipient-min_size_pt"),
    ({"achievement_wording": "Thành tích {ten}"}, "chỉ được dùng {mo_hinh} (tên mô hình) và {nam}", None),
    ({"recipient-w_mm": "abc"}, "", "recipient-w_mm"),
])
def test_a_layout_that_cannot_print_is_refused(world, client, login_as, changes, message, field):
    login_as(world.secretariat)
    data = _layout_data(default_layout(world.form.name), **changes)
    response = client.post(f"/khen-thuong/hinh-thuc/{world.form.id}/mau-phoi", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    if field:
        assert f'id="{field}"' in html and "is-invalid" in html.split(f'id="{field}"')[0].rsplit("<", 1)[-1] + \
            html.split(f'id="{field}"')[1].split(">", 1)[0]
    assert db.session.scalar(select(func.count()).select_from(CertificateLayout)) == 0
    # The live preview says the same, and draws nothing.
    preview = client.post(f"/khen-thuong/hinh-thuc/{world.form.id}/mau-phoi/xem-truoc", data=data).get_json()
    assert preview["image"] is None and preview["errors"]
    if message:
        assert any(message in text for text in preview["errors"].values())


def test_the_preview_draws_the_unsaved_values(world, client, login_as):
    login_as(world.secretariat)
    data = _layout_data(default_layout(world.form.name), **{"recipient-x_mm": "10"})
    preview = client.post(f"/khen-thuong/hinh-thuc/{world.form.id}/mau-phoi/xem-truoc", data=data).get_json()
    assert preview["errors"] == {} and preview["problems"] == []
    assert preview["image"].startswith("data:image/png;base64,")
    assert db.session.scalar(select(func.count()).select_from(CertificateLayout)) == 0


def test_an_overflowing_text_is_reported_and_printed_whole(world, app, client, login_as):
    """A box too small even at the minimum size: the preview and the download page name the
    line and the field, and the PDF still prints every word (never clipped)."""
    _approve(world)
    login_as(world.secretariat)
    tight = {"achievement-h_mm": "6", "achievement-min_size_pt": "18"}
    data = _layout_data(default_layout(world.form.name), **tight)
    preview = client.post(f"/khen-thuong/hinh-thuc/{world.form.id}/mau-phoi/xem-truoc", data=data).get_json()
    assert preview["image"] and any("“Thành tích” dài quá ô in" in p for p in preview["problems"])
    assert client.post(f"/khen-thuong/hinh-thuc/{world.form.id}/mau-phoi", data=data).status_code == 303

    page = client.get(f"/khen-thuong/de-nghi/{world.proposal.id}/in-phoi").get_data(as_text=True)
    line = world.proposal.lines[0]
    assert f"Dòng 1: {line.recipient_name}: “Thành tích” dài quá ô in" in page
    certificates = services.proposal_certificates(world.proposal, app.config)
    [overflow] = certificates.overflows
    assert overflow.field is CertificateField.ACHIEVEMENT
    doc = pages(client.get(f"/khen-thuong/de-nghi/{world.proposal.id}/in-phoi.pdf").data)
    achievement = next(p for p in certificates.pages[0].placed if p.box.field is CertificateField.ACHIEVEMENT)
    printed = [w.text for w in doc[0].words]
    for word in " ".join(achievement.lines).split():
        assert word in printed, word
    assert achievement.size == 18  # shrunk no further than the minimum
    problems = page_problems(certificates.pages[0], doc[0], certificates.offsets)
    assert problems and all("outside its box" in p for p in problems)  # the check sees it too


@pytest.mark.parametrize(("x", "y", "field"), [("25", "0", "offset_x_mm"), ("0", "-20,5", "offset_y_mm")])
def test_a_calibration_beyond_20_mm_is_refused(world, client, login_as, x, y, field):
    login_as(world.secretariat)
    response = client.post("/khen-thuong/in-phoi/can-chinh", data={"offset_x_mm": x, "offset_y_mm": y})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "quá lớn: chỉ được từ −20 đến 20 mm" in html
    assert db.session.scalar(select(func.count()).select_from(CertificateSettings)) == 0


def test_the_calibration_is_saved_audited_and_moves_the_text(world, app, client, login_as):
    _approve(world)
    login_as(world.secretariat)
    before = services.proposal_certificates(world.proposal, app.config)
    response = client.post("/khen-thuong/in-phoi/can-chinh", data={
        "offset_x_mm": "-3,5", "offset_y_mm": "2", "signer_authority": "KT. CHỦ TỊCH", "signer_title": "PHÓ CHỦ TỊCH",
        "signer_name": "Lê Văn Ký"})
    assert response.status_code == 303
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate_settings.update"))
    assert event.changes["offset_x_mm"] == ["0", "-3,5"] and event.changes["signer_name"] == ["", "Lê Văn Ký"]
    after = services.proposal_certificates(world.proposal, app.config)
    assert (after.offsets.x, after.offsets.y) == (Decimal("-3.5"), Decimal(2))
    doc_before = pages(before.pdf(framed=False))[0]
    doc_after = pages(after.pdf(framed=False))[0]
    name = world.proposal.lines[0].recipient_name
    moved = doc_after.find(name)[0].x0 - doc_before.find(name)[0].x0
    assert abs(moved - (-3.5 * 72 / 25.4)) < 0.2
    assert doc_after.find("Lê Văn Ký") and doc_after.find("PHÓ CHỦ TỊCH")
    assert page_problems(after.pages[0], doc_after, after.offsets) == []


def test_the_test_page_has_rulers_and_crosshairs(world, client, login_as):
    login_as(world.secretariat)
    response = client.get("/khen-thuong/in-phoi/can-chinh/trang-in-thu.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    [page] = pages(response.data)
    texts = [w.text for w in page.words]
    assert "TRANG" in texts and {"10", "50", "100", "200", "280"} <= set(texts)
    ten = next(w for w in page.words if w.text == "10" and w.y0 < 40)  # the top ruler's 10 mm mark
    assert abs((ten.x0 + ten.x1) / 2 - 10 * 72 / 25.4) < 1


def test_missing_fonts_are_named_with_their_package(app, tmp_path, monkeypatch):
    monkeypatch.setattr(fonts, "_registered", {})
    with pytest.raises(fonts.FontsMissing) as error:
        fonts.font_name(FontFace.SERIF, directories=[str(tmp_path)])
    assert "fonts-liberation2" in str(error.value) and "apt-get install" in str(error.value)


def test_a_font_without_vietnamese_letters_is_passed_over(app, monkeypatch):
    """Debian 12's fonts-liberation (1.x) has no Vietnamese: its file is skipped for DejaVu's."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    old = "/usr/share/fonts/truetype/liberation"
    monkeypatch.setattr(fonts, "_registered", {})
    chosen = pdfmetrics.getFont(fonts.font_name(FontFace.SERIF, directories=[old, "/usr/share/fonts/truetype/dejavu"]))
    assert fonts.has_vietnamese(chosen)
    old_file = f"{old}/LiberationSerif-Regular.ttf"
    if not fonts.has_vietnamese(TTFont("probe", old_file)):
        assert chosen.face.filename != old_file and "DejaVuSerif" in chosen.face.filename


def test_observers_read_but_do_not_edit(world, client, login_as):
    _approve(world)
    from tests.factories import make_user

    observer = make_user(Role.OBSERVER, full_name="Người theo dõi")
    db.session.commit()
    login_as(observer)
    assert client.get(f"/khen-thuong/de-nghi/{world.proposal.id}/in-phoi.pdf").status_code == 200
    assert client.get(f"/khen-thuong/hinh-thuc/{world.form.id}/mau-phoi").status_code == 403
    assert client.get("/khen-thuong/in-phoi/can-chinh").status_code == 403


def test_a_field_left_unprinted_is_not_on_the_page(world, app, client, login_as):
    """A blank with the decision pre-printed: untick it and the page carries no such line."""
    _approve(world)
    login_as(world.secretariat)
    data = _layout_data(default_layout(world.form.name))
    del data["decision-is_printed"]
    assert client.post(f"/khen-thuong/hinh-thuc/{world.form.id}/mau-phoi", data=data).status_code == 303
    certificates = services.proposal_certificates(world.proposal, app.config)
    [page] = pages(certificates.pdf(framed=False))
    assert "77/QĐ-UBND" not in [w.text for w in page.words]
    assert page_problems(certificates.pages[0], page, certificates.offsets) == []


def test_a_revoked_award_gets_no_certificate(world, app, client, login_as):
    _approve(world)
    line = world.proposal.lines[0]
    decisions.revoke_award(line, "Hồ sơ không đúng sự thật.", actor=world.secretariat)
    db.session.commit()
    login_as(world.secretariat)
    response = client.get(f"/khen-thuong/de-nghi/{world.proposal.id}/in-phoi/dong-{line.id}.pdf",
                          follow_redirects=True)
    assert response.mimetype == "text/html"
    assert f"Không in phôi cho {line.recipient_name}: khen thưởng này đã bị hủy." in response.get_data(as_text=True)
    page = client.get(f"/khen-thuong/de-nghi/{world.proposal.id}/in-phoi").get_data(as_text=True)
    assert "Đã hủy khen thưởng, không in" in page
    assert services.proposal_certificates(world.proposal, app.config).pages == []
    whole = client.get(f"/khen-thuong/de-nghi/{world.proposal.id}/in-phoi.pdf", follow_redirects=True)
    assert whole.mimetype == "text/html" and "Không có phôi nào để in" in whole.get_data(as_text=True)
